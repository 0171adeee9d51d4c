// What may go out on the current socket: which strokes are live on it (begun there, so
// their points and end can follow), the server's open-stroke limit, and the connection's
// budgets of actions (stroke begins and edits) and points. The server refuses anything
// beyond them and a burst of refusals costs the socket, so the browser keeps within them
// itself. Pure: the clock comes in at construction.

import { TokenBucket } from './budget.js';
import { stride } from './items.js';
import { CLEAR, DEFAULT_LIMITS, ERASE, MOVE, REDO, REMOVE_INK, STROKE_BEGIN, STROKE_END, STROKE_POINTS, UNDO } from './protocol.js';

// The buckets run a tenth under the server's: frames bunch up on the way, and the server
// counts them when they arrive, not when they left.
const HEADROOM = 0.9;

const EDITS = new Set([UNDO, REDO, CLEAR, ERASE, MOVE, REMOVE_INK]);

export class LiveStrokes {
  constructor(limits = DEFAULT_LIMITS, clock = () => performance.now()) {
    this.clock = clock;
    this.reset(limits);
  }

  /** A new socket, with the limits its welcome announced: nothing live, budgets full. */
  reset(limits) {
    this.limits = limits;
    this.strokes = new Map(); // live stroke id -> numbers a point of its kind
    const now = this.clock();
    this.actions = new TokenBucket(
      limits.maxActionsPerSecond * HEADROOM,
      Math.max(1, Math.floor(limits.maxActionBurst * HEADROOM)),
      now,
    );
    // The server's points bucket holds one second of points.
    this.points = new TokenBucket(
      limits.maxPointsPerSecond * HEADROOM,
      Math.max(1, Math.floor(limits.maxPointsPerSecond * HEADROOM)),
      now,
    );
  }

  get size() {
    return this.strokes.size;
  }

  /** Was this stroke begun on the current socket, so its points and end can follow live? */
  isLive(strokeId) {
    return this.strokes.has(strokeId);
  }

  /** The server dropped this stroke's live copy: its points and end stop going out live. */
  forget(strokeId) {
    this.strokes.delete(strokeId);
  }

  // One of the server's open-stroke places is kept for whole strokes from the outbox,
  // which go one at a time, so a hand with every finger down never starves them.
  maxLive() {
    return Math.max(1, this.limits.maxOpenStrokes - 1);
  }

  /** The most points one message should carry: the server's limit, and what the budget can ever pay. */
  get pointsPerMessage() {
    return Math.max(1, Math.min(this.limits.maxPointsPerMessage, this.points.burst));
  }

  /**
   * May `message` go out on this socket? If so, what it costs is spent and a stroke begun
   * becomes live. `whole`: the outbox is sending a finished stroke, begin to end in a row.
   * Points never refuse a message: they are charged, and the frame waits in the socket's
   * queue until the budget has refilled for it (see release()).
   */
  admit(message, { whole = false } = {}) {
    const now = this.clock();
    // Counted before an end forgets its stroke's kind.
    const points = this.pointCount(message);
    if (message.type === STROKE_BEGIN) {
      const places = whole ? this.limits.maxOpenStrokes : this.maxLive();
      if (this.strokes.size >= places) return false;
      // Without an action a live begin would be refused: the stroke is drawn here and goes
      // whole from the outbox when it ends.
      if (!this.actions.take(1, now)) return false;
      this.strokes.set(message.stroke, stride(message.item.kind));
    } else if (message.type === STROKE_POINTS || message.type === STROKE_END) {
      if (!this.isLive(message.stroke)) return false;
      if (message.type === STROKE_END) this.strokes.delete(message.stroke);
    } else if (EDITS.has(message.type)) {
      if (!this.actions.take(1, now)) return false;
    }
    if (points) this.points.charge(points, now);
    return true;
  }

  /** Points in a message as the server counts them: by the numbers a point of its stroke's kind. */
  pointCount(message) {
    const size = message.type === STROKE_BEGIN ? stride(message.item.kind) : (this.strokes.get(message.stroke) ?? 2);
    return Math.floor((message.points?.length ?? 0) / size);
  }

  /** Milliseconds until the budgets could pay for `message` as well as what is queued (0: now). */
  wait(message) {
    const now = this.clock();
    const actions = message.type === STROKE_BEGIN || EDITS.has(message.type) ? this.actions.wait(1, now) : 0;
    return Math.max(actions, this.points.wait(this.pointCount(message), now));
  }

  /**
   * Admitted frames, oldest first: how many may leave now, each once the budget has refilled
   * for it and the frames before it, and in how many milliseconds the next one may.
   */
  release(queued) {
    this.points.refill(this.clock());
    // The bucket has been charged for every queued frame; a frame is paid for when the
    // bucket would not be in debt without the frames behind it.
    let behind = queued.reduce((sum, message) => sum + this.pointCount(message), 0);
    for (let count = 0; count < queued.length; count += 1) {
      behind -= this.pointCount(queued[count]);
      const debt = -(this.points.tokens + behind);
      if (debt > 0) return { count, wait: Math.ceil((debt / this.points.rate) * 1000) };
    }
    return { count: queued.length, wait: 0 };
  }
}


