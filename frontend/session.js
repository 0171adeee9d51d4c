// This browser on one board: applies what the server says, and what is drawn here, to the
// board; decides what goes out, what goes again and what is taken back. Holds no socket:
// the connection, the outbox's delivery and the painter come in, so its tests need no browser.

import { retryDelay } from './backoff.js';
import {
  applyMessage,
  applySnapshot,
  authorsOf,
  dropPreviews,
  findStroke,
  GAP,
  MISSING,
  reassignAuthor,
  removeStroke,
  setVisible,
  UNKNOWN_AUTHOR,
} from './board.js';
import {
  ACK,
  BATCH,
  edit,
  ERASE,
  erase,
  ERROR,
  EVENT,
  isStrokePair,
  newId,
  RESEND_CODES,
  RETRYABLE_CODES,
  SNAPSHOT,
  STROKE_BEGIN,
  STROKE_DROP,
  STROKE_END,
  STROKE_POINTS,
  strokeBegin,
  strokeEnd,
  strokePoints,
  WELCOME,
} from './protocol.js';

// How often a stroke whose live copy was refused goes again, whole, before it is given up.
export const MAX_RESENDS = 3;

// What the server relays (a stroke's end is not: its committed event takes its place).
const RELAYED = new Set([EVENT, STROKE_BEGIN, STROKE_POINTS, STROKE_DROP]);

export class Session {
  /**
   * board: board.js state; outbox: Outbox; delivery: Delivery (or its like);
   * connection: {limits, send(message), resync({fresh}), forgetLive(ref)};
   * painter: {paintChange(change), repaint()}; notify(text): a short message for the person drawing.
   */
  constructor({ board, outbox, delivery, connection, painter, notify, random = Math.random }) {
    Object.assign(this, { board, outbox, delivery, connection, painter, notify, random });
    this.me = UNKNOWN_AUTHOR;
    this.socketStatus = { state: 'connecting', text: 'Connecting…' };
    this.loading = null; // {received, total} while a snapshot comes in
    // What the board still needs before the outbox may go: 'welcome', 'catch-up', 'snapshot' or nothing.
    this.awaiting = 'welcome';
    this.welcomeSeq = 0;
    // Strokes waiting in the outbox (drawn offline, perhaps before a reload) are on the board.
    for (const item of outbox.items) {
      if (!item.stroke) continue;
      const { id, color, width, points } = item.stroke;
      const change = applyMessage(board, strokeBegin(id, color, width, points), this.me);
      if (change) change.stroke.done = true;
    }
  }

  /** One message from the server. */
  receive(message) {
    switch (message.type) {
      case WELCOME:
        this.welcomed(message);
        break;
      case SNAPSHOT:
        this.loading = applySnapshot(this.board, message);
        if (this.loading.received >= this.loading.total) {
          this.loading = null;
          this.awaiting = null;
        }
        this.painter.repaint();
        break;
      case BATCH:
        for (const relayed of message.messages) if (this.relayed(relayed) === GAP) break;
        break;
      case ACK:
        this.delivery.settle(message.ref);
        break;
      case ERROR:
        this.refused(message);
        break;
      default:
        if (RELAYED.has(message.type)) this.relayed(message);
        break;
    }
    if (this.awaiting === 'catch-up' && !this.loading && this.board.seq >= this.welcomeSeq) this.awaiting = null;
    if (this.awaiting === null && this.delivery.held) this.loaded();
  }

  welcomed(welcome) {
    const previous = this.me;
    this.me = welcome.you;
    // Strokes drawn here before this welcome carry the author they had then; from now on
    // they are this participant's, as the server will stamp them.
    reassignAuthor(this.board, previous, this.me);
    dropPreviews(this.board, this.me);
    this.painter.repaint();
    this.delivery.hold();
    this.welcomeSeq = welcome.seq;
    this.loading = null;
    // A board that holds some of the log gets the rest as events (or a snapshot when far
    // behind); an empty one, or one ahead of the server's, gets a snapshot.
    const seq = this.board.seq;
    this.awaiting = seq > 0 && seq <= welcome.seq ? 'catch-up' : 'snapshot';
  }

