// The board's websocket: sends queued messages at most once per send interval, hands
// every frame from the server to onMessage, reconnects by itself with backoff and jitter,
// and reports its state through onStatus.

import {
  CLOSE_BOARD_NOT_FOUND,
  DEFAULT_LIMITS,
  encode,
  limitsFromWelcome,
  WELCOME,
} from './protocol.js';
import { OutgoingQueue } from './outgoing.js';

export const SEND_INTERVAL_MS = 33; // about 30 frames a second per drawer, however fast the pointer
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 15000;

export class Connection {
  constructor({ url, tokenKey, onMessage, onStatus }) {
    this.url = url;
    this.tokenKey = tokenKey;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.limits = { ...DEFAULT_LIMITS };
    this.queue = new OutgoingQueue(this.limits.maxPointsPerMessage);
    this.socket = null;
    this.attempt = 0;
    this.lastSend = 0;
    this.sendTimer = null;
    this.retryTimer = null;
    this.stopped = false;
  }

  start() {
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => this.setStatus('offline', 'No network'));
    this.open();
  }

  open() {
    this.retryTimer = null;
    const token = sessionStorage.getItem(this.tokenKey) ?? '';
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${this.url}?token=${encodeURIComponent(token)}`);
    this.socket = socket;
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
      this.setStatus('online', 'Live');
    }
    this.onMessage(message);
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    this.socket = null;
    // Strokes in flight are lost with the connection; drop them rather than send points of a
    // stroke the server no longer knows.
    this.queue.drain();
    if (event.code === CLOSE_BOARD_NOT_FOUND) {
      this.stopped = true;
      this.setStatus('failed', event.reason || 'No such board');
      return;
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    this.attempt += 1;
    const seconds = Math.max(1, Math.round(delay / 1000));
    this.setStatus(navigator.onLine ? 'reconnecting' : 'offline', `Reconnecting in ${seconds} s`);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  retryNow() {
    if (this.stopped || this.socket || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  get online() {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  send(message) {
    if (!this.online) return;
    this.queue.push(message);
    if (this.sendTimer !== null) return;
    const wait = Math.max(0, this.lastSend + SEND_INTERVAL_MS - performance.now());
    this.sendTimer = setTimeout(() => this.flush(), wait);
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
