// Board themes and ink as shown on them. Ink is stored in the colour it was drawn with; each
// browser shows it so that it stands out on its own board (WCAG's 3:1 for graphics), which
// changes nothing for anyone else. Pure: no DOM.

/** The board and the letterbox around it, for each theme. */
export const BOARD_THEMES = Object.freeze({
  light: Object.freeze({ board: '#ffffff', letterbox: '#d9dde3' }),
  dark: Object.freeze({ board: '#1e2126', letterbox: '#0d0f12' }),
});

export const DEFAULT_THEME = 'light';
// The palette's black, which reads on a dark board as chalk does on a blackboard.
export const BLACK_INK = '#1e1e1e';
export const LIGHT_INK = '#f1f3f5';
/** The least contrast ink must have with its board (WCAG 1.4.11, non-text contrast). */
export const MIN_INK_CONTRAST = 3;

/** [r, g, b] (0-255) of a #rgb or #rrggbb colour, or null for anything else. */
export function parseColor(color) {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(color).trim());
  if (!match) return null;
  const hex = match[1].length === 3 ? [...match[1]].map((digit) => digit + digit).join('') : match[1];
  return [0, 2, 4].map((start) => parseInt(hex.slice(start, start + 2), 16));
}

/** #rrggbb of [r, g, b]. */
export function formatColor(rgb) {
  return `#${rgb.map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance of [r, g, b]: 0 for black, 1 for white. */
export function relativeLuminance([r, g, b]) {
  const linear = (channel) => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** The WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white). */
export function contrastRatio(a, b) {
  const [lighter, darker] = [relativeLuminance(toRgb(a)), relativeLuminance(toRgb(b))].sort((x, y) => y - x);
  return (lighter + 0.05) / (darker + 0.05);
}

/** The theme called `name`, or the default one for a name not known (an old stored value). */
export function boardTheme(name) {
  return BOARD_THEMES[name] ?? BOARD_THEMES[DEFAULT_THEME];
}

/**
 * The colour ink of `color` is shown in on the board of theme `themeName`. On a dark board
 * black becomes a light ink and any colour under MIN_INK_CONTRAST against the board is
 * moved towards white until it is not. On the light board every ink shows as it was drawn,
 * as the exports show it (the palette is chosen to stand out there). Colours that are not
 * #rgb/#rrggbb are shown as they are.
 */
export function displayColor(themeName, color) {
  const theme = boardTheme(themeName);
  const rgb = parseColor(color);
  if (!rgb) return color;
  if (relativeLuminance(toRgb(theme.board)) >= 0.5) return color;
  if (formatColor(rgb) === BLACK_INK) return LIGHT_INK;
  if (contrastRatio(rgb, theme.board) >= MIN_INK_CONTRAST) return color;
  const target = [255, 255, 255];
  // The least mix towards white that is enough keeps the most of the colour's hue.
  for (let step = 1; step <= 20; step += 1) {
    const mixed = mix(rgb, target, step / 20);
    if (contrastRatio(mixed, theme.board) >= MIN_INK_CONTRAST) return formatColor(mixed);
  }
  return formatColor(target);
}

function mix(from, to, amount) {
  return from.map((channel, index) => Math.round(channel + (to[index] - channel) * amount));
}

function toRgb(color) {
  if (Array.isArray(color)) return color;
  const rgb = parseColor(color);
  if (!rgb) throw new TypeError(`not a #rgb or #rrggbb colour: ${color}`);
  return rgb;
}
