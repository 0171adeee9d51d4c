// The browser's protocol module, table-driven from the fixture the server's tests use.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  ANNOUNCED_LIMIT_NAMES,
  CLIENT_MESSAGE_TYPES,
  DEFAULT_LIMITS,
  ERROR_CODES,
  isStrokePair,
  limitsFromWelcome,
  newId,
  parse,
  PROTOCOL_VERSION,
  ProtocolError,
  RESEND_CODES,
  RETRYABLE_CODES,
  speaksOurVersion,
} from '../../frontend/protocol.js';

const cases = JSON.parse(readFileSync(new URL('../fixtures/protocol.json', import.meta.url)));
const limits = {
  ...DEFAULT_LIMITS,
  boardWidth: cases.limits.board_width,
  boardHeight: cases.limits.board_height,
  maxMessageBytes: cases.limits.max_message_bytes,
  maxPointsPerMessage: cases.limits.max_points_per_message,
  maxStrokeWidth: cases.limits.max_stroke_width,
  maxEraseStrokes: cases.limits.max_erase_strokes,
};
const frameText = (frame) => (typeof frame === 'string' ? frame : JSON.stringify(frame));
const serverExample = (name) => cases.server_examples.find((example) => example.name === name).message;

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

test('every refusal in the fixture has a code of the error table', () => {
  for (const { code } of cases.invalid) assert.ok(code in ERROR_CODES, code);
  for (const { message } of cases.server_examples) {
    if (message.type === 'error') assert.ok(message.code in ERROR_CODES, message.code);
  }
});

test('retryable and resend codes are codes of the error table', () => {
  for (const code of [...RETRYABLE_CODES, ...RESEND_CODES]) assert.ok(code in ERROR_CODES, code);
  assert.deepEqual([...RETRYABLE_CODES].sort(), ['rate_limited', 'store_unavailable']);
});

test('a refused erase names the erase', () => {
  assert.throws(
    () => parse(JSON.stringify({ type: 'erase', id: 'e1', strokes: ['s1'] }), limits),
    (error) => error.code === 'bad_field' && error.ref === 'e1',
  );
});

test('the welcome example announces every limit, and the browser reads each one', () => {
  const welcome = serverExample('welcome');
  assert.deepEqual(Object.keys(welcome.limits).sort(), [...ANNOUNCED_LIMIT_NAMES].sort());
  // Announce values unlike the defaults, so a limit read from the wrong name shows.
  const announced = Object.fromEntries(ANNOUNCED_LIMIT_NAMES.map((name, index) => [name, 1000 + index]));
  const read = limitsFromWelcome({ ...welcome, size: [800, 600], limits: announced });
  assert.deepEqual(
    Object.values(read).sort((a, b) => a - b),
    [600, 800, ...Object.values(announced)],
  );
  assert.equal(read.maxActionBurst, announced.max_action_burst);
  assert.equal(read.maxActionsPerSecond, announced.max_actions_per_second);
  assert.equal(read.maxErrorsPerMinute, announced.max_errors_per_minute);
  assert.equal(read.maxOpenStrokes, announced.max_open_strokes);
  assert.deepEqual(limitsFromWelcome(welcome), { ...DEFAULT_LIMITS });
});

test('a limit a welcome leaves out keeps its default', () => {
  const read = limitsFromWelcome({ size: [1600, 900], limits: { max_action_burst: 5 } });
  assert.equal(read.maxActionBurst, 5);
  assert.equal(read.maxActionsPerSecond, DEFAULT_LIMITS.maxActionsPerSecond);
});

test('a welcome of this version is spoken, one of version 1 or none is not', () => {
  const welcome = serverExample('welcome');
  assert.equal(PROTOCOL_VERSION, 2);
  assert.equal(speaksOurVersion(welcome), true);
  assert.equal(speaksOurVersion({ ...welcome, v: 1 }), false);
  assert.equal(speaksOurVersion({ ...welcome, v: '2' }), false);
  const { v, ...unversioned } = welcome;
  assert.equal(v, 2);
  assert.equal(speaksOurVersion(unversioned), false);
});

test('every hide and show in the server examples is a list of (author, id) pairs', () => {
  const events = cases.server_examples.flatMap(({ message }) =>
    message.type === 'batch' ? message.messages : [message],
  );
  const effects = events.filter((m) => m.type === 'event' && m.kind !== 'stroke');
  assert.ok(effects.length >= 4);
  for (const event of effects) {
    const pairs = event.hide ?? event.show;
    assert.ok(pairs.length > 0 && pairs.every(isStrokePair), JSON.stringify(event));
  }
});

test('new stroke ids are valid and distinct', () => {
  const ids = new Set(Array.from({ length: 1000 }, newId));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{1,32}$/);
});
