// Wiring only: board state, sketch, toolbar, tools, outbox, connection and session meet here.

import { createBoard } from './board.js';
import { Connection } from './connection.js';
import { Delivery } from './delivery.js';
import { Outbox } from './outbox.js';
import { Session } from './session.js';
import { createSketch } from './sketch.js';
import { attachEraser } from './tools/eraser.js';
import { attachPen } from './tools/pen.js';
import { attachShortcuts } from './ui/keyboard.js';
import { createToolbar } from './ui/toolbar.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
const board = createBoard(config.size[0], config.size[1]);
const outbox = new Outbox(window.localStorage, `sketchsite.outbox.${config.board}`);

const sketch = createSketch(document.getElementById('board'), board, {
  onReady(canvas) {
    const getView = () => sketch.view;
    attachPen(canvas, {
      board,
      getView,
      getStyle: () => toolbar.style(),
      isActive: () => toolbar.tool() === 'pen',
      maxPointsPerStroke: () => connection.limits.maxPointsPerStroke,
      emit: (message) => {
        session.emit(message);
        showStatus();
      },
    });
    attachEraser(canvas, {
      board,
      getView,
      isActive: () => toolbar.tool() === 'eraser',
      repaint: () => sketch.repaint(),
      onErase: (message) => {
        session.queueEdit(message);
        showStatus();
      },
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
  onStatus: (status) => {
    session.socketStatus = status;
    showStatus();
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
  painter: sketch,
  notify: (text) => toolbar.notify(text),
});

function runCommand(command) {
  if (command === 'clear' && !window.confirm('Clear the board for everyone? You can undo it.')) return;
  session.command(command);
  showStatus();
}

function showStatus() {
  toolbar.showStatus(session.status());
}

connection.start();

// A handle for people debugging in the console and for the browser tests.
window.sketchsite = {
  board,
  connection,
  outbox,
  session,
  sketch,
  draw: (points) => {
    session.drawStroke(points, toolbar.style());
    showStatus();
  },
};
