// Arrow: a line from the first point of the drag to the last, with a filled head at the last.

import { arrowHead, ends, insideTriangle, pointsBounds, polylineDistance, segmentDistance } from './geometry.js';
import { fillPolygon, lineWidth, paintOptions, strokePath } from './stroking.js';

export default {
  paint(context, stroke, options) {
    const { minWidth, color } = paintOptions(options);
    const width = lineWidth(stroke.item, minWidth);
    const colour = color(stroke.item.color);
    const [x0, y0, x1, y1] = ends(stroke.points);
    const head = arrowHead(x0, y0, x1, y1, width);
    const [endX, endY] = head ? head.base : [x1, y1];
    strokePath(context, colour, width, (path) => {
      path.moveTo(x0, y0);
      path.lineTo(endX, endY);
    });
    if (head) fillPolygon(context, colour, head.triangle);
  },

  hits(stroke, x, y, radius) {
    const { width } = stroke.item;
    const [x0, y0, x1, y1] = ends(stroke.points);
    if (segmentDistance(x, y, x0, y0, x1, y1) <= radius + width / 2) return true;
    const head = arrowHead(x0, y0, x1, y1, width);
    if (!head) return false;
    const { triangle } = head;
    return insideTriangle(x, y, triangle) || polylineDistance([...triangle, triangle[0], triangle[1]], 2, x, y) <= radius;
  },

  bounds(stroke) {
    const { width } = stroke.item;
    const [x0, y0, x1, y1] = ends(stroke.points);
    const head = arrowHead(x0, y0, x1, y1, width);
    return pointsBounds([x0, y0, x1, y1, ...(head ? head.triangle : [])], 2, width / 2);
  },
};
