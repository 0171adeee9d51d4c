// Repainting a board a slice per frame: every visible stroke once, in drawing order, strokes
// covered by later ones left out, and changes during a repaint neither lost nor painted early.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ALL, Cover, PaintQueue } from '../../frontend/painting.js';

const VIEW = { scale: 1, offsetX: 0, offsetY: 0 };

function stroke(id, points, { width = 4, visible = true } = {}) {
  return { id, points, width, visible };
}

/** A clock that moves `step` ms each time it is read. */
function steppingClock(step) {
  let now = 0;
  return () => {
    now += step;
    return now;
  };
}

function frames(queue, view = VIEW) {
  const painted = [];
  const paint = (s, from) => painted.push(from ? `${s.id}@${from}` : s.id);
  let count = 0;
  do {
    count += 1;
  } while (queue.paintFrame(paint, view) && count < 1000);
  return { painted, count };
}

test('a repaint paints every visible stroke once, in drawing order', () => {
  const queue = new PaintQueue();
  const strokes = [stroke('a', [0, 0, 10, 0]), stroke('b', [0, 20, 10, 20], { visible: false }), stroke('c', [0, 40])];
  queue.restart(strokes);
  assert.deepEqual(frames(queue).painted, ['a', 'c']);
  assert.equal(queue.progress, null);
});

test('a repaint longer than a slice goes on over several frames, saying how far it is', () => {
  const queue = new PaintQueue({ sliceMs: 10, now: steppingClock(5) });
  const strokes = Array.from({ length: 100 }, (_, i) => stroke(`s${i}`, [i, 0, i, 10]));
  queue.restart(strokes);
  assert.deepEqual(queue.progress, { painted: 0, total: 100 });
  const paint = () => {};
  assert.equal(queue.paintFrame(paint, VIEW), true);
  const { painted, total } = queue.progress;
  assert.ok(painted > 0 && painted < 100 && total === 100, JSON.stringify(queue.progress));
  const rest = frames(queue);
  assert.equal(rest.painted.length, 100 - painted);
  assert.ok(rest.count > 1);
});

test('changes during a repaint: painted strokes go on top at once, others wait their turn, new ones go last', () => {
  const queue = new PaintQueue({ sliceMs: 0, now: steppingClock(1) });
  const strokes = Array.from({ length: 20 }, (_, i) => stroke(`s${i}`, [i, 0, i, 10]));
  queue.restart(strokes);
  const painted = [];
  const paint = (s, from) => painted.push(from ? `${s.id}@${from}` : s.id);
  queue.paintFrame(paint, VIEW);
  const first = painted.length;
  assert.ok(first > 0 && first < 20);
  const late = stroke('late', [5, 5]);
  queue.change({ stroke: strokes[0], from: 1 });
  queue.change({ stroke: strokes[19], from: 1 });
  queue.change({ stroke: late, from: 0 });
  while (queue.paintFrame(paint, VIEW));
  assert.ok(painted.indexOf('s0@1') < painted.indexOf('s19'), 'a painted stroke grows in the next frame');
  assert.deepEqual(painted.slice(-2), ['s19', 'late']);
  assert.equal(painted.filter((id) => id.startsWith('s19')).length, 1, 'a stroke not reached is painted once, whole');
  queue.change({ stroke: late, from: 1 });
  assert.deepEqual(frames(queue).painted, ['late@1']);
});

test('strokes painted over completely by later ones are left out, the rest are painted', () => {
  const queue = new PaintQueue();
  const under = stroke('under', [20, 50, 80, 50], { width: 4 });
  const beside = stroke('beside', [20, 90, 80, 90], { width: 4 });
  const over = stroke('over', [10, 50, 90, 50], { width: 30 });
  queue.restart([under, beside, over], new Cover(100, 100, 2));
  assert.deepEqual(frames(queue).painted, ['beside', 'over']);
});

test('a stroke that grows while the repaint looks for cover is painted', () => {
  const queue = new PaintQueue({ sliceMs: 0, now: steppingClock(1) });
  const under = stroke('under', [20, 50, 80, 50], { width: 4 });
  const over = stroke('over', [10, 50, 90, 50], { width: 30 });
  const filler = Array.from({ length: 16 }, (_, i) => stroke(`f${i}`, [90, 90]));
  queue.restart([under, over, ...filler], new Cover(100, 100, 2));
  // Cover is looked for from the top: the first frame reaches the fillers only.
  const paint = () => {};
  queue.paintFrame(paint, VIEW);
  under.points.push(50, 95);
  queue.change({ stroke: under, from: 2 });
  assert.ok(frames(queue).painted.includes('under'));
});

