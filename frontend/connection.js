// The board's websocket: sends queued messages at most once per send interval and within
// the connection's budgets (live.js). The server sets the interval from the board's load
// (in `welcome`, then in `pace`, which goes no further than here): 0 sends each message at
// once, a busy board batches. It hands every frame from the server to onMessage,
// reconnects by itself on the schedule of backoff.js (resuming from the last seq the
// board holds), and reports its state through onStatus. A host presents its key at every
// connect; a projector asks for a read-only connection.

import { ReconnectBackoff } from './backoff.js';
import { gettext, gettext_noop, interpolate } from './i18n.js';
import { LiveStrokes } from './live.js';
import { OutgoingQueue } from './outgoing.js';
import { closeText } from './refusals.js';
import {
  CLOSE_BOARD_NOT_FOUND,
  CLOSE_REMOVED,
  CLOSE_BOARD_DELETED,
  CLOSE_RESYNC,
  DEFAULT_LIMITS,
  encode,
  limitsFromWelcome,
  PACE,
  sendIntervalOf,
  SNAPSHOT,
  speaksOurVersion,
  WELCOME,
} from './protocol.js';

// Until a server says otherwise: about 30 frames a second per drawer, however fast the pointer.
export const SEND_INTERVAL_MS = 33;
// The send timer's mark while a flush waits for the current task to end (no interval to wait).
const SOON = 'soon';

export const REMOVED_TEXT = gettext_noop('The host removed you from this board');


/** The socket's query string: who this is, where the board stands, and how it takes part. */
export function socketQuery({ token, since, hostKey = null, viewer = false }) {
  const params = new URLSearchParams({ token: token ?? '', since: String(since) });
  if (hostKey) params.set('host', hostKey);
  if (viewer) params.set('view', '1');
  return params.toString();
}

