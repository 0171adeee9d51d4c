// Zoom gestures on a stand-in canvas: Ctrl + wheel at the pointer, two-finger pinch and pan,
// plain wheel panning, the zoom keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { attachGestures } from '../../frontend/gestures.js';
import { screenToBoard } from '../../frontend/view.js';
import { Viewport, ZOOM_STEP } from '../../frontend/viewport.js';

/** An event target that runs captured listeners first, as the browser does at the target. */
class FakeTarget {
  constructor({ left = 0, top = 0 } = {}) {
    this.rect = { left, top };
    this.listeners = [];
    this.clientHeight = 844;
  }
  addEventListener(type, listener, options) {
    const capture = options === true || options?.capture === true;
    this.listeners.push({ type, listener, capture, passive: options?.passive });
  }
  removeEventListener(type, listener, options) {
    const capture = options === true || options?.capture === true;
    this.listeners = this.listeners.filter(
      (entry) => !(entry.type === type && entry.listener === listener && entry.capture === capture),
    );
  }
  getBoundingClientRect() {
    return { ...this.rect };
  }
  /** Dispatch an event with these fields; returns it, with `prevented` set by preventDefault(). */
  dispatch(type, fields = {}) {
    const event = {
      type,
      target: this,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
      ...fields,
    };
    const ordered = [...this.listeners.filter((e) => e.capture), ...this.listeners.filter((e) => !e.capture)];
    for (const entry of ordered) if (entry.type === type) entry.listener(event);
    return event;
  }
}

function setUp({ left = 0, top = 0 } = {}) {
  const element = new FakeTarget({ left, top });
  const keyboard = new FakeTarget();
  const viewport = new Viewport({ boardWidth: 1600, boardHeight: 900 });
  viewport.resize(390, 844);
  const calls = [];
  const gestures = attachGestures(element, {
    viewport,
    keyboardTarget: keyboard,
    onGestureStart: () => calls.push('start'),
    onGestureEnd: () => calls.push('end'),
  });
  return { element, keyboard, viewport, calls, gestures };
}

function touch(element, type, pointerId, x, y, isPrimary = pointerId === 1) {
  return element.dispatch(type, { pointerType: 'touch', pointerId, isPrimary, clientX: x, clientY: y });
}

function assertPointClose([x, y], [expectedX, expectedY], tolerance = 1e-6) {
  assert.ok(Math.abs(x - expectedX) < tolerance && Math.abs(y - expectedY) < tolerance, `${[x, y]} is not ${[expectedX, expectedY]}`);
}

test('the wheel and pointer listeners are not passive, so the page can be kept from zooming', () => {
  const { element } = setUp();
  for (const type of ['wheel', 'pointerdown', 'pointermove']) {
    assert.equal(element.listeners.find((entry) => entry.type === type).passive, false, type);
  }
});

test('Ctrl + wheel zooms in at the pointer, keeping the board point under it', () => {
  const { element, viewport } = setUp({ left: 10, top: 100 });
  const under = screenToBoard(viewport.view, 150, 422);
  const event = element.dispatch('wheel', { ctrlKey: true, deltaX: 0, deltaY: -50, deltaMode: 0, clientX: 160, clientY: 522 });
  assert.equal(event.defaultPrevented, true);
  assert.ok(viewport.zoom > 1);
  assertPointClose(screenToBoard(viewport.view, 150, 422), under);
  const zoomedIn = viewport.zoom;
  element.dispatch('wheel', { metaKey: true, deltaX: 0, deltaY: 30, deltaMode: 0, clientX: 160, clientY: 500 });
  assert.ok(viewport.zoom < zoomedIn, 'Cmd + wheel down zooms out');
});

test('Ctrl + wheel is taken even at the zoom limit, so the browser does not zoom the page', () => {
  const { element, viewport } = setUp();
  const event = element.dispatch('wheel', { ctrlKey: true, deltaX: 0, deltaY: 100, deltaMode: 0, clientX: 100, clientY: 100 });
  assert.equal(viewport.zoom, 1);
  assert.equal(event.defaultPrevented, true);
});

test('a plain wheel pans only once zoomed in; Shift + wheel pans sideways', () => {
  const { element, viewport } = setUp();
  const fitted = element.dispatch('wheel', { deltaX: 0, deltaY: 40, deltaMode: 0, clientX: 100, clientY: 100 });
  assert.equal(fitted.defaultPrevented, false);

  viewport.zoomTo(6);
  const before = { ...viewport.view };
  const down = element.dispatch('wheel', { deltaX: 0, deltaY: 40, deltaMode: 0, clientX: 100, clientY: 100 });
  assert.equal(down.defaultPrevented, true);
  assert.equal(viewport.view.offsetY, before.offsetY - 40);
  assert.equal(viewport.view.offsetX, before.offsetX);

  element.dispatch('wheel', { shiftKey: true, deltaX: 0, deltaY: 2, deltaMode: 1, clientX: 100, clientY: 100 });
  assert.equal(viewport.view.offsetX, before.offsetX - 32, 'two lines sideways');
  assert.equal(viewport.view.offsetY, before.offsetY - 40);
});

