// Where a change shows and which items lie there: the bucket index finds exactly the items a
// scan of every item would, in drawing order, and a repaint's rectangles and segment masks
// reach as far as the pixels a change touches.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  boardRectOf,
  deviceRect,
  grownRect,
  intersects,
  ItemIndex,
  segmentsWithin,
  unionRect,
} from '../../frontend/dirty.js';
import { ALL } from '../../frontend/painting.js';

/** A repeatable pseudo-random generator (a linear congruential one), 0 <= value < 1. */
function random(seed) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomBounds(next, width = 1600, height = 900) {
  const [x, y] = [next() * width, next() * height];
  return [x, y, x + next() * 300, y + next() * 200];
}

test('the index finds the same items as a scan of all of them, in the order they were put', () => {
  const next = random(7);
  const index = new ItemIndex(64);
  const items = [];
  for (let i = 0; i < 2000; i += 1) {
    const item = { name: i, bounds: randomBounds(next) };
    items.push(item);
    index.put(item, item.bounds);
  }
  for (let query = 0; query < 200; query += 1) {
    const rect = randomBounds(next);
    const scanned = items.filter((item) => intersects(item.bounds, rect));
    assert.deepEqual(index.within(rect), scanned);
  }
});

test('an item moved keeps its place in the order; one put on top goes above every other', () => {
  const index = new ItemIndex(64);
  const [a, b, c] = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
  index.put(a, [0, 0, 10, 10]);
  index.put(b, [5, 5, 20, 20]);
  index.put(c, [0, 0, 30, 30]);
  index.put(a, [500, 500, 510, 510]);
  assert.deepEqual(index.within([0, 0, 40, 40]), [b, c]);
  assert.deepEqual(index.boundsOf(a), [500, 500, 510, 510]);
  index.put(a, [0, 0, 10, 10]);
  assert.deepEqual(index.within([0, 0, 40, 40]), [a, b, c]);
  index.put(a, [0, 0, 10, 10], { onTop: true });
  assert.deepEqual(index.within([0, 0, 40, 40]), [b, c, a]);
});

test('an item removed is found nowhere, and its empty buckets go', () => {
  const index = new ItemIndex(64);
  const item = { name: 'a' };
  index.put(item, [0, 0, 200, 200]);
  index.remove(item);
  assert.deepEqual(index.within([0, 0, 1600, 900]), []);
  assert.equal(index.boundsOf(item), null);
  assert.equal(index.buckets.size, 0);
  assert.equal(index.size, 0);
});

test('an item without bounds (no points yet) is held but found by no rectangle', () => {
  const index = new ItemIndex(64);
  const item = { name: 'empty' };
  index.put(item, [Infinity, Infinity, -Infinity, -Infinity]);
  assert.equal(index.size, 1);
  assert.deepEqual(index.within([-1e6, -1e6, 1e6, 1e6]), []);
});

test('rectangles join, grow and meet as their edges say', () => {
  assert.deepEqual(unionRect(null, [1, 2, 3, 4]), [1, 2, 3, 4]);
  assert.deepEqual(unionRect([0, 5, 2, 6], [1, 2, 3, 4]), [0, 2, 3, 6]);
  assert.deepEqual(grownRect([10, 10, 20, 20], 2), [8, 8, 22, 22]);
  assert.equal(intersects([0, 0, 10, 10], [10, 10, 20, 20]), true);
  assert.equal(intersects([0, 0, 10, 10], [10.5, 0, 20, 20]), false);
});

test("a board rectangle's device pixels hold it whole, widened, cut to the canvas", () => {
  const view = { scale: 0.5, offsetX: 10, offsetY: 20 };
  // At ratio 2: board x 100 is CSS 60, device 120; the margin is 3 CSS pixels, 6 device pixels.
  assert.deepEqual(deviceRect([100, 100, 200, 150], view, 2, 3, 1000, 1000), [114, 134, 112, 62]);
  assert.deepEqual(deviceRect([-100, -100, 50, 50], view, 2, 0, 1000, 1000), [0, 0, 70, 90]);
  assert.equal(deviceRect([5000, 5000, 6000, 6000], view, 2, 3, 1000, 1000), null);
  const pixels = deviceRect([100.3, 100.7, 200.2, 150.1], view, 2, 0, 1000, 1000);
  const back = boardRectOf(pixels, view, 2);
  assert.ok(back[0] <= 100.3 && back[1] <= 100.7 && back[2] >= 200.2 && back[3] >= 150.1, String(back));
});

test('a polyline crossing a repaint paints the segments that reach it and one on either side', () => {
  // Ten points along y = 0, 100 apart: segment i runs from x = 100 (i - 1) to x = 100 i.
  const points = [];
  for (let i = 0; i < 10; i += 1) points.push(100 * i, 0);
  const mask = segmentsWithin(points, [420, -5, 480, 5], 2);
  // Segment 5 (400..500) reaches the rectangle; segments 4 and 6 are its neighbours.
  assert.deepEqual([...mask], [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
  assert.equal(segmentsWithin(points, [0, 50, 900, 60], 2), null);
  assert.equal(segmentsWithin(points, [0, -5, 900, 5], 2), ALL);
  // Within reach of the line's width counts: 3 below a rectangle reaching 4 units.
  assert.notEqual(segmentsWithin(points, [420, 3, 480, 10], 4), null);
  assert.equal(segmentsWithin([5, 5], [0, 0, 1, 1], 1), ALL);
});

test('a mask from the start of a line takes its first point with its first segment', () => {
  const points = [0, 0, 100, 0, 200, 0, 300, 0, 400, 0, 500, 0];
  assert.deepEqual([...segmentsWithin(points, [10, -1, 20, 1], 1)], [1, 1, 1, 0, 0, 0]);
});

test('the index says where an item lies in the order and which items it holds', () => {
  const index = new ItemIndex(64);
  const [a, b] = [{ name: 'a' }, { name: 'b' }];
  index.put(a, [0, 0, 1, 1]);
  index.put(b, [0, 0, 1, 1]);
  assert.ok(index.orderOf(a) < index.orderOf(b));
  assert.equal(index.orderOf({}), null);
  assert.deepEqual(new Set(index.items()), new Set([a, b]));
});
