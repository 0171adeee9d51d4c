// The board as the browser knows it: strokes in drawing order, built only by applying
// protocol messages. Pure state; knows nothing of sockets or pixels. The renderer asks
// applyMessage what changed and paints just that.

import { STROKE_BEGIN, STROKE_END, STROKE_POINTS } from './protocol.js';

export function createBoard(width, height) {
  return { width, height, strokes: new Map() };
}

/** Key of a stroke: ids are made by clients, so two authors could pick the same one. */
export function strokeKey(author, stroke) {
  return `${author}/${stroke}`;
}

/**
 * Apply one message from `author` to the board.
 * Returns {stroke, from}: the stroke that changed and the index of its first new point,
 * or null when nothing changed (e.g. points of a stroke whose beginning was never seen).
 */
export function applyMessage(board, message, author) {
  const key = strokeKey(author, message.stroke);
  switch (message.type) {
    case STROKE_BEGIN: {
      if (board.strokes.has(key)) return null;
      const stroke = {
        key,
        id: message.stroke,
        author,
        color: message.color,
        width: message.width,
        points: [...(message.points ?? [])],
        done: false,
      };
      board.strokes.set(key, stroke);
      return { stroke, from: 0 };
    }
    case STROKE_POINTS:
    case STROKE_END: {
      const stroke = board.strokes.get(key);
      if (!stroke || stroke.done) return null;
      const from = stroke.points.length / 2;
      stroke.points.push(...(message.points ?? []));
      if (message.type === STROKE_END) stroke.done = true;
      return { stroke, from };
    }
    default:
      return null;
  }
}

/** Board units for a pointer position, clamped to the board and rounded. */
export function clampToBoard(board, x, y) {
  return [
    Math.min(board.width, Math.max(0, Math.round(x))),
    Math.min(board.height, Math.max(0, Math.round(y))),
  ];
}
