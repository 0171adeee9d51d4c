// The session: every server message of the shared fixture applied through the browser's
// own dispatch, and the policy for refusals (resend, retry, take back).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createBoard, findStroke, strokesInProgress, UNKNOWN_AUTHOR } from '../../frontend/board.js';
import { Outbox } from '../../frontend/outbox.js';
import { DEFAULT_LIMITS, erase, strokeBegin, strokeEnd, strokePoints } from '../../frontend/protocol.js';
import { MAX_RESENDS, Session } from '../../frontend/session.js';
import { MemoryStorage, RecordingConnection, RecordingDelivery, RecordingPainter } from './fakes.js';
import { refusalText } from '../../frontend/refusals.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

const cases = JSON.parse(readFileSync(new URL('../fixtures/protocol.json', import.meta.url)));
const examples = cases.server_examples;
const example = (name) => structuredClone(examples.find((e) => e.name === name).message);
const ME = example('welcome').you;
const ANN = 'h3k8r2nvcw';

function newSession({ storage = new MemoryStorage(), limits = DEFAULT_LIMITS } = {}) {
  const board = createBoard(1600, 900);
  const outbox = new Outbox(storage, 'box');
  const delivery = new RecordingDelivery(outbox);
  const connection = new RecordingConnection(limits);
  const painter = new RecordingPainter();
  const notices = [];
  const session = new Session({
    board,
    outbox,
    delivery,
    connection,
    painter,
    notify: (text) => notices.push(text),
    random: () => 1,
  });
  return { session, board, outbox, delivery, connection, painter, notices };
}

function welcome(session, { you = ME, seq = 0 } = {}) {
  session.receive({ ...example('welcome'), you, seq });
}

function emptySnapshot(session, seq = 0) {
  session.receive({ type: 'snapshot', seq, index: 0, total: 0, strokes: [] });
}

const shown = (board) =>
  [...board.strokes.values()].map((s) => `${s.author}/${s.id}${s.visible ? '' : ' (hidden)'}${s.committed ? '' : ' (live)'}`);

test('every server example applies through the session, in order, to the board it describes', () => {
  const { session, board, outbox, delivery, connection, notices } = newSession();
  // Drawn before the welcome: the server has not said who this browser is yet.
  session.emit(strokeBegin('mine2', { kind: 'marker', color: '#1e1e1e', width: 3 }, [50, 50]));
  session.emit(strokeEnd('mine2', [60, 60]));
  assert.ok(findStroke(board, UNKNOWN_AUTHOR, 'mine2'));

  for (const { name, message } of examples) {
    session.receive(structuredClone(message));
    if (name === 'welcome') {
      assert.equal(session.me, ME);
      assert.ok(findStroke(board, ME, 'mine2'), 'my early stroke is mine once the server says who I am');
      assert.equal(delivery.held, true, 'nothing goes before the board is loaded');
    }
    if (name.startsWith('snapshot, first')) assert.equal(delivery.held, true);
    if (name === 'snapshot, last part') assert.equal(delivery.held, false);
  }

  assert.deepEqual(shown(board), [
    `${ANN}/s1`,
    `${ME}/s1 (hidden)`,
    `${ANN}/k3Jd9aQm2LxP0bVz`,
    `${ME}/mine2 (hidden)`,
    `${ANN}/live2`,
    `${ANN}/ink1 (live)`,
    `${ME}/t1`,
    `${ANN}/r1`,
  ]);
  assert.deepEqual(findStroke(board, ME, 'mine2').points, [50, 50, 60, 60]);
  assert.deepEqual(findStroke(board, ANN, 'ink1').points, [400, 300, 40, 404, 302, 55, 410, 306, 70]);
  // The move took the rectangle and the text 40 left and 25 down, their items unchanged.
  assert.deepEqual(findStroke(board, ANN, 'r1').points, [60, 125, 360, 325]);
  assert.deepEqual(findStroke(board, ME, 't1').points, [60, 625]);
  assert.deepEqual(findStroke(board, ME, 't1').item, { kind: 'text', color: '#7048e8', size: 40, text: 'x < y & "z"' });
  assert.equal(board.seq, 14);
  assert.equal(outbox.size, 0, 'the ack settled my stroke');
  assert.equal(connection.resyncs, 0);
  const errors = examples.filter((e) => e.message.type === 'error');
  assert.deepEqual(
    connection.forgotten,
    errors.filter((e) => e.message.ref).map((e) => e.message.ref),
  );
  // A live copy refused while no stroke of that id waits is being drawn: it goes whole later.
  // Each refusal is told in the page's words for its code, the server's for a code without any.
  assert.deepEqual(
    notices,
    errors.filter((e) => e.message.code !== 'rate_limited').map((e) => refusalText(e.message)),
  );
  assert.ok(notices.includes("'color' must be a colour like '#1a2b3c'"));
});

