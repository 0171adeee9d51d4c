// Select and move: press on an item to pick it and drag it away; drag from an empty spot to
// pick every item the box touches; Shift adds to the picked. Only items this participant may
// change can be picked (a student's own, a host's any; the server checks again). Picked
// items follow the pointer on this screen and move for everyone when it lifts. With the
// keyboard: arrows move them (Shift: further), Delete erases them, Escape lets go.

import { findStroke, isShown, nudgeStrokes, strokeKey, topmostNear } from '../board.js';
import { gettext, gettext_noop } from '../i18n.js';
import { kindOf } from '../kinds/index.js';
import { erase, move } from '../protocol.js';
import { boardPosition, icon, isPrimaryPress } from './pointer.js';

// How near an item a press picks it, in CSS pixels.
const PICK_PIXELS = 8;
// Board units an arrow key moves the picked items, and with Shift.
const KEY_STEP = 5;
const KEY_LEAP = 50;
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Whether two [left, top, right, bottom] boxes overlap. */
export function boxesMeet(a, b) {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

export default Object.freeze({
  name: 'select',
  label: gettext_noop('Select and move'),
  shortcut: 'v',
  icon: icon('<path d="M5 3l14 8-6 2-2 6z"/>'),
  attach(canvas, tools) {
    const { board, getView, isActive, mayErase, queueEdit, repaintLive, decorate, notify } = tools;
    let picked = new Map(); // stroke key -> [author, id]
    let press = null; // {pointerId, from: [x, y], moving, box}

    const mayPick = (stroke) => isShown(stroke) && stroke.committed && mayErase(stroke.author);
    const pickedStrokes = () =>
      [...picked.values()].map(([author, id]) => findStroke(board, author, id)).filter((stroke) => stroke && isShown(stroke));

    function pick(strokes, add) {
      if (!add) picked = new Map();
      for (const stroke of strokes) picked.set(strokeKey(stroke.author, stroke.id), [stroke.author, stroke.id]);
      repaintLive();
    }

    function sendMove(dx, dy) {
      const pairs = [...picked.values()];
      if (!pairs.length || (dx === 0 && dy === 0)) return;
      // Shown moved until the committed move arrives (board.js moveStrokes), or back if refused.
      const nudged = nudgeStrokes(board, pairs, [dx, dy]);
      queueEdit(move(pairs, [dx, dy]));
      tools.repaint(nudged);
    }

    canvas.addEventListener('pointerdown', (event) => {
      if (!isActive('select') || !isPrimaryPress(event) || press) return;
      event.preventDefault();
      canvas.setPointerCapture?.(event.pointerId);
      const view = getView();
      const from = boardPosition(canvas, view, event);
      const hit = topmostNear(board, from[0], from[1], PICK_PIXELS / view.scale, mayPick);
      if (hit && !picked.has(strokeKey(hit.author, hit.id))) pick([hit], event.shiftKey);
      else if (!hit && !event.shiftKey) pick([], false);
      press = { pointerId: event.pointerId, from, moving: Boolean(hit), box: hit ? null : [...from, ...from] };
    });

    canvas.addEventListener('pointermove', (event) => {
      if (!press || event.pointerId !== press.pointerId) return;
      event.preventDefault();
      const [x, y] = boardPosition(canvas, getView(), event);
      if (press.moving) {
        const nudge = [Math.round(x - press.from[0]), Math.round(y - press.from[1])];
        const nudged = nudgeStrokes(board, [...picked.values()], nudge);
        // Lifted off their layer once (only where they lay is painted again); then only the
        // top canvas follows the pointer.
        if (!press.lifted) tools.repaint(nudged);
        else repaintLive();
        press.lifted = true;
      } else {
        press.box = [press.from[0], press.from[1], x, y];
        repaintLive();
      }
    });

    const lift = (event) => {
      if (!press || event.pointerId !== press.pointerId) return;
      const { moving, box, from } = press;
      press = null;
      if (moving) {
        const [x, y] = boardPosition(canvas, getView(), event);
        const by = event.type === 'pointerup' ? [Math.round(x - from[0]), Math.round(y - from[1])] : [0, 0];
        if (by[0] === 0 && by[1] === 0) {
          tools.repaint(nudgeStrokes(board, [...picked.values()], null));
        } else {
          sendMove(...by);
        }
        return;
      }
      const area = [Math.min(box[0], box[2]), Math.min(box[1], box[3]), Math.max(box[0], box[2]), Math.max(box[1], box[3])];
      const inside = [...board.strokes.values()].filter(
        (stroke) => mayPick(stroke) && kindOf(stroke) && boxesMeet(area, kindOf(stroke).bounds(stroke)),
      );
      pick(inside, true);
    };
    canvas.addEventListener('pointerup', lift);
    canvas.addEventListener('pointercancel', lift);

    window.addEventListener('keydown', (event) => {
      if (!isActive('select') || !picked.size) return;
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (ARROWS[event.key]) {
        const step = event.shiftKey ? KEY_LEAP : KEY_STEP;
        sendMove(ARROWS[event.key][0] * step, ARROWS[event.key][1] * step);
      } else if (event.key === 'Delete' || event.key === 'Backspace') {
        queueEdit(erase([...picked.values()]));
        pick([], false);
        notify(gettext('Erased what was selected'));
      } else if (event.key === 'Escape') {
        pick([], false);
      } else {
        return;
      }
      event.preventDefault();
    });

    // The picked items' boxes and the box being dragged out, over the board.
    decorate((context, view) => {
      const strokes = isActive('select') ? pickedStrokes() : [];
      if (!strokes.length && !press?.box) return;
      context.save();
      context.lineWidth = 1.5 / view.scale;
      context.setLineDash([6 / view.scale, 4 / view.scale]);
      context.strokeStyle = '#1971c2';
      const margin = 4 / view.scale;
      for (const stroke of strokes) {
        const [left, top, right, bottom] = kindOf(stroke)?.bounds(stroke) ?? [0, 0, 0, 0];
        const [dx, dy] = stroke.nudge ?? [0, 0];
        context.strokeRect(left - margin + dx, top - margin + dy, right - left + 2 * margin, bottom - top + 2 * margin);
      }
      if (press?.box) {
        const [x0, y0, x1, y1] = press.box;
        context.fillStyle = 'rgba(25, 113, 194, 0.08)';
        context.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
        context.strokeRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
      }
      context.restore();
    });

    return {
      cancel() {
        // Put back on their layer where they lay, if they were lifted off it.
        if (press?.moving && press.lifted) tools.repaint(nudgeStrokes(board, [...picked.values()], null));
        else if (press?.moving) nudgeStrokes(board, [...picked.values()], null);
        press = null;
        repaintLive();
      },
    };
  },
});
