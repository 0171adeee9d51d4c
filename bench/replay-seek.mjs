// `node bench/replay-seek.mjs [strokes]`: how long frontend/replay.js takes to build its
// checkpoints for a lesson, and to seek to any point of it. The lesson: `strokes` strokes of 40
// points each, drawn a second apart by 30 students, every tenth erased, a move and an undo now
// and then, a clear halfway. Seeks go to 200 random points; times are from this machine's Node.
import { performance } from 'node:perf_hooks';

import { Replay } from '../frontend/replay.js';

const strokes = Number(process.argv[2] ?? 10000);
const events = [];
let at = 1_700_000_000_000;
const add = (event) => events.push({ seq: events.length + 1, at: (at += 1000), ...event });
const key = (n) => [`student${n % 30}`, `s${n}`];
for (let n = 0; n < strokes; n += 1) {
  const points = [];
  for (let step = 0; step < 40; step += 1) points.push((n * 7 + step * 10) % 1600, (n * 3 + step) % 900);
  const [author, stroke] = key(n);
  add({ kind: 'stroke', author, stroke, item: { kind: 'marker', color: '#1971c2', width: 4 }, points });
  if (n % 10 === 9) add({ kind: 'erase', author, hide: [key(n)] });
  if (n % 50 === 49) add({ kind: 'move', author, move: [key(n - 1)], by: [5, 5] });
  if (n % 100 === 99) add({ kind: 'undo', author: key(n - 9)[0], show: [key(n - 9)] });
  if (n === Math.floor(strokes / 2)) add({ kind: 'clear', author: 'host-1', hide: [key(n), key(n - 1)] });
}

const built = performance.now();
const replay = new Replay(1600, 900, events);
const buildMs = performance.now() - built;
const seeks = [];
let seed = 7;
for (let index = 0; index < 200; index += 1) {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  const count = seed % (events.length + 1);
  const started = performance.now();
  replay.boardAt(count);
  seeks.push(performance.now() - started);
}
seeks.sort((a, b) => a - b);
const pick = (share) => seeks[Math.min(seeks.length - 1, Math.round(share * (seeks.length - 1)))];
console.log(
  JSON.stringify({
    strokes,
    events: events.length,
    checkpoints: replay.checkpoints.length,
    build_ms: Math.round(buildMs),
    seek_ms: { median: +pick(0.5).toFixed(1), p95: +pick(0.95).toFixed(1), max: +pick(1).toFixed(1) },
  }),
);