test('the live preview of my own stroke is replaced by its committed event, not doubled', () => {
  const { session, board } = newSession();
  welcome(session);
  emptySnapshot(session);
  session.emit(strokeBegin('s1', MARKER, [1, 1]));
  session.emit(strokePoints('s1', [2, 2]));
  session.receive({ type: 'batch', messages: [{ type: 'stroke.begin', stroke: 's1', author: ME, item: MARKER, points: [1, 1] }] });
  session.receive({ type: 'event', seq: 1, kind: 'stroke', author: ME, stroke: 's1', item: MARKER, points: [1, 1, 2, 2, 3, 3] });
  assert.deepEqual(shown(board), [`${ME}/s1`]);
  assert.deepEqual(findStroke(board, ME, 's1').points, [1, 1, 2, 2, 3, 3]);
});

test("another author's live stroke with my stroke's id is a stroke of its own", () => {
  const { session, board } = newSession();
  welcome(session);
  emptySnapshot(session);
  session.emit(strokeBegin('s1', MARKER, [1, 1]));
  session.receive({ type: 'batch', messages: [{ type: 'stroke.begin', stroke: 's1', author: ANN, item: { kind: 'marker', color: '#e03131', width: 8 }, points: [9, 9] }] });
  session.receive({ type: 'stroke.drop', stroke: 's1', author: ANN });
  assert.deepEqual(shown(board), [`${ME}/s1 (live)`]);
  // A drop of my own stroke (my socket went away mid-stroke) leaves my drawing alone: it goes whole.
  session.receive({ type: 'stroke.drop', stroke: 's1', author: ME });
  assert.deepEqual(shown(board), [`${ME}/s1 (live)`]);
});

test('strokes waiting in the outbox from before a reload are on the board, and become mine at the welcome', () => {
  const storage = new MemoryStorage();
  const first = newSession({ storage });
  welcome(first.session);
  emptySnapshot(first.session);
  first.session.emit(strokeBegin('offline', MARKER, [1, 1]));
  first.session.emit(strokeEnd('offline', [2, 2]));

  const { session, board, delivery } = newSession({ storage });
  assert.deepEqual(shown(board), [`${UNKNOWN_AUTHOR}/offline (live)`]);
  welcome(session);
  assert.deepEqual(shown(board), [`${ME}/offline (live)`]);
  emptySnapshot(session);
  assert.deepEqual(delivery.called('restart'), [['restart']]);
  session.receive({ type: 'event', seq: 1, kind: 'stroke', author: ME, stroke: 'offline', item: MARKER, points: [1, 1, 2, 2] });
  assert.deepEqual(shown(board), [`${ME}/offline`]);
});

test('a new identity at a later welcome takes over my strokes not yet stored, not my stored ones', () => {
  const { session, board } = newSession();
  welcome(session, { you: 'first' });
  emptySnapshot(session);
  session.receive({ type: 'event', seq: 1, kind: 'stroke', author: 'first', stroke: 'stored', item: MARKER, points: [1, 1] });
  session.emit(strokeBegin('pending', MARKER, [1, 1]));
  session.emit(strokeEnd('pending'));
  welcome(session, { you: 'second', seq: 1 });
  assert.deepEqual(shown(board), ['first/stored', 'second/pending (live)']);
});

test('a new socket forgets the previews of others: the server sends strokes being drawn again', () => {
  const { session, board } = newSession();
  welcome(session);
  emptySnapshot(session);
  session.receive({ type: 'batch', messages: [{ type: 'stroke.begin', stroke: 'gone', author: ANN, item: MARKER, points: [1, 1] }] });
  welcome(session);
  assert.deepEqual(shown(board), []);
});

