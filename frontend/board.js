// The board as the browser knows it: strokes in drawing order, built only by applying
// protocol messages. Pure state; knows nothing of sockets or pixels. Each apply function
// says what changed, so the renderer paints just that, or everything when it must.
//
// A stroke is any item (items.js: ink, a shape, a text...), carried whole as `item`, with its
// points beside it. It is named by its author and its id together: ids are made by each author's
// client, so two people may use the same one. strokeKey() is the one way to key them.
//
// Live messages (stroke.begin/points/drop) are a fast preview; committed events, in seq
// order, are the truth: a committed stroke replaces its preview, hide/show flip
// visibility, and an event the board already has (seq <= board.seq) changes nothing.

import { movedPoints, stride } from './items.js';
import { kindOf } from './kinds/index.js';
import { showsInLane } from './lanes.js';
import { FIRST_PAGE, pageOfItem } from './pages.js';
import { EVENT, STROKE_BEGIN, STROKE_DROP, STROKE_END, STROKE_POINTS } from './protocol.js';

export const REPAINT = Object.freeze({ repaint: true });

/**
 * Items that changed where they lie or whether they show (hidden, shown, moved, dropped):
 * the renderer may repaint just where they were and are (`strokes`), or everything.
 */
export function repaintOf(strokes) {
  return { repaint: true, strokes };
}
export const GAP = Object.freeze({ gap: true });
// An event shows a stroke this board never had: it was hidden before this browser's snapshot,
// which carries visible strokes only. A fresh snapshot has it.
export const MISSING = Object.freeze({ missing: true });

// The author of strokes drawn here before the server has said who "here" is. Not a valid
// participant id, so it never names anyone else's stroke.
export const UNKNOWN_AUTHOR = '';
// The kind of a committed event that stands for a row left out of the board's log.
export const SKIPPED = 'skipped';

/**
 * An empty board. `onlyLane`, a student's id, makes it one student's page (the host's large
 * view from the grid): it still holds every stroke the socket brings, but shows only those on
 * that page (lanes.js), so nothing else is painted, picked or erased here.
 */
export function createBoard(width, height, { onlyLane = null, onlyAuthor = null } = {}) {
  // `page`: the lesson's page on show (pages.js); the ink of the others is held, not shown.
  // `onlyAuthor`: one participant's ink alone is shown (the host's replay filter); the rest is
  // held, so every event still applies.
  return { width, height, seq: 0, strokes: new Map(), onlyLane, onlyAuthor, page: FIRST_PAGE };
}

/** Whether a stroke shows here: not hidden, in this board's lane when it shows one, on its page. */
export function isShown(stroke) {
  return stroke.visible && !stroke.elsewhere && !stroke.offPage;
}

/** Show the lesson's page `page`: true when it is another than the one on show (repaint then). */
export function turnPage(board, page) {
  if (board.page === page) return false;
  board.page = page;
  for (const stroke of board.strokes.values()) stroke.offPage = pageOfItem(stroke.item) !== page;
  return true;
}

/** The key of the stroke `id` by `author` in board.strokes. */
export function strokeKey(author, id) {
  // Ids never hold a space (docs/protocol.md), so the key names one pair only.
  return `${author} ${id}`;
}

export function findStroke(board, author, id) {
  return board.strokes.get(strokeKey(author, id));
}

function newStroke(id, author, item, points) {
  return { id, author, item, points: [...points], done: false, committed: false, visible: true };
}

function addStroke(board, stroke) {
  // An item's page never changes: it is known once, as the stroke arrives.
  if (board.onlyLane && !showsInLane(stroke, board.onlyLane)) stroke.elsewhere = true;
  if (board.onlyAuthor && stroke.author !== board.onlyAuthor) stroke.elsewhere = true;
  stroke.offPage = pageOfItem(stroke.item) !== board.page;
  board.strokes.set(strokeKey(stroke.author, stroke.id), stroke);
}

