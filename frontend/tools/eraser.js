// The eraser: dragging over the board removes every whole item it touches (a stroke, a shape,
// a text) that this participant may erase (a student only their own; the server enforces it
// too). Touched items disappear at once; one erase message goes out when the pointer lifts.

import { setVisible, strokeKey, strokesNear } from '../board.js';
import { erase } from '../protocol.js';
import { gettext_noop } from '../i18n.js';
import { boardPoint, icon, isPrimaryPress, samplesOf } from './pointer.js';

// The eraser's reach in CSS pixels: the same on screen however far the view is zoomed.
export const ERASER_PIXELS = 10;

export default Object.freeze({
  name: 'eraser',
  label: gettext_noop('Eraser'),
  shortcut: 'e',
  icon: icon('<path d="M8 20h12"/><path d="M4 16l9-9 5 5-8 8H8z"/><path d="M9 11l5 5"/>'),
  attach(canvas, { board, getView, isActive, mayErase, queueEdit, repaint }) {
    const touched = new Map(); // pointerId -> Map of stroke key -> [author, id]

    function rub(event) {
      const view = getView();
      const [x, y] = boardPoint(canvas, board, view, event);
      const pairs = strokesNear(board, x, y, ERASER_PIXELS / view.scale).filter(([author]) => mayErase(author));
      if (!pairs.length) return;
      const rubbed = touched.get(event.pointerId);
      for (const [author, id] of pairs) rubbed.set(strokeKey(author, id), [author, id]);
      // Only where the items lay is painted again (sketch.js).
      repaint(setVisible(board, pairs, false));
    }

    canvas.addEventListener('pointerdown', (event) => {
      if (!isActive('eraser') || !isPrimaryPress(event)) return;
      event.preventDefault();
      canvas.setPointerCapture?.(event.pointerId);
      touched.set(event.pointerId, new Map());
      rub(event);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!touched.has(event.pointerId)) return;
      event.preventDefault();
      for (const sample of samplesOf(event)) rub(sample);
    });
    const lift = (event) => {
      const rubbed = touched.get(event.pointerId);
      if (!rubbed) return;
      touched.delete(event.pointerId);
      if (rubbed.size) queueEdit(erase([...rubbed.values()]));
    };
    canvas.addEventListener('pointerup', lift);
    canvas.addEventListener('pointercancel', lift);
    return { cancel: () => touched.clear() };
  },
});
