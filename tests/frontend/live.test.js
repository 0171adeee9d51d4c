// What may go out on one socket: live strokes, the open-stroke limit and the budgets.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { TokenBucket } from '../../frontend/budget.js';
import { LiveStrokes } from '../../frontend/live.js';
import { DEFAULT_LIMITS, edit, strokeBegin, strokeEnd, strokePoints } from '../../frontend/protocol.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

class Clock {
  constructor() {
    this.now = 0;
  }
  read = () => this.now;
}

function live(limits = {}) {
  const clock = new Clock();
  return { clock, live: new LiveStrokes({ ...DEFAULT_LIMITS, ...limits }, clock.read) };
}

const points = (count) => Array.from({ length: count }, (_, i) => [i % 1600, i % 900]).flat();

test('a token bucket gives its burst at once, then its rate', () => {
  const bucket = new TokenBucket(10, 3, 0);
  assert.equal(bucket.take(3, 0), true);
  assert.equal(bucket.take(1, 0), false);
  assert.equal(bucket.wait(1, 0), 100);
  assert.equal(bucket.take(1, 100), true);
  assert.equal(bucket.take(1, 10_000), true);
  assert.equal(bucket.tokens, 2, 'never more than the burst');
});

test('a charge past empty is owed and must refill before anything else', () => {
  const bucket = new TokenBucket(100, 100, 0);
  bucket.charge(150, 0);
  assert.equal(bucket.wait(0, 0), 500);
  assert.equal(bucket.wait(10, 0), 600);
  assert.equal(bucket.wait(0, 500), 0);
});

test('live strokes keep one open-stroke place for whole strokes', () => {
  const { live: socket } = live({ maxOpenStrokes: 3 });
  assert.equal(socket.admit(strokeBegin('a', MARKER, [1, 1])), true);
  assert.equal(socket.admit(strokeBegin('b', MARKER, [1, 1])), true);
  assert.equal(socket.admit(strokeBegin('c', MARKER, [1, 1])), false);
  assert.equal(socket.isLive('c'), false);
  assert.equal(socket.admit(strokeBegin('whole', MARKER, [1, 1]), { whole: true }), true);
  assert.equal(socket.admit(strokeEnd('a')), true);
  assert.equal(socket.isLive('a'), false);
  assert.equal(socket.admit(strokeBegin('c', MARKER, [1, 1])), false, 'the whole stroke holds the place');
  socket.admit(strokeEnd('whole'));
  assert.equal(socket.admit(strokeBegin('c', MARKER, [1, 1])), true);
});

test('points and end of a stroke not live on this socket do not go', () => {
  const { live: socket } = live();
  assert.equal(socket.admit(strokePoints('elsewhere', [1, 1])), false);
  assert.equal(socket.admit(strokeEnd('elsewhere')), false);
  socket.admit(strokeBegin('s1', MARKER, [1, 1]));
  socket.forget('s1');
  assert.equal(socket.admit(strokePoints('s1', [2, 2])), false);
});

test('a live begin without an action to spend is not sent live', () => {
  const { clock, live: socket } = live({ maxActionsPerSecond: 10, maxActionBurst: 10 });
  let begun = 0;
  for (let i = 0; i < 20; i += 1) {
    if (socket.admit(strokeBegin(`s${i}`, MARKER, [1, 1]))) {
      begun += 1;
      socket.admit(strokeEnd(`s${i}`));
    }
  }
  // A tenth under the server's burst: frames bunch up on the way.
  assert.equal(begun, 9);
  assert.ok(socket.wait(edit('undo')) > 0);
  clock.now += socket.wait(strokeBegin('next', MARKER, []));
  assert.equal(socket.admit(strokeBegin('next', MARKER, [1, 1])), true);
});

