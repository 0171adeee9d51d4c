// The host's class panel, its pure parts: the teacher and projector links, the people rows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { peopleRows, projectorLink, teacherLink } from '../../frontend/ui/classpanel.js';
import { displayName, peopleCountText } from '../../frontend/ui/people.js';

const cases = JSON.parse(readFileSync(new URL('../fixtures/protocol.json', import.meta.url)));
const presence = cases.server_examples.find((e) => e.name === 'presence, with people').message;

test('the teacher link opens the board as host at the join link’s address', () => {
  assert.equal(
    teacherLink({ joinUrl: 'http://192.168.1.20:8000/j/ABC234', fallbackOrigin: 'http://localhost:8000', board: 'maths-7', hostKey: 'k-1' }),
    'http://192.168.1.20:8000/b/maths-7/#host=k-1',
  );
  assert.equal(
    teacherLink({ joinUrl: null, fallbackOrigin: 'http://localhost:8000', board: 'maths-7', hostKey: 'k-1' }),
    'http://localhost:8000/b/maths-7/#host=k-1',
  );
});

test('the projector link is the board’s show page', () => {
  assert.equal(
    projectorLink({ joinUrl: 'https://sketch.example/j/ABC234', fallbackOrigin: 'x', board: 'maths-7' }),
    'https://sketch.example/b/maths-7/show',
  );
});

test('each person is a row: drawing when a stroke of theirs is live; students removable, never oneself, who is marked', () => {
  const rows = peopleRows(presence.people, new Set(['q7w2mbx9ka']), 'h3k8r2nvcw');
  assert.deepEqual(rows, [
    { id: 'h3k8r2nvcw', name: 'Ms Rivera (you)', role: 'host', online: true, drawing: false, removable: false },
    { id: 'q7w2mbx9ka', name: 'Ada', role: 'student', online: true, drawing: true, removable: true },
    { id: 'm2b7c9d4ef', name: 'Grace', role: 'student', online: false, drawing: false, removable: true },
  ]);
});

test('a projector has a row of its own, named as one', () => {
  const projector = { id: 'v5k2m8p3qd', name: null, role: 'viewer', online: true };
  const [row] = peopleRows([projector], new Set(), 'h3k8r2nvcw');
  assert.equal(row.name, 'Projector');
  assert.equal(row.removable, false);
});

test('someone without a name still has a row, and the count reads well', () => {
  assert.equal(displayName({ id: 'x', name: null }), 'No name');
  assert.equal(peopleCountText(1), '1 person here');
  assert.equal(peopleCountText(0), '0 people here');
  assert.equal(peopleCountText(27), '27 people here');
});
