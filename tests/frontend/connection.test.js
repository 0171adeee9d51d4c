// The socket's query string: token and seq as before, the host key and the projector's view.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { socketQuery } from '../../frontend/connection.js';

test('a participant presents its token and the seq its board holds', () => {
  assert.equal(socketQuery({ token: 'a:b/c', since: 7 }), 'token=a%3Ab%2Fc&since=7');
  assert.equal(socketQuery({ token: null, since: 0 }), 'token=&since=0');
});

test('a host presents its key, a projector asks to view only', () => {
  assert.equal(socketQuery({ token: 't', since: 0, hostKey: 'k+1' }), 'token=t&since=0&host=k%2B1');
  assert.equal(socketQuery({ token: 't', since: 3, viewer: true }), 'token=t&since=3&view=1');
});
