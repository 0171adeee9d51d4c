// Marker: a polyline of one width, round at its ends and corners.

import { pointsBounds, polylineDistance } from './geometry.js';
import { lineWidth, paintOptions, strokePath } from './stroking.js';

const STRIDE = 2;

/**
 * Paints the polyline of a stroke of stride 2 (a marker's or a highlighter's), a dot for one
 * point. `mask`, when given, has 1 for each segment i (point i - 1 to point i) to paint: the
 * rest lies under later strokes (painting.js Cover).
 */
export function paintPolyline(context, stroke, options, mask) {
  const { minWidth, color } = paintOptions(options);
  const { points } = stroke;
  if (points.length < 2) return;
  const width = lineWidth(stroke.item, minWidth);
  if (points.length === 2) {
    // A canvas strokes nothing for a path of one point: the dot is a disc.
    context.save();
    context.fillStyle = color(stroke.item.color);
    context.beginPath();
    context.arc(points[0], points[1], width / 2, 0, 2 * Math.PI);
    context.fill();
    context.restore();
    return;
  }
  strokePath(context, color(stroke.item.color), width, (path) => {
    if (!mask) {
      path.moveTo(points[0], points[1]);
      for (let i = 2; i + 1 < points.length; i += 2) path.lineTo(points[i], points[i + 1]);
      return;
    }
    let open = false;
    for (let i = 1; 2 * i + 1 < points.length; i += 1) {
      if (!mask[i]) {
        open = false;
        continue;
      }
      if (!open) path.moveTo(points[2 * i - 2], points[2 * i - 1]);
      open = true;
      path.lineTo(points[2 * i], points[2 * i + 1]);
    }
  });
}

export function polylineHits(stroke, x, y, radius) {
  return polylineDistance(stroke.points, STRIDE, x, y) <= radius + stroke.item.width / 2;
}

export function polylineBounds(stroke) {
  return pointsBounds(stroke.points, STRIDE, stroke.item.width / 2);
}

export default { paint: paintPolyline, hits: polylineHits, bounds: polylineBounds };
