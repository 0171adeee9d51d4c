// The board's websocket: sends queued messages at most once per send interval, hands
// every frame from the server to onMessage, reconnects by itself with backoff and jitter
// (resuming from the last seq the board holds), and reports its state through onStatus.

import {
  CLOSE_BOARD_NOT_FOUND,
  DEFAULT_LIMITS,
  encode,
  limitsFromWelcome,
  STROKE_BEGIN,
  STROKE_END,
  STROKE_POINTS,
  WELCOME,
} from './protocol.js';
import { OutgoingQueue } from './outgoing.js';

export const SEND_INTERVAL_MS = 33; // about 30 frames a second per drawer, however fast the pointer
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 15000;
const CLOSE_RESYNC = 4000;

export class Connection {
  /**
   * url: the board's socket path; tokenKey: where the participant token is kept;
   * since(): the last seq the board holds; onOpen(): after each welcome, to send the outbox;
   * onMessage(message); onStatus({state, text}).
   */
  constructor({ url, tokenKey, since, onOpen, onMessage, onStatus }) {
    Object.assign(this, { url, tokenKey, since, onOpen, onMessage, onStatus });
    this.limits = { ...DEFAULT_LIMITS };
    this.queue = new OutgoingQueue(this.limits.maxPointsPerMessage);
    this.socket = null;
    this.welcomed = false;
    this.liveStrokes = new Set(); // strokes begun on the current socket
    this.attempt = 0;
    this.lastSend = 0;
    this.sendTimer = null;
    this.retryTimer = null;
    this.stopped = false;
  }

  start() {
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => this.socket?.close());
    this.open();
  }

  open() {
    this.retryTimer = null;
    const token = sessionStorage.getItem(this.tokenKey) ?? '';
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = `token=${encodeURIComponent(token)}&since=${this.since()}`;
    const socket = new WebSocket(`${scheme}//${location.host}${this.url}?${query}`);
    this.socket = socket;
    this.welcomed = false;
    this.liveStrokes.clear();
    this.setStatus('connecting', this.attempt ? 'Reconnecting…' : 'Connecting…');
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => this.closed(socket, event));
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.type === WELCOME) {
      sessionStorage.setItem(this.tokenKey, message.token);
      this.limits = limitsFromWelcome(message);
      this.queue.maxPointsPerMessage = this.limits.maxPointsPerMessage;
      this.attempt = 0;
      this.welcomed = true;
      this.setStatus('online', 'Live');
      this.onMessage(message);
      this.onOpen();
      return;
    }
    this.onMessage(message);
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.welcomed = false;
    // Live messages still queued die with the socket; finished strokes wait in the outbox.
    this.queue.drain();
    if (event.code === CLOSE_BOARD_NOT_FOUND) {
      this.stopped = true;
      this.setStatus('failed', event.reason || 'No such board');
      return;
    }
    const delay =
      event.code === CLOSE_RESYNC
        ? 0
        : Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    if (navigator.onLine === false) this.setStatus('offline', 'Offline');
    else this.setStatus('reconnecting', `Reconnecting in ${Math.max(1, Math.round(delay / 1000))} s`);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  retryNow() {
    if (this.stopped || this.socket || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  /** Reconnect at once and resume from the board's seq (an event went missing). */
  resync() {
    this.socket?.close(CLOSE_RESYNC, 'resync');
  }

  get online() {
    return this.welcomed && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Was this stroke begun on the current socket, so its points and end can follow live? */
  isLive(strokeId) {
    return this.liveStrokes.has(strokeId);
  }

  maxLiveStrokes() {
    return Math.max(1, (this.limits.maxOpenStrokes ?? Infinity) - 1);
  }

  /** The server dropped this stroke's live copy: its points and end stop going out live. */
  forgetLive(strokeId) {
    this.liveStrokes.delete(strokeId);
  }

  /**
   * Queue a message for the next send; false when it cannot go out on this socket.
   * `whole`: the outbox is sending a finished stroke, begin to end in a row.
   */
  send(message, { whole = false } = {}) {
    if (!this.online) return false;
    if (message.type === STROKE_BEGIN) {
      // The server refuses a begin past its open-stroke limit, and a burst of refusals
      // costs the socket. A stroke over the limit is drawn here and sent whole when it
      // ends; one place is kept for those whole strokes, which the outbox sends one at a time.
      if (!whole && this.liveStrokes.size >= this.maxLiveStrokes()) return false;
      this.liveStrokes.add(message.stroke);
    } else if ((message.type === STROKE_POINTS || message.type === STROKE_END) && !this.isLive(message.stroke)) {
      return false;
    }
    if (message.type === STROKE_END) this.liveStrokes.delete(message.stroke);
    this.queue.push(message);
    if (this.sendTimer === null) {
      const wait = Math.max(0, this.lastSend + SEND_INTERVAL_MS - performance.now());
      this.sendTimer = setTimeout(() => this.flush(), wait);
    }
    return true;
  }

  flush() {
    this.sendTimer = null;
    this.lastSend = performance.now();
    if (!this.online) return;
    for (const message of this.queue.drain()) this.socket.send(encode(message));
  }

  setStatus(state, text) {
    this.onStatus({ state, text });
  }
}
