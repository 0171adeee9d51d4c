// The zoom controls on a stand-in document: named buttons, the level following the viewport.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createZoomControls } from '../../frontend/ui/zoom.js';
import { Viewport, ZOOM_STEP } from '../../frontend/viewport.js';

class FakeElement {
  constructor(document, tagName) {
    this.ownerDocument = document;
    this.tagName = tagName.toUpperCase();
    this.attributes = new Map();
    this.children = [];
    this.parent = null;
    this.listeners = new Map();
    this.textContent = '';
    this.className = '';
    this.classList = { add: (name) => (this.className = `${this.className} ${name}`.trim()) };
  }
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.get(name) ?? null;
  }
  append(...children) {
    for (const child of children) {
      child.parent = this;
      this.children.push(child);
    }
  }
  remove() {
    this.parent.children = this.parent.children.filter((child) => child !== this);
    this.parent = null;
  }
  addEventListener(type, listener) {
    this.listeners.set(type, listener);
  }
  click() {
    this.listeners.get('click')?.({ type: 'click' });
  }
}

function setUp() {
  const document = { documentElement: { lang: 'en' } };
  document.createElement = (tagName) => new FakeElement(document, tagName);
  const container = new FakeElement(document, 'div');
  const viewport = new Viewport({ boardWidth: 1600, boardHeight: 900 });
  viewport.resize(390, 844);
  const controls = createZoomControls(container, { viewport });
  const [zoomOut, level, zoomIn, fit] = controls.element.children;
  return { container, viewport, controls, zoomOut, level, zoomIn, fit };
}

test('a labelled group of real buttons, each with an accessible name', () => {
  const { container, controls, zoomOut, level, zoomIn, fit } = setUp();
  assert.deepEqual(container.children, [controls.element]);
  assert.equal(controls.element.getAttribute('role'), 'group');
  assert.equal(controls.element.getAttribute('aria-label'), 'Zoom');
  assert.deepEqual(
    [zoomOut, zoomIn, fit].map((button) => [button.tagName, button.type, button.getAttribute('aria-label')]),
    [
      ['BUTTON', 'button', 'Zoom out'],
      ['BUTTON', 'button', 'Zoom in'],
      ['BUTTON', 'button', 'Fit the board to the screen'],
    ],
  );
  assert.equal(level.tagName, 'OUTPUT');
  assert.equal(level.textContent, '100%');
});

test('the buttons zoom the viewport and the level follows every change', () => {
  const { viewport, zoomOut, level, zoomIn, fit } = setUp();
  assert.equal(zoomOut.getAttribute('aria-disabled'), 'true', 'already the whole board');
  assert.equal(fit.getAttribute('aria-disabled'), 'true');
  zoomIn.click();
  assert.equal(viewport.zoom, ZOOM_STEP);
  assert.equal(level.textContent, '125%');
  assert.equal(fit.getAttribute('aria-disabled'), 'false');
  viewport.zoomTo(2.5);
  assert.equal(level.textContent, '250%');
  zoomOut.click();
  assert.equal(viewport.zoom, 2);
  viewport.zoomTo(8);
  assert.equal(zoomIn.getAttribute('aria-disabled'), 'true');
  zoomIn.click();
  assert.equal(viewport.zoom, 8);
  fit.click();
  assert.equal(viewport.zoom, 1);
  assert.equal(level.textContent, '100%');
});

test('destroy() takes the controls away and stops following the viewport', () => {
  const { container, viewport, controls, level } = setUp();
  controls.destroy();
  assert.deepEqual(container.children, []);
  viewport.zoomTo(3);
  assert.equal(level.textContent, '100%');
});