test('the outbox waits until the catch-up brings the board to the welcome seq', () => {
  const { session, delivery } = newSession();
  welcome(session, { seq: 1 });
  session.receive({ type: 'snapshot', seq: 1, index: 0, total: 1, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  assert.equal(delivery.held, false);
  welcome(session, { seq: 3 });
  assert.equal(delivery.held, true);
  session.receive({ type: 'batch', messages: [{ type: 'event', seq: 2, kind: 'erase', author: ANN, hide: [[ANN, 'a']] }] });
  assert.equal(delivery.held, true);
  session.receive({ type: 'batch', messages: [{ type: 'event', seq: 3, kind: 'undo', author: ANN, show: [[ANN, 'a']] }] });
  assert.equal(delivery.held, false);
  welcome(session, { seq: 3 });
  assert.equal(delivery.held, false, 'nothing was missed: the outbox goes at once');
});

test('a snapshot in parts is painted once, when it is whole', () => {
  const { session, painter } = newSession();
  welcome(session, { seq: 2 });
  const before = painter.repaints;
  session.receive({ type: 'snapshot', seq: 2, index: 0, total: 2, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  assert.equal(painter.repaints, before);
  session.receive({ type: 'snapshot', seq: 2, index: 1, total: 2, strokes: [['b', ANN, MARKER, [1, 1], 2]] });
  assert.equal(painter.repaints, before + 1);
});

test('a board ahead of the server waits for the snapshot', () => {
  const { session, board, delivery } = newSession();
  welcome(session, { seq: 5 });
  session.receive({ type: 'snapshot', seq: 5, index: 0, total: 0, strokes: [] });
  welcome(session, { seq: 2 });
  assert.equal(delivery.held, true);
  session.receive({ type: 'snapshot', seq: 2, index: 0, total: 0, strokes: [] });
  assert.equal(delivery.held, false);
  assert.equal(board.seq, 2);
});

test('a snapshot fetched before the socket opened is the board; the socket then brings only what came after', () => {
  const storage = new MemoryStorage();
  const first = newSession({ storage });
  welcome(first.session);
  emptySnapshot(first.session);
  first.session.emit(strokeBegin('offline', MARKER, [1, 1]));
  first.session.emit(strokeEnd('offline', [2, 2]));

  const { session, board, delivery, painter } = newSession({ storage });
  session.preloaded({ type: 'snapshot', seq: 2, index: 0, total: 1, strokes: [['a', ANN, { kind: 'marker', color: '#e03131', width: 8 }, [5, 5, 9, 9], 2]] });
  assert.equal(board.seq, 2);
  assert.equal(painter.repaints, 1);
  assert.deepEqual(shown(board), [`${UNKNOWN_AUTHOR}/offline (live)`, `${ANN}/a`]);
  // The socket opened with since=2; the server is at 3 and sends the one event missed.
  welcome(session, { seq: 3 });
  assert.equal(delivery.held, true, 'the outbox waits for the catch-up');
  session.receive({ type: 'batch', messages: [{ type: 'event', seq: 3, kind: 'erase', author: ANN, hide: [[ANN, 'a']] }] });
  assert.equal(delivery.held, false);
  assert.deepEqual(shown(board), [`${ME}/offline (live)`, `${ANN}/a (hidden)`]);
});

test('a snapshot fetched before a socket whose server is behind it waits for the socket\'s snapshot', () => {
  const { session, board, delivery } = newSession();
  session.preloaded({ type: 'snapshot', seq: 4, index: 0, total: 0, strokes: [] });
  welcome(session, { seq: 1 });
  assert.equal(delivery.held, true);
  session.receive({ type: 'snapshot', seq: 1, index: 0, total: 1, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  assert.equal(delivery.held, false);
  assert.equal(board.seq, 1);
});

test('an old outbox erase of bare ids is addressed from the loaded board before it goes', () => {
  const storage = new MemoryStorage();
  storage.setItem('box', JSON.stringify([{ ref: 'e1', edit: { type: 'erase', id: 'e1', strokes: ['a', 'gone'] } }]));
  const { session, outbox, delivery } = newSession({ storage });
  welcome(session, { seq: 1 });
  assert.deepEqual(outbox.items[0].edit.strokes, ['a', 'gone']);
  session.receive({ type: 'snapshot', seq: 1, index: 0, total: 1, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  assert.deepEqual(outbox.items[0].edit.strokes, [[ANN, 'a']]);
  assert.equal(delivery.held, false);
});

test('a gap in the events resyncs and stops applying the batch', () => {
  const { session, board, connection } = newSession();
  welcome(session);
  emptySnapshot(session);
  session.receive({
    type: 'batch',
    messages: [
      { type: 'event', seq: 2, kind: 'stroke', author: ANN, stroke: 'b', item: MARKER, points: [1, 1] },
      { type: 'stroke.begin', stroke: 'c', author: ANN, item: MARKER, points: [1, 1] },
    ],
  });
  assert.equal(connection.resyncs, 1);
  assert.equal(board.strokes.size, 0);
});

test('an event showing a stroke this browser never had asks for a fresh snapshot', () => {
  // The stroke was hidden before this browser joined, so its snapshot did not carry it.
  const { session, board, connection } = newSession();
  welcome(session);
  emptySnapshot(session, 3);
  session.receive({
    type: 'batch',
    messages: [{ type: 'event', seq: 4, kind: 'undo', author: ANN, show: [[ANN, 'hidden-before']] }],
  });
  assert.equal(connection.freshResyncs, 1);
  assert.equal(board.seq, 3);
});

function withWaitingStroke() {
  const setup = newSession();
  welcome(setup.session);
  emptySnapshot(setup.session);
  setup.session.emit(strokeBegin('s1', MARKER, [1, 1]));
  setup.session.emit(strokeEnd('s1'));
  return setup;
}

test('a stroke whose live copy is refused goes again whole, a few times, then is taken back', () => {
  const { session, board, outbox, delivery, notices } = withWaitingStroke();
  const refusal = { type: 'error', code: 'unknown_stroke', message: 'no such stroke', ref: 's1' };
  for (let i = 0; i < MAX_RESENDS; i += 1) session.receive(refusal);
  assert.equal(delivery.called('resend').length, MAX_RESENDS);
  assert.equal(outbox.size, 1);
  assert.deepEqual(notices, []);
  session.receive(refusal);
  assert.equal(outbox.size, 0);
  assert.equal(findStroke(board, ME, 's1'), undefined);
  assert.deepEqual(notices, ['no such stroke']);
});

for (const code of ['store_unavailable', 'rate_limited']) {
  test(`a stroke refused with ${code} stays and goes again later, however often, backing off`, () => {
    const { session, board, outbox, delivery, connection } = withWaitingStroke();
    for (let i = 0; i < 2 * MAX_RESENDS + 3; i += 1) session.receive({ type: 'error', code, message: 'later', ref: 's1' });
    assert.equal(outbox.size, 1);
    assert.ok(findStroke(board, ME, 's1'));
    const delays = delivery.called('retryLater').map(([, , delay]) => delay);
    assert.equal(delays.length, 2 * MAX_RESENDS + 3);
    for (let i = 1; i < delays.length; i += 1) assert.ok(delays[i] >= delays[i - 1]);
    assert.ok(delays.at(-1) > delays[0]);
    assert.deepEqual(delivery.called('resend'), []);
    assert.ok(connection.forgotten.includes('s1'));
  });
}

test('store_unavailable says the drawing is not stored yet; rate_limited says nothing', () => {
  const { session, notices } = withWaitingStroke();
  session.receive({ type: 'error', code: 'rate_limited', message: 'slow down', ref: 's1' });
  session.receive({ type: 'error', code: 'store_unavailable', message: 'not stored yet', ref: 's1' });
  assert.deepEqual(notices, [refusalText({ code: 'store_unavailable' })]);
  assert.match(notices[0], /sent again/);
});

test('a stroke finally refused is taken back and the reason shown', () => {
  const { session, board, outbox, notices } = withWaitingStroke();
  session.receive({ type: 'error', code: 'board_full', message: 'this board is full', ref: 's1' });
  assert.equal(outbox.size, 0);
  assert.equal(board.strokes.size, 0);
  assert.deepEqual(notices, [refusalText({ code: 'board_full' })]);
  assert.match(notices[0], /board is full/);
});

test('a refused erase shows its strokes again', () => {
  const { session, board, outbox } = newSession();
  welcome(session, { seq: 1 });
  session.receive({ type: 'snapshot', seq: 1, index: 0, total: 1, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  findStroke(board, ANN, 'a').visible = false;
  session.queueEdit(erase([[ANN, 'a']], 'e1'));
  session.receive({ type: 'error', code: 'nothing_to_erase', message: 'none of those strokes is on the board', ref: 'e1' });
  assert.equal(findStroke(board, ANN, 'a').visible, true);
  assert.equal(outbox.size, 0);
});

test('a live stroke refused while still being drawn stops going live, with no notice', () => {
  const { session, connection, notices, delivery } = newSession();
  welcome(session);
  emptySnapshot(session);
  session.emit(strokeBegin('s1', MARKER, [1, 1]));
  session.receive({ type: 'error', code: 'too_many_strokes', message: 'too many', ref: 's1' });
  assert.deepEqual(connection.forgotten, ['s1']);
  assert.deepEqual(notices, []);
  assert.deepEqual(delivery.called('resend'), []);
});

test('an erase of more strokes than one erase may name becomes several', () => {
  const { session, outbox } = newSession({ limits: { ...DEFAULT_LIMITS, maxEraseStrokes: 2 } });
  session.queueEdit(erase([[ANN, 'a'], [ANN, 'b'], [ANN, 'c']], 'e1'));
  assert.deepEqual(
    outbox.items.map((item) => item.edit.strokes.length),
    [2, 1],
  );
});

test('the status shows loading and painting progress and what waits', () => {
  const { session } = withWaitingStroke();
  session.socketStatus = { state: 'online', text: 'Live' };
  assert.deepEqual(session.status(), { state: 'online', text: 'Live · 1 waiting' });
  welcome(session, { seq: 9 });
  session.receive({ type: 'snapshot', seq: 9, index: 0, total: 400, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  assert.deepEqual(session.status(), { state: 'connecting', text: 'Loading 1 of 400 strokes… · 1 waiting' });
  session.receive({ type: 'snapshot', seq: 9, index: 1, total: 2, strokes: [['b', ANN, MARKER, [1, 1], 2]] });
  assert.deepEqual(session.status({ painted: 1, total: 2 }), { state: 'connecting', text: 'Painting 1 of 2 strokes… · 1 waiting' });
  assert.deepEqual(session.status(null), { state: 'online', text: 'Live · 1 waiting' });
  session.socketStatus = { state: 'failed', text: 'Sketchsite was updated: reload the page' };
  assert.equal(session.status().state, 'failed');
  assert.equal(session.status({ painted: 1, total: 2 }).state, 'failed');
});

function classSession() {
  const setup = newSession();
  const heard = [];
  setup.session.listener = {
    welcomed: (welcomed) => heard.push(['welcomed', welcomed]),
    classChanged: (settings) => heard.push(['class', settings]),
    presenceChanged: (presence) => heard.push(['presence', presence]),
    laserMoved: (author, at) => heard.push(['laser', author, at]),
  };
  return { ...setup, heard };
}

test('the welcome says my role, my name and the class settings, and the listener hears them', () => {
  const { session, heard } = classSession();
  assert.equal(session.role, null);
  session.receive(example('welcome'));
  assert.equal(session.role, 'student');
  assert.equal(session.name, 'Ada');
  assert.deepEqual(session.settings, example('welcome').class);
  assert.deepEqual(heard, [['welcomed', { role: 'student', name: 'Ada', settings: example('welcome').class }]]);
});

test('before the welcome the page offers what a student of a hosted board may do', () => {
  const { session } = newSession();
  assert.equal(session.can('draw'), true);
  assert.equal(session.can('erase_own'), true);
  assert.equal(session.can('clear'), false);
  assert.equal(session.can('laser'), false);
  assert.equal(session.can('set_class'), false);
});

test('class and presence messages, alone or in a batch, replace what was known', () => {
  const { session, heard } = classSession();
  welcome(session);
  emptySnapshot(session);
  session.receive(example('class: pens down'));
  assert.equal(session.settings.pens_down, true);
  assert.equal(session.can('draw'), false);
  assert.equal(session.can('erase_own'), true);
  session.receive({ type: 'batch', messages: [example('presence, with people'), example('presence, count only')] });
  assert.deepEqual(session.presence, { count: 2, people: null });
  assert.deepEqual(
    heard.filter(([kind]) => kind !== 'welcomed').map(([kind]) => kind),
    ['class', 'presence', 'presence'],
  );
});

test('a host may do everything; a student erases only their own strokes', () => {
  const host = newSession().session;
  host.receive({ ...example('welcome'), role: 'host', you: ANN });
  assert.equal(host.isHost, true);
  assert.equal(host.mayErase(ME), true);
  assert.equal(host.can('clear'), true);
  const student = newSession().session;
  welcome(student);
  assert.equal(student.isHost, false);
  assert.equal(student.mayErase(ME), true);
  assert.equal(student.mayErase(ANN), false);
  assert.equal(student.can('clear'), false, 'the board has a host');
  student.receive({ type: 'class', class: { ...example('welcome').class, hosted: false } });
  assert.equal(student.can('clear'), true, 'a board nobody hosts is an open canvas');
});

test("others' lasers reach the listener; my own echo does not, it was shown when it moved", () => {
  const { session, heard, connection } = classSession();
  welcome(session);
  session.receive(example('laser'));
  session.receive({ type: 'laser', author: ME, at: [1, 1] });
  session.receive({ type: 'batch', messages: [example('laser released')] });
  session.moveLaser([5, 6]);
  assert.deepEqual(
    heard.filter(([kind]) => kind === 'laser'),
    [
      ['laser', ANN, [640, 360]],
      ['laser', ANN, null],
      ['laser', ME, [5, 6]],
    ],
  );
  assert.deepEqual(connection.sent, [{ type: 'laser', at: [5, 6] }]);
});

test('a stroke refused because pens are down is taken back at once, and the page shows pens down', () => {
  const { session, board, heard, notices, connection } = classSession();
  welcome(session);
  emptySnapshot(session);
  session.emit(strokeBegin('s9', MARKER, [1, 1]));
  session.receive(example('error: locked'));
  assert.equal(findStroke(board, ME, 's9'), undefined);
  assert.deepEqual(connection.forgotten, ['s9']);
  assert.equal(session.settings.pens_down, true);
  assert.deepEqual(heard.at(-1), ['class', { ...example('welcome').class, pens_down: true }]);
  assert.deepEqual(notices, [refusalText(example('error: locked'))]);
  assert.match(notices[0], /Pens are down/);
  // The rest of the stroke goes nowhere.
  session.emit(strokePoints('s9', [2, 2]));
  session.emit(strokeEnd('s9'));
  assert.equal(findStroke(board, ME, 's9'), undefined);
});

test('a stroke from the outbox refused as forbidden is taken back and the reason shown', () => {
  const { session, board, outbox, notices } = withWaitingStroke();
  session.receive({ ...example('error: forbidden'), ref: 's1' });
  assert.equal(outbox.size, 0);
  assert.equal(board.strokes.size, 0);
  assert.deepEqual(notices, [refusalText({ code: 'forbidden' })]);
});

test('a forbidden erase shows its strokes again', () => {
  const { session, board, outbox } = newSession();
  welcome(session, { seq: 1 });
  session.receive({ type: 'snapshot', seq: 1, index: 0, total: 1, strokes: [['a', ANN, MARKER, [1, 1], 1]] });
  findStroke(board, ANN, 'a').visible = false;
  session.queueEdit(erase([[ANN, 'a']], 'e7'));
  session.receive(example('error: forbidden'));
  assert.equal(findStroke(board, ANN, 'a').visible, true);
  assert.equal(outbox.size, 0);
});

test('removing ink is an edit in the outbox, settled by its ack or dropped when there is nothing to remove', () => {
  const { session, outbox, delivery, notices } = newSession();
  welcome(session);
  emptySnapshot(session);
  session.removeInkOf(ANN);
  assert.equal(outbox.size, 1);
  const { edit } = outbox.items[0];
  assert.equal(edit.type, 'remove.ink');
  assert.equal(edit.participant, ANN);
  assert.deepEqual(delivery.called('pump'), [['pump']]);
  session.receive({ type: 'error', code: 'nothing_to_remove', message: 'that participant has no strokes on the board', ref: edit.id });
  assert.equal(outbox.size, 0);
  assert.deepEqual(notices, [refusalText({ code: 'nothing_to_remove' })]);
  session.removeInkOf(ANN);
  session.receive({ type: 'ack', ref: outbox.items[0].ref, seq: 1 });
  assert.equal(outbox.size, 0);
});

test('class changes and removals go at once, or say the page is not connected', () => {
  const { session, connection, notices } = newSession();
  assert.equal(session.setClass({ pens_down: true }), true);
  assert.equal(session.removeParticipant(ANN), true);
  assert.deepEqual(connection.sent, [
    { type: 'class', set: { pens_down: true } },
    { type: 'remove', participant: ANN },
  ]);
  connection.send = () => false;
  assert.equal(session.setClass({ badge: false }), false);
  assert.equal(notices.length, 1);
});

test("a live stroke's author name is kept while it is drawn", () => {
  const { session, board } = newSession();
  welcome(session);
  emptySnapshot(session, 9);
  const batch = example("batch of a live stroke with its author's name, and its committed event");
  session.receive({ type: 'batch', messages: batch.messages.slice(0, 2) });
  assert.equal(findStroke(board, ANN, 'live2').name, 'Ms Rivera');
  assert.deepEqual(strokesInProgress(board, ME).map((stroke) => stroke.id), ['live2']);
  session.receive({ type: 'batch', messages: batch.messages.slice(2) });
  assert.deepEqual(strokesInProgress(board, ME), []);
});
