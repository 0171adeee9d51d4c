// Wiring of the host's grid: the host's socket (it is sent every page), the tiles, and the
// controls of own page each, reveal and the spotlight. Anyone without this board's host key
// is sent to the join page: the grid is the host's alone, and the server sends a socket
// without the key nothing of anyone's page but its own.

import { createBoard } from './board.js';
import { Connection } from './connection.js';
import { Delivery } from './delivery.js';
import { adoptFragment, hostKeyStorageKey, tokenStorageKey } from './identity.js';
import { Outbox } from './outbox.js';
import { createPictureLoader } from './picture.js';
import { HOST } from './policy.js';
import { Session } from './session.js';
import { fetchSnapshot } from './snapshot.js';
import { createGrid } from './ui/grid.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
adoptFragment(config.board, { location, history, localStorage, sessionStorage });
const hostKey = () => localStorage.getItem(hostKeyStorageKey(config.board));
if (!hostKey()) location.replace(config.joinUrl);

const board = createBoard(config.size[0], config.size[1]);
// The grid draws nothing itself (a tile opens the page large, on the board page): no outbox to keep.
const outbox = new Outbox(null, 'grid');
const status = document.querySelector('[data-role=status]');
const empty = document.querySelector('[data-role=empty]');
const controls = {
  lanes: document.querySelector('[data-role=lanes]'),
  reveal: document.querySelector('[data-role=reveal]'),
  spotlightName: document.querySelector('[data-role=spotlight-name]'),
};
const pageUrl = (id) => `${config.boardUrl}?lane=${encodeURIComponent(id)}`;
const grid = createGrid(document.querySelector('[data-role=tiles]'), {
  board,
  pageUrl,
  onSpotlight: (id) => session.setClass({ spotlight: id }),
  onEmpty: (isEmpty) => {
    empty.hidden = !isEmpty;
  },
});

// The current page's worksheet under every tile, fetched as every screen fetches it.
const picture = createPictureLoader(config.assetsUrl, (bitmap) => grid.showPicture(bitmap));

const connection = new Connection({
  url: config.socketPath,
  tokenKey: tokenStorageKey(config.board),
  hostKey,
  since: () => board.seq,
  onStatus: (next) => {
    session.socketStatus = next;
    showStatus();
  },
  onMessage: (message) => {
    session.receive(message);
    showStatus();
  },
});
const delivery = new Delivery(outbox, connection, () => {});
const session = new Session({
  board,
  outbox,
  delivery,
  connection,
  painter: {
    paintChange(change) {
      if (change) grid.changed(change.stroke ?? null);
    },
    repaint: () => grid.repaint(),
  },
  notify: (text) => showStatus(text),
  listener: {
    welcomed({ role, settings }) {
      // A host key reset since, or never this board's: not the host, so no grid.
      if (role !== HOST) location.replace(config.joinUrl);
      showSettings(settings);
    },
    classChanged: showSettings,
    presenceChanged(presence) {
      grid.showPeople(presence);
      if (grid.missesSomeone(presence)) readRoster();
    },
  },
});

function showSettings(settings) {
  grid.showSettings(settings);
  picture.show(settings.picture);
  controls.lanes.setAttribute('aria-pressed', String(settings.lanes));
  controls.reveal.setAttribute('aria-pressed', String(settings.reveal));
  controls.reveal.disabled = !settings.lanes;
  if ('spotlight_name' in settings) controls.spotlightName.setAttribute('aria-pressed', String(settings.spotlight_name));
  controls.spotlightName.hidden = !('spotlight_name' in settings);
}

controls.lanes.addEventListener('click', () => session.setClass({ lanes: !session.settings.lanes }));
controls.reveal.addEventListener('click', () => session.setClass({ reveal: !session.settings.reveal }));
controls.spotlightName.addEventListener('click', () =>
  session.setClass({ spotlight_name: !session.settings.spotlight_name }),
);

// Names and numbers as the roster keeps them (those who left included), read again when
// someone new is here, not more often than ROSTER_READ_MS.
const ROSTER_READ_MS = 2000;
let rosterRead = null;
function readRoster() {
  if (rosterRead) return;
  rosterRead = fetch(config.rosterUrl, { headers: { Authorization: `Bearer ${hostKey()}` }, cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : null))
    .then((body) => {
      if (body) grid.showRoster(body.pages);
    })
    .catch(() => {})
    .finally(() =>
      setTimeout(() => {
        rosterRead = null;
      }, ROSTER_READ_MS),
    );
}
readRoster();

function showStatus(notice) {
  const { state, text } = session.status();
  status.dataset.state = notice ? 'notice' : state;
  status.textContent = notice ?? text;
}

const snapshot = fetchSnapshot(config.snapshotUrl, { credential: hostKey() });
snapshot.then((message) => {
  if (message) session.preloaded(message);
  connection.start();
});

// A handle for people debugging in the console, the browser tests and the benchmark.
window.sketchsite = { board, connection, session, grid };
