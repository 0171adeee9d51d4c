// Line: a straight line from the first point of the drag to the last.

import { ends, pointsBounds, segmentDistance } from './geometry.js';
import { lineWidth, paintOptions, strokePath } from './stroking.js';

export default {
  paint(context, stroke, options) {
    const { minWidth, color } = paintOptions(options);
    const [x0, y0, x1, y1] = ends(stroke.points);
    // A line of no length still shows, as a dot, like a tap of the pen.
    strokePath(context, color(stroke.item.color), lineWidth(stroke.item, minWidth), (path) => {
      path.moveTo(x0, y0);
      path.lineTo(x1, y1);
    });
  },

  hits(stroke, x, y, radius) {
    return segmentDistance(x, y, ...ends(stroke.points)) <= radius + stroke.item.width / 2;
  },

  bounds(stroke) {
    return pointsBounds(ends(stroke.points), 2, stroke.item.width / 2);
  },
};
