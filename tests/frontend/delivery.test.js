// Delivery of the outbox: in order, within the socket's budgets, again after a reconnect.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Delivery } from '../../frontend/delivery.js';
import { LiveStrokes } from '../../frontend/live.js';
import { Outbox } from '../../frontend/outbox.js';
import { DEFAULT_LIMITS, edit, erase, strokeBegin } from '../../frontend/protocol.js';
import { MemoryStorage } from './fakes.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

function setup(limits = {}, sleep = null) {
  const clock = { now: 0 };
  const live = new LiveStrokes({ ...DEFAULT_LIMITS, ...limits }, () => clock.now);
  const connection = {
    online: true,
    live,
    sent: [],
    send(message, { whole = false } = {}) {
      if (!this.online || !live.admit(message, { whole })) return false;
      this.sent.push({ ...message, at: clock.now });
      return true;
    },
  };
  const outbox = new Outbox(new MemoryStorage(), 'box');
  const sleeps = [];
  const delivery = new Delivery(outbox, connection, () => {}, {
    clock: () => clock.now,
    sleep:
      sleep ??
      (async (ms) => {
        sleeps.push(ms);
        clock.now += ms;
      }),
  });
  return { clock, live, connection, outbox, delivery, sleeps };
}

const stroke = (id, count) => ({ id, item: MARKER, points: Array.from({ length: count * 2 }, (_, i) => i) });

test('nothing goes until the board is loaded, then items go oldest first', async () => {
  const { connection, outbox, delivery } = setup();
  outbox.addStroke(stroke('s1', 3));
  outbox.addEdit(edit('undo', 'u1'));
  await delivery.pump();
  assert.deepEqual(connection.sent, []);
  delivery.restart();
  await delivery.pump();
  assert.deepEqual(
    connection.sent.map((m) => [m.type, m.stroke ?? m.id]),
    [
      ['stroke.begin', 's1'],
      ['stroke.end', 's1'],
      ['undo', 'u1'],
    ],
  );
});

test('a stroke drawn live on this socket sends only its end', async () => {
  const { connection, live, outbox, delivery } = setup();
  live.admit(strokeBegin('s1', MARKER, [1, 1]));
  outbox.addStroke(stroke('s1', 3));
  await delivery.restart();
  assert.deepEqual(connection.sent, [{ type: 'stroke.end', stroke: 's1', points: [], at: 0 }]);
});

test('a long offline drawing waits for actions and points, never outrunning the budgets', async () => {
  const { connection, outbox, delivery, sleeps, clock } = setup({
    maxActionsPerSecond: 2,
    maxActionBurst: 4,
    maxPointsPerSecond: 1000,
  });
  for (let i = 0; i < 6; i += 1) outbox.addStroke(stroke(`s${i}`, 1200));
  for (let i = 0; i < 4; i += 1) outbox.addEdit(edit('undo', `u${i}`));
  await delivery.restart();
  assert.equal(connection.sent.filter((m) => m.type === 'stroke.end').length, 6);
  assert.equal(connection.sent.filter((m) => m.type === 'undo').length, 4);
  assert.ok(sleeps.length > 0);
  // Points: 7200 at 900 a second after a 900 burst; actions: 10 at 1.8 a second after 3.
  assert.ok(clock.now >= ((7200 - 900) / 900) * 1000 - 1, `${clock.now} ms`);
  const actions = connection.sent.filter((m) => m.type === 'stroke.begin' || m.type === 'undo');
  for (const [index, message] of actions.entries()) {
    assert.ok(index + 1 <= 4 + (message.at / 1000) * 2, `action ${index} at ${message.at} ms`);
  }
  assert.ok(connection.sent.every((m) => (m.points?.length ?? 0) / 2 <= 500));
});

test('a socket that changes mid-stroke sends the stroke again, whole, on the next', async () => {
  let wake = null;
  const { clock, connection, live, outbox, delivery } = setup({ maxPointsPerSecond: 100 }, (ms) => {
    clock.now += ms;
    return new Promise((resolve) => {
      wake = resolve;
    });
  });
  outbox.addStroke(stroke('s1', 200));
  const sending = delivery.restart();
  // The first part went; the rest waits for points. The socket is replaced meanwhile.
  await Promise.resolve();
  assert.equal(connection.sent.length, 1);
  live.reset({ ...DEFAULT_LIMITS, maxPointsPerSecond: 100 });
  connection.sent = [];
  delivery.hold();
  delivery.restart();
  for (let i = 0; i < 10 && wake; i += 1) {
    const resolve = wake;
    wake = null;
    resolve();
    await new Promise((done) => setImmediate(done));
  }
  await sending;
  assert.deepEqual(
    connection.sent.map((m) => m.type),
    ['stroke.begin', 'stroke.points', 'stroke.points', 'stroke.end'],
  );
  assert.equal(
    connection.sent.reduce((sum, m) => sum + m.points.length / 2, 0),
    200,
  );
});

test('an item to retry later holds the outbox until it is due, then goes first', async () => {
  const { connection, outbox, delivery, clock } = setup();
  outbox.addEdit(erase([['ann', 's1']], 'e1'));
  outbox.addEdit(edit('undo', 'u1'));
  await delivery.restart();
  connection.sent = [];
  delivery.retryLater('e1', 1000);
  clearTimeout(delivery.retryTimer);
  await delivery.pump();
  assert.deepEqual(connection.sent, []);
  clock.now = 1000;
  await delivery.pump();
  assert.deepEqual(
    connection.sent.map((m) => m.id),
    ['e1'],
  );
  assert.equal(outbox.size, 2);
});

test('acknowledged and finally refused items leave the outbox', async () => {
  const { outbox, delivery } = setup();
  outbox.addEdit(edit('undo', 'u1'));
  outbox.addEdit(edit('redo', 'r1'));
  delivery.settle('u1');
  assert.deepEqual(
    outbox.items.map((item) => item.ref),
    ['r1'],
  );
});
