// The board as the browser knows it: strokes in drawing order, built only by applying
// protocol messages. Pure state; knows nothing of sockets or pixels. Each apply function
// says what changed, so the renderer paints just that, or everything when it must.
//
// Live messages (stroke.begin/points/drop) are a fast preview; committed events, in seq
// order, are the truth: a committed stroke replaces its preview, hide/show flip
// visibility, and an event the board already has (seq <= board.seq) changes nothing.

import { EVENT, STROKE_BEGIN, STROKE_DROP, STROKE_END, STROKE_POINTS } from './protocol.js';

export const REPAINT = Object.freeze({ repaint: true });
export const GAP = Object.freeze({ gap: true });

export function createBoard(width, height) {
  return { width, height, seq: 0, strokes: new Map() };
}

function newStroke(id, author, color, width, points) {
  return { id, author, color, width, points: [...points], done: false, committed: false, visible: true };
}

/**
 * Apply a live message, or a committed event, from `author`.
 * Returns {stroke, from} (paint that stroke from point `from` on), REPAINT, GAP (an event
 * is missing: resync), or null when nothing changed.
 */
export function applyMessage(board, message, author = message.author) {
  switch (message.type) {
    case STROKE_BEGIN: {
      if (board.strokes.has(message.stroke)) return null;
      const stroke = newStroke(message.stroke, author, message.color, message.width, message.points ?? []);
      board.strokes.set(stroke.id, stroke);
      return { stroke, from: 0 };
    }
    case STROKE_POINTS:
    case STROKE_END: {
      const stroke = board.strokes.get(message.stroke);
      if (!stroke || stroke.done) return null;
      const from = stroke.points.length / 2;
      stroke.points.push(...(message.points ?? []));
      if (message.type === STROKE_END) stroke.done = true;
      return { stroke, from };
    }
    case STROKE_DROP: {
      const stroke = board.strokes.get(message.stroke);
      if (!stroke || stroke.committed) return null;
      board.strokes.delete(message.stroke);
      return REPAINT;
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
  board.seq = event.seq;
  if (event.kind === 'stroke') {
    const existing = board.strokes.get(event.stroke);
    const stroke = existing ?? newStroke(event.stroke, event.author, event.color, event.width, []);
    Object.assign(stroke, {
      author: event.author,
      color: event.color,
      width: event.width,
      points: [...event.points],
      done: true,
      committed: true,
      visible: true,
    });
    if (!existing) board.strokes.set(stroke.id, stroke);
    return { stroke, from: 0 };
  }
  setVisible(board, event.hide ?? [], false);
  setVisible(board, event.show ?? [], true);
  return REPAINT;
}

/**
 * Apply one part of a snapshot: [id, author, colour, width, points, seq] strokes.
 * The first part replaces every committed stroke; strokes not yet committed (being drawn,
 * or waiting to be sent) stay. Returns {received, total}.
 */
export function applySnapshot(board, part) {
  if (part.index === 0) {
    for (const [id, stroke] of board.strokes) if (stroke.committed) board.strokes.delete(id);
  }
  for (const [id, author, color, width, points] of part.strokes) {
    const stroke = newStroke(id, author, color, width, points);
    Object.assign(stroke, { done: true, committed: true });
    board.strokes.set(id, stroke);
  }
  const received = part.index + part.strokes.length;
  if (received >= part.total) board.seq = part.seq;
  return { received, total: part.total };
}

export function setVisible(board, ids, visible) {
  for (const id of ids) {
    const stroke = board.strokes.get(id);
    if (stroke) stroke.visible = visible;
  }
}

export function removeStroke(board, id) {
  return board.strokes.delete(id);
}

/** Ids of visible strokes passing within `radius` board units of (x, y). */
export function strokesNear(board, x, y, radius) {
  const found = [];
  for (const stroke of board.strokes.values()) {
    if (!stroke.visible) continue;
    const reach = radius + stroke.width / 2;
    const p = stroke.points;
    for (let i = 0; i < p.length; i += 2) {
      const ax = p[i];
      const ay = p[i + 1];
      const bx = i + 2 < p.length ? p[i + 2] : ax;
      const by = i + 2 < p.length ? p[i + 3] : ay;
      if (distanceToSegment(x, y, ax, ay, bx, by) <= reach) {
        found.push(stroke.id);
        break;
      }
    }
  }
  return found;
}

function distanceToSegment(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / lengthSquared)) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Board units for a pointer position, clamped to the board and rounded. */
export function clampToBoard(board, x, y) {
  return [
    Math.min(board.width, Math.max(0, Math.round(x))),
    Math.min(board.height, Math.max(0, Math.round(y))),
  ];
}
