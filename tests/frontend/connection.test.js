// The socket's query string (token and seq as before, the host key and the projector's view),
// and the send interval the server announces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { Connection, SEND_INTERVAL_MS, socketQuery } from '../../frontend/connection.js';
import { strokeBegin, strokePoints } from '../../frontend/protocol.js';
import { MemoryStorage } from './fakes.js';

// A marker line: the plain stroke these tests draw.
const MARKER = Object.freeze({ kind: 'marker', color: '#000000', width: 4 });

test('a participant presents its token and the seq its board holds', () => {
  assert.equal(socketQuery({ token: 'a:b/c', since: 7 }), 'token=a%3Ab%2Fc&since=7');
  assert.equal(socketQuery({ token: null, since: 0 }), 'token=&since=0');
});

test('a host presents its key, a projector asks to view only', () => {
  assert.equal(socketQuery({ token: 't', since: 0, hostKey: 'k+1' }), 'token=t&since=0&host=k%2B1');
  assert.equal(socketQuery({ token: 't', since: 3, viewer: true }), 'token=t&since=3&view=1');
});

// --- the send interval the server announces -------------------------------------------

const cases = JSON.parse(readFileSync(new URL('../fixtures/protocol.json', import.meta.url)));
const example = (name) => structuredClone(cases.server_examples.find((e) => e.name === name).message);
const OPEN = 1;

/** A connection on a socket that records what it sends, at a clock the test moves. */
function connected() {
  globalThis.sessionStorage ??= new MemoryStorage();
  globalThis.WebSocket ??= { OPEN };
  const clock = { now: 1000 };
  const passedOn = [];
  const connection = new Connection({
    url: '/ws/boards/b/',
    tokenKey: 'token',
    since: () => 0,
    onMessage: (message) => passedOn.push(message),
    onStatus: () => {},
    clock: () => clock.now,
  });
  const sent = [];
  connection.socket = { readyState: OPEN, send: (text) => sent.push(JSON.parse(text)) };
  return { connection, clock, sent, passedOn };
}

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

test('the welcome sets the send interval; a welcome without one keeps the batching default', () => {
  const { connection } = connected();
  assert.equal(connection.sendInterval, SEND_INTERVAL_MS);
  connection.receive(JSON.stringify(example('welcome')));
  assert.equal(connection.sendInterval, example('welcome').send_ms);
  const { send_ms: _, ...older } = example('welcome');
  connection.receive(JSON.stringify(older));
  assert.equal(connection.sendInterval, SEND_INTERVAL_MS);
});

test('a pace message changes the interval and goes no further than the connection', () => {
  const { connection, passedOn } = connected();
  connection.receive(JSON.stringify(example('welcome')));
  connection.receive(JSON.stringify(example('pace: the board got busier')));
  assert.equal(connection.sendInterval, 20);
  connection.receive(JSON.stringify(example('pace: each pointer event at once again')));
  assert.equal(connection.sendInterval, 0);
  connection.receive(JSON.stringify({ type: 'pace', send_ms: -5 }));
  assert.equal(connection.sendInterval, 0, 'a nonsense interval is ignored');
  assert.deepEqual(
    passedOn.map((message) => message.type),
    ['welcome'],
  );
});

test('at interval 0 every pointer event goes out at once, each in its own frame', async () => {
  const { connection, clock, sent } = connected();
  connection.receive(JSON.stringify({ ...example('welcome'), send_ms: 0 }));
  connection.send(strokeBegin('s1', MARKER, [1, 1]));
  await flushMicrotasks();
  assert.equal(sent.length, 1);
  clock.now += 1;
  connection.send(strokePoints('s1', [2, 2]));
  await flushMicrotasks();
  clock.now += 1;
  connection.send(strokePoints('s1', [3, 3]));
  await flushMicrotasks();
  assert.deepEqual(
    sent.map((message) => message.points),
    [[1, 1], [2, 2], [3, 3]],
  );
});

test('with an interval, points drawn between two sends wait and go merged in one frame', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { connection, clock, sent } = connected();
  connection.receive(JSON.stringify(example('welcome')));
  connection.receive(JSON.stringify(example('pace: the board got busier')));
  connection.send(strokeBegin('s1', MARKER, [1, 1]));
  await flushMicrotasks();
  assert.equal(sent.length, 1, 'the first message after a quiet interval goes at once');
  clock.now += 5;
  connection.send(strokePoints('s1', [2, 2]));
  clock.now += 5;
  connection.send(strokePoints('s1', [3, 3]));
  await flushMicrotasks();
  assert.equal(sent.length, 1);
  clock.now += 10;
  t.mock.timers.tick(15);
  assert.deepEqual(sent[1], strokePoints('s1', [2, 2, 3, 3]));
});

test('the point budget still holds frames back whatever the interval', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { connection, sent } = connected();
  connection.receive(JSON.stringify({ ...example('welcome'), send_ms: 0 }));
  const burst = connection.live.points.burst;
  connection.send(strokeBegin('s1', MARKER, Array.from({ length: 2 * burst }, () => 1)));
  connection.send(strokePoints('s1', [2, 2]));
  await flushMicrotasks();
  assert.equal(sent.length, 1, 'the points after a full budget wait for it to refill');
  assert.notEqual(connection.sendTimer, null);
});

