// What a refusal says to the person drawing.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { CLOSE_TOO_MANY_CONNECTIONS, CLOSE_WRONG_HOST_KEYS, ERROR_CODES } from '../../frontend/protocol.js';
import { closeText, refusalText } from '../../frontend/refusals.js';

test('a known code is said in the page words, an unknown one in the server words', () => {
  assert.equal(refusalText({ code: 'forbidden', message: 'your role may not do this' }), 'Only the host can do that');
  assert.equal(refusalText({ code: 'bad_field', message: "'item' must be an object" }), "'item' must be an object");
});

test('every code the page words are for is one the server sends', () => {
  const source = readFileSync(new URL('../../frontend/refusals.js', import.meta.url), 'utf8');
  const codes = [...source.matchAll(/^ {2}([a-z_]+): gettext_noop/gm)].map((match) => match[1]);
  assert.ok(codes.length >= 10);
  for (const code of codes) assert.ok(Object.hasOwn(ERROR_CODES, code), code);
});

test('the closes the server repeats for a while are said in the page words, others not at all', () => {
  assert.match(closeText(CLOSE_WRONG_HOST_KEYS), /^Too many wrong host links/);
  assert.match(closeText(CLOSE_TOO_MANY_CONNECTIONS), /^Too many devices/);
  assert.equal(closeText(1006), null);
});
