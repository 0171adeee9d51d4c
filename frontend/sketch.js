// The p5 sketch (instance mode): board state becomes pixels. Changes are queued by
// paintChange() and painted on the next frame; a resize, a hidden stroke or a new snapshot
// repaints every stroke, a slice per frame (painting.js), and onProgress() hears how far it is.
// onReady(canvas) runs once the canvas exists (p5 starts the sketch after the page loads).

import p5 from '../vendor/p5/p5.esm.min.js';
import { Cover, PaintQueue } from './painting.js';
import { fitBoard } from './view.js';

// The friendly-error checks cost time on every call and warn about our own names.
p5.disableFriendlyErrors = true;

const LETTERBOX_COLOR = '#d9dde3';
const BOARD_COLOR = '#ffffff';

export function createSketch(container, board, { onReady, onProgress = () => {} }) {
  let view = null;
  let repaintAll = true;
  let flushContext = null;
  // Reading a pixel back is the one way to make a canvas draw what it has recorded.
  const queue = new PaintQueue({ flush: () => flushContext?.getImageData(0, 0, 1, 1) });

  const sketch = (p) => {
    p.setup = () => {
      const canvas = p.createCanvas(container.clientWidth, container.clientHeight);
      canvas.elt.setAttribute('aria-label', 'Shared drawing board');
      canvas.elt.classList.add('board-canvas');
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
      const started = repaintAll;
      const wasRepainting = queue.repainting;
      if (repaintAll) {
        repaintAll = false;
        p.background(LETTERBOX_COLOR);
        p.noStroke();
        p.fill(BOARD_COLOR);
        p.rect(view.offsetX, view.offsetY, view.width, view.height);
        queue.restart(board.strokes.values(), new Cover(p.width, p.height));
      }
      const context = p.drawingContext;
      flushContext = context;
      // p5 keeps its own idea of the fill and stroke it last set: strokes painted straight
      // on the canvas put the canvas back as they found it.
      context.save();
      context.lineCap = 'round';
      context.lineJoin = 'round';
      const repainting = queue.paintFrame((stroke, from, mask) => paintStroke(context, view, stroke, from, mask), view);
      context.restore();
      if (started || repainting || wasRepainting) onProgress(queue.progress);
    };
  };

  new p5(sketch, container);

  return {
    /** Paint what applyMessage reported: a stroke from a point on, or everything. */
    paintChange(change) {
      if (change?.repaint) repaintAll = true;
      else if (change?.stroke) queue.change(change);
    },
    repaint() {
      repaintAll = true;
    },
    get view() {
      return view;
    },
    /** {painted, total} while a repaint is under way, else null. */
    get progress() {
      return queue.progress;
    },
  };
}

// Paint a stroke's points from index `from` on, joined to the point before it, and of those
// the segments `mask` has (all without one): one path for the whole stroke, since a path per
// segment costs the canvas many times more on a big board.
function paintStroke(context, view, stroke, from, mask) {
  const points = stroke.points;
  const count = points.length / 2;
  if (count === 0 || from >= count) return;
  const { scale, offsetX, offsetY } = view;
  const width = Math.max(1, stroke.width * scale);
  if (count === 1) {
    context.fillStyle = stroke.color;
    context.beginPath();
    context.arc(offsetX + points[0] * scale, offsetY + points[1] * scale, width / 2, 0, 2 * Math.PI);
    context.fill();
    return;
  }
  context.strokeStyle = stroke.color;
  context.lineWidth = width;
  context.beginPath();
  let open = false;
  for (let i = Math.max(1, from); i < count; i += 1) {
    if (mask && !mask[i]) {
      open = false;
      continue;
    }
    if (!open) context.moveTo(offsetX + points[2 * i - 2] * scale, offsetY + points[2 * i - 1] * scale);
    open = true;
    context.lineTo(offsetX + points[2 * i] * scale, offsetY + points[2 * i + 1] * scale);
  }
  context.stroke();
}
