// Ellipse: the outline of the ellipse inscribed in the box between the first and the last
// point of the drag.

import { corners, ellipseOutlineDistance } from './geometry.js';
import { lineWidth, paintOptions, strokePath } from './stroking.js';

export default {
  paint(context, stroke, options) {
    const { minWidth, color } = paintOptions(options);
    const [left, top, right, bottom] = corners(stroke.points);
    strokePath(context, color(stroke.item.color), lineWidth(stroke.item, minWidth), (path) => {
      const cx = (left + right) / 2;
      const cy = (top + bottom) / 2;
      // The ellipse starts at its right end: moving there first keeps the path from a
      // stray line to wherever the path was.
      path.moveTo(right, cy);
      path.ellipse(cx, cy, (right - left) / 2, (bottom - top) / 2, 0, 0, 2 * Math.PI);
    });
  },

  hits(stroke, x, y, radius) {
    return ellipseOutlineDistance(x, y, corners(stroke.points)) <= radius + stroke.item.width / 2;
  },

  bounds(stroke) {
    const half = stroke.item.width / 2;
    const [left, top, right, bottom] = corners(stroke.points);
    return [left - half, top - half, right + half, bottom + half];
  },
};
