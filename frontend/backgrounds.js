// The paper under a board's ink: the browser's side of draw/backgrounds.py, from the one spec
// both read (backgrounds.json). marks() gives the same lines and dots in the same order as the
// server's, and paintBackground() draws them in board units, under every item.

import SPEC from './backgrounds.json' with { type: 'json' };

export const BACKGROUND_KINDS = Object.freeze(Object.keys(SPEC.kinds));
export const DEFAULT_BACKGROUND = SPEC.default;

function range(from, to, step) {
  const values = [];
  for (let value = from; value < to; value += step) values.push(value);
  return values;
}

/**
 * Where a picture of `pictureWidth` x `pictureHeight` lies on a board of `width` x `height`:
 * as large as fits whole, centred, {x, y, width, height} in board units (draw/backgrounds.py).
 */
export function pictureBox(pictureWidth, pictureHeight, width, height) {
  const scale = Math.min(width / pictureWidth, height / pictureHeight);
  const [shownWidth, shownHeight] = [pictureWidth * scale, pictureHeight * scale];
  return { x: (width - shownWidth) / 2, y: (height - shownHeight) / 2, width: shownWidth, height: shownHeight };
}

/** ["line", x0, y0, x1, y1, colour, width] and ["dot", x, y, radius, colour] of `kind`. */
export function marks(kind, width, height) {
  const spec = SPEC.kinds[kind];
  if (!spec) return [];
  if (spec.pattern === 'grid') {
    const { spacing: step, color, width: line } = spec;
    return [
      ...range(step, width, step).map((x) => ['line', x, 0, x, height, color, line]),
      ...range(step, height, step).map((y) => ['line', 0, y, width, y, color, line]),
    ];
  }
  if (spec.pattern === 'lines') {
    const { spacing: step, color, width: line } = spec;
    const rules = range(spec.top, height, step).map((y) => ['line', 0, y, width, y, color, line]);
    return [...rules, ['line', spec.margin, 0, spec.margin, height, spec.margin_color, line]];
  }
  if (spec.pattern === 'dots') {
    const { spacing: step, color, radius } = spec;
    return range(step, height, step).flatMap((y) => range(step, width, step).map((x) => ['dot', x, y, radius, color]));
  }
  return [];
}

/**
 * Draw `kind` on a context whose transform is board units, never thinner than `minWidth`
 * units (a zoomed-out view keeps its lines), colours through `color` (the board's theme).
 */
export function paintBackground(context, kind, width, height, { minWidth = 0, color = (value) => value } = {}) {
  const list = marks(kind, width, height);
  if (!list.length) return;
  context.save();
  for (const mark of list) {
    if (mark[0] === 'line') {
      const [, x0, y0, x1, y1, stroke, line] = mark;
      context.strokeStyle = color(stroke);
      context.lineWidth = Math.max(line, minWidth);
      context.beginPath();
      context.moveTo(x0, y0);
      context.lineTo(x1, y1);
      context.stroke();
    } else {
      const [, x, y, radius, fill] = mark;
      context.fillStyle = color(fill);
      context.beginPath();
      context.arc(x, y, Math.max(radius, minWidth / 2), 0, 2 * Math.PI);
      context.fill();
    }
  }
  context.restore();
}