test('a cover hides only what lies wholly inside strokes looked at before, edges included', () => {
  const cover = new Cover(200, 100, 3);
  cover.add(stroke('wide', [20, 50, 180, 50], { width: 40 }), VIEW);
  assert.equal(cover.hides(stroke('inside', [40, 50, 160, 50], { width: 10 }), VIEW), true);
  assert.equal(cover.hides(stroke('dot', [100, 45], { width: 6 }), VIEW), true);
  assert.equal(cover.hides(stroke('edge', [40, 66, 160, 66], { width: 10 }), VIEW), false);
  assert.equal(cover.hides(stroke('out', [40, 50, 195, 95], { width: 2 }), VIEW), false);
  // A thin stroke covers no whole cell: it hides nothing.
  const thin = new Cover(200, 100, 3);
  thin.add(stroke('thin', [0, 50, 200, 50], { width: 2 }), VIEW);
  assert.equal(thin.hides(stroke('under', [10, 50, 190, 50], { width: 1 }), VIEW), false);
});

test('a cover of part of the canvas looks at that part only: what shows outside it is not painted there', () => {
  // Repainting x 0-100 of the canvas: the wide stroke covers it, though `long` shows further on.
  const region = new Cover(300, 100, 3, [0, 0, 100, 100]);
  const long = stroke('long', [20, 50, 280, 50], { width: 10 });
  region.add(stroke('wide', [0, 50, 120, 50], { width: 40 }), VIEW);
  assert.equal(region.hides(long, VIEW), true);
  const whole = new Cover(300, 100, 3);
  whole.add(stroke('wide', [0, 50, 120, 50], { width: 40 }), VIEW);
  assert.equal(whole.hides(long, VIEW), false);
  // Nothing of a stroke in the region: nothing of it is painted there.
  assert.equal(region.shown(stroke('away', [200, 20, 290, 90], { width: 4 }), VIEW), null);
  // What the region's cover leaves to be seen is still seen: its edge is not covered.
  assert.equal(region.hides(stroke('edge', [20, 75, 95, 75], { width: 6 }), VIEW), false);
});

test('a cover works in canvas pixels: the view scales and moves the strokes', () => {
  const view = { scale: 0.5, offsetX: 100, offsetY: 0 };
  const cover = new Cover(300, 100, 3);
  cover.add(stroke('wide', [0, 100, 400, 100], { width: 80 }), view);
  assert.equal(cover.hides(stroke('inside', [40, 100, 360, 100], { width: 20 }), view), true);
  assert.equal(cover.hides(stroke('inside', [40, 100, 360, 100], { width: 20 }), VIEW), false);
});

test('of a stroke partly covered, only the segments that may show are painted', () => {
  const queue = new PaintQueue();
  // Along y = 50 from x = 10 to 90 under a wide stroke, then down to y = 95 in the open.
  const partly = stroke('partly', [10, 50, 50, 50, 90, 50, 90, 95], { width: 4 });
  const over = stroke('over', [0, 50, 100, 50], { width: 40 });
  queue.restart([partly, over], new Cover(100, 100, 2));
  const masks = [];
  queue.paintFrame((s, from, mask) => masks.push([s.id, mask && [...mask]]), VIEW);
  assert.deepEqual(masks, [
    ['partly', [0, 0, 0, 1]],
    ['over', undefined],
  ]);
  const cover = new Cover(100, 100, 2);
  assert.equal(cover.shown(partly, VIEW), ALL);
});

test('the progress of a repaint with a cover only goes forward, looking for cover being its first half', () => {
  const queue = new PaintQueue({ sliceMs: 0, now: steppingClock(1) });
  const strokes = Array.from({ length: 300 }, (_, i) => stroke(`s${i}`, [i, 0, i, 10]));
  queue.restart(strokes, new Cover(400, 100, 2));
  const seen = [];
  while (queue.paintFrame(() => {}, VIEW)) seen.push(queue.progress.painted);
  assert.ok(seen.length > 2);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  assert.ok(seen.some((done) => done < 150) && seen.some((done) => done > 150));
});

test('a long slice makes the canvas draw what it was told as it goes', () => {
  const flushes = [];
  const queue = new PaintQueue({ sliceMs: 1e9, flush: () => flushes.push(1) });
  queue.restart(Array.from({ length: 300 }, (_, i) => stroke(`s${i}`, [i, 0, i, 10])));
  assert.equal(queue.paintFrame(() => {}, VIEW), false);
  assert.ok(flushes.length >= 2, flushes.length);
});

test('a repaint may take a slice of its own; the next one takes the usual slice again', () => {
  const strokes = Array.from({ length: 100 }, (_, i) => stroke(`s${i}`, [i, 0, i, 10]));
  const usual = new PaintQueue({ sliceMs: 40, now: steppingClock(1) });
  usual.restart(strokes);
  const usualFrames = frames(usual).count;
  usual.restart(strokes, null, { sliceMs: 10 });
  const shortFrames = frames(usual).count;
  assert.ok(shortFrames > usualFrames, `${shortFrames} frames at 10 ms, ${usualFrames} at 40 ms`);
  usual.restart(strokes);
  assert.equal(usual.sliceMs, 40);
  assert.equal(frames(usual).count, usualFrames);
});
