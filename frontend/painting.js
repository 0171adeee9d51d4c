// What the sketch paints next, frame by frame. A repaint (a resize, a hidden stroke, a
// whole snapshot) goes through the board's strokes a time slice per frame, so a big board
// keeps the page answering its pointer while it appears: first from the top stroke down,
// finding what of each stroke later ones cover completely (Cover), then up in drawing order,
// painting the rest. Changes of strokes already painted go on top at once; strokes not
// reached yet wait for their turn, whole. Pure: the painter, the view and the clock come in.

import { isShown } from './board.js';

// Painting per frame during a repaint: short enough that the pen and the toolbar still answer
// between frames, long enough that a big board is not stretched over many more frames.
export const PAINT_SLICE_MS = 30;
// The side of Cover's cells in CSS pixels: finer finds more hidden strokes, coarser costs less.
export const COVER_CELL = 3;
// Strokes handled between looks at the clock.
const CLOCK_EVERY = 8;
// Strokes painted between flushes: a flush makes the canvas stop and draw what it recorded,
// which costs time of its own (a multiple of CLOCK_EVERY).
const FLUSH_EVERY = 128;
// Cover.shown() of a stroke none of which is covered.
export const ALL = 'all';

export class PaintQueue {
  /**
   * `flush()` makes the canvas draw what it was told so far: a canvas may only record paths
   * and draw them later all at once, which would put the cost of a whole repaint into one frame.
   */
  constructor({ sliceMs = PAINT_SLICE_MS, now = () => performance.now(), flush = () => {} } = {}) {
    Object.assign(this, { sliceMs, now, flush });
    this.usualSliceMs = sliceMs;
    this.queue = [];
    this.next = 0;
    this.unseen = 0; // strokes, from the top, not yet looked at for cover
    this.cover = null;
    this.covered = false;
    this.pending = [];
    this.painted = new WeakSet();
    this.queued = new WeakSet();
    this.hidden = new WeakSet();
    this.masks = new WeakMap();
  }

  /**
   * Paint every stroke again, from the first (the board is cleared by the caller); `cover`, a
   * Cover of the canvas, or null to paint every stroke; `sliceMs`, this repaint's painting per
   * frame, when it is not the usual one.
   */
  restart(strokes, cover = null, { sliceMs = this.usualSliceMs } = {}) {
    this.sliceMs = sliceMs;
    this.queue = Array.from(strokes);
    this.next = 0;
    this.cover = cover;
    this.covered = cover !== null;
    this.unseen = cover ? this.queue.length : 0;
    this.pending = [];
    this.painted = new WeakSet();
    this.queued = new WeakSet(this.queue);
    this.hidden = new WeakSet();
    this.masks = new WeakMap();
  }

  /** A stroke changed from point `from` on (board.js applyMessage's {stroke, from}). */
  change({ stroke, from }) {
    if (this.painted.has(stroke) || !this.repainting) {
      this.pending.push({ stroke, from });
    } else if (this.queued.has(stroke)) {
      // It grew: points the strokes above it may not cover.
      this.hidden.delete(stroke);
      this.masks.delete(stroke);
    } else {
      // New since the repaint began: painted after the strokes before it, in drawing order.
      this.queue.push(stroke);
      this.queued.add(stroke);
    }
  }

  get repainting() {
    return this.next < this.queue.length;
  }

  /** {painted, total} while a repaint goes on, else null. */
  get progress() {
    if (!this.repainting) return null;
    const total = this.queue.length;
    // Looking for cover is the first half of the way, painting the second.
    const done = this.covered ? Math.floor((total - this.unseen + this.next) / 2) : this.next;
    return { painted: done, total };
  }

  /**
   * Do this frame's share: look for cover, then `paint(stroke, from, mask)` the repaint's next
   * strokes within the slice (`mask`: which segments to paint, all when undefined), then the
   * changes waiting. True while a repaint has strokes left.
   */
  paintFrame(paint, view) {
    if (this.repainting) {
      const deadline = this.now() + this.sliceMs;
      let handled = 0;
      while (this.unseen > 0) {
        this.unseen -= 1;
        const stroke = this.queue[this.unseen];
        if (isShown(stroke)) {
          const shown = this.cover.shown(stroke, view);
          if (shown === null) this.hidden.add(stroke);
          else if (shown !== ALL) this.masks.set(stroke, shown);
          if (shown !== null) this.cover.add(stroke, view);
        }
        handled += 1;
        if (handled % CLOCK_EVERY === 0 && this.now() >= deadline) break;
      }
      if (this.unseen === 0) this.cover = null;
      while (this.unseen === 0 && this.next < this.queue.length) {
        const stroke = this.queue[this.next];
        this.next += 1;
        this.painted.add(stroke);
        if (isShown(stroke) && !this.hidden.has(stroke)) paint(stroke, 0, this.masks.get(stroke));
        handled += 1;
        if (handled % CLOCK_EVERY === 0) {
          if (handled % FLUSH_EVERY === 0) this.flush();
          if (this.now() >= deadline) break;
        }
      }
      if (!this.repainting) {
        this.queue = [];
        this.next = 0;
      }
    }
    const pending = this.pending;
    this.pending = [];
    for (const { stroke, from } of pending) {
      this.painted.add(stroke);
      if (isShown(stroke)) paint(stroke, from);
    }
    return this.repainting;
  }
}

/**
 * Which parts of the canvas strokes already looked at paint solid, in cells of `cell` CSS
 * pixels: a segment all of whose reach lies in solid cells, looked at from the top stroke
 * down, would be painted over completely, so leaving it out changes nothing to be seen.
 * Strokes are opaque, round-capped and round-joined, so a stroke is the union of a disc of
 * half its width swept along each segment, and any of its segments may be left out.
 */
