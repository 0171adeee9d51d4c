// Rectangle: the outline of the box between the first and the last point of the drag.

import { boxOutlineDistance, corners } from './geometry.js';
import { lineWidth, paintOptions, strokePath } from './stroking.js';

export default {
  paint(context, stroke, options) {
    const { minWidth, color } = paintOptions(options);
    const [left, top, right, bottom] = corners(stroke.points);
    strokePath(context, color(stroke.item.color), lineWidth(stroke.item, minWidth), (path) => {
      path.rect(left, top, right - left, bottom - top);
    });
  },

  hits(stroke, x, y, radius) {
    return boxOutlineDistance(x, y, corners(stroke.points)) <= radius + stroke.item.width / 2;
  },

  bounds(stroke) {
    const half = stroke.item.width / 2;
    const [left, top, right, bottom] = corners(stroke.points);
    return [left - half, top - half, right + half, bottom + half];
  },
};
