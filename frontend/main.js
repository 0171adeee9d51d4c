// Wiring only: board state, sketch, toolbar, tools, outbox and connection meet here.

import { applyMessage, applySnapshot, createBoard, GAP, removeStroke, setVisible } from './board.js';
import { Connection } from './connection.js';
import { Delivery } from './delivery.js';
import { Outbox } from './outbox.js';
import {
  ACK,
  BATCH,
  edit,
  ERROR,
  newId,
  SNAPSHOT,
  STROKE_BEGIN,
  STROKE_END,
  strokeBegin,
  strokeEnd,
  strokePoints,
  WELCOME,
} from './protocol.js';
import { createSketch } from './sketch.js';
import { attachEraser } from './tools/eraser.js';
import { attachPen } from './tools/pen.js';
import { attachShortcuts } from './ui/keyboard.js';
import { createToolbar } from './ui/toolbar.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
const board = createBoard(config.size[0], config.size[1]);
const outbox = new Outbox(window.localStorage, `sketchsite.outbox.${config.board}`);
let me = null;
let loading = null;
let socketState = { state: 'connecting', text: 'Connecting…' };

const sketch = createSketch(document.getElementById('board'), board, {
  onReady(canvas) {
    const getView = () => sketch.view;
    attachPen(canvas, {
      board,
      getView,
      getStyle: () => toolbar.style(),
      isActive: () => toolbar.tool() === 'pen',
      maxPointsPerStroke: () => connection.limits.maxPointsPerStroke ?? 5000,
      emit,
    });
    attachEraser(canvas, {
      board,
      getView,
      isActive: () => toolbar.tool() === 'eraser',
      repaint: () => sketch.repaint(),
      onErase: (message) => queueEdit(message),
    });
  },
});

const toolbar = createToolbar(document.getElementById('toolbar'), {
  boardName: config.board,
  newBoardUrl: config.newBoardUrl,
  exportUrls: config.exportUrls,
  onCommand: runCommand,
});
attachShortcuts(window, { onCommand: runCommand, onTool: (tool) => toolbar.chooseTool(tool) });

const connection = new Connection({
  url: config.socketPath,
  tokenKey: `sketchsite.token.${config.board}`,
  since: () => board.seq,
  onOpen: () => delivery.restart(),
  onStatus: (status) => {
    socketState = status;
    showStatus();
  },
  onMessage: receive,
});
const delivery = new Delivery(outbox, connection, showStatus);

// Strokes waiting in the outbox (drawn offline, perhaps before a reload) are on the board.
for (const item of outbox.items) {
  if (item.stroke) {
    const change = applyMessage(board, { type: STROKE_BEGIN, ...item.stroke, stroke: item.stroke.id }, 'me');
    if (change) change.stroke.done = true;
  }
}

function receive(message) {
  switch (message.type) {
    case WELCOME:
      me = message.you;
      loading = null;
      break;
    case SNAPSHOT: {
      loading = applySnapshot(board, message);
      if (loading.received >= loading.total) loading = null;
      sketch.repaint();
      break;
    }
    case BATCH:
      for (const relayed of message.messages) {
        // Own live messages were painted when they were made; committed events count for all.
        if (relayed.author === me && relayed.type !== 'event') continue;
        const change = applyMessage(board, relayed);
        if (change === GAP) {
          connection.resync();
          return;
        }
        sketch.paintChange(change);
      }
      break;
    case ACK:
      delivery.settle(message.ref);
      break;
    case ERROR:
      refused(message);
      break;
    default:
      break;
  }
  showStatus();
}

// Refusals of a live copy: the stroke is sent again, whole, from the outbox.
const RESEND_CODES = new Set(['rate_limited', 'too_many_strokes', 'unknown_stroke', 'duplicate_stroke']);
const MAX_RESENDS = 3;

function refused(error) {
  const item = error.ref ? outbox.items.find((entry) => entry.ref === error.ref) : null;
  if (error.ref && RESEND_CODES.has(error.code)) {
    connection.forgetLive(error.ref);
    if (!item) return; // still being drawn: it goes whole when it ends
    item.resends = (item.resends ?? 0) + 1;
    if (item.resends <= MAX_RESENDS) {
      delivery.resend(error.ref);
      return;
    }
  }
  if (item) {
    // Finally refused: take back what it showed, and say why.
    if (item.stroke) removeStroke(board, item.ref);
    if (item.edit?.strokes?.length) setVisible(board, item.edit.strokes, true);
    sketch.repaint();
    delivery.settle(error.ref);
  }
  toolbar.notify(error.message);
}

// Local and remote drawing take the same path: apply to the board, paint, then send.
function emit(message) {
  sketch.paintChange(applyMessage(board, message, me ?? 'me'));
  if (message.type === STROKE_END) {
    const stroke = board.strokes.get(message.stroke);
    if (message.points.length) connection.send({ ...message, type: 'stroke.points' });
    outbox.addStroke(stroke);
    delivery.pump();
  } else {
    connection.send(message);
  }
  showStatus();
}

function queueEdit(message) {
  outbox.addEdit(message);
  delivery.pump();
  showStatus();
}

function runCommand(command) {
  if (command === 'clear' && !window.confirm('Clear the board for everyone? You can undo it.')) return;
  queueEdit(edit(command));
}

function showStatus() {
  let { state, text } = socketState;
  if (state === 'online') {
    text = loading ? `Loading ${loading.received} of ${loading.total} strokes…` : 'Live';
    if (loading) state = 'connecting';
  }
  if (outbox.size) text += ` · ${outbox.size} waiting`;
  toolbar.showStatus({ state, text });
}

/** Draw a whole stroke through the same path as the pen (console and browser tests). */
function drawStroke(points) {
  const id = newId();
  const { color, width } = toolbar.style();
  emit(strokeBegin(id, color, width, points.slice(0, 2)));
  if (points.length > 2) emit(strokePoints(id, points.slice(2)));
  emit(strokeEnd(id));
}

connection.start();

// A handle for people debugging in the console and for the browser tests.
window.sketchsite = { board, connection, outbox, sketch, draw: drawStroke };
