// The banner a student sees while the host has put pens down: large, so a class looking up
// at their screens knows at once why the pen does nothing.

export function createPensDownBanner(banner) {
  return {
    show(down) {
      banner.hidden = !down;
    },
  };
}
