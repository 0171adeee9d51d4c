// Which page an item lies on (frontend/pages.js), as draw/pages.py says.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { liesOnPage, pageOfItem, placedOnPage, showsOnPage } from '../../frontend/pages.js';
import { parse } from '../../frontend/protocol.js';

const HOST_ID = 'host-0123456789';
const marker = { kind: 'marker', color: '#000000', width: 4 };

test('a student ink lies on their page, the host ink on every page unless it names one', () => {
  assert.equal(pageOfItem('ann', marker), 'ann');
  assert.equal(pageOfItem(HOST_ID, marker), null);
  assert.equal(pageOfItem(HOST_ID, { ...marker, page: 'ann' }), 'ann');
});

test('one page shows its own ink and the host ink on every page, and an edit there reaches its own only', () => {
  const question = { author: HOST_ID, item: marker };
  const note = { author: HOST_ID, item: { ...marker, page: 'ann' } };
  const anns = { author: 'ann', item: marker };
  const bobs = { author: 'bob', item: marker };
  assert.deepEqual([question, note, anns, bobs].map((s) => showsOnPage(s, 'ann')), [true, true, true, false]);
  assert.deepEqual([question, note, anns, bobs].map((s) => liesOnPage(s, 'ann')), [false, true, true, false]);
});

test('a message sent from a page is placed on it, and still parses', () => {
  const begin = { type: 'stroke.begin', stroke: 's1', item: marker, points: [1, 1] };
  const placed = placedOnPage(begin, 'ann');
  assert.equal(placed.item.page, 'ann');
  assert.equal(begin.item.page, undefined);
  for (const message of [
    placed,
    placedOnPage({ type: 'erase', id: 'e1', strokes: [['ann', 's1']] }, 'ann'),
    placedOnPage({ type: 'move', id: 'm1', strokes: [['ann', 's1']], by: [1, 1] }, 'ann'),
    placedOnPage({ type: 'clear', id: 'c1' }, 'ann'),
  ]) {
    assert.equal(JSON.stringify(parse(JSON.stringify(message))).includes('"page":"ann"'), true);
  }
  assert.deepEqual(placedOnPage({ type: 'undo', id: 'u1' }, 'ann'), { type: 'undo', id: 'u1' });
  assert.deepEqual(placedOnPage(begin, null), begin);
});
