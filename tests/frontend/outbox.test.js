// The outbox keeps unacknowledged strokes and edits, in order, across reloads.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { itemMessages, Outbox, strokeMessages } from '../../frontend/outbox.js';
import { edit } from '../../frontend/protocol.js';

class MemoryStorage {
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

test('items stay in order until acknowledged, and survive a reload', () => {
  const storage = new MemoryStorage();
  const outbox = new Outbox(storage, 'box');
  outbox.addStroke({ id: 's1', color: '#000000', width: 4, points: [1, 1] });
  outbox.addEdit(edit('undo', 'u1'));
  outbox.addStroke({ id: 's1', color: '#000000', width: 4, points: [1, 1] });
  assert.deepEqual(outbox.items.map((item) => item.ref), ['s1', 'u1']);
  const reloaded = new Outbox(storage, 'box');
  assert.deepEqual(reloaded.items.map((item) => item.ref), ['s1', 'u1']);
  assert.equal(reloaded.remove('s1'), true);
  assert.equal(reloaded.remove('s1'), false);
  reloaded.remove('u1');
  assert.equal(storage.getItem('box'), null);
});

test('a whole stroke is resent as begin, points in chunks, end', () => {
  const points = Array.from({ length: 25 }, (_, i) => [i, i]).flat();
  const messages = strokeMessages({ id: 's1', color: '#e03131', width: 8, points }, 10);
  assert.deepEqual(
    messages.map((m) => [m.type, m.points.length / 2]),
    [
      ['stroke.begin', 10],
      ['stroke.points', 10],
      ['stroke.points', 5],
      ['stroke.end', 0],
    ],
  );
  assert.deepEqual(messages.flatMap((m) => m.points), points);
});

test('an edit is resent as itself', () => {
  const undo = edit('undo', 'u1');
  assert.deepEqual(itemMessages({ ref: 'u1', edit: undo }, 500), [undo]);
});
