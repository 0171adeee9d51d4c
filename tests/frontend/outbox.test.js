// The outbox keeps unacknowledged strokes and edits, in order, across reloads.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addressErase, itemMessages, Outbox, strokeMessages } from '../../frontend/outbox.js';
import { edit, erase } from '../../frontend/protocol.js';
import { MemoryStorage } from './fakes.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

test('items stay in order until acknowledged, and survive a reload', () => {
  const storage = new MemoryStorage();
  const outbox = new Outbox(storage, 'box');
  outbox.addStroke({ id: 's1', item: MARKER, points: [1, 1] });
  outbox.addEdit(edit('undo', 'u1'));
  outbox.addStroke({ id: 's1', item: MARKER, points: [1, 1] });
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
  const messages = strokeMessages({ id: 's1', item: { kind: 'marker', color: '#e03131', width: 8 }, points }, 10);
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

test('an erase names strokes of this outbox as mine, whoever drew them before', () => {
  const pairs = addressErase(
    [
      ['ann', 's1'],
      ['old-me', 'drawn-offline'],
      ['', 'before-welcome'],
    ],
    { me: 'me', ownStrokes: new Set(['drawn-offline']), authorsOf: () => [] },
  );
  assert.deepEqual(pairs, [
    ['ann', 's1'],
    ['me', 'drawn-offline'],
    ['me', 'before-welcome'],
  ]);
});

test("an old outbox's bare ids become pairs from the board, mine first; ids not on it go", () => {
  const board = { s1: ['ann'], s2: ['ann', 'me'], s3: ['bob', 'ann'] };
  const pairs = addressErase(['s1', 's2', 's3', 'gone', 42, ['too', 'many', 'parts'], null], {
    me: 'me',
    ownStrokes: new Set(),
    authorsOf: (id) => board[id] ?? [],
  });
  assert.deepEqual(pairs, [
    ['ann', 's1'],
    ['me', 's2'],
    ['bob', 's3'],
  ]);
});

test('waiting erases are addressed in place; one left naming nothing leaves the outbox', () => {
  const storage = new MemoryStorage();
  // As an outbox of protocol v1 saved them: erases of bare ids.
  storage.setItem(
    'box',
    JSON.stringify([
      { ref: 'mine', stroke: { id: 'mine', item: MARKER, points: [1, 1] } },
      { ref: 'e1', edit: { type: 'erase', id: 'e1', strokes: ['s1', 'mine'] } },
      { ref: 'e2', edit: { type: 'erase', id: 'e2', strokes: ['gone'] } },
      { ref: 'u1', edit: { type: 'undo', id: 'u1' } },
    ]),
  );
  const outbox = new Outbox(storage, 'box');
  assert.equal(
    outbox.addressErases('me', (id) => (id === 's1' ? ['ann'] : [])),
    true,
  );
  assert.deepEqual(
    outbox.items.map((item) => item.ref),
    ['mine', 'e1', 'u1'],
  );
  assert.deepEqual(outbox.items[1].edit, {
    type: 'erase',
    id: 'e1',
    strokes: [
      ['ann', 's1'],
      ['me', 'mine'],
    ],
  });
  assert.deepEqual(new Outbox(storage, 'box').items, outbox.items);
  assert.equal(outbox.addressErases('me', () => []), false);
});

test('an erase that needs no change is left alone', () => {
  const outbox = new Outbox(new MemoryStorage(), 'box');
  const message = erase([['ann', 's1']], 'e1');
  outbox.addEdit(message);
  assert.equal(outbox.addressErases('me', () => []), false);
  assert.equal(outbox.items[0].edit, message);
});
