// Delivers the outbox: every item not yet sent on the current socket goes out in the order
// it was made (the socket keeps that order, so an undo made offline reaches the server after
// the strokes before it), paced so a long offline drawing stays under the server's
// points-per-second limit. Items leave the outbox only when acknowledged or finally refused.

import { strokeEnd } from './protocol.js';
import { itemMessages } from './outbox.js';

export class Delivery {
  constructor(outbox, connection, onChange) {
    this.outbox = outbox;
    this.connection = connection;
    this.onChange = onChange;
    this.sent = new Set(); // refs sent on the current socket
    this.running = false;
    this.tokens = null; // set to half the server's one-second burst on first use
    this.refilled = performance.now();
  }

  /** The socket is (re)opened: everything unacknowledged goes again. */
  restart() {
    this.sent.clear();
    this.pump();
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

  async pump() {
    if (this.running) return;
    this.running = true;
    try {
      while (this.connection.online) {
        const item = this.outbox.items.find((entry) => !this.sent.has(entry.ref));
        if (!item) return;
        // A stroke drawn live on this socket only needs its end; any other is sent whole.
        const messages =
          item.stroke && this.connection.isLive(item.ref)
            ? [strokeEnd(item.ref)]
            : itemMessages(item, this.connection.limits.maxPointsPerMessage);
        this.sent.add(item.ref);
        for (const message of messages) {
          await this.spend((message.points?.length ?? 0) / 2);
          if (!this.connection.send(message, { whole: true })) {
            this.sent.delete(item.ref);
            return;
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  // Mirror of the server's token bucket: wait until `points` may be sent.
  async spend(points) {
    const rate = this.connection.limits.maxPointsPerSecond ?? 1000;
    this.tokens ??= rate / 2;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(rate, this.tokens + ((now - this.refilled) / 1000) * rate * 0.9);
      this.refilled = now;
      if (points <= this.tokens) {
        this.tokens -= points;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((points - this.tokens) / rate) * 1000)));
    }
  }
}
