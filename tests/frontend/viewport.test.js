// A screen's zoom and pan: fitted at zoom 1, zooming about a point, kept on the screen.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { boardToScreen, fitBoard, screenToBoard } from '../../frontend/view.js';
import { Viewport } from '../../frontend/viewport.js';

const PHONE = [390, 844];
const LAPTOP = [1280, 800];

function viewport(screen = PHONE, options = {}) {
  const port = new Viewport({ boardWidth: 1600, boardHeight: 900, ...options });
  port.resize(...screen);
  return port;
}

function assertClose(actual, expected, message) {
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? ''} ${actual} is not ${expected}`);
}

function assertPointClose([x, y], [expectedX, expectedY], message) {
  assertClose(x, expectedX, message);
  assertClose(y, expectedY, message);
}

test('at zoom 1 the view is the whole board letterboxed, as fitBoard places it', () => {
  for (const screen of [PHONE, LAPTOP, [1920, 1080], [300, 900]]) {
    const port = viewport(screen);
    assert.equal(port.zoom, 1);
    assert.deepEqual({ ...port.view }, fitBoard(1600, 900, ...screen), screen);
  }
});

test('fit() brings a zoomed and panned view back to the whole board', () => {
  const port = viewport();
  port.zoomAt(3, 100, 400);
  port.panBy(-50, 20);
  port.fit();
  assert.equal(port.zoom, 1);
  assert.deepEqual({ ...port.view }, fitBoard(1600, 900, ...PHONE));
});

test('zoomAt keeps the board point under the screen point where it was', () => {
  const port = viewport();
  const under = screenToBoard(port.view, 200, 422);
  port.zoomAt(4, 200, 422);
  assert.equal(port.zoom, 4);
  assertPointClose(screenToBoard(port.view, 200, 422), under);

  const laptop = viewport(LAPTOP);
  const before = screenToBoard(laptop.view, 500, 300);
  laptop.zoomAt(2.5, 500, 300);
  assertPointClose(screenToBoard(laptop.view, 500, 300), before);
  const again = screenToBoard(laptop.view, 700, 420);
  laptop.zoomAt(0.8, 700, 420);
  assert.equal(laptop.zoom, 2);
  assertPointClose(screenToBoard(laptop.view, 700, 420), again);
});

test('zoomTo sets the zoom, about the centre of the screen unless told a point', () => {
  const port = viewport(LAPTOP);
  const centre = screenToBoard(port.view, 640, 400);
  port.zoomTo(2);
  assert.equal(port.zoom, 2);
  assertClose(port.view.scale, 2 * fitBoard(1600, 900, ...LAPTOP).scale);
  assertPointClose(screenToBoard(port.view, 640, 400), centre);
  const point = screenToBoard(port.view, 1000, 200);
  port.zoomTo(5, 1000, 200);
  assertPointClose(screenToBoard(port.view, 1000, 200), point);
});

test('the zoom stays between minZoom and maxZoom', () => {
  const port = viewport(PHONE, { maxZoom: 6 });
  port.zoomAt(100, 10, 10);
  assert.equal(port.zoom, 6);
  port.zoomAt(0.001, 10, 10);
  assert.equal(port.zoom, 1);
  port.zoomTo(Number.NaN);
  assert.equal(port.zoom, 1);

  const wide = viewport(LAPTOP, { minZoom: 0.5, maxZoom: 2 });
  wide.zoomTo(0.1);
  assert.equal(wide.zoom, 0.5);
  wide.zoomTo(3);
  assert.equal(wide.zoom, 2);
  assert.throws(() => new Viewport({ boardWidth: 1600, boardHeight: 900, minZoom: 3, maxZoom: 2 }), RangeError);
});

test('panBy moves the zoomed board by CSS pixels', () => {
  const port = viewport(LAPTOP);
  port.zoomTo(4);
  const { offsetX, offsetY } = port.view;
  port.panBy(30, -20);
  assertClose(port.view.offsetX, offsetX + 30);
  assertClose(port.view.offsetY, offsetY - 20);
});

test('the board cannot be pushed off the screen: no gap at an edge once it is bigger than the screen', () => {
  const port = viewport(LAPTOP);
  port.zoomTo(3);
  port.panBy(10_000, 10_000);
  assert.equal(port.view.offsetX, 0);
  assert.equal(port.view.offsetY, 0);
  port.panBy(-100_000, -100_000);
  assertClose(port.view.offsetX + port.view.width, 1280);
  assertClose(port.view.offsetY + port.view.height, 800);
  // Zooming out about a corner pulls the board back against the edges.
  port.zoomAt(0.5, 0, 0);
  assertClose(port.view.offsetX + port.view.width, 1280);
  assertClose(port.view.offsetY + port.view.height, 800);
});

test('along an axis where the board is smaller than the screen it stays centred', () => {
  // A portrait phone at zoom 2: wider than the screen, still shorter than it.
  const port = viewport();
  port.zoomAt(2, 50, 300);
  assert.ok(port.view.width > 390 && port.view.height < 844);
  assertClose(port.view.offsetY, (844 - port.view.height) / 2);
  port.panBy(-40, 300);
  assertClose(port.view.offsetY, (844 - port.view.height) / 2, 'a vertical pan does nothing');
  assert.ok(port.view.offsetX <= 0 && port.view.offsetX + port.view.width >= 390);
  // At zoom 1 nothing pans at all.
  const fitted = viewport();
  const before = { ...fitted.view };
  fitted.panBy(100, 100);
  assert.deepEqual({ ...fitted.view }, before);
});

test('screenToBoard and boardToScreen of a zoomed view are each other’s inverse', () => {
  const port = viewport();
  port.zoomAt(5, 120, 500);
  port.panBy(-300, 0);
  for (const [x, y] of [
    [0, 0],
    [195, 422],
    [389, 843],
    [42.5, 611.25],
  ]) {
    assertPointClose(boardToScreen(port.view, ...screenToBoard(port.view, x, y)), [x, y]);
  }
  assertPointClose(screenToBoard(port.view, ...boardToScreen(port.view, 800, 450)), [800, 450]);
  // And a board point shown on screen is where the view says it is.
  const [x, y] = boardToScreen(port.view, 800, 450);
  assertClose(x, port.view.offsetX + 800 * port.view.scale);
  assertClose(y, port.view.offsetY + 450 * port.view.scale);
});

test('a resize keeps the zoom and the board point at the centre of the screen', () => {
  const port = viewport(LAPTOP);
  port.zoomAt(4, 300, 300);
  const centre = screenToBoard(port.view, 640, 400);
  port.resize(1000, 700);
  assert.equal(port.zoom, 4);
  assertPointClose(screenToBoard(port.view, 500, 350), centre);
  // Zoom 1 after a resize is still exactly the letterbox.
  port.fit();
  port.resize(...PHONE);
  assert.deepEqual({ ...port.view }, fitBoard(1600, 900, ...PHONE));
});

test('listeners hear every change with the new view, and nothing when nothing changed', () => {
  const port = viewport();
  const heard = [];
  const stop = port.onChange((view) => heard.push(view));
  port.zoomAt(2, 100, 100);
  port.panBy(-10, 0);
  port.resize(400, 800);
  port.fit();
  assert.equal(heard.length, 4);
  assert.equal(heard.at(-1), port.view);
  port.fit();
  port.panBy(5, 5);
  port.resize(400, 800);
  port.zoomAt(0.5);
  assert.equal(heard.length, 4, 'already fitted: nothing moved');
  stop();
  port.zoomAt(2);
  assert.equal(heard.length, 4);
});

test('a viewport not yet sized has an empty view and zooms nowhere', () => {
  const port = new Viewport({ boardWidth: 1600, boardHeight: 900 });
  assert.equal(port.view.scale, 0);
  port.zoomAt(2, 10, 10);
  assert.equal(port.zoom, 1);
  port.resize(...LAPTOP);
  assert.deepEqual({ ...port.view }, fitBoard(1600, 900, ...LAPTOP));
});

test('place() puts a board point at a screen point at a zoom, in one step', () => {
  const port = viewport(LAPTOP);
  port.place(3, 400, 300, 200, 500);
  assert.equal(port.zoom, 3);
  assertPointClose(boardToScreen(port.view, 400, 300), [200, 500]);
  port.place(Number.NaN, 0, 0, 0, 0);
  assert.equal(port.zoom, 3, 'a bad number changes nothing');
});

test('a layer painted at one view and stretched shows every board point where the new view puts it', async () => {
  const { boardToScreen, stretch } = await import('../../frontend/view.js');
  const from = { scale: 0.5, offsetX: 10, offsetY: 20 };
  const to = { scale: 1.25, offsetX: -300, offsetY: -80 };
  const [a, , , d, e, f] = stretch(from, to);
  for (const [x, y] of [[0, 0], [800, 450], [1600, 900]]) {
    const [px, py] = boardToScreen(from, x, y);
    const [qx, qy] = boardToScreen(to, x, y);
    assert.ok(Math.abs(a * px + e - qx) < 1e-9 && Math.abs(d * py + f - qy) < 1e-9);
  }
});
