// Wiring of the replay page: the board's log, read over HTTP as this browser's reader may see
// it, played back on the board's own renderer. replay.js keeps the clock and the seeks; this
// page only moves through them. It sends nothing and opens no socket.

import { createBoard, turnPage } from './board.js';
import { adoptFragment, hostKeyStorageKey, tokenStorageKey } from './identity.js';
import { gettext, interpolate } from './i18n.js';
import { laneOf } from './lanes.js';
import { FIRST_PAGE, pageIndex, pageOfItem } from './pages.js';
import { createPictureLoader } from './picture.js';
import { advanced, applyLogEntry, authorsOf, eventsBy, Replay, SPEEDS, strokeStep, timeline } from './replay.js';
import { createSketch } from './sketch.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
adoptFragment(config.board, { location, history, localStorage, sessionStorage });
const hostKey = localStorage.getItem(hostKeyStorageKey(config.board));
const credential = hostKey ?? sessionStorage.getItem(tokenStorageKey(config.board));
// A read link in the address (the projector's replay, from the host's Class panel) names the
// reader instead of a credential this browser holds.
const readLink = new URLSearchParams(location.search).get('link');
// Presented on the projector (/show?replay=<speed>): the lesson plays from its start, without
// the bar; a clicker's arrow keys and Space still step and pause.
const presented = config.replay ?? null;
const board = createBoard(config.size[0], config.size[1]);
const container = document.getElementById('board');
const sketch = createSketch(container, board, { onReady() {}, onProgress() {} });
const status = document.querySelector('[data-role=status]');
const controls = {
  play: document.querySelector('[data-role=replay-play]'),
  previous: document.querySelector('[data-role=replay-previous]'),
  next: document.querySelector('[data-role=replay-next]'),
  scrubber: document.querySelector('[data-role=replay-scrubber]'),
  speed: document.querySelector('[data-role=replay-speed]'),
  squeeze: document.querySelector('[data-role=replay-squeeze]'),
  position: document.querySelector('[data-role=replay-position]'),
  participant: document.querySelector('[data-role=replay-participant]'),
};
if (presented) document.querySelector('[data-role=replay-bar]').hidden = true;

const picture = createPictureLoader(config.assetsUrl, (bitmap) => sketch.setPicture(bitmap));
// The lesson's pages as they are now (the log holds ink, not class settings): their paper and
// pictures go under the page the replay shows.
let pages = [];
let events = [];
let replay = null;
let times = [];
let shown = 0; // events on the board now
let playing = null; // {from: lesson ms, wall: performance.now()} while playing
let onlyAuthor = null; // the participant the host's filter shows, or null for everyone
// When each stroke came onto the board while playing, for people timing a replay (and the tests).
const strokeTimes = [];

async function readLog() {
  const read = [];
  let since = 0;
  for (;;) {
    const headers = credential && !readLink ? { Authorization: `Bearer ${credential}` } : {};
    const query = new URLSearchParams({ since: String(since) });
    if (readLink) query.set('link', readLink);
    const response = await fetch(`${config.logUrl}?${query}`, { headers, credentials: 'same-origin' });
    if (!response.ok) throw new Error((await response.text()).slice(0, 200) || `HTTP ${response.status}`);
    const body = await response.json();
    read.push(...body.events);
    pages = body.class?.pages ?? pages;
    if (body.next === null) return read;
    since = body.next;
  }
}

// The page the replay shows: the one the last stroke so far was drawn on.
function pageAt(count) {
  for (let index = count - 1; index >= 0; index -= 1) {
    if (events[index].kind === 'stroke') return pageOfItem(events[index].item);
  }
  return FIRST_PAGE;
}

// The paper and picture of the page on show, and the board painted again over them.
function showPaper() {
  const page = pages[pageIndex(pages, board.page)];
  sketch.setBackground(page?.background ?? 'plain');
  picture.show(page?.picture ?? null);
  sketch.repaint();
}

function lessonTime(count) {
  return count === 0 ? -1 : times[count - 1];
}

/**
 * Show the board after `count` events: on from here while playing, from a checkpoint otherwise
 * (or always, `again`, when what is shown of each stroke changed).
 */
