// The stroke eraser: dragging over the board removes every whole stroke it touches that this
// participant may erase (a student only their own; the server enforces it too).
// Touched strokes disappear at once; one erase message goes out when the pointer lifts.

import { clampToBoard, setVisible, strokeKey, strokesNear } from '../board.js';
import { erase } from '../protocol.js';
import { screenToBoard } from '../view.js';

export const TOOL = Object.freeze({ name: 'eraser', label: 'Eraser', shortcut: 'e', title: 'Eraser (E)' });

export const ERASER_RADIUS = 12; // board units

/** mayErase(author): whether strokes by `author` may be erased here. */
export function attachEraser(canvas, { board, getView, isActive, mayErase = () => true, onErase, repaint }) {
  const touched = new Map(); // pointerId -> Map of stroke key -> [author, id]

  function rub(event) {
    const rect = canvas.getBoundingClientRect();
    const [x, y] = clampToBoard(
      board,
      ...screenToBoard(getView(), event.clientX - rect.left, event.clientY - rect.top),
    );
    const pairs = strokesNear(board, x, y, ERASER_RADIUS).filter(([author]) => mayErase(author));
    if (!pairs.length) return;
    const rubbed = touched.get(event.pointerId);
    for (const [author, id] of pairs) rubbed.set(strokeKey(author, id), [author, id]);
    setVisible(board, pairs, false);
    repaint();
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (!isActive() || (event.button !== 0 && event.pointerType === 'mouse')) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    touched.set(event.pointerId, new Map());
    rub(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!touched.has(event.pointerId)) return;
    event.preventDefault();
    for (const sample of event.getCoalescedEvents?.() ?? [event]) rub(sample);
  });
  const lift = (event) => {
    const rubbed = touched.get(event.pointerId);
    if (!rubbed) return;
    touched.delete(event.pointerId);
    if (rubbed.size) onErase(erase([...rubbed.values()]));
  };
  canvas.addEventListener('pointerup', lift);
  canvas.addEventListener('pointercancel', lift);
}
