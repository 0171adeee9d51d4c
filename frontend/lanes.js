// Which page of a board an item lies on: the browser's mirror of draw/lanes.py. A student's
// ink lies on their own page (their lane); the host's on every page (null), unless the host
// drew it on one student's page from the grid's large view, which the item names in `lane`.

// Host participant ids hold this prefix, which ids made for everyone else never do.
const HOST_ID_PREFIX = 'host-';

/** The page an item of `author` lies on when it names none: the author's own, or null (every page). */
export function laneOf(author) {
  return author.startsWith(HOST_ID_PREFIX) ? null : author;
}

/** The page of a stroke {author, item}: the one its item names, else laneOf(author). */
export function laneOfItem(author, item) {
  return item?.lane ?? laneOf(author);
}

/** Whether a stroke shows on one student's `page`: that page's own ink, and the host's on every page. */
export function showsInLane(stroke, page) {
  const on = laneOfItem(stroke.author, stroke.item);
  return on === null || on === page;
}

/** Whether a stroke lies on `page` alone (what an edit on that page may reach). */
export function liesInLane(stroke, page) {
  return laneOfItem(stroke.author, stroke.item) === page;
}

/**
 * `message` as sent from one student's `page`: a stroke's begin puts its item there, an erase,
 * a move or a clear reaches that page only. Other messages go as they are.
 */
export function placedInLane(message, page) {
  if (!page) return message;
  if (message.type === 'stroke.begin') return { ...message, item: { ...message.item, lane: page } };
  if (message.type === 'erase' || message.type === 'move' || message.type === 'clear') return { ...message, lane: page };
  return message;
}
