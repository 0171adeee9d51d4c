// A transparent canvas over the board for what moves and fades: the author's name beside the
// tip of each stroke someone else is drawing, and laser trails. It runs its own animation
// loop, and only while something is on it, so the board's canvas is never repainted for it.

import { stride } from '../items.js';
import { strokesInProgress } from '../board.js';
import { boardToScreen } from '../view.js';

// A laser trail is gone this long after its last point (docs/protocol.md, `laser`).
export const TRAIL_MS = 1500;
const LASER_COLOR = [224, 49, 49]; // the palette's red
const LASER_WIDTH = 5; // screen pixels: a pointer, not ink, so the same on every screen
const LASER_HEAD = 7;
const NAME_FONT = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Laser pointers by author: points in board units with their arrival time (ms). Pure. */
export class LaserTrails {
  constructor() {
    this.trails = new Map(); // author -> {points: [{x, y, time, start}], released}
  }

  get size() {
    return this.trails.size;
  }

  /** `author`'s pointer is at [x, y], or released (null), at time `now`. */
  move(author, at, now) {
    let trail = this.trails.get(author);
    if (at === null) {
      if (trail) trail.released = true;
      return;
    }
    if (!trail) {
      trail = { points: [], released: true };
      this.trails.set(author, trail);
    }
    // A new press begins a new line: the fading tail of the last one is not joined to it.
    trail.points.push({ x: at[0], y: at[1], time: now, start: trail.released });
    trail.released = false;
  }

  /** Forget points older than TRAIL_MS, and trails left without any. True while any remain. */
  prune(now) {
    for (const [author, trail] of this.trails) {
      trail.points = keptPoints(trail.points, now);
      if (!trail.points.length) this.trails.delete(author);
    }
    return this.trails.size > 0;
  }

  clear() {
    this.trails.clear();
  }
}

/** The points of a trail still visible at `now`, oldest first. */
export function keptPoints(points, now) {
  const first = points.findIndex((point) => now - point.time < TRAIL_MS);
  return first < 0 ? [] : points.slice(first);
}

/** How opaque a trail is where its point arrived `age` ms ago: 1 when new, 0 once gone. */
export function trailOpacity(age) {
  return Math.min(1, Math.max(0, 1 - age / TRAIL_MS));
}

/**
 * container: the element the board's canvas fills; board: board.js state; getView(): the
 * board's place on screen (view.js); me(): this browser's participant id, whose strokes
 * need no name; clock(): milliseconds.
 */
export function createOverlay(container, { board, getView, me, clock = () => performance.now() }) {
  const canvas = document.createElement('canvas');
  canvas.className = 'board-overlay';
  canvas.setAttribute('aria-hidden', 'true');
  container.append(canvas);
  const context = canvas.getContext('2d');
  const lasers = new LaserTrails();
  let inProgress = [];
  let boardChanged = true;
  let frame = null;
  let cleared = true;

  function fit() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(container.clientWidth * ratio);
    const height = Math.round(container.clientHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function paint() {
    frame = null;
    const now = clock();
    if (boardChanged) {
      boardChanged = false;
      inProgress = strokesInProgress(board, me()).filter((stroke) => stroke.name);
    }
    const lasersLeft = lasers.prune(now);
    const view = getView();
    fit();
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (view) {
      for (const stroke of inProgress) paintName(context, view, stroke);
      for (const trail of lasers.trails.values()) paintTrail(context, view, trail, now);
    }
    cleared = !inProgress.length && !lasersLeft;
    // Names move only when their strokes do, and each change wakes the loop; trails fade by themselves.
    if (lasersLeft) frame = requestAnimationFrame(paint);
  }

  function wake() {
    if (frame === null) frame = requestAnimationFrame(paint);
  }

  window.addEventListener('resize', () => {
    if (!cleared) wake();
  });

  return {
    /** Strokes began, grew, ended or went: the names beside their tips follow. */
    boardChanged() {
      boardChanged = true;
      wake();
    },
    /** A laser pointer moved or was released. */
    moveLaser(author, at) {
      lasers.move(author, at, clock());
      wake();
    },
    /** A new socket: pointers from before it will send no release. */
    forgetLasers() {
      lasers.clear();
      wake();
    },
    lasers,
  };
}

function paintName(context, view, stroke) {
  const size = stride(stroke.item.kind);
  const count = Math.floor(stroke.points.length / size);
  if (!count) return;
  const [x, y] = boardToScreen(view, stroke.points[size * (count - 1)], stroke.points[size * (count - 1) + 1]);
  // Beside the tip, clear of the line being drawn under the hand.
  const left = x + 10 + ((stroke.item.width ?? 0) * view.scale) / 2;
  const top = y + 8;
  context.font = NAME_FONT;
  const width = context.measureText(stroke.name).width;
  context.fillStyle = 'rgba(33, 37, 41, 0.78)';
  context.beginPath();
  context.roundRect(left, top, width + 12, 20, 6);
  context.fill();
  context.fillStyle = '#ffffff';
  context.textBaseline = 'middle';
  // A name is drawn as text on a canvas, never parsed as markup.
  context.fillText(stroke.name, left + 6, top + 10);
}

function paintTrail(context, view, trail, now) {
  const [r, g, b] = LASER_COLOR;
  context.lineCap = 'round';
  context.lineWidth = LASER_WIDTH;
  const points = trail.points;
  for (let i = 1; i < points.length; i += 1) {
    if (points[i].start) continue;
    const [ax, ay] = boardToScreen(view, points[i - 1].x, points[i - 1].y);
    const [bx, by] = boardToScreen(view, points[i].x, points[i].y);
    context.strokeStyle = `rgba(${r}, ${g}, ${b}, ${0.85 * trailOpacity(now - points[i].time)})`;
    context.beginPath();
    context.moveTo(ax, ay);
    context.lineTo(bx, by);
    context.stroke();
  }
  const head = points.at(-1);
  const [hx, hy] = boardToScreen(view, head.x, head.y);
  const opacity = trail.released ? trailOpacity(now - head.time) : 1;
  context.fillStyle = `rgba(${r}, ${g}, ${b}, ${opacity})`;
  context.shadowColor = `rgba(${r}, ${g}, ${b}, ${opacity})`;
  context.shadowBlur = 12;
  context.beginPath();
  context.arc(hx, hy, LASER_HEAD, 0, 2 * Math.PI);
  context.fill();
  context.shadowBlur = 0;
}
