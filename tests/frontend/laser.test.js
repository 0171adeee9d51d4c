// The laser's pacing: at most one position per interval, the newest one, nothing after a release.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Pacer } from '../../frontend/tools/laser.js';

test('the first position goes at once, the next waits for the interval', () => {
  const pacer = new Pacer(33);
  assert.equal(pacer.offer([1, 1], 1000), 0);
  assert.equal(pacer.offer([2, 2], 1010), 23);
  assert.equal(pacer.offer([3, 3], 1020), 13);
  assert.deepEqual(pacer.take(1033), [3, 3], 'only the newest goes');
  assert.equal(pacer.take(1034), null);
  assert.equal(pacer.offer([4, 4], 1050), 16);
  assert.equal(pacer.offer([5, 5], 1066), 0);
});

test('nothing kept goes after a release', () => {
  const pacer = new Pacer(33);
  pacer.offer([1, 1], 0);
  pacer.offer([2, 2], 5);
  pacer.release();
  assert.equal(pacer.take(40), null);
});

test('over a second of dragging, no more positions than the server allows', () => {
  const pacer = new Pacer(1000 / 30);
  let sent = 0;
  for (let now = 0; now < 1000; now += 4) {
    if (pacer.offer([now % 1600, 0], now) === 0) sent += 1;
  }
  assert.ok(sent <= 30, `${sent}`);
  assert.ok(sent >= 25, `${sent}`);
});
