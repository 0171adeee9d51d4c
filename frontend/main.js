// Wiring only: board state, sketch, overlay, toolbar, tools, class panel, outbox, connection
// and session meet here.

import { createBoard, strokesInProgress } from './board.js';
import { Connection } from './connection.js';
import { Delivery } from './delivery.js';
import { adoptFragment, hostKeyStorageKey, tokenStorageKey } from './identity.js';
import { Outbox } from './outbox.js';
import {
  neighbourPictures,
  newPageId,
  pageAfter,
  pageIndex,
  withPageMoved,
  withPageRemoved,
  withPagesAdded,
} from './pages.js';
import { createPictureLoader } from './picture.js';
import { CLEAR, STUDENT } from './policy.js';
import { Session } from './session.js';
import { createSketch } from './sketch.js';
import { fetchSnapshot, refetcher } from './snapshot.js';
import { attachGestures } from './gestures.js';
import { gettext } from './i18n.js';
import { TOOLS } from './tools/index.js';
import { copyText } from './ui/clipboard.js';
import { createClassPanel } from './ui/classpanel.js';
import { attachShortcuts } from './ui/keyboard.js';
import { createOverlay } from './ui/overlay.js';
import { createPeopleMenu } from './ui/people.js';
import { createPageBanner } from './ui/pagebanner.js';
import { createPageBar } from './ui/pagebar.js';
import { createPensDownBanner } from './ui/pensdown.js';
import { createPictureUpload } from './ui/pictureupload.js';
import { createReadLinkButton } from './ui/readlink.js';
import { createToolbar } from './ui/toolbar.js';
import { createZoomControls } from './ui/zoom.js';

// How often the host's people list looks again at who is drawing.
const DRAWING_REFRESH_MS = 250;

const config = JSON.parse(document.getElementById('board-config').textContent);
adoptFragment(config.board, { location, history, localStorage, sessionStorage });
const hostKey = () => localStorage.getItem(hostKeyStorageKey(config.board));
// Who reads the board over HTTP: a board in lanes answers each reader with their own view.
const readerCredential = () => hostKey() ?? sessionStorage.getItem(tokenStorageKey(config.board));
// Asked for first, so the server and the network work on it while the page gets ready.
const snapshot = fetchSnapshot(config.snapshotUrl, { credential: readerCredential() });
// One student's page large, from the host's grid (?page=<id>): it shows and draws on that page alone.
const board = createBoard(config.size[0], config.size[1], { onlyLane: config.onlyLane ?? null });
const outbox = new Outbox(window.localStorage, `sketchsite.outbox.${config.board}`);
const container = document.getElementById('board');

const sketch = createSketch(container, board, {
  onProgress: () => showStatus(),
  onReady(canvas) {
    // What every tool may use: the board, the view, the toolbar's style, the session.
    const tools = {
      board,
      getView: () => sketch.view,
      getStyle: () => toolbar.style(),
      // A tool works while chosen and no two-finger gesture is on; tools that draw also ask can(DRAW).
      isActive: (name) => toolbar.tool() === name && !gestures.isGesturing(),
      can: (action) => session.can(action),
      mayErase: (author) => session.mayErase(author),
      maxPointsPerStroke: () => connection.limits.maxPointsPerStroke,
      maxStrokeWidth: () => connection.limits.maxStrokeWidth,
      maxTextLength: () => connection.limits.maxTextLength,
      limits: () => connection.limits,
      maxLaserPerSecond: () => connection.limits.maxLaserPerSecond,
      emit: (message) => {
        session.emit(message);
        showStatus();
      },
      queueEdit: (message) => {
        session.queueEdit(message);
        showStatus();
      },
      moveLaser: (at) => session.moveLaser(at),
      repaint: (strokes) => sketch.repaint(strokes),
      repaintLive: () => sketch.repaintLive(),
      decorate: (paint) => sketch.decorate(paint),
      notify: (text) => toolbar.notify(text),
    };
    const attached = TOOLS.map((tool) => tool.attach(canvas, tools));
    const gestures = attachGestures(canvas, {
      viewport: sketch.viewport,
      // A second finger makes a pinch of what the first began: it stops drawing.
      onGestureStart: () => attached.forEach((tool) => tool.cancel()),
    });
    createZoomControls(container, { viewport: sketch.viewport });
  },
});
const overlay = createOverlay(container, { board, getView: () => sketch.view, me: () => session.me });

