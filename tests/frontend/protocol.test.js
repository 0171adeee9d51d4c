// The browser's protocol module, table-driven from the fixture the server's tests use.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { BACKGROUND_KINDS } from '../../frontend/backgrounds.js';

import {
  ANNOUNCED_LIMIT_NAMES,
  classSet,
  CLIENT_MESSAGE_TYPES,
  CLOSE_REMOVED,
  DEFAULT_CLASS,
  DEFAULT_LIMITS,
  ERROR_CODES,
  isStrokePair,
  laser,
  limitsFromWelcome,
  newId,
  parse,
  remove,
  removeInk,
  SETTABLE_CLASS_SETTINGS,
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

test('a welcome of this version is spoken, one of version 4 or none is not', () => {
  const welcome = serverExample('welcome');
  assert.equal(PROTOCOL_VERSION, 5);
  assert.equal(speaksOurVersion(welcome), true);
  assert.equal(speaksOurVersion({ ...welcome, v: 4 }), false);
  assert.equal(speaksOurVersion({ ...welcome, v: '5' }), false);
  const { v, ...unversioned } = welcome;
  assert.equal(v, 5);
  assert.equal(speaksOurVersion(unversioned), false);
});

test('every hide and show in the server examples is a list of (author, id) pairs', () => {
  const events = cases.server_examples.flatMap(({ message }) =>
    message.type === 'batch' ? message.messages : [message],
  );
  const effects = events.filter((m) => m.type === 'event' && m.kind !== 'stroke');
  assert.ok(effects.length >= 4);
  for (const event of effects) {
    const pairs = event.hide ?? event.show ?? event.move;
    assert.ok(pairs.length > 0 && pairs.every(isStrokePair), JSON.stringify(event));
    if (event.move) assert.ok(event.by.length === 2 && event.by.every(Number.isInteger));
  }
});

test('new stroke ids are valid and distinct', () => {
  const ids = new Set(Array.from({ length: 1000 }, newId));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{1,32}$/);
});

test('the builders make the frames of the fixture, which parse to themselves', () => {
  const frame = (name) => cases.valid.find((c) => c.name === name).frame;
  const built = [
    [classSet({ pens_down: true }), 'class: pens down'],
    [removeInk('q7w2mbx9ka', 'e41'), 'remove.ink'],
    [remove('q7w2mbx9ka'), 'remove'],
    [laser([640, 360]), 'laser'],
    [laser(null), 'laser released'],
  ];
  for (const [message, name] of built) {
    assert.deepEqual(message, frame(name), name);
    assert.deepEqual(parse(JSON.stringify(message), limits), message, name);
  }
});

test('a remove.ink gets a fresh id unless given one', () => {
  const first = removeInk('q7w2mbx9ka');
  assert.match(first.id, /^[A-Za-z0-9_-]{1,32}$/);
  assert.notEqual(removeInk('q7w2mbx9ka').id, first.id);
});

test('a class change copies its settings', () => {
  const changes = { badge: false };
  const message = classSet(changes);
  changes.badge = true;
  assert.deepEqual(message.set, { badge: false });
});

test('a refused remove.ink names the edit', () => {
  assert.throws(
    () => parse(JSON.stringify({ type: 'remove.ink', id: 'e41', participant: 'not ok' }), limits),
    (error) => error.code === 'bad_field' && error.ref === 'e41',
  );
});

test('the class mode refusals say what the server says', () => {
  assert.equal(ERROR_CODES.forbidden, 'your role may not do this');
  assert.equal(ERROR_CODES.locked, 'pens are down: the host has paused drawing');
  assert.equal(ERROR_CODES.nothing_to_remove, 'that participant has no strokes on the board');
  assert.equal(CLOSE_REMOVED, 4010);
  for (const { message } of cases.server_examples) {
    if (['forbidden', 'locked', 'nothing_to_remove'].includes(message.code)) {
      assert.equal(message.message, ERROR_CODES[message.code]);
    }
  }
});

test('every class setting in the examples is a known one, each a boolean but the spotlight, the paper, the picture and the pages', () => {
  const settings = cases.server_examples
    .map(({ message }) => (message.type === 'welcome' || message.type === 'class' ? message.class : null))
    .filter(Boolean);
  assert.ok(settings.length >= 3);
  for (const each of settings) {
    assert.deepEqual(Object.keys(each).sort(), Object.keys(DEFAULT_CLASS).sort());
    const { spotlight, background, picture, pages, page, ...switches } = each;
    assert.ok(pages.length >= 1 && pages.some((one) => one.id === page));
    assert.ok(spotlight === null || typeof spotlight === 'string');
    assert.ok(picture === null || /^[0-9a-f]{64}$/.test(picture));
    assert.ok(BACKGROUND_KINDS.includes(background));
    assert.ok(Object.values(switches).every((value) => typeof value === 'boolean'));
  }
  assert.deepEqual(
    [...SETTABLE_CLASS_SETTINGS, 'hosted'].sort(),
    Object.keys(DEFAULT_CLASS).sort(),
  );
});

test('presence people carry an id, a name or null, a role and whether they are online', () => {
  const withPeople = cases.server_examples.filter(({ message }) => message.type === 'presence' && message.people);
  assert.ok(withPeople.length >= 1);
  for (const { message } of withPeople) {
    assert.ok(Number.isInteger(message.count));
    for (const person of message.people) {
      assert.deepEqual(Object.keys(person).sort(), ['id', 'name', 'online', 'role']);
      assert.ok(person.name === null || typeof person.name === 'string');
      assert.ok(['host', 'student', 'viewer'].includes(person.role));
      assert.equal(typeof person.online, 'boolean');
    }
  }
});
