// Board state and the letterbox view: pure functions, no browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  applyMessage,
  applySnapshot,
  authorsOf,
  clampToBoard,
  createBoard,
  dropPreviews,
  findStroke,
  GAP,
  MISSING,
  reassignAuthor,
  SKIPPED,
  strokeKey,
  strokesNear,
  UNKNOWN_AUTHOR,
} from '../../frontend/board.js';
import { strokeBegin, strokeEnd, strokePoints } from '../../frontend/protocol.js';
import { boardToScreen, fitBoard, screenToBoard } from '../../frontend/view.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

function committed(seq, stroke, points = [1, 1], author = 'ann') {
  return { type: 'event', seq, kind: 'stroke', author, stroke, item: MARKER, points };
}

const keys = (board) => [...board.strokes.values()].map((stroke) => `${stroke.author}/${stroke.id}`);

test('a stroke is built from begin, points and end', () => {
  const board = createBoard(1600, 900);
  assert.deepEqual(applyMessage(board, strokeBegin('s1', { kind: 'marker', color: '#e03131', width: 8 }, [1, 2]), 'ann').from, 0);
  const change = applyMessage(board, strokePoints('s1', [3, 4, 5, 6]), 'ann');
  assert.equal(change.from, 1);
  applyMessage(board, strokeEnd('s1', [7, 8]), 'ann');
  const [stroke] = board.strokes.values();
  assert.deepEqual(stroke.points, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(stroke.done, true);
  assert.deepEqual(stroke.item, { kind: 'marker', color: '#e03131', width: 8 });
});

test('a committed stroke replaces its live preview, even one that lost points', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('s1', MARKER, [1, 1]), 'ann');
  const change = applyMessage(board, committed(1, 's1', [1, 1, 2, 2, 3, 3]));
  assert.deepEqual(change.stroke.points, [1, 1, 2, 2, 3, 3]);
  assert.equal(change.from, 0);
  assert.equal(findStroke(board, 'ann', 's1').committed, true);
  assert.equal(board.strokes.size, 1);
  assert.equal(board.seq, 1);
});

test('two authors may use the same stroke id and keep two strokes', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('s1', { kind: 'marker', color: '#e03131', width: 8 }, [1, 1]), 'ann');
  applyMessage(board, strokeBegin('s1', { kind: 'marker', color: '#1971c2', width: 3 }, [9, 9]), 'bob');
  applyMessage(board, strokePoints('s1', [2, 2]), 'ann');
  assert.deepEqual(findStroke(board, 'ann', 's1').points, [1, 1, 2, 2]);
  assert.deepEqual(findStroke(board, 'bob', 's1').points, [9, 9]);
  applyMessage(board, committed(1, 's1', [5, 5], 'bob'));
  assert.equal(findStroke(board, 'bob', 's1').committed, true);
  assert.equal(findStroke(board, 'ann', 's1').committed, false);
  assert.deepEqual(authorsOf(board, 's1'), ['ann', 'bob']);
});

test('one key per (author, id) pair', () => {
  assert.notEqual(strokeKey('ann', 's1'), strokeKey('bob', 's1'));
  assert.notEqual(strokeKey('ann', 's1'), strokeKey('ann', 's2'));
  assert.equal(strokeKey('ann', 's1'), strokeKey('ann', 's1'));
});

test('an event the board already has changes nothing, a missing one asks for a resync', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 's1'));
  assert.equal(applyMessage(board, committed(1, 's1')), null);
  assert.equal(applyMessage(board, committed(3, 's3')), GAP);
  assert.equal(board.seq, 1);
});

test('a skipped row takes its seq and changes nothing, so the event after it is no gap', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 's1'));
  assert.equal(applyMessage(board, { type: 'event', seq: 2, kind: SKIPPED, author: '' }), null);
  assert.equal(board.seq, 2);
  assert.deepEqual(keys(board), ['ann/s1']);
  assert.notEqual(applyMessage(board, committed(3, 's3')), GAP);
  assert.deepEqual(keys(board), ['ann/s1', 'ann/s3']);
});

test('an event showing a stroke the board never had is MISSING and changes nothing', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 's1'));
  const undo = { type: 'event', seq: 2, kind: 'undo', author: 'bob', show: [['ann', 's1'], ['bob', 'gone']] };
  assert.equal(applyMessage(board, undo), MISSING);
  assert.equal(board.seq, 1);
});

test('hide and show events flip the visibility of the (author, id) pairs they name', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 's1'));
  applyMessage(board, committed(2, 's1', [1, 1], 'bob'));
  const undo = { type: 'event', seq: 3, kind: 'undo', author: 'ann', hide: [['ann', 's1']] };
  const change = applyMessage(board, undo);
  assert.equal(change.repaint, true);
  // Only the stroke undone is named, so only where it lies is painted again.
  assert.deepEqual(change.strokes, [findStroke(board, 'ann', 's1')]);
  assert.equal(findStroke(board, 'ann', 's1').visible, false);
  assert.equal(findStroke(board, 'bob', 's1').visible, true);
  applyMessage(board, { type: 'event', seq: 4, kind: 'redo', author: 'ann', show: [['ann', 's1']] });
  assert.equal(findStroke(board, 'ann', 's1').visible, true);
});