// The toolbar downloads the board as its reader sees it; every student's page is the host's, in the class panel.
const { zip: pagesUrl, ...exportUrls } = config.exportUrls;
const toolbar = createToolbar(document.getElementById('toolbar'), {
  boardName: config.board,
  newBoardUrl: config.newBoardUrl,
  exportUrls,
  credential: readerCredential,
  tools: TOOLS,
  onCommand: runCommand,
  onTheme: (name) => sketch.setTheme(name),
  // What a tool shows over the board (a selection) goes with it.
  onTool: () => sketch.repaintLive(),
});
// A hosted board's exports need a reader: a link to click is one the server signs for a while.
if (config.hosted) {
  createReadLinkButton(document.querySelector('[data-role=export]'), {
    linksUrl: config.linksUrl,
    credential: readerCredential,
    copy: copyText,
    notify: (text) => toolbar.notify(text),
  });
}
attachShortcuts(window, { tools: TOOLS, onCommand: runCommand, onTool: (tool) => toolbar.chooseTool(tool) });
const peopleMenu = createPeopleMenu(document.getElementById('toolbar'));
const pageBanner = board.onlyLane
  ? createPageBanner(document.body, { page: board.onlyLane, gridUrl: config.gridUrl })
  : null;
const pensDown = createPensDownBanner(document.querySelector('[data-role=pens-down]'));
const classPanel = createClassPanel(
  document.querySelector('[data-role=class-panel]'),
  document.querySelector('[data-role=class-toggle]'),
  {
    board: config.board,
    join: config.join,
    gridUrl: config.gridUrl,
    replayUrl: config.replayUrl,
    lessonsUrl: config.lessonsUrl,
    linksUrl: config.linksUrl,
    pagesUrl,
    hostKey,
    me: () => session.me,
    onSet: (changes) => session.setClass(changes),
    onRemoveInk: (participant) => {
      session.removeInkOf(participant);
      showStatus();
    },
    onRemove: (participant) => session.removeParticipant(participant),
    copy: copyText,
  },
);
// The picture under the ink: any reader fetches it; the host uploads it from the class panel
// or by dropping a file on the board.
const picture = createPictureLoader(config.assetsUrl, (image) => sketch.setPicture(image));
createPictureUpload(classPanel.settingsElement, {
  uploadUrl: config.uploadUrl,
  hostKey,
  enabled: () => session.isHost,
  onPicture: (digest) => session.setClass({ picture: digest }),
  onPages: (assets) => session.setClass(pagesOfUpload(session.settings, assets)),
  notify: (text) => toolbar.notify(text),
  dropTarget: container,
});

// The lesson's pages: the host turns, adds, orders and removes them for everyone (pages.js).
const pageBar = createPageBar(document.body, {
  onTurn: (step) => {
    const page = pageAfter(session.settings, step);
    if (page) session.setClass({ page });
  },
  onAdd: () => {
    const { pages, page, background } = session.settings;
    const added = { id: newPageId(), background, picture: null };
    session.setClass({ pages: withPagesAdded(pages, page, [added]), page: added.id });
  },
  onRemove: () => {
    const { pages, page } = session.settings;
    const index = pageIndex(pages, page);
    const left = withPageRemoved(pages, page);
    // The class goes to the page before the one removed (the next one, for the first).
    if (left !== pages) session.setClass({ pages: left, page: left[Math.max(index - 1, 0)].id });
  },
  onMove: (step) => session.setClass({ pages: withPageMoved(session.settings.pages, session.settings.page, step) }),
});

/**
 * A PDF of several pages, uploaded: its first page under this page's ink, the others as new
 * pages after it, in order, on this page's paper.
 */
function pagesOfUpload(settings, assets) {
  const { pages, page, background } = settings;
  const [first, ...rest] = assets;
  const withFirst = pages.map((one) => (one.id === page ? { ...one, picture: first.digest } : one));
  const added = rest.map((asset) => ({ id: newPageId(), background, picture: asset.digest }));
  return { pages: withPagesAdded(withFirst, page, added).slice(0, connection.limits.maxPages) };
}

