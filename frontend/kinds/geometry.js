// Plane geometry of items in board units, shared by the kinds' painting and hit-testing.
// Pure. draw/export.py draws shapes and arrow heads with the same numbers.

/** [x0, y0, x1, y1]: the first and the last point of a drag, a list of stride 2. */
export function ends(points) {
  const last = points.length - 2;
  return [points[0], points[1], points[last], points[last + 1]];
}

/** [left, top, right, bottom] of the box between the two ends of a drag, whichever way it went. */
export function corners(points) {
  const [x0, y0, x1, y1] = ends(points);
  return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
}

/** Distance from (x, y) to the segment from (ax, ay) to (bx, by). */
export function segmentDistance(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  let t = lengthSquared === 0 ? 0 : ((x - ax) * dx + (y - ay) * dy) / lengthSquared;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Distance from (x, y) to the polyline through the points of a flat list of `stride` numbers a point. */
export function polylineDistance(points, stride, x, y) {
  if (points.length < 2) return Infinity;
  let nearest = Math.hypot(x - points[0], y - points[1]);
  for (let i = stride; i + 1 < points.length; i += stride) {
    nearest = Math.min(nearest, segmentDistance(x, y, points[i - stride], points[i - stride + 1], points[i], points[i + 1]));
  }
  return nearest;
}

/** [minX, minY, maxX, maxY] of the points, grown by `margin` on every side. */
export function pointsBounds(points, stride, margin = 0) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += stride) {
    minX = Math.min(minX, points[i]);
    maxX = Math.max(maxX, points[i]);
    minY = Math.min(minY, points[i + 1]);
    maxY = Math.max(maxY, points[i + 1]);
  }
  return [minX - margin, minY - margin, maxX + margin, maxY + margin];
}

/** Distance from (x, y) to the outline of the box [left, top, right, bottom] (0 on it, > 0 inside too). */
export function boxOutlineDistance(x, y, [left, top, right, bottom]) {
  const outsideX = Math.max(left - x, 0, x - right);
  const outsideY = Math.max(top - y, 0, y - bottom);
  if (outsideX > 0 || outsideY > 0) return Math.hypot(outsideX, outsideY);
  return Math.min(x - left, right - x, y - top, bottom - y);
}

// Sides of the polygon an ellipse is hit-tested with: closer than a pixel to the curve on any
// board, and cheap enough for an eraser sweeping over many.
const ELLIPSE_SIDES = 64;

/** Distance from (x, y) to the outline of the ellipse inscribed in the box [left, top, right, bottom]. */
export function ellipseOutlineDistance(x, y, [left, top, right, bottom]) {
  const cx = (left + right) / 2;
  const cy = (top + bottom) / 2;
  const rx = (right - left) / 2;
  const ry = (bottom - top) / 2;
  const outline = [];
  for (let i = 0; i <= ELLIPSE_SIDES; i += 1) {
    const angle = (2 * Math.PI * i) / ELLIPSE_SIDES;
    outline.push(cx + rx * Math.cos(angle), cy + ry * Math.sin(angle));
  }
  return polylineDistance(outline, 2, x, y);
}

/** Whether (x, y) lies inside the triangle of a flat [x0, y0, x1, y1, x2, y2]. */
export function insideTriangle(x, y, [ax, ay, bx, by, cx, cy]) {
  const side = (px, py, qx, qy) => (qx - px) * (y - py) - (qy - py) * (x - px);
  const ab = side(ax, ay, bx, by);
  const bc = side(bx, by, cx, cy);
  const ca = side(cx, cy, ax, ay);
  return (ab >= 0 && bc >= 0 && ca >= 0) || (ab <= 0 && bc <= 0 && ca <= 0);
}

// An arrow head's length along the shaft: a few line widths, and never too small to read
// on a thin line.
const HEAD_LENGTH_PER_WIDTH = 3;
const HEAD_LENGTH_MIN = 12;
// Half the head's width over its length: a head of about 53 degrees.
const HEAD_SPREAD = 0.5;

/**
 * The head of an arrow from (x0, y0) to (x1, y1) drawn `width` wide: `triangle`, the flat
 * [tipX, tipY, leftX, leftY, rightX, rightY], and `base`, [x, y] where the shaft ends (inside
 * the head, so its round cap does not show past the tip). null for an arrow of no length.
 * A head never runs back past the arrow's start.
 */
export function arrowHead(x0, y0, x1, y1, width) {
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length === 0) return null;
  const headLength = Math.min(length, HEAD_LENGTH_PER_WIDTH * width + HEAD_LENGTH_MIN);
  const ux = (x1 - x0) / length;
  const uy = (y1 - y0) / length;
  const baseX = x1 - ux * headLength;
  const baseY = y1 - uy * headLength;
  const spread = headLength * HEAD_SPREAD;
  return {
    triangle: [x1, y1, baseX - uy * spread, baseY + ux * spread, baseX + uy * spread, baseY - ux * spread],
    base: [baseX, baseY],
  };
}
