// What the kinds drawn as lines share: the width a line is drawn at, and stroking one path.

const identity = (color) => color;

/** The paint options with their defaults: `minWidth` 0, `color` as stored, `complete` true. */
export function paintOptions({ minWidth = 0, color = identity, complete = true } = {}) {
  return { minWidth, color, complete };
}

/** The width an item's line is drawn at: never thinner than the view's thinnest line. */
export function lineWidth(item, minWidth) {
  return Math.max(item.width, minWidth);
}

/** Strokes the path `trace(context)` makes, round at its ends and corners, and puts the context back. */
export function strokePath(context, color, width, trace) {
  context.save();
  context.strokeStyle = color;
  context.lineWidth = width;
  context.lineCap = 'round';
  context.lineJoin = 'round';
  context.beginPath();
  trace(context);
  context.stroke();
  context.restore();
}

/** Fills the polygon of a flat [x0, y0, x1, y1, ...] and puts the context back. */
export function fillPolygon(context, color, polygon) {
  if (polygon.length < 6) return;
  context.save();
  context.fillStyle = color;
  context.beginPath();
  context.moveTo(polygon[0], polygon[1]);
  for (let i = 2; i + 1 < polygon.length; i += 2) context.lineTo(polygon[i], polygon[i + 1]);
  context.closePath();
  context.fill();
  context.restore();
}
