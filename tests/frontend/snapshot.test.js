// The board's snapshot over HTTP: a whole snapshot message, or null for anything else, so
// the socket's own snapshot takes over.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fetchSnapshot, isWholeSnapshot } from '../../frontend/snapshot.js';

const WHOLE = { type: 'snapshot', seq: 2, index: 0, total: 1, strokes: [['a', 'h3k8r2nvcw', { kind: 'marker', color: '#000000', width: 4 }, [1, 1], 2]] };

function answering(status, body) {
  const asked = [];
  const fetch = async (url, options) => {
    asked.push({ url, options });
    return {
      ok: status >= 200 && status < 300,
      status,
      json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
    };
  };
  return { fetch, asked };
}

test('a whole snapshot from the server is the board', async () => {
  const { fetch, asked } = answering(200, WHOLE);
  assert.deepEqual(await fetchSnapshot('/b/maths-7/snapshot', { fetch }), WHOLE);
  assert.equal(asked[0].url, '/b/maths-7/snapshot');
  assert.equal(asked[0].options.credentials, 'same-origin');
});

test('the reader is named by its token or host key, as a bearer credential', async () => {
  const { fetch, asked } = answering(200, WHOLE);
  await fetchSnapshot('/b/maths-7/snapshot', { fetch, credential: 'signed.token' });
  await fetchSnapshot('/b/maths-7/snapshot', { fetch });
  assert.deepEqual(asked[0].options.headers, { Authorization: 'Bearer signed.token' });
  assert.deepEqual(asked[1].options.headers, {});
});

test('an error status, a body that is not JSON, or a failed request gives null', async () => {
  assert.equal(await fetchSnapshot('/s', answering(404, 'no').fetch), null);
  assert.equal(await fetchSnapshot('/s', answering(500, WHOLE).fetch), null);
  assert.equal(await fetchSnapshot('/s', answering(200, '{"type": "snap').fetch), null);
  const offline = async () => {
    throw new TypeError('Failed to fetch');
  };
  assert.equal(await fetchSnapshot('/s', { fetch: offline }), null);
});

test('a response that does not come in time gives null', async () => {
  const never = (url, { signal }) =>
    new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
  assert.equal(await fetchSnapshot('/s', { fetch: never, timeoutMs: 5 }), null);
});

test('only a snapshot holding the whole board in one part is taken', () => {
  assert.equal(isWholeSnapshot(WHOLE), true);
  assert.equal(isWholeSnapshot({ ...WHOLE, strokes: [], total: 0, seq: 0 }), true);
  for (const bad of [
    null,
    [],
    'snapshot',
    { ...WHOLE, type: 'batch' },
    { ...WHOLE, index: 1 },
    { ...WHOLE, total: 2 },
    { ...WHOLE, seq: -1 },
    { ...WHOLE, seq: '2' },
    { ...WHOLE, strokes: 'a' },
  ]) {
    assert.equal(isWholeSnapshot(bad), false, JSON.stringify(bad));
  }
});
