// The grid's pages (frontend/tiles.js): which students get a tile, in what order, under what label.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createBoard } from '../../frontend/board.js';
import { DirtyPages, gridPages } from '../../frontend/tiles.js';

const HOST_ID = 'host-0123456789';
const marker = { kind: 'marker', color: '#000000', width: 4 };

function boardWith(...strokes) {
  const board = createBoard(100, 100);
  strokes.forEach(([author, item], index) => {
    board.strokes.set(`${author} s${index}`, { id: `s${index}`, author, item, points: [1, 1], visible: true });
  });
  return board;
}

test('every student here or with ink gets a page, named ones in the order of their names', () => {
  const people = [
    { id: 'b', name: 'Student 10', role: 'student', online: true },
    { id: 'a', name: 'Student 2', role: 'student', online: false },
    { id: 'h', name: 'Teacher', role: 'host', online: true },
    { id: 'v', name: null, role: 'viewer', online: true },
  ];
  const board = boardWith([HOST_ID, marker], ['c', marker], [HOST_ID, { ...marker, lane: 'd' }]);
  const pages = gridPages(people, board, new Map());
  assert.deepEqual(
    pages.map((page) => [page.id, page.label, page.here]),
    [
      ['a', 'Student 2', false],
      ['b', 'Student 10', true],
      ['c', 'Student 3', false],
      ['d', 'Student 4', false],
    ],
  );
});

test('on an anonymous board the roster numbers the pages, as export.zip does, and others follow', () => {
  const people = [
    { id: 'late', name: null, role: 'student', online: true },
    { id: 'second', name: null, role: 'student', online: true },
  ];
  const roster = new Map([
    ['first', { id: 'first', name: null, number: 1 }],
    ['second', { id: 'second', name: null, number: 2 }],
  ]);
  const seen = new Map();
  const labels = () => gridPages(people, boardWith(), seen, roster).map((page) => [page.id, page.label]);
  assert.deepEqual(labels(), [
    ['first', 'Student 1'],
    ['second', 'Student 2'],
    ['late', 'Student 3'],
  ]);
  // Asked again, each keeps its number.
  assert.deepEqual(labels(), labels());
});

test('dirty pages are taken once a frame, all of them after a change of every page', () => {
  const dirty = new DirtyPages();
  assert.equal(dirty.take().all, true);
  assert.equal(dirty.clean, true);
  dirty.mark('a');
  dirty.mark('b');
  assert.deepEqual([...dirty.take().pages], ['a', 'b']);
  dirty.mark(null);
  assert.equal(dirty.take().all, true);
});