// --- closes the person is told of ------------------------------------------------------

// Node has no navigator before version 21: one that is online, as a browser's.
if (typeof navigator === 'undefined') globalThis.navigator = { onLine: true };

for (const [code, words] of [
  [4015, 'Too many wrong host links'],
  [4016, 'Too many devices on this network'],
]) {
  test(`a socket closed with ${code} says why while it waits to reconnect`, () => {
    const statuses = [];
    const { connection } = connected();
    connection.onStatus = (status) => statuses.push(status);
    const socket = connection.socket;
    connection.closed(socket, { code });
    clearTimeout(connection.retryTimer);
    const [status] = statuses;
    assert.equal(status.state, 'reconnecting');
    assert.ok(status.notice.startsWith(words), status.notice);
    assert.match(status.text, /Reconnecting in \d+ s$/);
  });
}

test('a socket closed for a reason nobody acts on says only that it reconnects', () => {
  const statuses = [];
  const { connection } = connected();
  connection.onStatus = (status) => statuses.push(status);
  connection.closed(connection.socket, { code: 1006 });
  clearTimeout(connection.retryTimer);
  assert.equal(statuses[0].notice, null);
  assert.match(statuses[0].text, /^Reconnecting in \d+ s$/);
});

// --- whole boards over HTTP ------------------------------------------------------------

/** A socket class that records each socket opened, and closes like a browser's. */
function recordingSockets() {
  const opened = [];
  class RecordingSocket {
    static OPEN = OPEN;
    constructor(url) {
      Object.assign(this, { url, readyState: OPEN, listeners: {} });
      opened.push(this);
    }
    addEventListener(type, listener) {
      this.listeners[type] = listener;
    }
    send() {}
    close(code = 1000) {
      this.readyState = 3;
      this.listeners.close?.({ code });
    }
  }
  return { RecordingSocket, opened };
}

/** A connection on recording sockets whose board is at `seq`, refetched over HTTP to `fetchedSeq`. */
function refetching(t, { seq, fetchedSeq = null }) {
  const { RecordingSocket, opened } = recordingSockets();
  const globals = {
    WebSocket: RecordingSocket,
    location: { protocol: 'http:', host: 'example.org' },
    navigator: { onLine: true },
  };
  const saved = Object.fromEntries(Object.keys(globals).map((name) => [name, globalThis[name]]));
  Object.assign(globalThis, globals);
  globalThis.sessionStorage ??= new MemoryStorage();
  t.after(() => Object.assign(globalThis, saved));
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const board = { seq };
  const passedOn = [];
  const fetches = [];
  const connection = new Connection({
    url: '/ws/boards/b/',
    tokenKey: 'token',
    since: () => board.seq,
    onMessage: (message) => passedOn.push(message),
    onStatus: () => {},
    refetch: async () => {
      fetches.push(board.seq);
      if (fetchedSeq === null) return false;
      board.seq = fetchedSeq;
      return true;
    },
  });
  return { connection, opened, passedOn, fetches };
}

const sinceOf = (socket) => new URL(socket.url).searchParams.get('since');
const socketSnapshot = { type: 'snapshot', seq: 900, index: 0, total: 0, strokes: [] };

test('a reconnect the server answers with a whole board takes the board over HTTP instead', async (t) => {
  const { connection, opened, passedOn, fetches } = refetching(t, { seq: 10, fetchedSeq: 900 });
  await connection.open();
  assert.equal(sinceOf(opened[0]), '10');
  connection.receive(JSON.stringify(socketSnapshot));
  assert.deepEqual(passedOn, [], 'the socket snapshot goes no further');
  t.mock.timers.tick(0);
  await flushMicrotasks();
  assert.deepEqual(fetches, [10]);
  assert.equal(opened.length, 2);
  assert.equal(sinceOf(opened[1]), '900', 'the next socket asks for what came after the HTTP snapshot');
  // The server says the same again: the socket's snapshot is taken this time, not fetched again.
  connection.receive(JSON.stringify(socketSnapshot));
  assert.deepEqual(passedOn, [socketSnapshot]);
});

test('a fresh resync fetches over HTTP, and asks the socket for the whole board only when that fails', async (t) => {
  const { connection, opened, fetches } = refetching(t, { seq: 10 });
  await connection.open();
  connection.resync({ fresh: true });
  t.mock.timers.tick(0);
  await flushMicrotasks();
  assert.deepEqual(fetches, [10]);
  assert.equal(sinceOf(opened[1]), '0');
});

test('a socket that asked for the whole board takes the snapshot the server sends', async (t) => {
  const { connection, opened, passedOn, fetches } = refetching(t, { seq: 0, fetchedSeq: 900 });
  await connection.open();
  assert.equal(sinceOf(opened[0]), '0');
  connection.receive(JSON.stringify(socketSnapshot));
  assert.deepEqual(passedOn, [socketSnapshot]);
  assert.deepEqual(fetches, []);
});
