// The browser's protocol module, table-driven from the fixture the server's tests use.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  CLIENT_MESSAGE_TYPES,
  DEFAULT_LIMITS,
  newId,
  parse,
  ProtocolError,
} from '../../frontend/protocol.js';

const cases = JSON.parse(readFileSync(new URL('../fixtures/protocol.json', import.meta.url)));
const limits = {
  boardWidth: cases.limits.board_width,
  boardHeight: cases.limits.board_height,
  maxMessageBytes: cases.limits.max_message_bytes,
  maxPointsPerMessage: cases.limits.max_points_per_message,
  maxStrokeWidth: cases.limits.max_stroke_width,
  maxEraseStrokes: cases.limits.max_erase_strokes,
};
const frameText = (frame) => (typeof frame === 'string' ? frame : JSON.stringify(frame));

for (const { name, frame, parsed } of cases.valid) {
  test(`valid: ${name}`, () => {
    assert.deepEqual(parse(frameText(frame), limits), parsed);
  });
}

for (const { name, frame, code } of cases.invalid) {
  test(`invalid: ${name} -> ${code}`, () => {
    assert.throws(
      () => parse(frameText(frame), limits),
      (error) => error instanceof ProtocolError && error.code === code && error.reason.length > 0,
    );
  });
}

test('every client message type has a valid example', () => {
  assert.deepEqual(new Set(cases.valid.map((c) => c.parsed.type)), new Set(CLIENT_MESSAGE_TYPES));
});

test('fixture limits are the defaults', () => {
  assert.deepEqual(limits, { ...DEFAULT_LIMITS });
});

test('new stroke ids are valid and distinct', () => {
  const ids = new Set(Array.from({ length: 1000 }, newId));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{1,32}$/);
});
