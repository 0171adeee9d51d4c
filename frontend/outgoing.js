// Outgoing messages between two sends: consecutive points of one stroke merge into one
// message, so a fast pointer costs one frame per send interval, not one per event, and a
// laser position replaces one still waiting (only the newest matters).

import { LASER, STROKE_END, STROKE_POINTS } from './protocol.js';

export class OutgoingQueue {
  constructor(maxPointsPerMessage) {
    this.maxPointsPerMessage = maxPointsPerMessage;
    this.messages = [];
  }

  get length() {
    return this.messages.length;
  }

  push(message) {
    if (message.type === LASER) {
      const waiting = this.messages.findLastIndex((queued) => queued.type === LASER);
      // A release must not be lost to a later position, nor a position jump ahead of it.
      if (waiting >= 0 && this.messages[waiting].at !== null) {
        this.messages.splice(waiting, 1);
      }
      this.messages.push(message);
      return;
    }
    const last = this.messages[this.messages.length - 1];
    const mergeable =
      last &&
      last.stroke === message.stroke &&
      last.type !== STROKE_END &&
      (message.type === STROKE_POINTS || message.type === STROKE_END) &&
      (last.points.length + message.points.length) / 2 <= this.maxPointsPerMessage;
    if (!mergeable) {
      // Copy the points: merging appends to them, and the caller keeps its own array.
      this.messages.push(message.points ? { ...message, points: [...message.points] } : message);
      return;
    }
    last.points.push(...message.points);
    // Points then end become one end that carries the points; a begin stays a begin.
    if (message.type === STROKE_END && last.type === STROKE_POINTS) last.type = STROKE_END;
    else if (message.type === STROKE_END) this.messages.push({ type: STROKE_END, stroke: message.stroke, points: [] });
  }

  /** Everything queued, in order; the queue is empty afterwards. */
  drain() {
    return this.take(this.messages.length);
  }

  /** The first `count` messages queued, in order, out of the queue. */
  take(count) {
    return this.messages.splice(0, count);
  }
}
