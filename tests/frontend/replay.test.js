// Replay's clock and its seek: a board found from a checkpoint is the board replayed from zero.
import assert from 'node:assert/strict';
import test from 'node:test';

import { applyEvent, createBoard, isShown } from '../../frontend/board.js';
import { advanced, applyLogEntry, authorsOf, eventsBy, Replay, strokeStep, timeline } from '../../frontend/replay.js';

const marker = { kind: 'marker', color: '#000000', width: 4 };

/** A lesson of committed events as the server sends them, `at` a second apart unless told. */
function lesson() {
  const events = [];
  let at = 1_700_000_000_000;
  const add = (event, gap = 1000) => {
    at += gap;
    events.push({ seq: events.length + 1, at, ...event });
  };
  const key = (n) => [n % 2 ? 'ann' : 'bob', `s${n}`];
  for (let n = 0; n < 40; n += 1) {
    const page = n % 3 === 0 ? { page: 'two' } : {};
    const [author, stroke] = key(n);
    add({ kind: 'stroke', author, stroke, item: { ...marker, ...page }, points: [n, n, n + 5, n + 5] });
    if (n % 5 === 4) add({ kind: 'erase', author: 'host-1', hide: [key(n)] });
    if (n % 7 === 6) add({ kind: 'move', author: 'bob', move: [key(n - 1), key(n)], by: [3, -2] });
    // The host's undo of an erase: the stroke shows again, a minute later.
    if (n % 10 === 9) add({ kind: 'undo', author: 'host-1', show: [key(n - 5)] }, 60_000);
    if (n === 20) add({ kind: 'clear', author: 'host-1', hide: [key(20), key(19), key(18)] });
    if (n === 30) add({ kind: 'skipped', author: '' });
  }
  return events;
}

const shape = (board) =>
  [...board.strokes.values()].map((stroke) => [stroke.author, stroke.id, stroke.visible, stroke.points.join(','), stroke.item.page ?? '1']);

test('a seek to any point of the lesson is the board replayed from zero to that point', () => {
  const events = lesson();
  const replay = new Replay(800, 600, events, { every: 7 });
  const fromZero = createBoard(800, 600);
  assert.deepEqual(shape(replay.boardAt(0)), shape(fromZero));
  for (let count = 1; count <= events.length; count += 1) {
    applyEvent(fromZero, events[count - 1]);
    assert.deepEqual(shape(replay.boardAt(count)), shape(fromZero), `after ${count} events`);
    assert.equal(replay.boardAt(count).seq, fromZero.seq);
  }
  assert.equal(fromZero.seq, events.length, 'every event of the lesson applied');
  assert.ok(shape(fromZero).some(([, , visible]) => !visible) && shape(fromZero).some(([, , visible]) => visible));
  // Seeking back leaves the boards it handed out, and its checkpoints, as they were.
  const late = replay.boardAt(events.length);
  replay.boardAt(3);
  assert.deepEqual(shape(late), shape(fromZero));
});

test('the clock keeps the recorded pace, or squeezes long pauses, and plays at a speed', () => {
  const at = (seconds) => ({ at: 1000 * seconds });
  const events = [at(0), at(2), at(4), at(64), at(65)];
  assert.deepEqual(timeline(events), [0, 2000, 4000, 64000, 65000]);
  assert.deepEqual(timeline(events, { squeeze: true }), [0, 1000, 2000, 3000, 4000]);
  assert.deepEqual(timeline(events, { squeeze: true, maxGap: 5000 }), [0, 2000, 4000, 9000, 10000]);
  const times = timeline(events);
  assert.equal(eventsBy(times, -1), 0);
  assert.equal(eventsBy(times, 0), 1);
  assert.equal(eventsBy(times, 3999), 2);
  assert.equal(eventsBy(times, 4000), 3);
  assert.equal(eventsBy(times, 1e9), 5);
  // Two seconds of wall clock at 8×: sixteen seconds of the lesson.
  assert.equal(advanced(4000, 2000, 8), 20000);
});

