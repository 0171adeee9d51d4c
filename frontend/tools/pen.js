// The pen: pointer events (mouse, touch, pen) on the canvas become stroke messages.
// Each pointer draws its own stroke, so two fingers make two lines.

import { clampToBoard } from '../board.js';
import { newId, strokeBegin, strokeEnd, strokePoints } from '../protocol.js';
import { screenToBoard } from '../view.js';

export const TOOL = Object.freeze({ name: 'pen', label: 'Pen', shortcut: 'p', title: 'Pen (P)' });

export function attachPen(canvas, { board, getView, getStyle, isActive, maxPointsPerStroke, emit }) {
  const active = new Map(); // pointerId -> {stroke, lastX, lastY}

  function boardPoint(event) {
    const rect = canvas.getBoundingClientRect();
    const [x, y] = screenToBoard(getView(), event.clientX - rect.left, event.clientY - rect.top);
    return clampToBoard(board, x, y);
  }

  function onDown(event) {
    if (!isActive() || (event.button !== 0 && event.pointerType === 'mouse')) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    const [x, y] = boardPoint(event);
    const { color, width } = getStyle();
    const stroke = newId();
    active.set(event.pointerId, { stroke, lastX: x, lastY: y, count: 1 });
    emit(strokeBegin(stroke, color, width, [x, y]));
  }

  function onMove(event) {
    const current = active.get(event.pointerId);
    if (!current) return;
    event.preventDefault();
    // Coalesced events keep fast strokes smooth where the browser merged pointer moves.
    const events = event.getCoalescedEvents?.() ?? [];
    const points = [];
    for (const sample of events.length ? events : [event]) {
      const [x, y] = boardPoint(sample);
      if (x === current.lastX && y === current.lastY) continue;
      if (current.count >= maxPointsPerStroke()) {
        // A very long line goes on as a new stroke instead of being cut off by the server.
        if (points.length) emit(strokePoints(current.stroke, points.splice(0)));
        emit(strokeEnd(current.stroke));
        const { color, width } = getStyle();
        current.stroke = newId();
        current.count = 1;
        emit(strokeBegin(current.stroke, color, width, [current.lastX, current.lastY]));
      }
      points.push(x, y);
      current.count += 1;
      current.lastX = x;
      current.lastY = y;
    }
    if (points.length) emit(strokePoints(current.stroke, points));
  }

  function onUp(event) {
    const current = active.get(event.pointerId);
    if (!current) return;
    event.preventDefault();
    active.delete(event.pointerId);
    emit(strokeEnd(current.stroke));
  }

  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  // Touch must draw, not scroll or zoom the page.
  canvas.addEventListener('touchstart', (event) => event.preventDefault(), { passive: false });
  canvas.addEventListener('touchmove', (event) => event.preventDefault(), { passive: false });
}
