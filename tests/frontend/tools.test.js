// The tool registry: what the toolbar and the keyboard shortcuts are built from.

import assert from 'node:assert/strict';
import test from 'node:test';

import { snapAngle, squareBox } from '../../frontend/tools/drag.js';
import { TOUCH_HOLD_MS, TOUCH_HOLD_PIXELS, touchMayDraw } from '../../frontend/tools/freehand.js';
import { TOOLS } from '../../frontend/tools/index.js';
import { boxesMeet } from '../../frontend/tools/select.js';
import { textSizeFor, TEXT_SIZES } from '../../frontend/tools/text.js';

test('every tool has a name, a label, a one-letter shortcut, an icon and attach()', () => {
  assert.ok(TOOLS.length >= 10);
  for (const tool of TOOLS) {
    assert.match(tool.name, /^[a-z]+$/, tool.name);
    assert.ok(tool.label.length > 0, tool.name);
    assert.match(tool.shortcut, /^[a-z]$/, tool.name);
    assert.match(tool.icon, /^<svg [^>]*viewBox="0 0 24 24"[^>]*>.*<\/svg>$/s, tool.name);
    assert.equal(typeof tool.attach, 'function', tool.name);
    assert.ok(Object.isFrozen(tool), tool.name);
  }
});

test('names and shortcuts are unique, and no shortcut is an editing key', () => {
  assert.equal(new Set(TOOLS.map((tool) => tool.name)).size, TOOLS.length);
  const shortcuts = TOOLS.map((tool) => tool.shortcut);
  assert.equal(new Set(shortcuts).size, shortcuts.length);
  // Ctrl+Z and Ctrl+Y are undo and redo; + - 0 zoom.
  for (const taken of ['z', 'y']) assert.ok(!shortcuts.includes(taken));
});

test('the registry offers the pen first and names each kind of drawing tool', () => {
  assert.equal(TOOLS[0].name, 'pen');
  for (const name of ['pen', 'highlighter', 'eraser', 'line', 'arrow', 'rect', 'ellipse', 'text', 'select', 'laser']) {
    assert.ok(TOOLS.some((tool) => tool.name === name), name);
  }
  // Only the laser asks the policy for a permission of its own.
  assert.deepEqual(
    TOOLS.filter((tool) => tool.permission).map((tool) => tool.name),
    ['laser'],
  );
});

test('Shift snaps a line to the nearest 45 degrees and a box to a square on the pointer side', () => {
  assert.deepEqual(snapAngle(0, 0, 100, 10), [100, 0]);
  assert.deepEqual(snapAngle(0, 0, 100, 90), [95, 95]);
  assert.deepEqual(snapAngle(100, 100, 90, 300), [100, 300]);
  assert.deepEqual(squareBox(100, 100, 160, 130), [160, 160]);
  assert.deepEqual(squareBox(100, 100, 40, 130), [40, 160]);
  assert.deepEqual(squareBox(100, 100, 130, 20), [180, 20]);
});

test('a text size follows the chosen line width', () => {
  assert.equal(textSizeFor(3), TEXT_SIZES[3]);
  assert.equal(textSizeFor(20), TEXT_SIZES[20]);
  assert.equal(textSizeFor(10), TEXT_SIZES[8]);
  assert.ok(TEXT_SIZES[3] < TEXT_SIZES[8] && TEXT_SIZES[8] < TEXT_SIZES[20]);
});

test('a selection box takes the items whose bounds it meets', () => {
  assert.ok(boxesMeet([0, 0, 10, 10], [5, 5, 20, 20]));
  assert.ok(boxesMeet([0, 0, 10, 10], [10, 10, 20, 20]));
  assert.ok(!boxesMeet([0, 0, 10, 10], [11, 0, 20, 10]));
});

test('a finger draws once it has gone a few pixels or a moment, so a pinch leaves no dot', () => {
  assert.equal(touchMayDraw(0, 0, 0, 3, 3, 50), false);
  assert.equal(touchMayDraw(0, 0, 0, TOUCH_HOLD_PIXELS, 0, 10), true);
  assert.equal(touchMayDraw(0, 0, 0, 0, 0, TOUCH_HOLD_MS), true);
});
