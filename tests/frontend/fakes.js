// Stand-ins for the browser-bound parts (storage, socket, delivery, painter) in node tests.

import { DEFAULT_LIMITS } from '../../frontend/protocol.js';

export class MemoryStorage {
  constructor() {
    this.values = new Map();
  }
  getItem(key) {
    return this.values.get(key) ?? null;
  }
  setItem(key, value) {
    this.values.set(key, value);
  }
  removeItem(key) {
    this.values.delete(key);
  }
}

/** Records what the session asks of the outbox's delivery; settles like the real one. */
export class RecordingDelivery {
  constructor(outbox) {
    this.outbox = outbox;
    this.held = true;
    this.calls = [];
  }
  hold() {
    this.held = true;
    this.calls.push(['hold']);
  }
  restart() {
    this.held = false;
    this.calls.push(['restart']);
  }
  pump() {
    this.calls.push(['pump']);
  }
  settle(ref) {
    this.outbox.remove(ref);
    this.calls.push(['settle', ref]);
  }
  resend(ref) {
    this.calls.push(['resend', ref]);
  }
  retryLater(ref, delay) {
    this.calls.push(['retryLater', ref, delay]);
  }
  called(name) {
    return this.calls.filter(([call]) => call === name);
  }
}

/** A connection that is always online and takes every message. */
export class RecordingConnection {
  constructor(limits = DEFAULT_LIMITS) {
    this.limits = { ...limits };
    this.sent = [];
    this.resyncs = 0;
    this.freshResyncs = 0;
    this.forgotten = [];
  }
  send(message) {
    this.sent.push(message);
    return true;
  }
  resync({ fresh = false } = {}) {
    if (fresh) this.freshResyncs += 1;
    this.resyncs += 1;
  }
  forgetLive(ref) {
    this.forgotten.push(ref);
  }
}

export class RecordingPainter {
  constructor() {
    this.changes = [];
    this.repaints = 0;
  }
  paintChange(change) {
    this.changes.push(change);
  }
  repaint() {
    this.repaints += 1;
  }
}
