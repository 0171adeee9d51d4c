// The picture under a board's ink (class setting `picture`): fetched by its digest from the
// board's assets, decoded once, and handed to the sketch. Assets are content-addressed and
// immutable, so the browser's cache answers a reload or a reconnect without a download.

// Pictures fetched ahead are remembered so each is fetched once; a lesson has at most 50 pages.
const WARMED = 64;

/**
 * Shows the picture a class setting names. `show(digest)` fetches and decodes it, then calls
 * `onPicture(bitmap)`; a newer digest wins over one still loading, and null clears it at once.
 */
export function createPictureLoader(assetsUrl, onPicture, { fetchImpl = fetch } = {}) {
  let wanted = null;
  let shown = null;
  // Digests fetched ahead into the browser's cache, newest last, at most WARMED of them.
  const warmed = [];
  return {
    /**
     * Fetch a picture into the browser's HTTP cache without showing it (the next page's), so the
     * page turn shows it without waiting for the network. Failures are left to show() to meet.
     */
    warm(digest) {
      if (!digest || digest === wanted || warmed.includes(digest)) return;
      warmed.push(digest);
      if (warmed.length > WARMED) warmed.shift();
      fetchImpl(`${assetsUrl}${digest}`, { priority: 'low' })
        .then((response) => response.blob())
        .catch(() => {});
    },
    async show(digest) {
      if (digest === wanted) return;
      wanted = digest;
      if (digest === null) {
        replace(null);
        return;
      }
      try {
        const response = await fetchImpl(`${assetsUrl}${digest}`);
        if (!response.ok) throw new Error(`picture ${digest}: HTTP ${response.status}`);
        const bitmap = await createImageBitmap(await response.blob());
        // Another picture was chosen while this one loaded: it is not shown.
        if (wanted !== digest) bitmap.close();
        else replace(bitmap);
      } catch (error) {
        if (wanted === digest) wanted = null;
        console.warn('the picture under the ink could not be loaded', error);
      }
    },
  };

  function replace(bitmap) {
    const before = shown;
    shown = bitmap;
    onPicture(bitmap);
    before?.close();
  }
}
