// Delivers the outbox: one item at a time, in the order it was made, each waiting for
// the server's ack before the next goes out, and paced so a long offline drawing stays
// under the server's points-per-second limit. Order matters: an undo made offline must
// reach the server after the strokes it follows.

import { strokeEnd } from './protocol.js';
import { itemMessages } from './outbox.js';

export class Delivery {
  constructor(outbox, connection, onChange) {
    this.outbox = outbox;
    this.connection = connection;
    this.onChange = onChange;
    this.awaiting = null; // ref sent and not yet acknowledged
    this.running = false;
    this.tokens = 500;
    this.refilled = performance.now();
  }

  /** The socket is (re)opened: everything unacknowledged goes again. */
  restart() {
    this.awaiting = null;
    this.pump();
  }

  /** The server acknowledged or refused `ref`: forget it and send the next item. */
  settle(ref) {
    const removed = this.outbox.remove(ref);
    if (this.awaiting === ref) this.awaiting = null;
    if (removed) this.onChange();
    this.pump();
  }

  async pump() {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.awaiting && this.connection.online && this.outbox.size) {
        const item = this.outbox.items[0];
        // A stroke drawn live on this socket only needs its end; any other is sent whole.
        const messages =
          item.stroke && this.connection.isLive(item.ref)
            ? [strokeEnd(item.ref)]
            : itemMessages(item, this.connection.limits.maxPointsPerMessage);
        this.awaiting = item.ref;
        for (const message of messages) {
          await this.spend((message.points?.length ?? 0) / 2);
          if (!this.connection.send(message)) {
            this.awaiting = null;
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
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(rate, this.tokens + ((now - this.refilled) / 1000) * rate * 0.9);
      this.refilled = now;
      if (points <= this.tokens || points === 0) {
        this.tokens -= points;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((points - this.tokens) / rate) * 1000)));
    }
  }
}
