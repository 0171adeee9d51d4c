// A lesson played back: its committed events on a clock, and the board at any point of it.
// Pure: no sockets, no pixels. The board is board.js's, built by applyEvent as a live board is;
// checkpoints (copies of the board every so many events) make a seek cost at most that many
// events, whatever the length of the lesson.

import { applyEvent, applySnapshot, createBoard, REPAINT, setVisible } from './board.js';

// A seek replays at most this many events from the checkpoint before it.
export const CHECKPOINT_EVERY = 250;
// Squeezed, no pause between two events lasts longer than this (ms of the lesson).
export const SQUEEZED_GAP_MS = 1000;
// The speeds a replay plays at, slowest first.
export const SPEEDS = Object.freeze([1, 2, 4, 8, 16, 32]);

/**
 * The lesson's clock: for each event (in seq order, each with `at`, ms since the epoch), its time
 * in the replay, ms from the first event. Squeezed, every pause longer than `maxGap` lasts `maxGap`.
 */
export function timeline(events, { squeeze = false, maxGap = SQUEEZED_GAP_MS } = {}) {
  const times = [];
  let time = 0;
  for (let index = 0; index < events.length; index += 1) {
    if (index > 0) {
      const gap = Math.max(0, events[index].at - events[index - 1].at);
      time += squeeze ? Math.min(gap, maxGap) : gap;
    }
    times.push(time);
  }
  return times;
}

/** How many events of `times` (a timeline) have happened at replay time `time`. */
export function eventsBy(times, time) {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (times[middle] <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Replay time after `elapsed` ms of the wall clock at `speed` from replay time `from`. */
export function advanced(from, elapsed, speed) {
  return from + elapsed * speed;
}

/**
 * From position `count`, the position just after the next stroke (step 1), or just before the
 * last stroke shown (step -1): one stroke comes or goes. `author`, when given, counts that
 * participant's strokes only (the replay's filter).
 */
export function strokeStep(events, count, step, author = null) {
  const counts = (event) => event.kind === 'stroke' && (author === null || event.author === author);
  if (step > 0) {
    for (let index = count; index < events.length; index += 1) if (counts(events[index])) return index + 1;
    return events.length;
  }
  for (let index = Math.min(count, events.length) - 1; index >= 0; index -= 1) if (counts(events[index])) return index;
  return 0;
}

/** The participants whose strokes are in `events`, in the order they first drew. */
export function authorsOf(events) {
  const authors = new Set();
  for (const event of events) if (event.kind === 'stroke') authors.add(event.author);
  return [...authors];
}

// The kind of the log's entry that stands for the rows of a compacted log up to its seq: the
// board then, items in drawing order and the keys of those hidden (docs/protocol.md, "The log").
export const CHECKPOINT = 'checkpoint';

/**
 * Apply one entry of the board's log: a committed event as applyEvent does, or a checkpoint,
 * which makes the board the one it holds (the first frame of a log compacted on the server).
 */
export function applyLogEntry(board, entry) {
  if (entry.kind !== CHECKPOINT) return applyEvent(board, entry);
  if (entry.seq <= board.seq) return null;
  applySnapshot(board, { index: 0, total: entry.strokes.length, seq: entry.seq, strokes: entry.strokes });
  setVisible(board, entry.hidden, false);
  board.seq = entry.seq;
  return REPAINT;
}

// A copy of a board whose strokes the replay may change without touching the original's:
// a stroke's points are replaced, never changed in place (board.js), so they are shared.
function copyOf(board) {
  const strokes = new Map();
  for (const [key, stroke] of board.strokes) strokes.set(key, { ...stroke });
  return { ...board, strokes };
}

/**
 * The board after the first `count` of `events` (the log's entries in seq order: committed
 * events from seq 1, or from a log checkpoint), found from the copy before it. `onlyLane` and
 * `onlyAuthor` are as createBoard's.
 */
export class Replay {
  constructor(width, height, events, { every = CHECKPOINT_EVERY, onlyLane = null, onlyAuthor = null } = {}) {
    this.events = events;
    this.every = every;
    const board = createBoard(width, height, { onlyLane, onlyAuthor });
    // checkpoints[n]: the board after n * every events.
    this.checkpoints = [copyOf(board)];
    for (let index = 0; index < events.length; index += 1) {
      applyLogEntry(board, events[index]);
      if ((index + 1) % every === 0) this.checkpoints.push(copyOf(board));
    }
  }

  /** A new board as it was after the first `count` events. */
  boardAt(count) {
    const wanted = Math.max(0, Math.min(count, this.events.length));
    const checkpoint = Math.min(Math.floor(wanted / this.every), this.checkpoints.length - 1);
    const board = copyOf(this.checkpoints[checkpoint]);
    for (let index = checkpoint * this.every; index < wanted; index += 1) applyLogEntry(board, this.events[index]);
    return board;
  }
}
