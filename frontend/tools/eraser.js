// The stroke eraser: dragging over the board removes every whole stroke it touches.
// Touched strokes disappear at once; one erase message goes out when the pointer lifts.

import { clampToBoard, setVisible, strokesNear } from '../board.js';
import { erase } from '../protocol.js';
import { screenToBoard } from '../view.js';

export const ERASER_RADIUS = 12; // board units

export function attachEraser(canvas, { board, getView, isActive, onErase, repaint }) {
  const touched = new Map(); // pointerId -> Set of stroke ids

  function rub(event) {
    const rect = canvas.getBoundingClientRect();
    const [x, y] = clampToBoard(
      board,
      ...screenToBoard(getView(), event.clientX - rect.left, event.clientY - rect.top),
    );
    const ids = strokesNear(board, x, y, ERASER_RADIUS);
    if (!ids.length) return;
    for (const id of ids) touched.get(event.pointerId).add(id);
    setVisible(board, ids, false);
    repaint();
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (!isActive() || (event.button !== 0 && event.pointerType === 'mouse')) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    touched.set(event.pointerId, new Set());
    rub(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!touched.has(event.pointerId)) return;
    event.preventDefault();
    for (const sample of event.getCoalescedEvents?.() ?? [event]) rub(sample);
  });
  const lift = (event) => {
    const ids = touched.get(event.pointerId);
    if (!ids) return;
    touched.delete(event.pointerId);
    if (ids.size) onErase(erase([...ids]));
  };
  canvas.addEventListener('pointerup', lift);
  canvas.addEventListener('pointercancel', lift);
}