test("a dropped live stroke disappears, a committed one stays, another author's is untouched", () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('live', MARKER, [1, 1]), 'ann');
  applyMessage(board, strokeBegin('live', MARKER, [1, 1]), 'bob');
  applyMessage(board, committed(1, 'kept'));
  const live = findStroke(board, 'ann', 'live');
  assert.deepEqual(applyMessage(board, { type: 'stroke.drop', stroke: 'live', author: 'ann' }), {
    repaint: true,
    strokes: [live],
  });
  assert.equal(applyMessage(board, { type: 'stroke.drop', stroke: 'kept', author: 'ann' }), null);
  assert.equal(applyMessage(board, { type: 'stroke.drop', stroke: 'nothing', author: 'ann' }), null);
  assert.deepEqual(keys(board), ['bob/live', 'ann/kept']);
});

test('a snapshot replaces committed strokes but keeps strokes not yet sent', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 'old'));
  applyMessage(board, strokeBegin('mine', MARKER, [1, 1]), 'me');
  const first = applySnapshot(board, {
    seq: 7,
    index: 0,
    total: 3,
    strokes: [['a', 'ann', { kind: 'marker', color: '#e03131', width: 8 }, [1, 1, 2, 2], 3]],
  });
  assert.deepEqual(first, { received: 1, total: 3 });
  assert.equal(board.seq, 1, 'the board is not at the snapshot seq until the last part');
  const last = applySnapshot(board, {
    seq: 7,
    index: 1,
    total: 3,
    strokes: [
      ['a', 'bob', { kind: 'marker', color: '#1971c2', width: 4 }, [5, 5], 6],
      ['b', 'bob', { kind: 'marker', color: '#1971c2', width: 4 }, [5, 5], 7],
    ],
  });
  assert.deepEqual(last, { received: 3, total: 3 });
  assert.deepEqual(keys(board).sort(), ['ann/a', 'bob/a', 'bob/b', 'me/mine']);
  assert.equal(board.seq, 7);
});

test("strokes drawn before the welcome become the participant's, in their place in drawing order", () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('early', MARKER, [1, 1]), UNKNOWN_AUTHOR);
  applyMessage(board, committed(1, 'theirs'));
  applyMessage(board, strokeBegin('later', MARKER, [1, 1]), UNKNOWN_AUTHOR);
  assert.deepEqual(reassignAuthor(board, UNKNOWN_AUTHOR, 'me'), ['early', 'later']);
  assert.deepEqual(keys(board), ['me/early', 'ann/theirs', 'me/later']);
  const change = applyMessage(board, committed(2, 'early', [1, 1, 2, 2], 'me'));
  assert.equal(change.stroke, findStroke(board, 'me', 'early'));
  assert.equal(board.strokes.size, 3);
});

test('a committed stroke of the old author stays when the author changes', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 'done', [1, 1], 'old'));
  applyMessage(board, strokeBegin('pending', MARKER, [1, 1]), 'old');
  reassignAuthor(board, 'old', 'new');
  assert.deepEqual(keys(board), ['old/done', 'new/pending']);
});

test('previews of other people are forgotten for a new socket, strokes of mine are kept', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('theirs', MARKER, [1, 1]), 'ann');
  applyMessage(board, strokeBegin('mine', MARKER, [1, 1]), 'me');
  applyMessage(board, committed(1, 'kept'));
  assert.equal(dropPreviews(board, 'me'), true);
  assert.deepEqual(keys(board), ['me/mine', 'ann/kept']);
  assert.equal(dropPreviews(board, 'me'), false);
});

test('the eraser finds the strokes it touches, not the ones nearby', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 'across', [100, 100, 500, 100]));
  applyMessage(board, committed(2, 'far', [100, 300, 500, 300]));
  applyMessage(board, committed(3, 'across', [100, 110, 500, 110], 'bob'));
  assert.deepEqual(strokesNear(board, 300, 105, 4), [
    ['ann', 'across'],
    ['bob', 'across'],
  ]);
  assert.deepEqual(strokesNear(board, 300, 200, 4), []);
});

test('points of a stroke never begun change nothing', () => {
  const board = createBoard(1600, 900);
  assert.equal(applyMessage(board, strokePoints('ghost', [1, 1]), 'ann'), null);
  assert.equal(board.strokes.size, 0);
});

test('pointer positions are clamped and rounded to board units', () => {
  const board = createBoard(1600, 900);
  assert.deepEqual(clampToBoard(board, -5, 950.4), [0, 900]);
  assert.deepEqual(clampToBoard(board, 10.6, 20.2), [11, 20]);
});

test('a wide window letterboxes left and right, a tall one top and bottom', () => {
  const wide = fitBoard(1600, 900, 2000, 900);
  assert.equal(wide.scale, 1);
  assert.equal(wide.offsetX, 200);
  assert.equal(wide.offsetY, 0);
  const tall = fitBoard(1600, 900, 400, 800);
  assert.equal(tall.scale, 0.25);
  assert.equal(tall.offsetX, 0);
  assert.equal(tall.offsetY, (800 - 225) / 2);
});

test('screen and board coordinates convert both ways', () => {
  const view = fitBoard(1600, 900, 800, 800);
  const [x, y] = boardToScreen(view, 800, 450);
  assert.deepEqual([x, y], [400, 400]);
  assert.deepEqual(screenToBoard(view, x, y), [800, 450]);
});