  // The board holds the server's state: the outbox goes now, when an erase can find the
  // strokes it names.
  loaded() {
    this.outbox.addressErases(this.me, (id) => authorsOf(this.board, id));
    this.delivery.restart();
  }

  relayed(message) {
    // Own live messages were painted when they were made; committed events count for all.
    if (message.type !== EVENT && message.author === this.me) return null;
    const change = applyMessage(this.board, message);
    if (change === GAP || change === MISSING) {
      this.connection.resync({ fresh: change === MISSING });
      return GAP;
    }
    this.painter.paintChange(change);
    return change;
  }

  refused(error) {
    const { ref, code } = error;
    const item = ref ? this.outbox.items.find((entry) => entry.ref === ref) : undefined;
    // A refused live message drops its stroke on the server: nothing more of it goes live.
    if (ref) this.connection.forgetLive(ref);
    if (item && RETRYABLE_CODES.has(code)) {
      item.retries = (item.retries ?? 0) + 1;
      this.delivery.retryLater(ref, retryDelay(item.retries, this.random));
      // Pacing is the browser's business; a drawing not stored yet is the person's.
      if (code === 'store_unavailable') this.notify(error.message);
      return;
    }
    if (ref && RESEND_CODES.has(code)) {
      if (!item) return; // still being drawn: it goes whole when it ends
      item.resends = (item.resends ?? 0) + 1;
      if (item.resends <= MAX_RESENDS) {
        this.delivery.resend(ref);
        return;
      }
    }
    if (item) {
      this.takeBack(item);
      this.delivery.settle(ref);
    }
    this.notify(error.message);
  }

  // Finally refused: what the item showed goes.
  takeBack(item) {
    if (item.stroke) removeStroke(this.board, this.me, item.ref);
    if (item.edit?.type === ERASE) setVisible(this.board, item.edit.strokes.filter(isStrokePair), true);
    this.painter.repaint();
  }

  /** A message drawn here. Local and remote drawing take the same path: apply, paint, send. */
  emit(message) {
    this.painter.paintChange(applyMessage(this.board, message, this.me));
    if (message.type === STROKE_END) {
      // The end itself goes through the outbox, which keeps the stroke until it is stored.
      if (message.points.length) this.connection.send(strokePoints(message.stroke, message.points));
      const stroke = findStroke(this.board, this.me, message.stroke);
      if (stroke) this.outbox.addStroke(stroke);
      this.delivery.pump();
    } else {
      this.connection.send(message);
    }
  }

  /** An undo, redo, clear or erase made here. */
  queueEdit(message) {
    const most = this.connection.limits.maxEraseStrokes;
    if (message.type === ERASE && message.strokes.length > most) {
      // One erase may name only so many strokes: a wide rub becomes several.
      for (let i = 0; i < message.strokes.length; i += most) this.outbox.addEdit(erase(message.strokes.slice(i, i + most)));
    } else {
      this.outbox.addEdit(message);
    }
    this.delivery.pump();
  }

  /** undo, redo or clear. */
  command(name) {
    this.queueEdit(edit(name));
  }

  /** Draw a whole stroke through the same path as the pen (console and browser tests). */
  drawStroke(points, { color, width }) {
    const id = newId();
    this.emit(strokeBegin(id, color, width, points.slice(0, 2)));
    if (points.length > 2) this.emit(strokePoints(id, points.slice(2)));
    this.emit(strokeEnd(id));
  }

  /** The status pill: the socket's state, loading progress and what waits to be sent. */
  status() {
    let { state, text } = this.socketStatus;
    if (state === 'online' && this.loading) {
      state = 'connecting';
      text = `Loading ${this.loading.received} of ${this.loading.total} strokes…`;
    }
    if (this.outbox.size) text += ` · ${this.outbox.size} waiting`;
    return { state, text };
  }
}