/**
 * Apply a live message, or a committed event, from `author`.
 * Returns {stroke, from} (paint that stroke from point `from` on), REPAINT, GAP (an event
 * is missing: resync), MISSING (a stroke is missing: resync from a fresh snapshot), or null
 * when nothing changed.
 */
export function applyMessage(board, message, author = message.author) {
  switch (message.type) {
    case STROKE_BEGIN: {
      if (findStroke(board, author, message.stroke)) return null;
      const stroke = newStroke(message.stroke, author, message.item, message.points ?? []);
      // The author's display name, shown beside the tip while the stroke is drawn.
      stroke.name = typeof message.name === 'string' ? message.name : null;
      addStroke(board, stroke);
      return { stroke, from: 0 };
    }
    case STROKE_POINTS:
    case STROKE_END: {
      const stroke = findStroke(board, author, message.stroke);
      if (!stroke || stroke.done) return null;
      const from = stroke.points.length / stride(stroke.item.kind);
      stroke.points.push(...(message.points ?? []));
      if (message.type === STROKE_END) stroke.done = true;
      return { stroke, from };
    }
    case STROKE_DROP: {
      const stroke = findStroke(board, author, message.stroke);
      if (!stroke || stroke.committed) return null;
      removeStroke(board, author, message.stroke);
      return repaintOf([stroke]);
    }
    case EVENT:
      return applyEvent(board, message);
    default:
      return null;
  }
}

/** Apply one committed event in seq order. */
export function applyEvent(board, event) {
  if (event.seq <= board.seq) return null;
  if (event.seq > board.seq + 1) return GAP;
  if ((event.show ?? []).some(([author, id]) => !findStroke(board, author, id))) return MISSING;
  board.seq = event.seq;
  // A row of the log the server left out (it could not be read back): it takes its seq, so
  // the next event is no gap, and changes nothing.
  if (event.kind === SKIPPED) return null;
  if (event.kind === 'stroke') {
    const existing = findStroke(board, event.author, event.stroke);
    const stroke = existing ?? newStroke(event.stroke, event.author, event.item, []);
    Object.assign(stroke, {
      item: event.item,
      points: [...event.points],
      done: true,
      committed: true,
      visible: true,
    });
    // Committed strokes lie in seq order, as on every other screen: a preview begun earlier
    // moves up to its place.
    if (existing) removeStroke(board, event.author, event.stroke);
    addStroke(board, stroke);
    return { stroke, from: 0 };
  }
  if (event.move) {
    return repaintOf(moveStrokes(board, event.move, event.by[0], event.by[1]));
  }
  const hidden = setVisible(board, event.hide ?? [], false);
  const shown = setVisible(board, event.show ?? [], true);
  return repaintOf([...hidden, ...shown]);
}

/**
 * Move the strokes named by [author, id] pairs by (dx, dy) board units; others are skipped.
 * Returns the strokes moved.
 */
export function moveStrokes(board, pairs, dx, dy) {
  const moved = [];
  for (const [author, id] of pairs) {
    const stroke = findStroke(board, author, id);
    if (!stroke) continue;
    stroke.points = movedPoints(stroke.item, stroke.points, dx, dy);
    // Moved for good: the offset it was shown at while its move was on the way goes.
    delete stroke.nudge;
    moved.push(stroke);
  }
  return moved;
}

/**
 * Show items named by [author, id] pairs at `nudge` [dx, dy] from where they are, without
 * moving them: a move being dragged, or sent and not yet committed. null puts them back.
 * Returns the strokes found.
 */
export function nudgeStrokes(board, pairs, nudge) {
  const found = [];
  for (const [author, id] of pairs) {
    const stroke = findStroke(board, author, id);
    if (!stroke) continue;
    if (nudge) stroke.nudge = nudge;
    else delete stroke.nudge;
    found.push(stroke);
  }
  return found;
}

/** A move refused: its items are shown where they are again (returns them). */
export function settleMoves(board, pairs) {
  return nudgeStrokes(board, pairs, null);
}

