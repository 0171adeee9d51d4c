// Wiring of the projector page: the board fitted to the whole screen, a read-only viewer
// socket, names beside tips and laser trails as on the board page, and the join badge.
// No tools: the page draws what the class draws, and sends nothing.

import { createBoard } from './board.js';
import { Connection } from './connection.js';
import { Delivery } from './delivery.js';
import { viewerTokenStorageKey } from './identity.js';
import { Outbox } from './outbox.js';
import { neighbourPictures } from './pages.js';
import { createPictureLoader } from './picture.js';
import { Session } from './session.js';
import { createSketch } from './sketch.js';
import { fetchSnapshot, refetcher } from './snapshot.js';
import { createBadge } from './ui/badge.js';
import { createOverlay } from './ui/overlay.js';
import { createSpotlightName } from './ui/spotlightname.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
// Asked for first, as on the board page (main.js): the socket then brings what came after.
const snapshot = fetchSnapshot(config.snapshotUrl);
const board = createBoard(config.size[0], config.size[1]);
// A viewer sends nothing, so its outbox stays empty and needs no storage.
const outbox = new Outbox(null, 'projector');
const container = document.getElementById('board');
// A dark board on the wall when the address asks for one (?theme=dark), as on the board page.
const theme = new URLSearchParams(location.search).get('theme') === 'dark' ? 'dark' : 'light';
document.documentElement.dataset.boardTheme = theme;
const sketch = createSketch(container, board, { onReady() {}, onProgress: () => showStatus(), theme });
const overlay = createOverlay(container, { board, getView: () => sketch.view, me: () => session.me });
const badge = createBadge(document.querySelector('[data-role=badge]'), config.join);
const status = document.querySelector('[data-role=status]');
const spotlightName = createSpotlightName(document.querySelector('[data-role=spotlight-name]'));

const connection = new Connection({
  url: config.socketPath,
  tokenKey: viewerTokenStorageKey(config.board),
  viewer: true,
  since: () => board.seq,
  refetch: refetcher(config.snapshotUrl, (message) => session.preloaded(message)),
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
// The wall follows the host's dark board, or stays dark when its address asks for it.
function showTheme(settings) {
  const shown = theme === 'dark' || settings.dark ? 'dark' : 'light';
  document.documentElement.dataset.boardTheme = shown;
  sketch.setTheme(shown);
}
const picture = createPictureLoader(config.assetsUrl, (image) => sketch.setPicture(image));
const session = new Session({
  board,
  outbox,
  delivery,
  connection,
  painter: {
    paintChange(change) {
      sketch.paintChange(change);
      overlay.boardChanged();
    },
    repaint() {
      sketch.repaint();
      overlay.boardChanged();
    },
  },
  // Nobody reads notices on a wall; the status corner says what matters.
  notify: () => {},
  listener: {
    welcomed({ settings }) {
      overlay.forgetLasers();
      badge.showSettings(settings);
      spotlightName.showSettings(settings);
      sketch.setBackground(settings.background);
      picture.show(settings.picture);
      for (const digest of neighbourPictures(settings)) picture.warm(digest);
      showTheme(settings);
    },
    classChanged: (settings) => {
      badge.showSettings(settings);
      spotlightName.showSettings(settings);
      sketch.setBackground(settings.background);
      picture.show(settings.picture);
      for (const digest of neighbourPictures(settings)) picture.warm(digest);
      showTheme(settings);
    },
    presenceChanged: (presence) => {
      badge.showCount(presence.count);
      spotlightName.showPresence(presence);
    },
    laserMoved: (author, at) => overlay.moveLaser(author, at),
  },
});

// Only trouble shows: a projector that is live needs no pill on the wall.
function showStatus() {
  const { state, text } = session.status(sketch.progress);
  status.hidden = state === 'online';
  if (status.dataset.state !== state) status.dataset.state = state;
  if (status.textContent !== text) status.textContent = text;
}

snapshot.then((message) => {
  if (message) session.preloaded(message);
  connection.start();
});

// A handle for people debugging in the console and for the browser tests.
window.sketchsite = { board, connection, session, sketch, overlay, badge, spotlightName };
