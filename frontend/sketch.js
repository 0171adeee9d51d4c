// The p5 sketch (instance mode): board state becomes pixels. Changes are queued by
// paintChange() and painted on the next frame; a resize repaints every stroke.
// onReady(canvas) runs once the canvas exists (p5 starts the sketch after the page loads).

import p5 from '../vendor/p5/p5.esm.min.js';
import { boardToScreen, fitBoard } from './view.js';

// The friendly-error checks cost time on every call and warn about our own names.
p5.disableFriendlyErrors = true;

const LETTERBOX_COLOR = '#d9dde3';
const BOARD_COLOR = '#ffffff';

export function createSketch(container, board, { onReady }) {
  let view = null;
  let pending = [];
  let repaintAll = true;

  const sketch = (p) => {
    p.setup = () => {
      const canvas = p.createCanvas(container.clientWidth, container.clientHeight);
      canvas.elt.setAttribute('aria-label', 'Shared drawing board');
      canvas.elt.classList.add('board-canvas');
      p.strokeCap(p.ROUND);
      p.strokeJoin(p.ROUND);
      view = fitBoard(board.width, board.height, p.width, p.height);
      onReady(canvas.elt);
    };

    p.windowResized = () => {
      if (p.width === container.clientWidth && p.height === container.clientHeight) return;
      p.resizeCanvas(container.clientWidth, container.clientHeight);
      view = fitBoard(board.width, board.height, p.width, p.height);
      repaintAll = true;
    };
    // The board's space changes without the window too: a toolbar that wraps onto a second
    // line on a narrow screen when the people count appears.
    new ResizeObserver(() => p.windowResized()).observe(container);

    p.draw = () => {
      if (repaintAll) {
        repaintAll = false;
        pending = [];
        p.background(LETTERBOX_COLOR);
        p.noStroke();
        p.fill(BOARD_COLOR);
        p.rect(view.offsetX, view.offsetY, view.width, view.height);
        for (const stroke of board.strokes.values()) if (stroke.visible) paintSegments(p, view, stroke, 0);
        return;
      }
      for (const change of pending) if (change.stroke.visible) paintSegments(p, view, change.stroke, change.from);
      pending = [];
    };
  };

  new p5(sketch, container);

  return {
    /** Paint what applyMessage reported: a stroke from a point on, or everything. */
    paintChange(change) {
      if (change?.repaint) repaintAll = true;
      else if (change?.stroke) pending.push(change);
    },
    repaint() {
      repaintAll = true;
    },
    get view() {
      return view;
    },
  };
}

// Paint a stroke's points from index `from` on, joined to the point before it.
function paintSegments(p, view, stroke, from) {
  const points = stroke.points;
  const count = points.length / 2;
  if (count === 0 || from >= count) return;
  p.stroke(stroke.color);
  p.strokeWeight(Math.max(1, stroke.width * view.scale));
  if (count === 1) {
    const [x, y] = boardToScreen(view, points[0], points[1]);
    p.point(x, y);
    return;
  }
  let i = Math.max(1, from);
  let [px, py] = boardToScreen(view, points[2 * (i - 1)], points[2 * (i - 1) + 1]);
  for (; i < count; i += 1) {
    const [x, y] = boardToScreen(view, points[2 * i], points[2 * i + 1]);
    p.line(px, py, x, y);
    px = x;
    py = y;
  }
}
