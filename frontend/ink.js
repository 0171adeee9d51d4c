// Ink: the outline of a pressure-sensitive stroke, and the pen pressure it is drawn from.
// Pure. The server draws the same outline with its own port (draw/freehand.py); the shared
// fixture tests/fixtures/ink.json, made from this module, keeps the two the same.

// The same relative path finds the package in node_modules for the tests and in the static
// files for the page (settings.NPM_STATIC_FILES), with no import map for the strict CSP to refuse.
import { getStroke } from '../node_modules/perfect-freehand/dist/esm/index.mjs';

// The one pressure for a point that says nothing: the outline is then exactly `width` wide.
export const NORMAL_PRESSURE = 50;
export const MAX_PRESSURE = 100;

// How ink looks. Thinning 0.5 lets pressure vary the line between half and one and a half
// times its width, enough to see without a light touch vanishing. Ends stay round rather
// than tapered: a taper would shrink a dot (the point over an i) or a short dash to nothing,
// and the pressure already thins a stroke's start and end. Streamline is modest because the
// points were already captured at the pointer's own rate; more would visibly cut corners.
export const INK_OUTLINE = Object.freeze({
  thinning: 0.5,
  smoothing: 0.5,
  streamline: 0.4,
  simulatePressure: false,
  start: Object.freeze({ cap: true, taper: 0 }),
  end: Object.freeze({ cap: true, taper: 0 }),
});

/**
 * The outline polygon of an ink stroke, flat [x0, y0, x1, y1, ...] in board units.
 * `points` is the stroke's flat [x, y, pressure, ...] list; `complete` is false while the
 * stroke is still being drawn (its last point then trails the pointer a little, as it will
 * once more points come); `minWidth` is the thinnest a line may be drawn.
 */
export function inkOutline(points, width, { complete = true, minWidth = 0 } = {}) {
  const inputs = [];
  for (let i = 0; i + 2 < points.length; i += 3) {
    inputs.push([points[i], points[i + 1], points[i + 2] / MAX_PRESSURE]);
  }
  if (inputs.length === 0) return [];
  const outline = getStroke(inputs, { ...INK_OUTLINE, size: Math.max(width, minWidth), last: complete });
  return outline.flat();
}

/**
 * Whether a pointer event's `pressure` is a real measurement. A mouse reports 0.5 while a
 * button is down and nothing otherwise; touch screens mostly report 0 or 1; a pen without a
 * pressure sensor reports 0.5 too.
 */
export function reportsPressure(pointerType, pressure) {
  if (!Number.isFinite(pressure) || pressure <= 0 || pressure === 0.5) return false;
  if (pointerType === 'pen') return pressure <= 1;
  if (pointerType === 'touch') return pressure < 1;
  return false;
}

// Speed, in board units a millisecond, from which a line is at its thinnest: a quick flick.
const FAST = 3;
// The thinnest simulated pressure: a fast line is still plainly a line.
const FASTEST_PRESSURE = 15;
// How long, in ms, the simulated pressure takes to follow a change of speed (about two
// thirds of the way): the line swells and thins smoothly instead of with every jittery event.
const FOLLOW_MS = 40;

/** Pressure simulated from the pointer's speed, for a mouse or a finger: faster is thinner. */
export class SpeedPressure {
  constructor() {
    this.last = null; // {x, y, timeMs} of the previous point
    this.pressure = NORMAL_PRESSURE; // unrounded, so small steps add up
  }

  /** The pressure, an integer 0..100, of the next point of the stroke. */
  next(x, y, timeMs) {
    const last = this.last;
    this.last = { x, y, timeMs };
    if (last === null) return NORMAL_PRESSURE;
    const elapsed = timeMs - last.timeMs;
    // Events that arrive together (coalesced, or a clock that did not move) carry no speed.
    if (!(elapsed > 0)) return Math.round(this.pressure);
    const speed = Math.hypot(x - last.x, y - last.y) / elapsed;
    const target = NORMAL_PRESSURE - (NORMAL_PRESSURE - FASTEST_PRESSURE) * Math.min(1, speed / FAST);
    this.pressure += (target - this.pressure) * (1 - Math.exp(-elapsed / FOLLOW_MS));
    return Math.max(0, Math.min(MAX_PRESSURE, Math.round(this.pressure)));
  }
}
