// The browser's mirror of draw/policy.py: every role, action and setting that matters.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  ACTIONS,
  can,
  CLEAR,
  DRAW,
  ERASE_ANY,
  ERASE_OWN,
  HOST,
  LASER,
  REMOVE,
  REMOVE_INK,
  SET_CLASS,
  STUDENT,
  VIEWER,
} from '../../frontend/policy.js';
import { DEFAULT_CLASS } from '../../frontend/protocol.js';

const hosted = { ...DEFAULT_CLASS, hosted: true };
const host = { role: HOST };
const student = { role: STUDENT };
const viewer = { role: VIEWER };

test('the actions are those of draw/policy.py', () => {
  assert.deepEqual(ACTIONS, [
    'draw',
    'erase_own',
    'erase_any',
    'clear',
    'remove_ink',
    'remove',
    'set_class',
    'laser',
    'in_a_lane',
  ]);
});

test('a host may do everything, pens down or not', () => {
  for (const settings of [hosted, { ...hosted, pens_down: true }]) {
    for (const action of ACTIONS) assert.equal(can(host, action, settings), true, action);
  }
});

test('a viewer may do nothing', () => {
  const open = { ...DEFAULT_CLASS, student_laser: true };
  for (const settings of [hosted, open]) {
    for (const action of ACTIONS) assert.equal(can(viewer, action, settings), false, action);
  }
});

test('a student draws unless pens are down', () => {
  assert.equal(can(student, DRAW, hosted), true);
  assert.equal(can(student, DRAW, { ...hosted, pens_down: true }), false);
});

test('a student erases and undoes their own strokes, pens down or not, others\' only on a board nobody hosts', () => {
  assert.equal(can(student, ERASE_OWN, hosted), true);
  assert.equal(can(student, ERASE_OWN, { ...hosted, pens_down: true }), true);
  assert.equal(can(student, ERASE_ANY, hosted), false);
  assert.equal(can(student, ERASE_ANY, DEFAULT_CLASS), true);
});

test('a student clears only a board nobody hosts', () => {
  assert.equal(can(student, CLEAR, DEFAULT_CLASS), true);
  assert.equal(can(student, CLEAR, hosted), false);
});

test('a student uses the laser only when the host allows it', () => {
  assert.equal(can(student, LASER, hosted), false);
  assert.equal(can(student, LASER, { ...hosted, student_laser: true }), true);
});

test('removing ink or people and changing the class are the host’s alone', () => {
  for (const action of [REMOVE_INK, REMOVE, SET_CLASS]) {
    assert.equal(can(student, action, DEFAULT_CLASS), false, action);
    assert.equal(can(host, action, DEFAULT_CLASS), true, action);
  }
});

test('an action the policy does not know is an error, not a refusal', () => {
  assert.throws(() => can(host, 'fly', hosted), /unknown action/);
});
