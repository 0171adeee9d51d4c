// Board state and the letterbox view: pure functions, no browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  applyMessage,
  applySnapshot,
  clampToBoard,
  createBoard,
  GAP,
  REPAINT,
  strokesNear,
} from '../../frontend/board.js';
import { strokeBegin, strokeEnd, strokePoints } from '../../frontend/protocol.js';
import { boardToScreen, fitBoard, screenToBoard } from '../../frontend/view.js';

function committed(seq, stroke, points = [1, 1]) {
  return { type: 'event', seq, kind: 'stroke', author: 'ann', stroke, color: '#000000', width: 4, points };
}

test('a stroke is built from begin, points and end', () => {
  const board = createBoard(1600, 900);
  assert.deepEqual(applyMessage(board, strokeBegin('s1', '#e03131', 8, [1, 2]), 'ann').from, 0);
  const change = applyMessage(board, strokePoints('s1', [3, 4, 5, 6]), 'ann');
  assert.equal(change.from, 1);
  applyMessage(board, strokeEnd('s1', [7, 8]), 'ann');
  const [stroke] = board.strokes.values();
  assert.deepEqual(stroke.points, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(stroke.done, true);
  assert.equal(stroke.color, '#e03131');
});

test('a committed stroke replaces its live preview, even one that lost points', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('s1', '#000000', 4, [1, 1]), 'ann');
  const change = applyMessage(board, committed(1, 's1', [1, 1, 2, 2, 3, 3]));
  assert.deepEqual(change.stroke.points, [1, 1, 2, 2, 3, 3]);
  assert.equal(change.from, 0);
  assert.equal(board.strokes.get('s1').committed, true);
  assert.equal(board.seq, 1);
});

test('an event the board already has changes nothing, a missing one asks for a resync', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 's1'));
  assert.equal(applyMessage(board, committed(1, 's1')), null);
  assert.equal(applyMessage(board, committed(3, 's3')), GAP);
  assert.equal(board.seq, 1);
});

test('hide and show events flip visibility and ask for a repaint', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 's1'));
  assert.equal(applyMessage(board, { type: 'event', seq: 2, kind: 'undo', author: 'ann', hide: ['s1'] }), REPAINT);
  assert.equal(board.strokes.get('s1').visible, false);
  applyMessage(board, { type: 'event', seq: 3, kind: 'redo', author: 'ann', show: ['s1'] });
  assert.equal(board.strokes.get('s1').visible, true);
});

test('a dropped live stroke disappears, a committed one stays', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('live', '#000000', 4, [1, 1]), 'ann');
  applyMessage(board, committed(1, 'kept'));
  assert.equal(applyMessage(board, { type: 'stroke.drop', stroke: 'live', author: 'ann' }), REPAINT);
  assert.equal(applyMessage(board, { type: 'stroke.drop', stroke: 'kept', author: 'ann' }), null);
  assert.deepEqual([...board.strokes.keys()], ['kept']);
});

test('a snapshot replaces committed strokes but keeps strokes not yet sent', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 'old'));
  applyMessage(board, strokeBegin('mine', '#000000', 4, [1, 1]), 'me');
  const progress = applySnapshot(board, {
    seq: 7,
    index: 0,
    total: 2,
    strokes: [['a', 'ann', '#e03131', 8, [1, 1, 2, 2], 3], ['b', 'bob', '#1971c2', 4, [5, 5], 7]],
  });
  assert.deepEqual(progress, { received: 2, total: 2 });
  assert.deepEqual([...board.strokes.keys()].sort(), ['a', 'b', 'mine']);
  assert.equal(board.seq, 7);
});

test('the eraser finds the strokes it touches, not the ones nearby', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, committed(1, 'across', [100, 100, 500, 100]));
  applyMessage(board, committed(2, 'far', [100, 300, 500, 300]));
  assert.deepEqual(strokesNear(board, 300, 105, 4), ['across']);
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
