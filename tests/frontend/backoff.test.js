// When the browser tries again: reconnecting, and resending what was refused for the moment.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  backoffDelay,
  HEALTHY_MS,
  RECONNECT_BASE_MS,
  RECONNECT_MAX_MS,
  ReconnectBackoff,
  RETRY_MAX_MS,
  retryDelay,
} from '../../frontend/backoff.js';
import {
  CLOSE_HOST_KEY_CHANGED,
  CLOSE_RESYNC,
  CLOSE_TOO_SLOW,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_TRY_AGAIN_LATER_STANDARD,
} from '../../frontend/protocol.js';

const ABNORMAL = 1006;
const noJitter = () => 1;

test('the delay doubles up to its ceiling, jittered down by at most half', () => {
  const options = { baseMs: 500, maxMs: 15000 };
  assert.deepEqual(
    [0, 1, 2, 5, 10].map((attempt) => backoffDelay(attempt, { ...options, random: noJitter })),
    [500, 1000, 2000, 15000, 15000],
  );
  assert.equal(backoffDelay(1, { ...options, random: () => 0 }), 500);
});

test('a server that keeps failing is retried ever more slowly, up to the ceiling', () => {
  const backoff = new ReconnectBackoff({ random: noJitter });
  const delays = [];
  for (let now = 0; delays.length < 8; now += 100) delays.push(backoff.closed(ABNORMAL, now));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
});

test('a server that closes right after its welcome is backed off all the same', () => {
  const backoff = new ReconnectBackoff({ random: noJitter });
  const delays = [];
  let now = 0;
  for (let i = 0; i < 5; i += 1) {
    backoff.welcomed(now);
    now += 50;
    delays.push(backoff.closed(ABNORMAL, now));
    now += delays.at(-1);
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000]);
});

test('the backoff starts again only after a healthy spell', () => {
  const backoff = new ReconnectBackoff({ random: noJitter });
  backoff.closed(ABNORMAL, 0);
  backoff.closed(ABNORMAL, 1);
  backoff.welcomed(10);
  assert.equal(backoff.closed(ABNORMAL, 10 + HEALTHY_MS - 1), 2000);
  backoff.welcomed(100_000);
  assert.equal(backoff.closed(ABNORMAL, 100_000 + HEALTHY_MS), RECONNECT_BASE_MS);
});

test('a resync after a healthy spell is immediate; one repeated soon after is backed off', () => {
  const backoff = new ReconnectBackoff({ random: noJitter });
  backoff.welcomed(0);
  assert.equal(backoff.closed(CLOSE_RESYNC, HEALTHY_MS), 0);
  const delays = [];
  let now = HEALTHY_MS;
  for (let i = 0; i < 4; i += 1) {
    backoff.welcomed(now);
    now += 200;
    delays.push(backoff.closed(CLOSE_RESYNC, now));
    now += delays.at(-1);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000]);
});

test('a host whose key was reset connects again at once, to take up its new role', () => {
  const backoff = new ReconnectBackoff({ random: noJitter });
  backoff.welcomed(0);
  assert.equal(backoff.closed(CLOSE_HOST_KEY_CHANGED, 5_000), 0);
});

test('the first resync of a page is immediate too', () => {
  const backoff = new ReconnectBackoff({ random: noJitter });
  backoff.welcomed(0);
  assert.equal(backoff.closed(CLOSE_RESYNC, 3000), 0);
});

for (const [name, code] of [
  ['too far behind (4011)', CLOSE_TOO_SLOW],
  ['try again later (4013)', CLOSE_TRY_AGAIN_LATER],
  ['try again later, the standard code (1013)', CLOSE_TRY_AGAIN_LATER_STANDARD],
]) {
  test(`a close for ${name} is never retried at once, even after a healthy spell`, () => {
    const backoff = new ReconnectBackoff({ random: () => 0 });
    backoff.welcomed(0);
    const first = backoff.closed(code, 10 * HEALTHY_MS);
    assert.ok(first >= 2 * RECONNECT_BASE_MS, `${first} ms`);
    assert.ok(backoff.closed(code, 10 * HEALTHY_MS + 1) >= first);
    const slowest = new ReconnectBackoff({ random: noJitter });
    for (let i = 0; i < 20; i += 1) assert.ok(slowest.closed(code, i) <= RECONNECT_MAX_MS);
  });
}

test('an item refused for the moment waits longer each time, up to a ceiling', () => {
  const delays = [1, 2, 3, 4, 10, 20].map((retries) => retryDelay(retries, noJitter));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, RETRY_MAX_MS, RETRY_MAX_MS]);
});