function showAt(count, { again = false } = {}) {
  if (count >= shown && !again) {
    for (let index = shown; index < count; index += 1) {
      const event = events[index];
      const change = applyLogEntry(board, event);
      if (event.kind === 'stroke') {
        if (playing) strokeTimes.push({ stroke: event.stroke, at: performance.now() });
        if (turnPage(board, pageOfItem(event.item))) showPaper();
      }
      sketch.paintChange(change);
    }
  } else {
    const earlier = replay.boardAt(count);
    board.strokes = earlier.strokes;
    board.seq = earlier.seq;
    board.onlyAuthor = earlier.onlyAuthor;
    // The copies know nothing of the page on show: every stroke is placed again.
    board.page = null;
    turnPage(board, pageAt(count));
    showPaper();
  }
  shown = count;
  controls.scrubber.value = String(Math.max(0, lessonTime(count)));
  controls.position.textContent = interpolate(gettext('%(shown)s of %(total)s'), { shown: count, total: events.length });
}

function seekTime(time) {
  showAt(eventsBy(times, time));
}

function tick() {
  if (!playing) return;
  const time = advanced(playing.from, performance.now() - playing.wall, Number(controls.speed.value));
  seekTime(time);
  if (shown >= events.length) {
    pause();
    return;
  }
  requestAnimationFrame(tick);
}

function play() {
  if (shown >= events.length) showAt(0);
  playing = { from: lessonTime(shown), wall: performance.now() };
  controls.play.textContent = gettext('Pause');
  controls.play.setAttribute('aria-pressed', 'true');
  requestAnimationFrame(tick);
}

function pause() {
  playing = null;
  controls.play.textContent = gettext('Play');
  controls.play.setAttribute('aria-pressed', 'false');
}

function step(direction) {
  pause();
  showAt(strokeStep(events, shown, direction, onlyAuthor));
}

function retime() {
  times = timeline(events, { squeeze: controls.squeeze.checked });
  controls.scrubber.max = String(times.at(-1) ?? 0);
  if (playing) playing = { from: lessonTime(shown), wall: performance.now() };
  showAt(shown);
}

controls.play.addEventListener('click', () => (playing ? pause() : play()));
controls.previous.addEventListener('click', () => step(-1));
controls.next.addEventListener('click', () => step(1));
controls.scrubber.addEventListener('input', () => {
  pause();
  seekTime(Number(controls.scrubber.value));
});
controls.speed.addEventListener('change', () => {
  if (playing) playing = { from: lessonTime(shown), wall: performance.now() };
});
controls.squeeze.addEventListener('change', retime);
controls.participant.addEventListener('change', () => {
  onlyAuthor = controls.participant.value || null;
  replay = new Replay(board.width, board.height, events, { onlyAuthor });
  showAt(shown, { again: true });
});

/**
 * The host's filter: everyone, or one participant, by the names of the class's pages (the
 * roster the grid reads). Only the host reads the roster; nobody else gets the filter.
 */
async function offerParticipants() {
  if (!hostKey || readLink || presented) return;
  const response = await fetch(config.rosterUrl, { headers: { Authorization: `Bearer ${hostKey}` } });
  if (!response.ok) return;
  const names = new Map((await response.json()).pages.map((page) => [page.id, page.name ?? `#${page.number}`]));
  for (const author of authorsOf(events)) {
    const option = document.createElement('option');
    option.value = author;
    option.textContent = names.get(author) ?? (laneOf(author) === null ? gettext('Teacher') : author);
    controls.participant.append(option);
  }
  controls.participant.closest('label').hidden = false;
}
document.addEventListener('keydown', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
  if (event.key === 'ArrowRight') step(1);
  else if (event.key === 'ArrowLeft') step(-1);
  else if (event.key === ' ') (playing ? pause : play)();
  else return;
  event.preventDefault();
});

readLog()
  .then((read) => {
    events = read;
    replay = new Replay(board.width, board.height, events);
    // Read whole: the controls say where the replay is from now on.
    status.hidden = true;
    retime();
    // Opened at the end, as the board is now; Play starts from the beginning.
    showAt(events.length);
    showPaper();
    if (presented) {
      controls.speed.value = String(SPEEDS.includes(presented.speed) ? presented.speed : 4);
      play();
    }
    return offerParticipants();
  })
  .catch((error) => {
    status.dataset.state = 'offline';
    status.textContent = interpolate(gettext('The lesson could not be read: %(reason)s'), { reason: error.message });
  });

// A handle for people debugging in the console and for the browser tests.
window.sketchsite = {
  board,
  sketch,
  replay: {
    strokeTimes,
    get shown() {
      return shown;
    },
    get events() {
      return events;
    },
    showAt,
    play,
    pause,
  },
};
