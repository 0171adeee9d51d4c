// Where on the board a change of items shows, and which items lie there: a grid of buckets
// over the board, each holding the committed items whose bounds reach into it, so finding
// what a small change touches on a board of thousands of items looks at a few buckets, not
// at every item. Pure: bounds come in, rectangles [left, top, right, bottom] go out.

import { ALL } from './painting.js';

// The side of a bucket in board units: a typical stroke lies in a few, and a change the size
// of a hand's sweep looks at a few dozen.
export const INDEX_CELL = 64;

/** The smallest rectangle holding both (either may be null). */
export function unionRect(a, b) {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export function intersects(a, b) {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** A rectangle grown by `margin` on every side. */
export function grownRect(rect, margin) {
  return [rect[0] - margin, rect[1] - margin, rect[2] + margin, rect[3] + margin];
}

function finiteRect(rect) {
  return Boolean(rect) && rect.every(Number.isFinite) && rect[0] <= rect[2] && rect[1] <= rect[3];
}

/**
 * The device pixels [x, y, width, height] of a canvas `canvasWidth` x `canvasHeight` that the
 * board rectangle `rect` covers at `view`, `ratio` device pixels to a CSS pixel, widened by
 * `marginPixels` CSS pixels and out to whole pixels; null when it is off the canvas.
 */
export function deviceRect(rect, view, ratio, marginPixels, canvasWidth, canvasHeight) {
  const k = ratio * view.scale;
  const margin = ratio * marginPixels;
  const left = Math.max(0, Math.floor(ratio * view.offsetX + rect[0] * k - margin));
  const top = Math.max(0, Math.floor(ratio * view.offsetY + rect[1] * k - margin));
  const right = Math.min(canvasWidth, Math.ceil(ratio * view.offsetX + rect[2] * k + margin));
  const bottom = Math.min(canvasHeight, Math.ceil(ratio * view.offsetY + rect[3] * k + margin));
  if (right <= left || bottom <= top) return null;
  return [left, top, right - left, bottom - top];
}

/** The board rectangle that device pixels [x, y, width, height] show at `view`. */
export function boardRectOf(pixels, view, ratio) {
  const k = ratio * view.scale;
  const [x, y, width, height] = pixels;
  return [
    (x - ratio * view.offsetX) / k,
    (y - ratio * view.offsetY) / k,
    (x + width - ratio * view.offsetX) / k,
    (y + height - ratio * view.offsetY) / k,
  ];
}

/**
 * The committed items of a board by where they lie, and in which order they are painted.
 * An item keeps its place in the order when it moves or is hidden; one put anew goes on top.
 */
export class ItemIndex {
  constructor(cell = INDEX_CELL) {
    this.cell = cell;
    this.buckets = new Map(); // bucket key -> Set of items
    this.entries = new Map(); // item -> {bounds, order, keys}
    this.nextOrder = 0;
  }

  get size() {
    return this.entries.size;
  }

  clear() {
    this.buckets.clear();
    this.entries.clear();
    this.nextOrder = 0;
  }

  /** Where the item lay when it was last put, or null. */
  boundsOf(item) {
    return this.entries.get(item)?.bounds ?? null;
  }

  /** The item's place in the painting order (higher is above), or null when it is not held. */
  orderOf(item) {
    return this.entries.get(item)?.order ?? null;
  }

  /** Every item held, in no order. */
  items() {
    return [...this.entries.keys()];
  }

  /** The item lies within `bounds` now; `onTop`: it is painted above every other. */
  put(item, bounds, { onTop = false } = {}) {
    const entry = this.entries.get(item);
    const order = entry && !onTop ? entry.order : this.nextOrder++;
    if (entry) this.remove(item);
    const keys = finiteRect(bounds) ? this.#keysOf(bounds) : [];
    for (const key of keys) {
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = new Set()));
      bucket.add(item);
    }
    this.entries.set(item, { bounds: finiteRect(bounds) ? bounds : null, order, keys });
  }

  remove(item) {
    const entry = this.entries.get(item);
    if (!entry) return;
    for (const key of entry.keys) {
      const bucket = this.buckets.get(key);
      bucket.delete(item);
      if (bucket.size === 0) this.buckets.delete(key);
    }
    this.entries.delete(item);
  }

  /** The items whose bounds meet `rect`, in painting order. */
  within(rect) {
    const found = new Set();
    if (finiteRect(rect) && this.#bucketCount(rect) > this.entries.size) {
      // A rectangle of more buckets than there are items: looking at each item is less work.
      for (const [item, entry] of this.entries) if (entry.bounds && intersects(entry.bounds, rect)) found.add(item);
    } else if (finiteRect(rect)) {
      for (const key of this.#keysOf(rect)) {
        for (const item of this.buckets.get(key) ?? []) {
          if (!found.has(item) && intersects(this.entries.get(item).bounds, rect)) found.add(item);
        }
      }
    }
    return [...found].sort((a, b) => this.entries.get(a).order - this.entries.get(b).order);
  }

  #bucketCount(rect) {
    const { cell } = this;
    const columns = Math.floor(rect[2] / cell) - Math.floor(rect[0] / cell) + 1;
    return columns * (Math.floor(rect[3] / cell) - Math.floor(rect[1] / cell) + 1);
  }

  // Bucket keys as numbers: column and row in one, rows 2^20 apart (a board is far smaller).
  #keysOf(rect) {
    const { cell } = this;
    const left = Math.floor(rect[0] / cell);
    const right = Math.floor(rect[2] / cell);
    const top = Math.floor(rect[1] / cell);
    const bottom = Math.floor(rect[3] / cell);
    const keys = [];
    for (let row = top; row <= bottom; row += 1) {
      for (let column = left; column <= right; column += 1) keys.push(row * 1048576 + column);
    }
    return keys;
  }
}

/**
 * Which segments of a polyline (flat [x0, y0, x1, y1, ...]) a repaint of `rect` must paint,
 * as painting.js Cover's masks say it (1 for segment i, from point i - 1 to point i): those
 * passing within `reach` of the rectangle, and the one on either side of each. A run of
 * segments painted then ends in a cap at a point no nearer the rectangle than `reach`, where
 * the whole line has a join: the two differ only within half the line's width of that point,
 * outside the rectangle. ALL when every segment is needed, null when none is.
 */
export function segmentsWithin(points, rect, reach) {
  const count = points.length / 2;
  if (count < 2) return ALL;
  const [left, top, right, bottom] = [rect[0] - reach, rect[1] - reach, rect[2] + reach, rect[3] + reach];
  const touched = new Uint8Array(count + 1);
  let any = false;
  for (let i = 1; i < count; i += 1) {
    const [ax, ay, bx, by] = [points[2 * i - 2], points[2 * i - 1], points[2 * i], points[2 * i + 1]];
    if (Math.max(ax, bx) < left || Math.min(ax, bx) > right || Math.max(ay, by) < top || Math.min(ay, by) > bottom) {
      continue;
    }
    touched[i] = 1;
    any = true;
  }
  if (!any) return null;
  const mask = new Uint8Array(count);
  let painted = 0;
  for (let i = 1; i < count; i += 1) {
    if (touched[i - 1] || touched[i] || touched[i + 1]) {
      mask[i] = 1;
      painted += 1;
    }
  }
  // Point 0 stands for the stroke's start (Cover's masks): it goes with the first segment.
  mask[0] = mask[1];
  return painted === count - 1 ? ALL : mask;
}
