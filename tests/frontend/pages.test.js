// The lesson's pages in the browser: what a message made on a page carries, the page list's
// bookkeeping, and a board that shows the current page's ink alone.
import assert from 'node:assert/strict';
import test from 'node:test';

import { applyMessage, createBoard, isShown, turnPage } from '../../frontend/board.js';
import {
  FIRST_PAGE,
  neighbourPictures,
  pageAfter,
  pageOfItem,
  placedOnPage,
  withPageMoved,
  withPageRemoved,
  withPagesAdded,
} from '../../frontend/pages.js';

const marker = { kind: 'marker', color: '#000000', width: 4 };
const pages = ['1', 'b', 'c'].map((id) => ({ id, background: 'plain', picture: null }));
const ids = (list) => list.map((page) => page.id);

test('an item without a page lies on the first page', () => {
  assert.equal(pageOfItem(marker), FIRST_PAGE);
  assert.equal(pageOfItem({ ...marker, page: 'b' }), 'b');
});

test('a begin and every edit made on a page name it, and keep a page they already name', () => {
  assert.equal(placedOnPage({ type: 'stroke.begin', stroke: 's', item: marker, points: [] }, 'b').item.page, 'b');
  for (const type of ['undo', 'redo', 'clear', 'erase', 'move', 'remove.ink']) {
    assert.equal(placedOnPage({ type, id: 'e' }, 'b').page, 'b', type);
  }
  assert.equal(placedOnPage({ type: 'undo', id: 'e', page: 'c' }, 'b').page, 'c');
  assert.equal(placedOnPage({ type: 'laser', at: null }, 'b').page, undefined);
});

test('pages are added after one, moved within the list, and the last one is never removed', () => {
  const added = withPagesAdded(pages, 'b', [{ id: 'n1' }, { id: 'n2' }]);
  assert.deepEqual(ids(added), ['1', 'b', 'n1', 'n2', 'c']);
  assert.deepEqual(ids(withPageMoved(pages, 'c', -1)), ['1', 'c', 'b']);
  assert.deepEqual(ids(withPageMoved(pages, '1', -1)), ['1', 'b', 'c']);
  assert.deepEqual(ids(withPageRemoved(pages, 'b')), ['1', 'c']);
  assert.equal(withPageRemoved([pages[0]], '1').length, 1);
  assert.equal(pageAfter({ pages, page: 'b' }, 1), 'c');
  assert.equal(pageAfter({ pages, page: 'c' }, 1), null);
});

test('a board shows the ink of its page, and another after a turn, without losing any', () => {
  const board = createBoard(800, 600);
  applyMessage(board, { type: 'stroke.begin', stroke: 'a', item: marker, points: [1, 1] }, 'ann');
  applyMessage(board, { type: 'stroke.begin', stroke: 'b', item: { ...marker, page: 'b' }, points: [1, 1] }, 'ann');
  const shown = () => [...board.strokes.values()].filter(isShown).map((stroke) => stroke.id);
  assert.deepEqual(shown(), ['a']);
  assert.equal(turnPage(board, 'b'), true);
  assert.deepEqual(shown(), ['b']);
  assert.equal(turnPage(board, 'b'), false);
  turnPage(board, FIRST_PAGE);
  assert.deepEqual(shown(), ['a']);
});

test('the pictures either side of the current page are the ones a turn shows next', () => {
  const lesson = [
    { id: '1', picture: 'a'.repeat(64) },
    { id: 'b', picture: null },
    { id: 'c', picture: 'c'.repeat(64) },
  ];
  assert.deepEqual(neighbourPictures({ pages: lesson, page: 'b' }), ['c'.repeat(64), 'a'.repeat(64)]);
  assert.deepEqual(neighbourPictures({ pages: lesson, page: 'c' }), []);
});
