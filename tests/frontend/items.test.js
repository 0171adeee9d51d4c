// Item specs, the browser's side of draw/items.py: one table, items.json, read by both.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { checkItemPoints, ITEM_SPECS, layerOf, movedPoints, parseItem, stride } from '../../frontend/items.js';
import { KINDS } from '../../frontend/kinds/index.js';
import { DEFAULT_LIMITS } from '../../frontend/protocol.js';

test('the specs are the very file the server reads', () => {
  const file = JSON.parse(readFileSync(new URL('../../frontend/items.json', import.meta.url), 'utf8'));
  assert.deepEqual(ITEM_SPECS, file.kinds);
});

test('every kind has a renderer with paint, hits and bounds, and every renderer a kind', () => {
  assert.deepEqual(Object.keys(KINDS).sort(), Object.keys(ITEM_SPECS).sort());
  for (const kind of Object.values(KINDS)) {
    for (const part of ['paint', 'hits', 'bounds']) assert.equal(typeof kind[part], 'function');
  }
});

test('ink has three numbers a point, everything else two; the highlighter lies under', () => {
  assert.equal(stride('ink'), 3);
  assert.equal(stride('rect'), 2);
  assert.equal(layerOf({ kind: 'highlighter' }), 'under');
  assert.equal(layerOf({ kind: 'text' }), 'ink');
});

test('items are kept whole, colours lowercased, and refused as the server refuses them', () => {
  assert.deepEqual(parseItem({ kind: 'arrow', color: '#ABCDEF', width: 4 }, DEFAULT_LIMITS), {
    kind: 'arrow',
    color: '#abcdef',
    width: 4,
  });
  const text = { kind: 'text', color: '#000000', size: 40, text: '<b>&</b>' };
  assert.deepEqual(parseItem(text, DEFAULT_LIMITS), text);
  assert.throws(() => parseItem({ ...text, text: 'a\nb' }, DEFAULT_LIMITS), { code: 'bad_field' });
  assert.throws(() => parseItem({ ...text, size: 500 }, DEFAULT_LIMITS), { code: 'out_of_range' });
  assert.throws(() => parseItem({ kind: 'ink', color: '#000000' }, DEFAULT_LIMITS), { code: 'bad_field' });
  assert.throws(() => checkItemPoints('ink', [1, 1], DEFAULT_LIMITS), { code: 'bad_field' });
  assert.throws(() => checkItemPoints('ink', [1, 1, 101], DEFAULT_LIMITS), { code: 'out_of_range' });
});

test('moving keeps pressure', () => {
  assert.deepEqual(movedPoints({ kind: 'ink' }, [10, 10, 40, 20, 20, 90], 5, -5), [15, 5, 40, 25, 15, 90]);
});
