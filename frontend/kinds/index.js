// Every kind of item and the module that paints it, hit-tests it and bounds it.

import arrow from './arrow.js';
import ellipse from './ellipse.js';
import highlighter from './highlighter.js';
import ink from './ink.js';
import line from './line.js';
import marker from './marker.js';
import rect from './rect.js';
import text from './text.js';

/** Kind name (frontend/items.json) → { paint(context, stroke, options), hits(stroke, x, y, radius), bounds(stroke) }. */
export const KINDS = Object.freeze({ ink, marker, highlighter, line, arrow, rect, ellipse, text });

/**
 * The module of a board's stroke {id, author, item, points, ...}; null for a kind this page
 * does not know (a newer server's), which is then left undrawn rather than stopping the rest.
 */
export function kindOf(stroke) {
  return Object.hasOwn(KINDS, stroke.item?.kind) ? KINDS[stroke.item.kind] : null;
}