export class Connection {
  /**
   * url: the board's socket path; tokenKey: where the participant token is kept;
   * hostKey(): the board's host key if this browser has it; viewer: a read-only projector;
   * since(): the last seq the board holds; onMessage(message), the welcome included;
   * onStatus({state, text}); clock(): milliseconds, performance.now() but in tests;
   * refetch(): the whole board fetched over HTTP and applied (snapshot.js), resolving to
   * false when it could not be had; null to take every whole board from the socket.
   */
  constructor({
    url,
    tokenKey,
    hostKey = () => null,
    viewer = false,
    since,
    onMessage,
    onStatus,
    clock = () => performance.now(),
    refetch = null,
  }) {
    Object.assign(this, { url, tokenKey, hostKey, viewer, since, onMessage, onStatus, clock, refetch });
    this.sendInterval = SEND_INTERVAL_MS;
    this.limits = { ...DEFAULT_LIMITS };
    this.live = new LiveStrokes(this.limits, clock);
    this.queue = new OutgoingQueue(this.live.pointsPerMessage);
    this.backoff = new ReconnectBackoff();
    this.socket = null;
    this.freshSnapshot = false;
    // The seq the current socket was opened with, and whether the board came over HTTP just before.
    this.openedSince = 0;
    this.refetched = false;
    // The current socket is closed to fetch the board over HTTP: open again at once.
    this.closingToRefetch = false;
    this.welcomed = false;
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

  async open() {
    this.retryTimer = null;
    if (this.stopped) return;
    let fresh = this.freshSnapshot;
    this.freshSnapshot = false;
    // A whole board comes sooner over HTTP, in one compressed and cached response, than in
    // the socket's parts (docs/performance.md, "Joining a big board"); the socket then asks
    // only for what came after it.
    this.refetched = false;
    if (fresh && this.refetch) {
      this.setStatus('connecting', gettext('Reconnecting…'));
      this.refetched = await this.refetch();
      fresh = !this.refetched;
      if (this.stopped) return;
    }
    const token = sessionStorage.getItem(this.tokenKey) ?? '';
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // since=0 asks for a whole snapshot instead of the events after the board's seq.
    const since = fresh ? 0 : this.since();
    this.openedSince = since;
    const query = socketQuery({ token, since, hostKey: this.hostKey(), viewer: this.viewer });
    const socket = new WebSocket(`${scheme}//${location.host}${this.url}?${query}`);
    this.socket = socket;
    this.welcomed = false;
    this.live.reset(this.limits);
    this.setStatus('connecting', this.backoff.attempt ? gettext('Reconnecting…') : gettext('Connecting…'));
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
    if (message === null || typeof message !== 'object') return;
    if (message.type === WELCOME) {
      if (!speaksOurVersion(message)) {
        // Reconnecting would meet the same server: only a newer page can talk to it.
        this.stop(gettext('Sketchsite was updated: reload the page'));
        return;
      }
      sessionStorage.setItem(this.tokenKey, message.token);
      this.limits = limitsFromWelcome(message);
      this.live.reset(this.limits);
      this.queue.maxPointsPerMessage = this.live.pointsPerMessage;
      this.sendInterval = sendIntervalOf(message, SEND_INTERVAL_MS);
      this.backoff.welcomed(this.clock());
      this.welcomed = true;
      this.setStatus('online', gettext('Live'));
    } else if (message.type === PACE) {
      this.sendInterval = sendIntervalOf(message, this.sendInterval);
      return;
    } else if (message.type === SNAPSHOT && message.index === 0 && this.refetchesInstead()) {
      // The server found the board too far behind its seq to send the events (more than
      // MAX_CATCH_UP_EVENTS): the whole board, then, over HTTP.
      this.freshSnapshot = true;
      this.closingToRefetch = true;
      this.socket?.close(CLOSE_RESYNC, 'resync');
      return;
    }
    this.onMessage(message);
  }

  /**
   * A socket snapshot the board asked for events instead of is left for HTTP's: not when the
   * socket asked for a whole board (since=0, HTTP failed or the board is new here), nor right
   * after one came over HTTP (the server would only say the same again).
   */
  refetchesInstead() {
    return this.refetch !== null && this.openedSince > 0 && !this.refetched;
  }

  closed(socket, event) {
    if (socket !== this.socket) return;
    const refetching = this.closingToRefetch;
    this.closingToRefetch = false;
    this.socket = null;
    this.welcomed = false;
    // Live messages still queued die with the socket; finished strokes wait in the outbox.
    this.queue.drain();
    if (event.code === CLOSE_BOARD_NOT_FOUND) {
      this.stop(event.reason || gettext('No such board'));
      return;
    }
    if (event.code === CLOSE_BOARD_DELETED) {
      this.stop(gettext('The host deleted this board'));
      return;
    }
    if (event.code === CLOSE_REMOVED) {
      // Every reconnect with this token would be closed the same way.
      this.stop(gettext(REMOVED_TEXT));
      return;
    }
    // A close to fetch over HTTP is no failure of the server's: it waits for nothing.
    const backedOff = this.backoff.closed(event.code, this.clock());
    const delay = refetching ? 0 : backedOff;
    if (navigator.onLine === false) this.setStatus('offline', gettext('Offline'));
    else {
      const seconds = Math.max(1, Math.round(delay / 1000));
      const reconnecting = interpolate(gettext('Reconnecting in %(seconds)s s'), { seconds });
      // A refusal the server will repeat for a while is said as itself, not as a bare reconnect.
      const why = closeText(event.code);
      this.setStatus('reconnecting', why ? `${why}. ${reconnecting}` : reconnecting, why);
    }
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Close for good: no reconnecting, and the status says why. */
  stop(reason) {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.welcomed = false;
    this.queue.drain();
    socket?.close();
    this.setStatus('failed', reason);
  }

  retryNow() {
    if (this.stopped || this.socket || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.open();
  }

  /**
   * Reconnect and resume from the board's seq (an event went missing), or with `fresh`, from
   * a whole snapshot (a stroke went missing).
   */
  resync({ fresh = false } = {}) {
    if (fresh) this.freshSnapshot = true;
    this.socket?.close(CLOSE_RESYNC, 'resync');
  }

  get online() {
    return this.welcomed && this.socket?.readyState === WebSocket.OPEN;
  }

  forgetLive(strokeId) {
    this.live.forget(strokeId);
  }

  /**
   * Queue a message for the next send; false when it cannot go out on this socket.
   * `whole`: the outbox is sending a finished stroke, begin to end in a row.
   */
  send(message, { whole = false } = {}) {
    if (!this.online || !this.live.admit(message, { whole })) return false;
    this.queue.push(message);
    this.schedule();
    return true;
  }

  schedule() {
    if (this.sendTimer !== null) return;
    const interval = this.lastSend + this.sendInterval - this.clock();
    const { wait } = this.live.release(this.queue.messages);
    const delay = Math.max(0, interval, wait);
    if (delay > 0) {
      this.sendTimer = setTimeout(() => this.flush(), delay);
      return;
    }
    // Nothing to wait for: out as soon as the pointer event that queued it is handled, with
    // whatever else the same event queues, and without a timer's minimum delay.
    this.sendTimer = SOON;
    queueMicrotask(() => this.flush());
  }

  flush() {
    this.sendTimer = null;
    if (!this.online) return;
    this.lastSend = this.clock();
    // Frames whose points the budget has not refilled for yet wait, in order, for the next send.
    const { count } = this.live.release(this.queue.messages);
    for (const message of this.queue.take(count)) this.socket.send(encode(message));
    if (this.queue.length) this.schedule();
  }

  /** `notice`: why the server closed the socket, when the person should be told (refusals.js). */
  setStatus(state, text, notice = null) {
    this.onStatus({ state, text, notice });
  }
}
