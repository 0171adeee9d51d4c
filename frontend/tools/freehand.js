// Drawing a path item with the pointer: each pointer draws its own item, begun on press,
// continued with every move and ended on release. The pen (ink), the marker and the
// highlighter differ only in the item they make and the numbers of each point.

import { newId, strokeBegin, strokeEnd, strokePoints } from '../protocol.js';
import { boardPoint, isPrimaryPress, samplesOf } from './pointer.js';

// A finger's stroke is held back until it has gone this far (CSS pixels) or this long (ms):
// a second finger landing before then makes a pinch, and the first leaves no dot behind.
export const TOUCH_HOLD_PIXELS = 8;
export const TOUCH_HOLD_MS = 120;

/** Whether a touch held back since (x0, y0, t0) may begin drawing at (x, y, t). */
export function touchMayDraw(x0, y0, t0, x, y, t) {
  return Math.hypot(x - x0, y - y0) >= TOUCH_HOLD_PIXELS || t - t0 >= TOUCH_HOLD_MS;
}

/**
 * makeItem(style): the item a press begins; pointNumbers(event, x, y): the numbers of one
 * point (x, y, and for ink its pressure), given a fresh state per stroke by newState().
 */
export function attachFreehand(canvas, tools, { name, makeItem, pointNumbers, newState = () => ({}) }) {
  const { board, getView, getStyle, isActive, can, maxPointsPerStroke, emit } = tools;
  const active = new Map(); // pointerId -> {stroke, lastX, lastY, count, state, held}

  function numbers(current, event) {
    const [x, y] = boardPoint(canvas, board, getView(), event);
    return pointNumbers(current.state, event, x, y);
  }

  function begin(current, event, first) {
    current.stroke = newId();
    current.count = 1;
    current.lastX = first[0];
    current.lastY = first[1];
    emit(strokeBegin(current.stroke, makeItem(getStyle()), first));
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (!isActive(name) || !can('draw') || !isPrimaryPress(event)) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    const current = { state: newState(), held: null };
    active.set(event.pointerId, current);
    const first = numbers(current, event);
    if (event.pointerType === 'touch') {
      current.held = { first, x: event.clientX, y: event.clientY, time: event.timeStamp };
      return;
    }
    begin(current, event, first);
  });

  // A held touch begins its stroke once it may, with the place it went down.
  function release(current, event) {
    const { first, x, y, time } = current.held;
    if (!touchMayDraw(x, y, time, event.clientX, event.clientY, event.timeStamp)) return false;
    current.held = null;
    begin(current, event, first);
    return true;
  }

  canvas.addEventListener('pointermove', (event) => {
    const current = active.get(event.pointerId);
    if (!current) return;
    event.preventDefault();
    if (current.held && !release(current, event)) return;
    const points = [];
    for (const sample of samplesOf(event)) {
      const point = numbers(current, sample);
      if (point[0] === current.lastX && point[1] === current.lastY) continue;
      if (current.count >= maxPointsPerStroke()) {
        // A very long line goes on as a new item instead of being cut off by the server.
        if (points.length) emit(strokePoints(current.stroke, points.splice(0)));
        emit(strokeEnd(current.stroke));
        begin(current, sample, [current.lastX, current.lastY, ...point.slice(2)]);
      }
      points.push(...point);
      current.count += 1;
      current.lastX = point[0];
      current.lastY = point[1];
    }
    if (points.length) emit(strokePoints(current.stroke, points));
  });

  const lift = (event) => {
    const current = active.get(event.pointerId);
    if (!current) return;
    event.preventDefault();
    active.delete(event.pointerId);
    if (current.held) {
      // A tap: a dot where the finger was, unless the tap was cancelled.
      if (event.type !== 'pointerup') return;
      begin(current, event, current.held.first);
    }
    emit(strokeEnd(current.stroke));
  };
  canvas.addEventListener('pointerup', lift);
  canvas.addEventListener('pointercancel', lift);

  return {
    /**
     * Stop every stroke now (a second finger turned the touch into a pinch): one still held
     * back leaves nothing; one already drawing ends as drawn.
     */
    cancel() {
      for (const current of active.values()) if (!current.held) emit(strokeEnd(current.stroke));
      active.clear();
    },
  };
}
