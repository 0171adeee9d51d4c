// Board state and the letterbox view: pure functions, no browser.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applyMessage, clampToBoard, createBoard } from '../../frontend/board.js';
import { strokeBegin, strokeEnd, strokePoints } from '../../frontend/protocol.js';
import { boardToScreen, fitBoard, screenToBoard } from '../../frontend/view.js';

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

test('two authors with the same stroke id keep separate strokes', () => {
  const board = createBoard(1600, 900);
  applyMessage(board, strokeBegin('s1', '#000000', 4, [1, 1]), 'ann');
  applyMessage(board, strokeBegin('s1', '#ffffff', 4, [9, 9]), 'bob');
  applyMessage(board, strokePoints('s1', [2, 2]), 'ann');
  assert.equal(board.strokes.size, 2);
  assert.deepEqual(board.strokes.get('ann/s1').points, [1, 1, 2, 2]);
  assert.deepEqual(board.strokes.get('bob/s1').points, [9, 9]);
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
