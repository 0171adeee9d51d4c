// Strokes and edits the server has not acknowledged yet, oldest first. Kept in
// localStorage, so what was drawn offline survives a reload too; sent again after every
// reconnect until acknowledged (the server stores each id once).

import { strokeBegin, strokeEnd, strokePoints } from './protocol.js';

export class Outbox {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.items = [];
    try {
      this.items = JSON.parse(storage?.getItem(key) ?? '[]');
    } catch {
      this.items = [];
    }
  }

  get size() {
    return this.items.length;
  }

  /** Add a finished stroke ({id, color, width, points}) or an edit message ({type, id, ...}). */
  add(item) {
    if (this.has(item.ref)) return;
    this.items.push(item);
    this.save();
  }

  addStroke(stroke) {
    const { id, color, width, points } = stroke;
    this.add({ ref: id, stroke: { id, color, width, points: [...points] } });
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
  const chunk = maxPointsPerMessage * 2;
  const points = stroke.points;
  const messages = [strokeBegin(stroke.id, stroke.color, stroke.width, points.slice(0, chunk))];
  for (let i = chunk; i < points.length; i += chunk) messages.push(strokePoints(stroke.id, points.slice(i, i + chunk)));
  messages.push(strokeEnd(stroke.id));
  return messages;
}

/** The messages that send an outbox item. */
export function itemMessages(item, maxPointsPerMessage) {
  return item.stroke ? strokeMessages(item.stroke, maxPointsPerMessage) : [item.edit];
}
