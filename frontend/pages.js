// The pages of a lesson, as the browser follows them: the mirror of draw/pages.py. Every item
// lies on one page (its item's `page`; none: the first), every edit reaches one. The board holds
// the ink of every page and shows the current page's alone (board.js), so turning a page
// repaints from what is here: nothing is fetched but, once, the page's picture.

// The page of a board made before pages, and of a new board's one page.
export const FIRST_PAGE = '1';

/** The page an item lies on. */
export function pageOfItem(item) {
  return item?.page ?? FIRST_PAGE;
}

const EDITS = new Set(['undo', 'redo', 'clear', 'erase', 'move', 'remove.ink']);

/**
 * `message` as made on `page`: a stroke's begin puts its item there, an edit reaches that page
 * only. Made while on a page, it stays on it even when the page turns before it is sent.
 */
export function placedOnPage(message, page) {
  if (message.type === 'stroke.begin') {
    return message.item.page ? message : { ...message, item: { ...message.item, page } };
  }
  if (EDITS.has(message.type) && !message.page) return { ...message, page };
  return message;
}

/** Where the page `id` is in `pages` ({id, background, picture} in order), or -1. */
export function pageIndex(pages, id) {
  return pages.findIndex((page) => page.id === id);
}

/** The id of the page `step` pages on from the current one (negative: back), or null past an end. */
export function pageAfter(settings, step) {
  const index = pageIndex(settings.pages, settings.page) + step;
  return index >= 0 && index < settings.pages.length ? settings.pages[index].id : null;
}

/** `pages` with `added` (pages, in order) inserted after the page `after`. */
export function withPagesAdded(pages, after, added) {
  const index = pageIndex(pages, after) + 1;
  return [...pages.slice(0, index), ...added, ...pages.slice(index)];
}

/** `pages` without the page `id`; the same pages when it is the only one. */
export function withPageRemoved(pages, id) {
  return pages.length > 1 ? pages.filter((page) => page.id !== id) : pages;
}

/** `pages` with the page `id` moved `step` places (negative: earlier), kept within the list. */
export function withPageMoved(pages, id, step) {
  const from = pageIndex(pages, id);
  const to = Math.min(Math.max(from + step, 0), pages.length - 1);
  if (from < 0 || from === to) return pages;
  const moved = [...pages];
  const [page] = moved.splice(from, 1);
  moved.splice(to, 0, page);
  return moved;
}

/** A new page's id: random, as stroke ids are, so two hosts' tabs never make the same one. */
export function newPageId(random = Math.random) {
  return `p${Math.floor(random() * 36 ** 8).toString(36)}`;
}

/** The pictures of the pages either side of the current one: what a turn shows next. */
export function neighbourPictures(settings) {
  const index = pageIndex(settings.pages, settings.page);
  return [settings.pages[index + 1], settings.pages[index - 1]].map((page) => page?.picture).filter(Boolean);
}
