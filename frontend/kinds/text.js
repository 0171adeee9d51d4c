// Text: one line of text whose first line box has its top-left corner at the item's point.
// Drawn with the packaged font, Atkinson Hyperlegible (legible at a distance and for low
// vision; OFL), which the server's export draws with too (draw/export.py).

import { boxOutlineDistance } from './geometry.js';
import { paintOptions } from './stroking.js';

export const TEXT_FONT_FAMILY = 'Atkinson Hyperlegible';
// Served from node_modules (sketchsite/settings.py NPM_STATIC_FILES); this module runs bundled
// into static/bundle/<page>.js (bin/bundle-frontend.mjs), which is what import.meta.url names.
const FONT_URL = new URL('../vendor/fonts/AtkinsonHyperlegible-Regular.ttf', import.meta.url);
// The font's ascent and descent over its size (its hhea table): a line box is their sum tall
// and the baseline lies one ascent below its top. draw/export.py uses the same numbers.
export const TEXT_ASCENT = 0.95;
export const TEXT_DESCENT = 0.29;
// The font's mean advance over its size, for a width where nothing can measure text.
const MEAN_ADVANCE = 0.55;

let fontLoaded = false;

/**
 * Resolves true once the packaged font is ready to draw with (false where it cannot be had):
 * text painted before then is in the fallback font, so the page repaints when it resolves.
 */
export const textFontReady = loadTextFont();

function loadTextFont() {
  if (typeof FontFace === 'undefined' || typeof document === 'undefined' || !document.fonts) {
    return Promise.resolve(false);
  }
  const face = new FontFace(TEXT_FONT_FAMILY, `url(${FONT_URL.href})`);
  document.fonts.add(face);
  return face.load().then(
    () => {
      fontLoaded = true;
      return true;
    },
    () => false,
  );
}

/** The canvas font of text `size` board units high. */
export function textFont(size) {
  return `${size}px "${TEXT_FONT_FAMILY}", sans-serif`;
}

let measurer; // a 2d context to measure text with; null where there is no canvas

function measuringContext() {
  if (measurer === undefined) {
    measurer = null;
    if (typeof OffscreenCanvas !== 'undefined') measurer = new OffscreenCanvas(1, 1).getContext('2d');
    else if (typeof document !== 'undefined') measurer = document.createElement('canvas').getContext('2d');
  }
  return measurer;
}

/** How wide `text` is at `size`, in board units: measured where a canvas can, else estimated. */
export function textWidth(text, size) {
  const context = measuringContext();
  if (!context) return text.length * MEAN_ADVANCE * size;
  context.font = textFont(size);
  return context.measureText(text).width;
}

// A text's width, kept until the font arrives: hit-testing asks for it over and over.
const widths = new WeakMap();

function widthOf(stroke) {
  const { text, size } = stroke.item;
  const kept = widths.get(stroke);
  if (kept && kept.text === text && kept.size === size && kept.fontLoaded === fontLoaded) return kept.width;
  const width = textWidth(text, size);
  widths.set(stroke, { text, size, fontLoaded, width });
  return width;
}

function box(stroke) {
  const [x, y] = stroke.points;
  const { size } = stroke.item;
  return [x, y, x + widthOf(stroke), y + (TEXT_ASCENT + TEXT_DESCENT) * size];
}

export default {
  paint(context, stroke, options) {
    const { color } = paintOptions(options);
    const [x, y] = stroke.points;
    const { size, text } = stroke.item;
    context.save();
    context.font = textFont(size);
    context.fillStyle = color(stroke.item.color);
    // The baseline, not 'top': where 'top' falls differs between browsers, the ascent does not.
    context.textBaseline = 'alphabetic';
    context.textAlign = 'left';
    context.fillText(text, x, y + TEXT_ASCENT * size);
    context.restore();
  },

  hits(stroke, x, y, radius) {
    const [left, top, right, bottom] = box(stroke);
    const inside = x >= left && x <= right && y >= top && y <= bottom;
    return inside || boxOutlineDistance(x, y, [left, top, right, bottom]) <= radius;
  },

  bounds(stroke) {
    return box(stroke);
  },
};