export class Cover {
  /**
   * `within`, [x, y, width, height] in CSS pixels, is the part of the canvas being painted again
   * (a dirty region, sketch.js): cells outside it are never looked at, since nothing is painted
   * there, so a long stroke crossing a small region costs the cells of the region alone.
   */
  constructor(width, height, cell = COVER_CELL, within = null) {
    this.cell = cell;
    this.columns = Math.max(1, Math.ceil(width / cell));
    this.rows = Math.max(1, Math.ceil(height / cell));
    this.solid = new Uint8Array(this.columns * this.rows);
    const [x, y, w, h] = within ?? [0, 0, width, height];
    this.firstColumn = Math.max(0, Math.floor(x / cell));
    this.lastColumn = Math.min(this.columns - 1, Math.ceil((x + w) / cell) - 1);
    this.firstRow = Math.max(0, Math.floor(y / cell));
    this.lastRow = Math.min(this.rows - 1, Math.ceil((y + h) / cell) - 1);
  }

  /**
   * What of the stroke the strokes added so far leave to be seen: null (nothing), ALL, or a
   * mask with 1 for each segment i (from point i - 1 to point i; 0 is the first point) that
   * may show. `wanted`, a mask of the same kind: only those segments are looked at, the others
   * count as hidden (a repaint of part of the board paints only the segments that cross it).
   */
  shown(stroke, view, wanted = null) {
    if (!coverable(stroke)) return ALL;
    // A cell's centre this close to the stroke's line may hold some of its pixels, edges
    // blended with the background included.
    const reach = halfWidth(stroke, view) + 1 + this.cell * Math.SQRT1_2;
    const count = stroke.points.length / 2;
    const mask = new Uint8Array(count);
    let shown = 0;
    for (let i = 0; i < count; i += 1) {
      if (wanted && !wanted[i]) continue;
      if (this.#anyCell(stroke, view, reach, false, i)) {
        mask[i] = 1;
        shown += 1;
      }
    }
    if (shown === 0) return null;
    // A run of segments ends in a cap where the whole stroke has a join: the canvas draws the
    // two a shade apart on a few edge pixels, as it does a stroke painted piece by piece live.
    return shown === count ? ALL : mask;
  }

  /** Would the stroke be painted over completely by the strokes added so far? */
  hides(stroke, view) {
    return this.shown(stroke, view) === null;
  }

  /** The stroke is painted above every stroke looked at after it: the cells it fills are solid. */
  add(stroke, view) {
    if (!coverable(stroke)) return;
    // A cell whose centre lies this close has every pixel inside the stroke, edges excluded.
    const inside = halfWidth(stroke, view) - this.cell * Math.SQRT1_2 - 0.5;
    if (inside > 0) this.#anyCell(stroke, view, inside, true);
  }

  // Visit the cells whose centres lie within `radius` of the stroke's segments (segment
  // `only`, or all): with `mark`, make them solid; without, stop at the first one that is not
  // solid (true).
  #anyCell(stroke, view, radius, mark, only = -1) {
    const { cell, columns, solid, firstColumn, lastColumn, firstRow, lastRow } = this;
    const { scale, offsetX, offsetY } = view;
    const points = stroke.points;
    const first = only < 0 ? 0 : only;
    const end = only < 0 ? points.length / 2 : only + 1;
    const radiusSquared = radius * radius;
    const before = Math.max(0, first - 1);
    let ax = offsetX + points[2 * before] * scale;
    let ay = offsetY + points[2 * before + 1] * scale;
    for (let i = first; i < end; i += 1) {
      const bx = offsetX + points[2 * i] * scale;
      const by = offsetY + points[2 * i + 1] * scale;
      const dx = bx - ax;
      const dy = by - ay;
      const lengthSquared = dx * dx + dy * dy;
      const left = Math.max(firstColumn, Math.floor((Math.min(ax, bx) - radius) / cell));
      const right = Math.min(lastColumn, Math.floor((Math.max(ax, bx) + radius) / cell));
      const top = Math.max(firstRow, Math.floor((Math.min(ay, by) - radius) / cell));
      const bottom = Math.min(lastRow, Math.floor((Math.max(ay, by) + radius) / cell));
      for (let row = top; row <= bottom; row += 1) {
        const py = (row + 0.5) * cell;
        for (let column = left; column <= right; column += 1) {
          const index = row * columns + column;
          if (!mark && solid[index]) continue;
          const px = (column + 0.5) * cell;
          let t = lengthSquared ? ((px - ax) * dx + (py - ay) * dy) / lengthSquared : 0;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          const ex = px - ax - t * dx;
          const ey = py - ay - t * dy;
          if (ex * ex + ey * ey > radiusSquared) continue;
          if (!mark) return true;
          solid[index] = 1;
        }
      }
      ax = bx;
      ay = by;
    }
    return false;
  }
}

/** Half a stroke's painted width in CSS pixels (strokes are at least a pixel wide). */
export function halfWidth(stroke, view) {
  return Math.max(1, (stroke.item?.width ?? stroke.width) * view.scale) / 2;
}

/**
 * Whether Cover may reason about a stroke: an opaque polyline of one width, round at its ends
 * and corners, two numbers a point (a marker). Ink's outline swells with pressure, a
 * highlighter lets what is under it show, shapes and text are not their points: those are
 * always painted, and hide nothing.
 */
export function coverable(stroke) {
  // One being moved is lifted off its layer (sketch.js): it covers nothing there.
  return (stroke.item === undefined || stroke.item.kind === 'marker') && !stroke.nudge;
}
