// When to try again: exponential backoff with jitter, for reconnecting the board's socket
// and for sending again a stroke or edit the server could not take just then. Pure: time
// and chance come in as arguments.

import {
  CLOSE_HOST_KEY_CHANGED,
  CLOSE_RESYNC,
  CLOSE_TOO_MANY_CONNECTIONS,
  CLOSE_TOO_SLOW,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_TRY_AGAIN_LATER_STANDARD,
} from './protocol.js';

/**
 * Delay before try number `attempt` (0 first): base doubling up to max, then jittered down
 * by up to half, so a classroom of browsers cut off together does not return together.
 */
export function backoffDelay(attempt, { baseMs, maxMs, random = Math.random }) {
  return Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + random() / 2);
}

export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 15000;
// A socket counts as healthy once welcomed and open this long; only then does the backoff
// start again from the bottom. A server that closes right after its welcome is still backed off.
export const HEALTHY_MS = 10000;
// Closes where the server asked for time (too far behind, board unavailable, too many sockets
// from this address) start this
// many steps up the backoff, so a struggling server is not met with an instant return.
const SERVER_BUSY_STEPS = 2;
const SERVER_BUSY = new Set([
  CLOSE_TOO_SLOW,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_TRY_AGAIN_LATER_STANDARD,
  CLOSE_TOO_MANY_CONNECTIONS,
]);

/** The reconnect schedule of one board socket. */
export class ReconnectBackoff {
  constructor({ baseMs = RECONNECT_BASE_MS, maxMs = RECONNECT_MAX_MS, healthyMs = HEALTHY_MS, random = Math.random } = {}) {
    Object.assign(this, { baseMs, maxMs, healthyMs, random });
    this.attempt = 0; // closes since the last healthy socket
    this.welcomedAt = null;
  }

  /** The current socket was welcomed at `now` (milliseconds). */
  welcomed(now) {
    this.welcomedAt = now;
  }

  /** The socket closed with `code` at `now`: milliseconds to wait before opening another. */
  closed(code, now) {
    if (this.welcomedAt !== null && now - this.welcomedAt >= this.healthyMs) this.attempt = 0;
    this.welcomedAt = null;
    let delay;
    if ((code === CLOSE_RESYNC || code === CLOSE_HOST_KEY_CHANGED) && this.attempt === 0) {
      // A gap in the board's events after a healthy spell, or a new role to take up: connect
      // again at once. The same again soon after is a loop, and waits like any other close.
      delay = 0;
    } else {
      const step = SERVER_BUSY.has(code) ? Math.max(this.attempt, SERVER_BUSY_STEPS) : this.attempt;
      delay = backoffDelay(step, this);
    }
    this.attempt += 1;
    return delay;
  }
}

export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 30000;

/** Delay before sending again an outbox item refused for the moment `retries` times already. */
export function retryDelay(retries, random = Math.random) {
  return backoffDelay(Math.max(0, retries - 1), { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS, random });
}
