// Highlighter: a wide translucent polyline, painted under every other item.

import { paintPolyline, polylineBounds, polylineHits } from './marker.js';

// How much of the colour shows: the ink under it stays readable. One path a stroke, so
// where a highlighter crosses itself it does not get darker.
export const HIGHLIGHTER_ALPHA = 0.35;

export default {
  paint(context, stroke, options) {
    context.save();
    context.globalAlpha *= HIGHLIGHTER_ALPHA;
    paintPolyline(context, stroke, options);
    context.restore();
  },
  hits: polylineHits,
  bounds: polylineBounds,
};
