// Ink: a pressure-sensitive stroke, filled as its outline (frontend/ink.js).

import { INK_OUTLINE, inkOutline } from '../ink.js';
import { pointsBounds, polylineDistance } from './geometry.js';
import { fillPolygon, paintOptions } from './stroking.js';

const STRIDE = 3;
// The widest an outline gets, over the width: at full pressure.
const WIDEST = 0.5 + INK_OUTLINE.thinning * 0.5;

// A stroke's outline, kept while its points, the thinnest line and whether it is complete stay
// the same: a board repaints every stroke, and outlining a long one costs more than filling it.
const outlines = new WeakMap();

function outlineOf(stroke, minWidth, complete) {
  const count = stroke.points.length;
  const width = stroke.item.width;
  const kept = outlines.get(stroke);
  if (kept && kept.count === count && kept.minWidth === minWidth && kept.complete === complete && kept.width === width) {
    return kept.outline;
  }
  const outline = inkOutline(stroke.points, width, { complete, minWidth });
  outlines.set(stroke, { count, minWidth, complete, width, outline });
  return outline;
}

export default {
  paint(context, stroke, options) {
    const { minWidth, color, complete } = paintOptions(options);
    fillPolygon(context, color(stroke.item.color), outlineOf(stroke, minWidth, complete));
  },

  hits(stroke, x, y, radius) {
    return polylineDistance(stroke.points, STRIDE, x, y) <= radius + stroke.item.width / 2;
  },

  bounds(stroke) {
    return pointsBounds(stroke.points, STRIDE, stroke.item.width * WIDEST);
  },
};
