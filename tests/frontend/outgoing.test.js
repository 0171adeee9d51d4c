// Outgoing batching: one frame per send interval however many pointer events happened.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OutgoingQueue } from '../../frontend/outgoing.js';
import { strokeBegin, strokeEnd, strokePoints } from '../../frontend/protocol.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

test('points of one stroke merge into the begin that started it', () => {
  const queue = new OutgoingQueue(500);
  queue.push(strokeBegin('s1', MARKER, [1, 1]));
  for (let i = 2; i < 50; i += 1) queue.push(strokePoints('s1', [i, i]));
  const sent = queue.drain();
  assert.equal(sent.length, 1);
  assert.equal(sent[0].type, 'stroke.begin');
  assert.equal(sent[0].points.length, 49 * 2);
  assert.equal(queue.length, 0);
});

test('points followed by the end become one end carrying the points', () => {
  const queue = new OutgoingQueue(500);
  queue.push(strokePoints('s1', [1, 1]));
  queue.push(strokePoints('s1', [2, 2]));
  queue.push(strokeEnd('s1'));
  assert.deepEqual(queue.drain(), [{ type: 'stroke.end', stroke: 's1', points: [1, 1, 2, 2] }]);
});

test('a begin and end in one interval stay two messages', () => {
  const queue = new OutgoingQueue(500);
  queue.push(strokeBegin('dot', MARKER, [5, 5]));
  queue.push(strokeEnd('dot'));
  assert.deepEqual(
    queue.drain().map((m) => m.type),
    ['stroke.begin', 'stroke.end'],
  );
});

test('strokes of two fingers are never merged together', () => {
  const queue = new OutgoingQueue(500);
  queue.push(strokePoints('left', [1, 1]));
  queue.push(strokePoints('right', [9, 9]));
  queue.push(strokePoints('left', [2, 2]));
  assert.deepEqual(
    queue.drain().map((m) => [m.stroke, m.points]),
    [
      ['left', [1, 1]],
      ['right', [9, 9]],
      ['left', [2, 2]],
    ],
  );
});

test('a message never holds more points than the server allows', () => {
  const queue = new OutgoingQueue(10);
  for (let i = 0; i < 25; i += 1) queue.push(strokePoints('s1', [i, i]));
  const sent = queue.drain();
  assert.deepEqual(
    sent.map((m) => m.points.length / 2),
    [10, 10, 5],
  );
});

test('the caller keeps its own points array', () => {
  const queue = new OutgoingQueue(500);
  const points = [1, 1];
  queue.push(strokePoints('s1', points));
  queue.push(strokePoints('s1', [2, 2]));
  assert.deepEqual(points, [1, 1]);
});

test('a laser position replaces one still waiting, but never a release', () => {
  const queue = new OutgoingQueue(500);
  queue.push({ type: 'laser', at: [1, 1] });
  queue.push(strokePoints('s1', [1, 2]));
  queue.push({ type: 'laser', at: [2, 2] });
  assert.deepEqual(queue.drain(), [strokePoints('s1', [1, 2]), { type: 'laser', at: [2, 2] }]);
  queue.push({ type: 'laser', at: null });
  queue.push({ type: 'laser', at: [3, 3] });
  assert.deepEqual(queue.drain(), [
    { type: 'laser', at: null },
    { type: 'laser', at: [3, 3] },
  ]);
});
