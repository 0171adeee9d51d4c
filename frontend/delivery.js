// Sends the outbox over the connection, oldest first (undo and erase may depend on the
// strokes before them), each message once the connection's budgets can pay for it, so a
// long offline drawing stays within the server's limits. Items leave the outbox only when
// acknowledged or finally refused; one refused for the moment holds the outbox until its
// retry is due.

import { itemMessages } from './outbox.js';
import { strokeEnd } from './protocol.js';

export class Delivery {
  /** `connection` needs online, live ({isLive, wait, pointsPerMessage}) and send(message, {whole}). */
  constructor(outbox, connection, onChange, { clock = () => performance.now(), sleep = defaultSleep } = {}) {
    Object.assign(this, { outbox, connection, onChange, clock, sleep });
    this.sent = new Set(); // refs sent on the current socket
    this.running = null; // the pump at work, if any
    this.again = false;
    this.socket = 0; // counts holds and restarts, so a send that spans one stops
    this.held = true; // until a socket's board is loaded
    this.heldUntil = 0; // a retry that is not due yet holds everything after it
    this.retryTimer = null;
  }

  /** A new socket whose board is not loaded yet: nothing goes until restart(). */
  hold() {
    this.held = true;
    this.socket += 1;
  }

  /** The socket's board is loaded: everything unacknowledged goes again. */
  restart() {
    this.held = false;
    this.socket += 1;
    this.sent.clear();
    return this.pump();
  }

  /** The server acknowledged or finally refused `ref`. */
  settle(ref) {
    this.sent.delete(ref);
    if (this.outbox.remove(ref)) this.onChange();
  }

  /** Send `ref` again, whole (its live copy was refused). */
  resend(ref) {
    this.sent.delete(ref);
    this.pump();
  }

  /** Send `ref` again in `delay` milliseconds; nothing after it goes before. */
  retryLater(ref, delay) {
    this.sent.delete(ref);
    this.heldUntil = Math.max(this.heldUntil, this.clock() + delay);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.pump(), this.heldUntil - this.clock());
  }

  /** Send what waits, if not already sending; resolves once nothing more can go now. */
  pump() {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.sendWaiting();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async sendWaiting() {
    const { connection } = this;
    while (!this.held && connection.online && this.clock() >= this.heldUntil) {
      const item = this.outbox.items.find((entry) => !this.sent.has(entry.ref));
      if (!item) return;
      const socket = this.socket;
      // A stroke drawn live on this socket only needs its end; any other is sent whole.
      const messages =
        item.stroke && connection.live.isLive(item.ref)
          ? [strokeEnd(item.ref)]
          : itemMessages(item, connection.live.pointsPerMessage);
      this.sent.add(item.ref);
      for (const message of messages) {
        for (let wait = connection.live.wait(message); wait > 0; wait = connection.live.wait(message)) {
          await this.sleep(wait);
        }
        if (socket !== this.socket || !connection.send(message, { whole: true })) {
          // The socket changed or closed midway: the item goes again, whole, on the next.
          if (socket === this.socket) this.sent.delete(item.ref);
          return;
        }
      }
    }
  }
}

function defaultSleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
