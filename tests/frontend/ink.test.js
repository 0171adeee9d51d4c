// Ink outlines equal the shared fixture (which the server's port reads too), and the pressure
// a stroke is drawn from: real pen pressure recognised, speed turned into pressure otherwise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { INK_OUTLINE, inkOutline, NORMAL_PRESSURE, reportsPressure, SpeedPressure } from '../../frontend/ink.js';

const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/ink.json', import.meta.url), 'utf8'));
const LIBRARY = JSON.parse(
  readFileSync(new URL('../../node_modules/perfect-freehand/package.json', import.meta.url), 'utf8'),
);
const REGENERATE = 'run: node tests/fixtures/make_ink.mjs > tests/fixtures/ink.json, then check draw/freehand.py';

test('the fixture was made with the installed perfect-freehand and the current options', () => {
  assert.equal(FIXTURE.library, `${LIBRARY.name}@${LIBRARY.version}`, REGENERATE);
  assert.deepEqual(FIXTURE.options, JSON.parse(JSON.stringify(INK_OUTLINE)), REGENERATE);
});

for (const { name, points, width, complete, minWidth, outline } of FIXTURE.cases) {
  test(`the outline of ${name} equals the fixture`, () => {
    const got = inkOutline(points, width, { complete, minWidth });
    assert.equal(got.length, outline.length, REGENERATE);
    got.forEach((value, i) => assert.ok(Math.abs(value - outline[i]) < 1e-9, `${i}: ${value} != ${outline[i]}`));
  });
}

function widthAcross(outline, x) {
  // The outline's extent in y among its points near x: the line's thickness where it runs flat.
  const ys = [];
  for (let i = 0; i < outline.length; i += 2) if (Math.abs(outline[i] - x) < 15) ys.push(outline[i + 1]);
  return Math.max(...ys) - Math.min(...ys);
}

function flatLine(pressure, width) {
  const points = [];
  for (let x = 100; x <= 500; x += 10) points.push(x, 300, pressure);
  return inkOutline(points, width);
}

test('at normal pressure a line is as wide as its width', () => {
  assert.ok(Math.abs(widthAcross(flatLine(NORMAL_PRESSURE, 10), 300) - 10) < 0.01);
});

test('pressing harder makes the line wider', () => {
  assert.ok(widthAcross(flatLine(100, 10), 300) > widthAcross(flatLine(50, 10), 300) + 3);
  assert.ok(widthAcross(flatLine(0, 10), 300) < widthAcross(flatLine(50, 10), 300) - 3);
});

test('a line thinner than the minimum width is drawn at the minimum', () => {
  const points = [];
  for (let x = 100; x <= 500; x += 10) points.push(x, 300, NORMAL_PRESSURE);
  assert.ok(Math.abs(widthAcross(inkOutline(points, 1, { minWidth: 6 }), 300) - 6) < 0.01);
});

test('no points have no outline', () => {
  assert.deepEqual(inkOutline([], 8), []);
});

test('only a pen or a touch with a measured pressure reports pressure', () => {
  assert.equal(reportsPressure('pen', 0.73), true);
  assert.equal(reportsPressure('pen', 1), true);
  assert.equal(reportsPressure('touch', 0.31), true);
  assert.equal(reportsPressure('mouse', 0.5), false);
  assert.equal(reportsPressure('mouse', 0.8), false);
  assert.equal(reportsPressure('pen', 0.5), false);
  assert.equal(reportsPressure('pen', 0), false);
  assert.equal(reportsPressure('touch', 0), false);
  assert.equal(reportsPressure('touch', 1), false);
  assert.equal(reportsPressure('pen', Number.NaN), false);
});

/** Pressures of a pointer moving `step` board units every `everyMs`, `count` times. */
function pressures(simulated, { step, everyMs, count, from = [0, 0, 0] }) {
  const [x0, y0, t0] = from;
  const values = [];
  for (let i = 1; i <= count; i += 1) values.push(simulated.next(x0 + i * step, y0, t0 + i * everyMs));
  return values;
}

test('simulated pressure starts normal and stays near normal when the pointer moves slowly', () => {
  const simulated = new SpeedPressure();
  assert.equal(simulated.next(100, 100, 1000), NORMAL_PRESSURE);
  for (const pressure of pressures(simulated, { step: 1, everyMs: 16, count: 30, from: [100, 100, 1000] })) {
    assert.ok(pressure >= 45 && pressure <= NORMAL_PRESSURE, `${pressure}`);
  }
});

test('moving faster makes the simulated pressure lighter, smoothly, and slowing down restores it', () => {
  const simulated = new SpeedPressure();
  simulated.next(0, 0, 0);
  const fast = pressures(simulated, { step: 80, everyMs: 16, count: 20 });
  fast.forEach((pressure, i) => {
    assert.ok(Number.isInteger(pressure) && pressure >= 0 && pressure <= 100);
    if (i > 0) assert.ok(pressure <= fast[i - 1], 'lighter step by step');
  });
  assert.ok(fast[0] > 30, 'no sudden drop');
  assert.ok(fast.at(-1) < 20);
  const slow = pressures(simulated, { step: 1, everyMs: 16, count: 40, from: [1600, 0, 320] });
  assert.ok(slow.at(-1) >= 45);
});

test('points arriving at the same moment keep the pressure', () => {
  const simulated = new SpeedPressure();
  simulated.next(0, 0, 0);
  const before = simulated.next(100, 0, 16);
  assert.equal(simulated.next(300, 0, 16), before);
});