test('stepping brings one stroke or takes one away, over the edits between them', () => {
  const events = [{ kind: 'stroke' }, { kind: 'erase' }, { kind: 'stroke' }, { kind: 'undo' }, { kind: 'stroke' }];
  assert.equal(strokeStep(events, 0, 1), 1);
  assert.equal(strokeStep(events, 1, 1), 3);
  assert.equal(strokeStep(events, 3, 1), 5);
  assert.equal(strokeStep(events, 5, 1), 5);
  // Back, the last stroke shown goes, and the edits after it with it.
  assert.equal(strokeStep(events, 5, -1), 4);
  assert.equal(strokeStep(events, 4, -1), 2);
  assert.equal(strokeStep(events, 3, -1), 2);
  assert.equal(strokeStep(events, 2, -1), 0);
  assert.equal(strokeStep(events, 0, -1), 0);
});

test("a filtered replay shows one participant's ink, and steps through their strokes only", () => {
  const events = lesson();
  assert.deepEqual(authorsOf(events), ['bob', 'ann']);
  const replay = new Replay(800, 600, events, { every: 7, onlyAuthor: 'ann' });
  const everyone = new Replay(800, 600, events, { every: 7 });
  for (const count of [0, 5, 17, 33, events.length]) {
    const filtered = replay.boardAt(count);
    const whole = everyone.boardAt(count);
    // The same board underneath: every event applies, others' ink is held, not shown.
    assert.deepEqual(shape(filtered), shape(whole));
    const shown = [...filtered.strokes.values()].filter(isShown).map((stroke) => stroke.author);
    assert.ok(shown.every((author) => author === 'ann'), `after ${count} events`);
  }
  assert.ok([...replay.boardAt(events.length).strokes.values()].some(isShown));
  const annAt = events.map((event, index) => [event, index + 1]).filter(([event]) => event.kind === 'stroke' && event.author === 'ann');
  assert.equal(strokeStep(events, 0, 1, 'ann'), annAt[0][1]);
  assert.equal(strokeStep(events, annAt[0][1], 1, 'ann'), annAt[1][1]);
  assert.equal(strokeStep(events, annAt[1][1], -1, 'ann'), annAt[1][1] - 1);
  assert.equal(strokeStep(events, annAt[1][1] - 1, -1, 'ann'), annAt[0][1] - 1);
});

/** The log of `events` compacted at position `count`: a checkpoint entry of the board then, and the rest. */
function compacted(events, count) {
  const board = new Replay(800, 600, events).boardAt(count);
  const strokes = [...board.strokes.values()].map((stroke) => [stroke.id, stroke.author, stroke.item, stroke.points, 0]);
  const hidden = [...board.strokes.values()].filter((stroke) => !stroke.visible).map((stroke) => [stroke.author, stroke.id]);
  const at = events[count - 1].at;
  return [{ seq: board.seq, kind: 'checkpoint', author: '', at, strokes, hidden }, ...events.slice(count)];
}

test('a log that starts with a checkpoint replays as the whole log at every entry from the checkpoint on', () => {
  const events = lesson();
  const whole = new Replay(800, 600, events, { every: 7 });
  for (const count of [1, 13, 30, events.length - 3]) {
    const log = compacted(events, count);
    const replay = new Replay(800, 600, log, { every: 5 });
    assert.deepEqual(shape(replay.boardAt(0)), []);
    for (let index = 1; index <= log.length; index += 1) {
      assert.deepEqual(shape(replay.boardAt(index)), shape(whole.boardAt(count + index - 1)), `at ${count}, entry ${index}`);
      assert.equal(replay.boardAt(index).seq, whole.boardAt(count + index - 1).seq);
    }
    // Played on from the start, entry by entry, as the replay page does.
    const played = createBoard(800, 600);
    for (const entry of log) applyLogEntry(played, entry);
    assert.deepEqual(shape(played), shape(whole.boardAt(events.length)));
  }
});

test('an undo after the checkpoint shows again an item the checkpoint holds hidden', () => {
  const marker2 = { ...marker };
  const log = [
    { seq: 9, kind: 'checkpoint', author: '', at: 1, strokes: [['a', 'ann', marker2, [1, 1, 2, 2], 3]], hidden: [['ann', 'a']] },
    { seq: 10, kind: 'undo', author: 'bob', at: 2, show: [['ann', 'a']] },
  ];
  const board = createBoard(800, 600);
  applyLogEntry(board, log[0]);
  assert.equal(board.seq, 9);
  assert.deepEqual(shape(board), [['ann', 'a', false, '1,1,2,2', '1']]);
  assert.notEqual(applyLogEntry(board, log[1]), null);
  assert.deepEqual(shape(board), [['ann', 'a', true, '1,1,2,2', '1']]);
});
