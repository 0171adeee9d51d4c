// Strokes and edits the server has not acknowledged yet, oldest first. Kept in
// localStorage, so what was drawn offline survives a reload too; sent again after every
// reconnect until acknowledged (the server stores each id once). Every item is this
// browser's own, so an item is known by its own id (`ref`), without an author.

import { stride } from './items.js';
import { ERASE, MOVE, isParticipantId, isStrokePair, strokeBegin, strokeEnd, strokePoints } from './protocol.js';

export class Outbox {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.items = [];
    try {
      this.items = JSON.parse(storage?.getItem(key) ?? '[]').map(withItem);
    } catch {
      this.items = [];
    }
  }

  get size() {
    return this.items.length;
  }

  /** Add a finished stroke ({id, item, points}) or an edit message ({type, id, ...}). */
  add(item) {
    if (this.has(item.ref)) return;
    this.items.push(item);
    this.save();
  }

  addStroke(stroke) {
    const { id, item, points } = stroke;
    this.add({ ref: id, stroke: { id, item, points: [...points] } });
  }

  addEdit(message) {
    this.add({ ref: message.id, edit: message });
  }

  has(ref) {
    return this.items.some((item) => item.ref === ref);
  }

  remove(ref) {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.ref !== ref);
    if (this.items.length !== before) this.save();
    return this.items.length !== before;
  }

  /**
   * Name every stroke the waiting erases erase by its [author, id] pair, as the server
   * needs it, now that `me` is known: see addressErase(). An erase left naming nothing
   * leaves the outbox. Returns whether anything changed.
   */
  addressErases(me, authorsOf) {
    const ownStrokes = new Set(this.items.filter((item) => item.stroke).map((item) => item.ref));
    let changed = false;
    this.items = this.items.filter((item) => {
      if (item.edit?.type !== ERASE && item.edit?.type !== MOVE) return true;
      const strokes = addressErase(item.edit.strokes, { me, ownStrokes, authorsOf });
      if (JSON.stringify(strokes) === JSON.stringify(item.edit.strokes)) return true;
      changed = true;
      item.edit = { ...item.edit, strokes };
      return strokes.length > 0;
    });
    if (changed) this.save();
    return changed;
  }

  save() {
    try {
      if (this.items.length) this.storage?.setItem(this.key, JSON.stringify(this.items));
      else this.storage?.removeItem(this.key);
    } catch {
      // A full or disabled storage only loses the copy that would survive a reload.
    }
  }
}

/** The messages that send a whole stroke again: begin, points in chunks, end. */
export function strokeMessages(stroke, maxPointsPerMessage) {
  const chunk = maxPointsPerMessage * stride(stroke.item.kind);
  const points = stroke.points;
  const messages = [strokeBegin(stroke.id, stroke.item, points.slice(0, chunk))];
  for (let i = chunk; i < points.length; i += chunk) messages.push(strokePoints(stroke.id, points.slice(i, i + chunk)));
  messages.push(strokeEnd(stroke.id));
  return messages;
}

/** The messages that send an outbox item. */
export function itemMessages(item, maxPointsPerMessage) {
  return item.stroke ? strokeMessages(item.stroke, maxPointsPerMessage) : [item.edit];
}

/**
 * An erase's strokes as [author, id] pairs naming who drew them now:
 * - a stroke of this outbox is sent by whoever this browser is now, so it is `me`'s
 *   (the erase may have been made under an identity since lost);
 * - a pair whose author is no participant id was made here before a welcome said who this
 *   browser is: the stroke is `me`'s;
 * - a bare id, from an outbox saved before strokes had authors, is the stroke with that id
 *   on the board (`authorsOf(id)` lists its authors), mine first; one not there is left out;
 * - anything else is left out.
 */
export function addressErase(strokes, { me, ownStrokes, authorsOf }) {
  const pairs = [];
  for (const entry of Array.isArray(strokes) ? strokes : []) {
    let pair = null;
    if (typeof entry === 'string') {
      const authors = ownStrokes.has(entry) ? [me] : authorsOf(entry);
      const author = authors.includes(me) ? me : authors[0];
      if (author !== undefined) pair = [author, entry];
    } else if (Array.isArray(entry) && entry.length === 2) {
      const [author, id] = entry;
      pair = ownStrokes.has(id) || !isParticipantId(author) ? [me, id] : [author, id];
    }
    if (pair && isStrokePair(pair)) pairs.push(pair);
  }
  return pairs;
}

// A stroke kept by a page from before items ({id, color, width, points}) is a marker line,
// as the server made of the strokes it had stored then.
function withItem(entry) {
  const stroke = entry?.stroke;
  if (!stroke || stroke.item) return entry;
  const { id, color, width, points } = stroke;
  return { ...entry, stroke: { id, item: { kind: 'marker', color, width }, points } };
}
