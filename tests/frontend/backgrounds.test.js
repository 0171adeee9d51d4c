// The paper under the ink (frontend/backgrounds.js) draws the same marks as draw/backgrounds.py:
// both are held to tests/fixtures/backgrounds.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { BACKGROUND_KINDS, DEFAULT_BACKGROUND, marks, pictureBox } from '../../frontend/backgrounds.js';

const { cases, picture_boxes: pictureBoxes } = JSON.parse(readFileSync(new URL('../fixtures/backgrounds.json', import.meta.url)));

test('every kind of background makes the marks of the shared table', () => {
  assert.deepEqual([...new Set(cases.map((each) => each.kind))], BACKGROUND_KINDS);
  for (const { kind, width, height, marks: expected } of cases) {
    assert.deepEqual(marks(kind, width, height), expected, `${kind} ${width}x${height}`);
  }
});

test('plain paper is the default and has no marks', () => {
  assert.equal(DEFAULT_BACKGROUND, 'plain');
  assert.deepEqual(marks('plain', 1600, 900), []);
  assert.deepEqual(marks('no-such-kind', 1600, 900), []);
});

test('a picture lies as large as fits whole, centred, as the shared table says', () => {
  for (const { picture, board, box } of pictureBoxes) {
    const { x, y, width, height } = pictureBox(...picture, ...board);
    [x, y, width, height].forEach((value, i) => assert.ok(Math.abs(value - box[i]) < 0.01, `${picture} ${i}: ${value}`));
  }
});
