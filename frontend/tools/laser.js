// The laser pointer: while pressed, its place on the board goes to everyone, at most once per
// interval (the server's max_laser_per_second); released, it says so, and every screen lets
// the trail fade. Draws nothing on the board and stores nothing.

import { clampToBoard } from '../board.js';
import { screenToBoard } from '../view.js';

export const TOOL = Object.freeze({ name: 'laser', label: 'Laser', shortcut: 'l', title: 'Laser pointer (L)' });

/**
 * The newest position, let out at most once per `interval` ms: offer() says whether it may go
 * now, or else after how many ms the one kept for later may. Pure: the time comes in.
 */
export class Pacer {
  constructor(interval) {
    this.interval = interval;
    this.lastSent = -Infinity;
    this.waiting = null;
  }

  /** `at` is the newest position at `now`: 0 when it goes now, else the ms until it may. */
  offer(at, now) {
    const wait = this.lastSent + this.interval - now;
    if (wait <= 0) {
      this.lastSent = now;
      this.waiting = null;
      return 0;
    }
    this.waiting = at;
    return wait;
  }

  /** The position kept for later, now due; null when nothing waits. */
  take(now) {
    const at = this.waiting;
    this.waiting = null;
    if (at !== null) this.lastSent = now;
    return at;
  }

  /** Released: nothing kept goes after the release. */
  release() {
    this.waiting = null;
  }
}

/** getInterval(): ms between positions; move(at): a position in board units, or null at release. */
export function attachLaser(canvas, { board, getView, isActive, getInterval, move, clock = () => performance.now() }) {
  let pointer = null;
  let pacer = null;
  let timer = null;

  function boardPoint(event) {
    const rect = canvas.getBoundingClientRect();
    return clampToBoard(board, ...screenToBoard(getView(), event.clientX - rect.left, event.clientY - rect.top));
  }

  function offer(at) {
    const wait = pacer.offer(at, clock());
    if (wait === 0) {
      move(at);
    } else if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        const due = pacer?.take(clock());
        if (due) move(due);
      }, wait);
    }
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (!isActive() || pointer !== null || (event.button !== 0 && event.pointerType === 'mouse')) return;
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    pointer = event.pointerId;
    pacer = new Pacer(getInterval());
    offer(boardPoint(event));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== pointer) return;
    event.preventDefault();
    offer(boardPoint(event));
  });
  const release = (event) => {
    if (event.pointerId !== pointer) return;
    pointer = null;
    pacer.release();
    pacer = null;
    clearTimeout(timer);
    timer = null;
    move(null);
  };
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);
}
