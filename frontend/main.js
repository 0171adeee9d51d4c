// Wiring only: board state, sketch, toolbar, pen and connection meet here.

import { applyMessage, createBoard } from './board.js';
import { Connection } from './connection.js';
import { BATCH, ERROR, WELCOME } from './protocol.js';
import { createSketch } from './sketch.js';
import { attachPen } from './tools/pen.js';
import { createToolbar } from './ui/toolbar.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
const board = createBoard(config.size[0], config.size[1]);
const sketch = createSketch(document.getElementById('board'), board, {
  onReady: (canvas) =>
    attachPen(canvas, { board, getView: () => sketch.view, getStyle: () => toolbar.style(), emit }),
});
let me = null;

const toolbar = createToolbar(document.getElementById('toolbar'), {
  boardName: config.board,
  newBoardUrl: config.newBoardUrl,
  onStyle: () => {},
});

const connection = new Connection({
  url: config.socketPath,
  tokenKey: `sketchsite.token.${config.board}`,
  onStatus: (status) => toolbar.showStatus(status),
  onMessage: (message) => {
    if (message.type === WELCOME) {
      me = message.you;
    } else if (message.type === BATCH) {
      for (const relayed of message.messages) {
        // Own strokes were drawn when they were made.
        if (relayed.author !== me) sketch.paintChange(applyMessage(board, relayed, relayed.author));
      }
    } else if (message.type === ERROR) {
      console.warn(`server refused a message: ${message.code}: ${message.message}`);
    }
  },
});

// Local and remote drawing take the same path: apply to the board, paint, then send.
function emit(message) {
  sketch.paintChange(applyMessage(board, message, me ?? 'me'));
  connection.send(message);
}

connection.start();

// A handle for people debugging in the console and for the browser tests.
window.sketchsite = { board, connection, sketch };
