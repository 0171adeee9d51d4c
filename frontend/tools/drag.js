// Drawing a shape by dragging: press at one corner (or end), drag to the other, release.
// Others see it follow the drag: each new end point goes out as the stroke's next point, and
// the item is drawn from its first point to its last. Shift constrains it (constrain()).

import { newId, strokeBegin, strokeEnd, strokePoints } from '../protocol.js';
import { touchMayDraw } from './freehand.js';
import { boardPoint, isPrimaryPress } from './pointer.js';

/** The end (x, y) a Shift-drag from (x0, y0) snaps to: the same angle every 45 degrees. */
export function snapAngle(x0, y0, x, y) {
  const dx = x - x0;
  const dy = y - y0;
  const length = Math.hypot(dx, dy);
  const angle = Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) * (Math.PI / 4);
  return [Math.round(x0 + length * Math.cos(angle)), Math.round(y0 + length * Math.sin(angle))];
}

/** The end (x, y) a Shift-drag from (x0, y0) snaps to: a square box, on the pointer's side. */
export function squareBox(x0, y0, x, y) {
  const side = Math.max(Math.abs(x - x0), Math.abs(y - y0));
  return [x0 + Math.sign(x - x0 || 1) * side, y0 + Math.sign(y - y0 || 1) * side];
}

/** kind: the item's kind; constrain(x0, y0, x, y): where Shift puts the end. */
export function attachDrag(canvas, tools, { name, kind, constrain }) {
  const { board, getView, getStyle, isActive, can, maxPointsPerStroke, emit } = tools;
  const active = new Map(); // pointerId -> {stroke, start, last, count}

  function endOf(current, event) {
    const [x, y] = boardPoint(canvas, board, getView(), event);
    if (!event.shiftKey) return [x, y];
    const [sx, sy] = constrain(current.start[0], current.start[1], x, y);
    return [Math.min(board.width, Math.max(0, sx)), Math.min(board.height, Math.max(0, sy))];
  }

  function drag(current, event) {
    const end = endOf(current, event);
    if (end[0] === current.last[0] && end[1] === current.last[1]) return;
    if (current.stroke === null) {
      // A finger waits as the pen does (freehand.js): a second one may make this a pinch.
      const { x, y, time, touch } = current.down;
      if (touch && !touchMayDraw(x, y, time, event.clientX, event.clientY, event.timeStamp)) return;
      // Begun at the first move, so a click that drags nothing leaves nothing.
      current.stroke = newId();
      const { color, width } = getStyle();
      emit(strokeBegin(current.stroke, { kind, color, width }, current.start));
    }
    // The server keeps the ends only; a drag longer than a stroke's points waits for the release.
    if (current.count >= maxPointsPerStroke() - 1) {
      current.pending = end;
      return;
    }
    current.count += 1;
    current.last = end;
    emit(strokePoints(current.stroke, end));
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (!isActive(name) || !can('draw') || !isPrimaryPress(event)) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    const start = boardPoint(canvas, board, getView(), event);
    const down = { x: event.clientX, y: event.clientY, time: event.timeStamp, touch: event.pointerType === 'touch' };
    active.set(event.pointerId, { stroke: null, start, last: start, count: 1, pending: null, down });
  });
  canvas.addEventListener('pointermove', (event) => {
    const current = active.get(event.pointerId);
    if (!current) return;
    event.preventDefault();
    drag(current, event);
  });
  const lift = (event) => {
    const current = active.get(event.pointerId);
    if (!current) return;
    event.preventDefault();
    active.delete(event.pointerId);
    if (event.type === 'pointerup') drag(current, event);
    if (current.stroke !== null) emit(strokeEnd(current.stroke, current.pending ?? []));
  };
  canvas.addEventListener('pointerup', lift);
  canvas.addEventListener('pointercancel', lift);

  return {
    cancel() {
      for (const current of active.values()) if (current.stroke !== null) emit(strokeEnd(current.stroke));
      active.clear();
    },
  };
}
