// Which page of a board an item lies on: the browser's mirror of draw/pages.py. A student's
// ink lies on their own page (their lane); the host's on every page (null), unless the host
// drew it on one student's page from the grid's large view, which the item names in `page`.

// Host participant ids hold this prefix, which ids made for everyone else never do.
const HOST_ID_PREFIX = 'host-';

/** The page an item of `author` lies on when it names none: the author's own, or null (every page). */
export function pageOf(author) {
  return author.startsWith(HOST_ID_PREFIX) ? null : author;
}

/** The page of a stroke {author, item}: the one its item names, else pageOf(author). */
export function pageOfItem(author, item) {
  return item?.page ?? pageOf(author);
}

/** Whether a stroke shows on one student's `page`: that page's own ink, and the host's on every page. */
export function showsOnPage(stroke, page) {
  const on = pageOfItem(stroke.author, stroke.item);
  return on === null || on === page;
}

/** Whether a stroke lies on `page` alone (what an edit on that page may reach). */
export function liesOnPage(stroke, page) {
  return pageOfItem(stroke.author, stroke.item) === page;
}

/**
 * `message` as sent from one student's `page`: a stroke's begin puts its item there, an erase,
 * a move or a clear reaches that page only. Other messages go as they are.
 */
export function placedOnPage(message, page) {
  if (!page) return message;
  if (message.type === 'stroke.begin') return { ...message, item: { ...message.item, page } };
  if (message.type === 'erase' || message.type === 'move' || message.type === 'clear') return { ...message, page };
  return message;
}
