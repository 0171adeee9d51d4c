// Laser trails: points kept by age, gone TRAIL_MS after the last one, a release fades out.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { keptPoints, LaserTrails, TRAIL_MS, trailOpacity } from '../../frontend/ui/overlay.js';

test('points older than the trail are dropped, newer ones kept in order', () => {
  const points = [0, 500, 1000, 1600].map((time) => ({ x: time, y: 0, time, start: false }));
  assert.deepEqual(
    keptPoints(points, 2000).map((point) => point.time),
    [1000, 1600],
  );
  assert.deepEqual(keptPoints(points, 1600 + TRAIL_MS), []);
  assert.equal(keptPoints(points, 1000).length, 4);
});

test('a trail fades from opaque to nothing over its lifetime', () => {
  assert.equal(trailOpacity(0), 1);
  assert.equal(trailOpacity(TRAIL_MS / 2), 0.5);
  assert.equal(trailOpacity(TRAIL_MS), 0);
  assert.equal(trailOpacity(10 * TRAIL_MS), 0);
  assert.equal(trailOpacity(-5), 1, 'a clock that stepped back shows the point, not a glitch');
});

test('a trail is gone 1.5 s after its last point, released or not', () => {
  const lasers = new LaserTrails();
  lasers.move('ann', [1, 1], 0);
  lasers.move('ann', [2, 2], 100);
  assert.equal(lasers.prune(100 + TRAIL_MS - 1), true);
  assert.equal(lasers.trails.get('ann').points.length, 1);
  assert.equal(lasers.prune(100 + TRAIL_MS), false);
  assert.equal(lasers.size, 0);
});

test('a release keeps the trail until it has faded, then removes it', () => {
  const lasers = new LaserTrails();
  lasers.move('ann', [1, 1], 0);
  lasers.move('ann', null, 200);
  assert.equal(lasers.trails.get('ann').released, true);
  assert.equal(lasers.prune(1000), true);
  assert.equal(lasers.prune(TRAIL_MS), false);
});

test('a new press after a release starts a new line, not joined to the fading one', () => {
  const lasers = new LaserTrails();
  lasers.move('ann', [1, 1], 0);
  lasers.move('ann', [2, 2], 10);
  lasers.move('ann', null, 20);
  lasers.move('ann', [900, 500], 30);
  assert.deepEqual(
    lasers.trails.get('ann').points.map((point) => point.start),
    [true, false, true],
  );
  assert.equal(lasers.trails.get('ann').released, false);
});

test('each author has a trail of their own; a release of a trail never seen changes nothing', () => {
  const lasers = new LaserTrails();
  lasers.move('ann', [1, 1], 0);
  lasers.move('bob', [5, 5], 0);
  lasers.move('cy', null, 0);
  assert.deepEqual([...lasers.trails.keys()], ['ann', 'bob']);
});