/**
 * Apply one part of a snapshot: [id, author, item, points, seq] strokes.
 * The first part replaces every committed stroke; strokes not yet committed (being drawn,
 * or waiting to be sent) stay. Parts may hold any number of strokes.
 * Returns {received, total}.
 */
export function applySnapshot(board, part) {
  if (part.index === 0) {
    for (const [key, stroke] of board.strokes) if (stroke.committed) board.strokes.delete(key);
  }
  for (const [id, author, item, points] of part.strokes) {
    // The part's own point lists, not copies: a whole board's million points take time to copy,
    // and nothing else holds the message.
    const stroke = { id, author, item, points, done: true, committed: true, visible: true };
    addStroke(board, stroke);
  }
  const received = part.index + part.strokes.length;
  if (received >= part.total) board.seq = part.seq;
  return { received, total: part.total };
}

/**
 * Show or hide strokes named by [author, id] pairs; pairs not on the board are skipped.
 * Returns the strokes found.
 */
export function setVisible(board, pairs, visible) {
  const found = [];
  for (const [author, id] of pairs) {
    const stroke = findStroke(board, author, id);
    if (!stroke) continue;
    stroke.visible = visible;
    found.push(stroke);
  }
  return found;
}

export function removeStroke(board, author, id) {
  return board.strokes.delete(strokeKey(author, id));
}

/**
 * Strokes drawn here and not yet committed pass from `from` to `to`: the server has said
 * who this browser is (or, after a lost token, that it is someone new). Drawing order stays.
 * Returns the ids that moved.
 */
export function reassignAuthor(board, from, to) {
  const moved = [];
  if (from === to) return moved;
  const strokes = new Map();
  for (const [key, stroke] of board.strokes) {
    if (stroke.author === from && !stroke.committed) {
      stroke.author = to;
      moved.push(stroke.id);
      strokes.set(strokeKey(to, stroke.id), stroke);
    } else {
      strokes.set(key, stroke);
    }
  }
  board.strokes = strokes;
  return moved;
}

/**
 * Forget the live previews of everyone but `author`: a new socket hears every stroke still
 * being drawn again, with its points so far, while a preview kept from the old socket may
 * belong to a stroke whose drop went by unheard. Returns whether any went.
 */
export function dropPreviews(board, author) {
  let dropped = false;
  for (const [key, stroke] of board.strokes) {
    if (!stroke.committed && stroke.author !== author) {
      board.strokes.delete(key);
      dropped = true;
    }
  }
  return dropped;
}

/** Strokes being drawn by others than `me`: begun, neither committed nor dropped yet. */
export function strokesInProgress(board, me) {
  const strokes = [];
  for (const stroke of board.strokes.values()) if (!stroke.committed && stroke.author !== me) strokes.push(stroke);
  return strokes;
}

/** The authors of the strokes with this id on the board, in drawing order. */
export function authorsOf(board, id) {
  const authors = [];
  for (const stroke of board.strokes.values()) if (stroke.id === id) authors.push(stroke.author);
  return authors;
}

/** [author, id] pairs of the visible items passing within `radius` board units of (x, y). */
export function strokesNear(board, x, y, radius) {
  const found = [];
  for (const stroke of board.strokes.values()) {
    if (isShown(stroke) && kindOf(stroke)?.hits(stroke, x, y, radius)) found.push([stroke.author, stroke.id]);
  }
  return found;
}

/** The topmost visible item within `radius` of (x, y) that `may(stroke)` allows, or null. */
export function topmostNear(board, x, y, radius, may = () => true) {
  let found = null;
  for (const stroke of board.strokes.values()) {
    if (isShown(stroke) && may(stroke) && kindOf(stroke)?.hits(stroke, x, y, radius)) found = stroke;
  }
  return found;
}

/** Board units for a pointer position, clamped to the board and rounded. */
export function clampToBoard(board, x, y) {
  return [
    Math.min(board.width, Math.max(0, Math.round(x))),
    Math.min(board.height, Math.max(0, Math.round(y))),
  ];
}
