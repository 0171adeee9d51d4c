// What a board holds: one spec per kind of item, from items.json, which the server reads too
// (draw/items.py). An item travels whole, {kind, ...its fields}; its points travel beside it
// as one flat list of `stride` numbers a point ([x, y], or [x, y, pressure] for ink).

import SPEC_FILE from './items.json' with { type: 'json' };

export const ITEM_SPECS = SPEC_FILE.kinds;
export const KIND_NAMES = Object.freeze(Object.keys(ITEM_SPECS));
export const MAX_PRESSURE = 100;
export const MAX_STRIDE = Math.max(...Object.values(ITEM_SPECS).map((spec) => spec.stride));
// The exact ASCII forms, as draw/items.py reads them: a colour (matched once lower-cased) and
// an id (a stroke's, an edit's, a participant's).
const COLOR_PATTERN = new RegExp(SPEC_FILE.patterns.color);
export const ID_PATTERN = new RegExp(SPEC_FILE.patterns.id);
// A surrogate code point standing alone (a pair is one code point in a /u expression): no
// UTF-8 can carry it, so the server refuses any string holding one (draw/strings.py).
const LONE_SURROGATE = /\p{Cs}/u;

/** The first lone surrogate in `text` as a code point, or null: no such string is sent. */
export function loneSurrogateIn(text) {
  const found = LONE_SURROGATE.exec(text);
  return found ? found[0].codePointAt(0) : null;
}
// Line breaks, control characters and bidi overrides (which would reorder what others see).
const REFUSED_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;

// Unicode's 66 noncharacters (U+FDD0..U+FDEF, the last two of every plane): never text sent to
// others, and XML cannot hold U+FFFE or U+FFFF, so one would break the board's SVG export.
export function isNoncharacter(character) {
  const code = character.codePointAt(0);
  return (code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe;
}

export class ItemError extends Error {
  constructor(code, reason) {
    super(reason);
    this.code = code;
  }
}

/** Numbers a point of an item of `kind`. */
export function stride(kind) {
  return ITEM_SPECS[kind]?.stride ?? 2;
}

/** 'under' (drawn beneath every other item: a highlighter's) or 'ink'. */
export function layerOf(item) {
  return ITEM_SPECS[item.kind]?.layer ?? 'ink';
}

/** Every point moved by (dx, dy), pressures kept: a new list. */
export function movedPoints(item, points, dx, dy) {
  const size = stride(item.kind);
  const moved = points.slice();
  for (let i = 0; i < moved.length; i += size) {
    moved[i] += dx;
    moved[i + 1] += dy;
  }
  return moved;
}

/** A validated item from a message's `item`, as draw/items.py parse_item; throws ItemError. */
export function parseItem(value, limits) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ItemError('bad_field', "'item' must be an object with a 'kind'");
  }
  const spec = typeof value.kind === 'string' && Object.hasOwn(ITEM_SPECS, value.kind) ? ITEM_SPECS[value.kind] : null;
  if (!spec) throw new ItemError('bad_field', `'kind' must be one of ${KIND_NAMES.join(', ')}`);
  const extra = Object.keys(value)
    .filter((name) => name !== 'kind' && name !== 'lane' && name !== 'page' && !Object.hasOwn(spec.fields, name))
    .sort();
  if (extra.length) throw new ItemError('bad_field', `unexpected field '${extra[0].slice(0, 40)}' in a ${value.kind}`);
  const item = { kind: value.kind };
  for (const [name, type] of Object.entries(spec.fields)) {
    if (!Object.hasOwn(value, name)) throw new ItemError('bad_field', `a ${value.kind} needs '${name}'`);
    item[name] = FIELD_PARSERS[type](name, value[name], limits);
  }
  if (Object.hasOwn(value, 'lane')) {
    // The student's page it lies on, when the host drew it there (frontend/lanes.js).
    if (typeof value.lane !== 'string' || !ID_PATTERN.test(value.lane)) {
      throw new ItemError('bad_field', "'lane' must be a participant's id");
    }
    item.lane = value.lane;
  }
  if (Object.hasOwn(value, 'page')) {
    // The lesson's page it lies on (frontend/pages.js).
    if (typeof value.page !== 'string' || !ID_PATTERN.test(value.page)) {
      throw new ItemError('bad_field', "'page' must be the id of one of the board's pages");
    }
    item.page = value.page;
  }
  return item;
}

/** Throws ItemError unless `points` are whole points of `kind` on the board, within the limit. */
export function checkItemPoints(kind, points, limits) {
  const size = stride(kind);
  if (points.length % size) throw new ItemError('bad_field', `'points' of a ${kind} must hold ${size} numbers a point`);
  if (points.length / size > limits.maxPointsPerMessage) {
    throw new ItemError('too_many_points', `at most ${limits.maxPointsPerMessage} points in one message`);
  }
  for (let i = 2; size === 3 && i < points.length; i += 3) {
    if (points[i] < 0 || points[i] > MAX_PRESSURE) {
      throw new ItemError('out_of_range', `pressure must be between 0 and ${MAX_PRESSURE}`);
    }
  }
  return checkPositions(points, size, limits);
}

/** Throws ItemError unless every point (`size` numbers each, x and y first) is on the board. */
export function checkPositions(points, size, limits) {
  for (let i = 0; i < points.length; i += size) {
    const [x, y] = [points[i], points[i + 1]];
    if (x < 0 || x > limits.boardWidth || y < 0 || y > limits.boardHeight) {
      throw new ItemError('out_of_range', `points must lie within the board, 0..${limits.boardWidth} x 0..${limits.boardHeight}`);
    }
  }
  return points;
}

function boundedInteger(name, value, low, high) {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ItemError('bad_field', `'${name}' must be an integer`);
  if (value < low || value > high) throw new ItemError('out_of_range', `'${name}' must be between ${low} and ${high}`);
  return value;
}

const FIELD_PARSERS = {
  color(name, value) {
    if (typeof value !== 'string' || !COLOR_PATTERN.test(value.toLowerCase())) {
      throw new ItemError('bad_field', `'${name}' must be a colour like '#1a2b3c'`);
    }
    return value.toLowerCase();
  },
  width: (name, value, limits) => boundedInteger(name, value, 1, limits.maxStrokeWidth),
  text_size: (name, value, limits) => boundedInteger(name, value, limits.minTextSize, limits.maxTextSize),
  text(name, value, limits) {
    if (typeof value !== 'string' || !value.trim()) throw new ItemError('bad_field', `'${name}' must be text that is not blank`);
    if (loneSurrogateIn(value) !== null) {
      throw new ItemError('bad_field', `'${name}' must be Unicode text (it holds a lone surrogate)`);
    }
    // Characters as Python counts them: code points.
    if ([...value].length > limits.maxTextLength) {
      throw new ItemError('out_of_range', `'${name}' holds at most ${limits.maxTextLength} characters`);
    }
    if (REFUSED_IN_TEXT.test(value)) throw new ItemError('bad_field', `'${name}' must be one line without control characters`);
    const noncharacter = [...value].find(isNoncharacter);
    if (noncharacter !== undefined) {
      const code = noncharacter.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
      throw new ItemError('bad_field', `'${name}' must not hold a noncharacter (U+${code})`);
    }
    return value;
  },
};