test('a second finger starts a gesture, and the pinch zooms about the fingers’ middle', () => {
  const { element, viewport, calls, gestures } = setUp();
  touch(element, 'pointerdown', 1, 150, 422);
  assert.equal(gestures.isGesturing(), false, 'one finger draws');
  assert.deepEqual(calls, []);
  const second = touch(element, 'pointerdown', 2, 250, 422, false);
  assert.equal(gestures.isGesturing(), true);
  assert.deepEqual(calls, ['start']);
  assert.equal(second.defaultPrevented, true);

  const middle = screenToBoard(viewport.view, 200, 422);
  touch(element, 'pointermove', 1, 100, 422);
  touch(element, 'pointermove', 2, 300, 422);
  assert.ok(Math.abs(viewport.zoom - 2) < 1e-9, `zoom ${viewport.zoom}`);
  assertPointClose(screenToBoard(viewport.view, 200, 422), middle);

  touch(element, 'pointerup', 1, 100, 422);
  assert.equal(gestures.isGesturing(), true, 'the finger left behind does not draw');
  touch(element, 'pointermove', 2, 50, 600);
  assert.ok(Math.abs(viewport.zoom - 2) < 1e-9);
  touch(element, 'pointerup', 2, 50, 600);
  assert.equal(gestures.isGesturing(), false);
  assert.deepEqual(calls, ['start', 'end']);
});

test('two fingers moving together pan the zoomed board with them', () => {
  const { element, viewport } = setUp();
  viewport.zoomTo(4);
  touch(element, 'pointerdown', 1, 100, 400);
  touch(element, 'pointerdown', 2, 200, 400, false);
  const under = screenToBoard(viewport.view, 150, 400);
  touch(element, 'pointermove', 1, 70, 400);
  touch(element, 'pointermove', 2, 170, 400);
  assert.ok(Math.abs(viewport.zoom - 4) < 1e-9);
  assertPointClose(screenToBoard(viewport.view, 120, 400), under);
  touch(element, 'pointercancel', 1, 70, 400);
  touch(element, 'pointercancel', 2, 170, 400);
});

test('a mouse or a pen never starts a gesture', () => {
  const { element, calls, gestures } = setUp();
  element.dispatch('pointerdown', { pointerType: 'mouse', pointerId: 1, isPrimary: true, clientX: 1, clientY: 1 });
  element.dispatch('pointerdown', { pointerType: 'pen', pointerId: 2, isPrimary: true, clientX: 5, clientY: 5 });
  touch(element, 'pointerdown', 3, 50, 50);
  assert.equal(gestures.isGesturing(), false);
  assert.deepEqual(calls, []);
});

test('a new first finger forgets fingers whose lift never arrived', () => {
  const { element, calls, gestures } = setUp();
  touch(element, 'pointerdown', 1, 100, 400);
  touch(element, 'pointerdown', 2, 200, 400, false);
  touch(element, 'pointerdown', 7, 100, 400, true);
  assert.equal(gestures.isGesturing(), false);
  assert.deepEqual(calls, ['start', 'end']);
});

test('a tool’s own pointerdown listener already sees the gesture of the second finger', () => {
  const { element, gestures } = setUp();
  const seen = [];
  element.addEventListener('pointerdown', () => seen.push(gestures.isGesturing()));
  touch(element, 'pointerdown', 1, 100, 400);
  touch(element, 'pointerdown', 2, 200, 400, false);
  assert.deepEqual(seen, [false, true]);
});

test('+ and = zoom in, - zooms out, 0 fits, about the middle of the screen', () => {
  const { keyboard, viewport } = setUp();
  const centre = screenToBoard(viewport.view, 195, 422);
  assert.equal(keyboard.dispatch('keydown', { key: '+' }).defaultPrevented, true);
  assert.equal(viewport.zoom, ZOOM_STEP);
  keyboard.dispatch('keydown', { key: '=' });
  assert.equal(viewport.zoom, ZOOM_STEP * ZOOM_STEP);
  assertPointClose(screenToBoard(viewport.view, 195, 422), centre);
  keyboard.dispatch('keydown', { key: '-' });
  assert.ok(Math.abs(viewport.zoom - ZOOM_STEP) < 1e-9);
  keyboard.dispatch('keydown', { key: '+' });
  keyboard.dispatch('keydown', { key: '0' });
  assert.equal(viewport.zoom, 1);
  assert.equal(keyboard.dispatch('keydown', { key: 'p' }).defaultPrevented, false);
});

test('the zoom keys are left alone while typing, and with Ctrl, Cmd or Alt (the browser’s own zoom)', () => {
  const { keyboard, viewport } = setUp();
  for (const target of [{ tagName: 'INPUT' }, { tagName: 'TEXTAREA' }, { tagName: 'DIV', isContentEditable: true }]) {
    const event = keyboard.dispatch('keydown', { key: '+', target });
    assert.equal(event.defaultPrevented, false, target.tagName);
  }
  for (const modifier of ['ctrlKey', 'metaKey', 'altKey']) keyboard.dispatch('keydown', { key: '+', [modifier]: true });
  assert.equal(viewport.zoom, 1);
});

test('detach() stops every listener', () => {
  const { element, keyboard, viewport, gestures } = setUp();
  gestures.detach();
  assert.deepEqual(element.listeners, []);
  assert.deepEqual(keyboard.listeners, []);
  keyboard.dispatch('keydown', { key: '+' });
  element.dispatch('wheel', { ctrlKey: true, deltaX: 0, deltaY: -50, deltaMode: 0, clientX: 1, clientY: 1 });
  assert.equal(viewport.zoom, 1);
});