test('edits spend actions; ends and points do not', () => {
  const { live: socket } = live({ maxActionsPerSecond: 1, maxActionBurst: 2 });
  socket.admit(strokeBegin('s1', MARKER, [1, 1]));
  assert.equal(socket.admit(strokePoints('s1', [2, 2])), true);
  assert.equal(socket.admit(strokeEnd('s1', [3, 3])), true);
  assert.equal(socket.admit(edit('undo')), false, 'the burst of one (a tenth under two) is spent');
});

test('no rhythm of sending ever takes more than the server allows in any second', () => {
  const limits = { maxPointsPerSecond: 1000, maxActionsPerSecond: 10, maxActionBurst: 30 };
  const { clock, live: socket } = live(limits);
  // What the server would see, at the moment each frame leaves.
  const server = {
    points: new TokenBucket(limits.maxPointsPerSecond, limits.maxPointsPerSecond, 0),
    actions: new TokenBucket(limits.maxActionsPerSecond, limits.maxActionBurst, 0),
  };
  let queue = [];
  let sent = 0;
  let refused = 0;
  for (let step = 0; step < 3000; step += 1) {
    clock.now = step * 7;
    // A frantic drawer: a new stroke every few steps and many points every step.
    const id = `s${Math.floor(step / 5)}`;
    const message =
      step % 5 === 0 ? strokeBegin(id, MARKER, points(3)) : step % 5 === 4 ? strokeEnd(id, points(20)) : strokePoints(id, points(40));
    if (socket.admit(message)) queue.push(message);
    const { count } = socket.release(queue);
    for (const frame of queue.slice(0, count)) {
      const actionOk = frame.type !== 'stroke.begin' || server.actions.take(1, clock.now);
      const pointsOk = server.points.take(frame.points.length / 2, clock.now);
      if (!actionOk || !pointsOk) refused += 1;
      sent += 1;
    }
    queue = queue.slice(count);
  }
  assert.ok(sent > 500, `${sent} frames sent`);
  assert.equal(refused, 0);
});

test('queued frames leave in order once the budget has refilled for them', () => {
  const { clock, live: socket } = live({ maxPointsPerSecond: 100 });
  socket.admit(strokeBegin('s1', MARKER, points(60)));
  socket.admit(strokePoints('s1', points(60)));
  const queue = [strokeBegin('s1', MARKER, points(60)), strokePoints('s1', points(60))];
  // 90 points of burst: the first frame is paid for, the second owes 30 points at 90 a second.
  assert.deepEqual(socket.release(queue), { count: 1, wait: 334 });
  clock.now = 334;
  assert.deepEqual(socket.release(queue), { count: 2, wait: 0 });
});

test('a message never carries more points than the budget can ever pay', () => {
  assert.equal(live({ maxPointsPerSecond: 100 }).live.pointsPerMessage, 90);
  assert.equal(live().live.pointsPerMessage, DEFAULT_LIMITS.maxPointsPerMessage);
});

test('a new socket starts with nothing live and full budgets', () => {
  const { live: socket } = live({ maxActionBurst: 2 });
  socket.admit(strokeBegin('s1', MARKER, [1, 1]));
  socket.admit(edit('undo'));
  socket.reset({ ...DEFAULT_LIMITS });
  assert.equal(socket.size, 0);
  assert.equal(socket.wait(edit('undo')), 0);
});

test('ink is charged by its points, three numbers each, as the server counts them', () => {
  const { live: budget } = live({ maxPointsPerSecond: 1000 });
  const ink = { kind: 'ink', color: '#000000', width: 8 };
  const before = budget.points.tokens;
  assert.equal(budget.admit(strokeBegin('i1', ink, [1, 1, 50, 2, 2, 50])), true);
  assert.equal(budget.admit(strokePoints('i1', [3, 3, 50, 4, 4, 50, 5, 5, 50])), true);
  assert.equal(budget.admit(strokeEnd('i1', [6, 6, 50])), true);
  assert.equal(before - budget.points.tokens, 6);
  assert.equal(budget.admit(strokeBegin('m1', MARKER, [1, 1, 2, 2])), true);
  assert.equal(before - budget.points.tokens, 8);
});
