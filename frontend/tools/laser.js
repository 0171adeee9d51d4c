// The laser pointer: while pressed, its place on the board goes to everyone, at most once per
// interval (the server's max_laser_per_second); released, it says so, and every screen lets
// the trail fade. Draws nothing on the board and stores nothing.

import { gettext_noop } from '../i18n.js';
import { boardPoint as pointOnBoard, icon, isPrimaryPress } from './pointer.js';

export default Object.freeze({
  name: 'laser',
  label: gettext_noop('Laser'),
  shortcut: 'l',
  icon: icon('<circle cx="12" cy="12" r="3" fill="currentColor"/><path d="M12 2v4M12 18v4M2 12h4M18 12h4"/>'),
  // Who may use it is the policy's (a host, and students when the host allows).
  permission: 'laser',
  attach(canvas, { board, getView, isActive, can, maxLaserPerSecond, moveLaser }) {
    attachLaser(canvas, {
      board,
      getView,
      isActive: () => isActive('laser') && can('laser'),
      getInterval: () => 1000 / maxLaserPerSecond(),
      move: moveLaser,
    });
    return { cancel() {} };
  },
});

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

  const boardPoint = (event) => pointOnBoard(canvas, board, getView(), event);

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
    if (!isActive() || pointer !== null || !isPrimaryPress(event)) return;
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
