// Which page an item lies on (frontend/lanes.js), as draw/lanes.py says.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { liesInLane, laneOfItem, placedInLane, showsInLane } from '../../frontend/lanes.js';
import { parse } from '../../frontend/protocol.js';

const HOST_ID = 'host-0123456789';
const marker = { kind: 'marker', color: '#000000', width: 4 };

test('a student ink lies on their page, the host ink on every page unless it names one', () => {
  assert.equal(laneOfItem('ann', marker), 'ann');
  assert.equal(laneOfItem(HOST_ID, marker), null);
  assert.equal(laneOfItem(HOST_ID, { ...marker, lane: 'ann' }), 'ann');
});

test('one page shows its own ink and the host ink on every page, and an edit there reaches its own only', () => {
  const question = { author: HOST_ID, item: marker };
  const note = { author: HOST_ID, item: { ...marker, lane: 'ann' } };
  const anns = { author: 'ann', item: marker };
  const bobs = { author: 'bob', item: marker };
  assert.deepEqual([question, note, anns, bobs].map((s) => showsInLane(s, 'ann')), [true, true, true, false]);
  assert.deepEqual([question, note, anns, bobs].map((s) => liesInLane(s, 'ann')), [false, true, true, false]);
});

test('a message sent from a page is placed on it, and still parses', () => {
  const begin = { type: 'stroke.begin', stroke: 's1', item: marker, points: [1, 1] };
  const placed = placedInLane(begin, 'ann');
  assert.equal(placed.item.lane, 'ann');
  assert.equal(begin.item.lane, undefined);
  for (const message of [
    placed,
    placedInLane({ type: 'erase', id: 'e1', strokes: [['ann', 's1']] }, 'ann'),
    placedInLane({ type: 'move', id: 'm1', strokes: [['ann', 's1']], by: [1, 1] }, 'ann'),
    placedInLane({ type: 'clear', id: 'c1' }, 'ann'),
  ]) {
    assert.equal(JSON.stringify(parse(JSON.stringify(message))).includes('"lane":"ann"'), true);
  }
  assert.deepEqual(placedInLane({ type: 'undo', id: 'u1' }, 'ann'), { type: 'undo', id: 'u1' });
  assert.deepEqual(placedInLane(begin, null), begin);
});