const connection = new Connection({
  url: config.socketPath,
  tokenKey: tokenStorageKey(config.board),
  hostKey,
  since: () => board.seq,
  // A fresh board, and one too far behind for the events, over HTTP as at the start.
  refetch: refetcher(config.snapshotUrl, (message) => session.preloaded(message), { credential: readerCredential }),
  onStatus: (status) => {
    session.socketStatus = status;
    showStatus();
    // A stopped connection does not come back by itself: say so where it cannot be missed.
    if (status.state === 'failed') toolbar.notify(status.text, { lasting: true });
    else if (status.notice) toolbar.notify(status.notice);
  },
  onMessage: (message) => {
    session.receive(message);
    showStatus();
  },
});
const delivery = new Delivery(outbox, connection, showStatus);
const session = new Session({
  board,
  outbox,
  delivery,
  connection,
  painter: {
    paintChange(change) {
      sketch.paintChange(change);
      boardChanged();
    },
    repaint() {
      sketch.repaint();
      boardChanged();
    },
  },
  notify: (text) => toolbar.notify(text),
  listener: {
    welcomed() {
      // Pointers of the last socket will send no release.
      overlay.forgetLasers();
      showClass();
    },
    classChanged: showClass,
    presenceChanged(presence) {
      peopleMenu.show(presence);
      pageBanner?.showPeople(presence);
      if (session.isHost) classPanel.showPeople(presence);
    },
    laserMoved: (author, at) => overlay.moveLaser(author, at),
  },
});

// The board's dark setting as last followed: a light board at first leaves this browser's own choice.
let boardDark = false;
function showClass() {
  toolbar.permit({
    [CLEAR]: session.can(CLEAR),
    ...Object.fromEntries(TOOLS.filter((tool) => tool.permission).map((tool) => [tool.name, session.can(tool.permission)])),
  });
  pensDown.show(session.role === STUDENT && session.settings.pens_down);
  sketch.setBackground(session.settings.background);
  picture.show(session.settings.picture);
  // The pages either side, into the browser's cache: the next turn shows at once.
  for (const digest of neighbourPictures(session.settings)) picture.warm(digest);
  // The host's dark board is followed when it changes; this browser's own toggle still works.
  if (session.settings.dark !== boardDark) {
    boardDark = session.settings.dark;
    toolbar.adoptTheme(boardDark ? 'dark' : 'light');
  }
  classPanel.setAvailable(session.isHost);
  classPanel.showSettings(session.settings);
  pageBar.show(session.settings, session.isHost);
}

let drawingTimer = null;
function boardChanged() {
  overlay.boardChanged();
  if (!session.isHost || drawingTimer !== null) return;
  drawingTimer = setTimeout(() => {
    drawingTimer = null;
    classPanel.showDrawing(new Set(strokesInProgress(board, session.me).map((stroke) => stroke.author)));
  }, DRAWING_REFRESH_MS);
}

function runCommand(command) {
  if (command === CLEAR && !session.can(CLEAR)) return;
  if (command === CLEAR && !window.confirm(gettext('Clear the board for everyone? You can undo it.'))) return;
  session.command(command);
  showStatus();
}

function showStatus() {
  toolbar.showStatus(session.status(sketch.progress));
}

showClass();
// The socket opens once the HTTP snapshot is in (it then asks only for what came after its
// seq), or once it failed (the socket then sends the whole board, as it always can).
snapshot.then((message) => {
  if (message) session.preloaded(message);
  connection.start();
});

// A handle for people debugging in the console and for the browser tests.
window.sketchsite = {
  board,
  connection,
  outbox,
  session,
  sketch,
  overlay,
  toolbar,
  get viewport() {
    return sketch.viewport;
  },
  draw: (points) => {
    session.drawStroke(points, toolbar.style());
    showStatus();
  },
  drawItem: (item, points) => {
    const id = session.drawItem(item, points);
    showStatus();
    return id;
  },
  laser: (at) => session.moveLaser(at),
};
