// This browser on one board: applies what the server says, and what is drawn here, to the
// board; decides what goes out, what goes again and what is taken back; knows this
// participant's role and the board's class settings, and passes presence and lasers on.
// Holds no socket and no page: the connection, the outbox's delivery, the painter and a
// listener for the class come in, so its tests need no browser.

import { viewChanged } from './audience.js';
import { retryDelay } from './backoff.js';
import { gettext, interpolate } from './i18n.js';
import { stride } from './items.js';
import { placedInLane } from './lanes.js';
import { placedOnPage } from './pages.js';
import { refusalText } from './refusals.js';
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
  settleMoves,
  turnPage,
  UNKNOWN_AUTHOR,
} from './board.js';
import { can, ERASE_ANY, HOST, STUDENT } from './policy.js';
import {
  ACK,
  BATCH,
  CLASS,
  classSet,
  DEFAULT_CLASS,
  edit,
  ERASE,
  MOVE,
  move,
  erase,
  ERROR,
  EVENT,
  isStrokePair,
  LASER,
  laser,
  newId,
  PRESENCE,
  remove,
  removeInk,
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

// Refusals of the role or of pens down: the stroke is taken back even while still being drawn.
const ROLE_REFUSALS = new Set(['forbidden', 'locked']);

// What the page may offer before the server has said who this is: what a student of a hosted
// board may do, so nothing appears that a moment later would vanish.
const UNKNOWN_ROLE = Object.freeze({ role: STUDENT });
const UNKNOWN_CLASS = Object.freeze({ ...DEFAULT_CLASS, hosted: true });

const QUIET = Object.freeze({
  welcomed() {},
  classChanged() {},
  presenceChanged() {},
  laserMoved() {},
});

export class Session {
  /**
   * board: board.js state; outbox: Outbox; delivery: Delivery (or its like);
   * connection: {limits, send(message), resync({fresh}), forgetLive(ref)};
   * painter: {paintChange(change), repaint()}; notify(text): a short message for the person drawing;
   * listener: any of {welcomed({role, name, settings}), classChanged(settings),
   * presenceChanged({count, people}), laserMoved(author, at)}.
   */
  constructor({ board, outbox, delivery, connection, painter, notify, listener = {}, random = Math.random }) {
    Object.assign(this, { board, outbox, delivery, connection, painter, notify, random });
    // One student's page (the host's large view from the grid): what is drawn, erased, moved
    // or cleared here lies on that page, or reaches it only (lanes.js).
    this.lane = board.onlyLane ?? null;
    this.listener = { ...QUIET, ...listener };
    this.me = UNKNOWN_AUTHOR;
    this.role = null; // until the welcome
    this.name = null;
    this.settings = UNKNOWN_CLASS;
    this.presence = { count: 0, people: null };
    this.socketStatus = { state: 'connecting', text: 'Connecting…' };
    this.loading = null; // {received, total} while a snapshot comes in
    // What the board still needs before the outbox may go: 'welcome', 'catch-up', 'snapshot' or nothing.
    this.awaiting = 'welcome';
    this.welcomeSeq = 0;
    // Strokes waiting in the outbox (drawn offline, perhaps before a reload) are on the board.
    for (const item of outbox.items) {
      if (!item.stroke) continue;
      const { id, item: drawn, points } = item.stroke;
      const change = applyMessage(board, strokeBegin(id, drawn, points), this.me);
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
          // Painted once whole: a repaint per part would start over with every part.
          this.painter.repaint();
        }
        break;
      case BATCH:
        for (const relayed of message.messages) {
          if (this.classMessage(relayed)) continue;
          if (this.relayed(relayed) === GAP) break;
        }
        break;
      case ACK:
        this.delivery.settle(message.ref);
        break;
      case ERROR:
        this.refused(message);
        break;
      default:
        if (!this.classMessage(message) && RELAYED.has(message.type)) this.relayed(message);
        break;
    }
    if (this.awaiting === 'catch-up' && !this.loading && this.board.seq >= this.welcomeSeq) this.awaiting = null;
    if (this.awaiting === null && this.delivery.held) this.loaded();
  }

  /**
   * The board's snapshot, fetched before the socket opened (snapshot.js): the board holds it
   * at its seq, and the socket, opened next with that seq, brings only what came after.
   */
  preloaded(snapshot) {
    applySnapshot(this.board, snapshot);
    this.painter.repaint();
  }

  welcomed(welcome) {
    const previous = this.me;
    this.me = welcome.you;
    // Strokes drawn here before this welcome carry the author they had then; from now on
    // they are this participant's, as the server will stamp them.
    reassignAuthor(this.board, previous, this.me);
    // Only a preview gone changes pixels; a big board is not painted again for nothing.
    if (dropPreviews(this.board, this.me)) this.painter.repaint();
    this.role = welcome.role;
    this.name = welcome.name ?? null;
    this.settings = { ...DEFAULT_CLASS, ...welcome.class };
    this.followPage();
    this.listener.welcomed({ role: this.role, name: this.name, settings: this.settings });
    this.delivery.hold();
    this.welcomeSeq = welcome.seq;
    this.loading = null;
    // A board that holds some of the log gets the rest as events (or a snapshot when far
    // behind); an empty one, or one ahead of the server's, gets a snapshot.
    const seq = this.board.seq;
    this.awaiting = seq > 0 && seq <= welcome.seq ? 'catch-up' : 'snapshot';
  }

  // The class is on another page of the lesson: this board shows that page's ink (pages.js).
  followPage() {
    if (turnPage(this.board, this.settings.page)) this.painter.repaint();
  }

  // The board holds the server's state: the outbox goes now, when an erase can find the
  // strokes it names.
  loaded() {
    this.outbox.addressErases(this.me, (id) => authorsOf(this.board, id));
    this.delivery.restart();
  }

  // Class settings, presence and lasers: volatile, apart from the board. True when handled.
  classMessage(message) {
    switch (message.type) {
      case CLASS: {
        const before = this.settings;
        this.settings = { ...DEFAULT_CLASS, ...message.class };
        this.followPage();
        this.listener.classChanged(this.settings);
        // Own page each switched, every page shown or hidden, another page spotlit: this
        // board now holds ink it may no longer show, or lacks ink it may, so it is fetched anew.
        if (viewChanged(before, this.settings, this.role)) this.connection.resync({ fresh: true });
        return true;
      }
      case PRESENCE:
        this.presence = { count: message.count, people: message.people ?? null };
        this.listener.presenceChanged(this.presence);
        return true;
      case LASER:
        // My own pointer was drawn when it moved here.
        if (message.author !== this.me) this.listener.laserMoved(message.author, message.at);
        return true;
      default:
        return false;
    }
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
      if (code === 'store_unavailable') this.notify(refusalText(error));
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
    } else if (ref && ROLE_REFUSALS.has(code) && removeStroke(this.board, this.me, ref)) {
      // Refused at its begin: the rest of the stroke is drawn into nothing.
      this.painter.repaint();
    }
    if (code === 'locked' && !this.settings.pens_down) {
      // The class message saying so is on its way or was missed: the page shows pens down now.
      this.settings = { ...this.settings, pens_down: true };
      this.listener.classChanged(this.settings);
    }
    this.notify(refusalText(error));
  }

  // Finally refused: what the item showed goes.
  takeBack(item) {
    if (item.stroke) removeStroke(this.board, this.me, item.ref);
    if (item.edit?.type === ERASE) setVisible(this.board, item.edit.strokes.filter(isStrokePair), true);
    if (item.edit?.type === MOVE) settleMoves(this.board, item.edit.strokes);
    this.painter.repaint();
  }

  /** A message drawn here. Local and remote drawing take the same path: apply, paint, send. */
  emit(drawn) {
    const message = placedOnPage(placedInLane(drawn, this.lane), this.board.page);
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
  queueEdit(made) {
    const message = placedOnPage(placedInLane(made, this.lane), this.board.page);
    const most = message.type === MOVE ? this.connection.limits.maxMoveStrokes : this.connection.limits.maxEraseStrokes;
    if ((message.type === ERASE || message.type === MOVE) && message.strokes.length > most) {
      // One erase or move may name only so many items: a wide rub or a big selection becomes several.
      for (let i = 0; i < message.strokes.length; i += most) {
        const part = message.strokes.slice(i, i + most);
        const edit = message.type === MOVE ? move(part, message.by) : erase(part);
        this.outbox.addEdit(placedOnPage(placedInLane(edit, this.lane), message.page));
      }
    } else {
      this.outbox.addEdit(message);
    }
    this.delivery.pump();
  }

  /** May this participant do `action` (policy.js) now? */
  can(action) {
    return this.role === null ? can(UNKNOWN_ROLE, action, this.settings) : can({ role: this.role }, action, this.settings);
  }

  get isHost() {
    return this.role === HOST;
  }

  /** May this participant erase or move an item by `author`? A student only their own. */
  mayErase(author) {
    return author === this.me || this.can(ERASE_ANY);
  }

  /** Change some class settings (host); false when it could not go out. */
  setClass(changes) {
    return this.sendNow(classSet(changes));
  }

  /** Hide every stroke of a participant: an edit like any other, acknowledged and undoable. */
  removeInkOf(participant) {
    this.queueEdit(removeInk(participant));
  }

  /** Close a participant's sockets for good (host); false when it could not go out. */
  removeParticipant(participant) {
    return this.sendNow(remove(participant));
  }

  /** This laser pointer moved to `at` (board units), or was released (null): shown here, then sent. */
  moveLaser(at) {
    this.listener.laserMoved(this.me, at);
    this.connection.send(laser(at));
  }

  // A command that is no edit goes now or not at all: a setting or a removal made offline
  // would land much later, when the class has moved on.
  sendNow(message) {
    if (this.connection.send(message)) return true;
    this.notify(gettext('Not connected: try again in a moment'));
    return false;
  }

  /** undo, redo or clear. */
  command(name) {
    this.queueEdit(edit(name));
  }

  /**
   * Draw a whole item through the same path as the tools (console and browser tests): `item`
   * as items.js has it, `points` flat with its kind's numbers a point.
   */
  drawItem(item, points) {
    const id = newId();
    const size = stride(item.kind);
    this.emit(strokeBegin(id, item, points.slice(0, size)));
    if (points.length > size) this.emit(strokePoints(id, points.slice(size)));
    this.emit(strokeEnd(id));
    return id;
  }

  /** Draw a marker line of x, y points with the toolbar's {color, width}. */
  drawStroke(points, { color, width }) {
    return this.drawItem({ kind: 'marker', color, width }, points);
  }

  /**
   * The status pill: the socket's state, loading and painting progress, and what waits to be
   * sent. `painting`: the sketch's {painted, total} while it repaints, else null.
   */
  status(painting = null) {
    let { state, text } = this.socketStatus;
    if (state === 'online' && this.loading) {
      state = 'connecting';
      text = interpolate(gettext('Loading %(received)s of %(total)s strokes…'), this.loading);
    } else if (state === 'online' && painting) {
      state = 'connecting';
      text = interpolate(gettext('Painting %(painted)s of %(total)s strokes…'), painting);
    }
    if (this.outbox.size) text += ` · ${interpolate(gettext('%(count)s waiting'), { count: this.outbox.size })}`;
    return { state, text };
  }
}
