// Board themes: every ink of the palette stands out on the board of either theme as shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BLACK_INK,
  BOARD_THEMES,
  contrastRatio,
  displayColor,
  LIGHT_INK,
  MIN_INK_CONTRAST,
  parseColor,
} from '../../frontend/theme.js';
import { PALETTE } from '../../frontend/ui/toolbar.js';

test('contrastRatio gives the WCAG figures', () => {
  assert.equal(contrastRatio('#000000', '#ffffff'), 21);
  assert.equal(contrastRatio('#ffffff', '#000000'), 21);
  assert.equal(contrastRatio('#777777', '#777777'), 1);
  assert.equal(contrastRatio('#fff', '#ffffff'), 1);
  // Known pairs: mid grey on white, and the old yellow and orange that were too faint.
  assert.equal(contrastRatio('#767676', '#ffffff').toFixed(2), '4.54');
  assert.equal(contrastRatio('#fab005', '#ffffff').toFixed(2), '1.86');
  assert.equal(contrastRatio('#f08c00', '#ffffff').toFixed(2), '2.48');
  assert.equal(contrastRatio([255, 0, 0], '#ffffff').toFixed(2), '4.00');
});

test('the light theme is today’s board and letterbox; the dark one is dark', () => {
  assert.deepEqual({ ...BOARD_THEMES.light }, { board: '#ffffff', letterbox: '#d9dde3' });
  assert.ok(contrastRatio(BOARD_THEMES.dark.board, '#000000') < 2);
  assert.notEqual(BOARD_THEMES.dark.board, BOARD_THEMES.dark.letterbox);
});

for (const themeName of Object.keys(BOARD_THEMES)) {
  test(`every palette colour is at least 3:1 against the ${themeName} board as shown`, () => {
    const board = BOARD_THEMES[themeName].board;
    for (const { name, color } of PALETTE) {
      const shown = displayColor(themeName, color);
      assert.ok(contrastRatio(shown, board) >= MIN_INK_CONTRAST, `${name} ${color} shown as ${shown}`);
    }
  });
}

test('the palette itself is at least 3:1 on the white board, and has no white', () => {
  for (const { name, color } of PALETTE) assert.ok(contrastRatio(color, '#ffffff') >= 3, name);
  assert.ok(!PALETTE.some(({ color }) => parseColor(color).every((channel) => channel > 240)));
});

test('black ink is light on the dark board and black on the light one', () => {
  assert.equal(displayColor('dark', BLACK_INK), LIGHT_INK);
  assert.equal(displayColor('light', BLACK_INK), BLACK_INK);
});

test('a colour that stands out already is shown as it is', () => {
  assert.equal(displayColor('light', '#1971c2'), '#1971c2');
  assert.equal(displayColor('dark', '#e8590c'), '#e8590c');
});

test('a faint colour is moved towards white on the dark board, keeping its hue', () => {
  const lifted = displayColor('dark', '#7048e8');
  assert.notEqual(lifted, '#7048e8');
  assert.ok(contrastRatio(lifted, BOARD_THEMES.dark.board) >= 3);
  const [r, g, b] = parseColor(lifted);
  assert.ok(b > r && b > g, lifted);
  assert.ok(contrastRatio(displayColor('dark', '#000000'), BOARD_THEMES.dark.board) >= 3);
});

test('on the light board every ink shows as it was drawn, as in the exports', () => {
  for (const color of ['#fab005', '#00ff7f', '#1e1e1e', '#7048e8']) assert.equal(displayColor('light', color), color);
});

test('colours that are not #rgb or #rrggbb, and unknown themes, do not break', () => {
  assert.equal(displayColor('dark', 'rebeccapurple'), 'rebeccapurple');
  assert.equal(displayColor('sepia', '#1971c2'), '#1971c2');
  assert.equal(displayColor('sepia', BLACK_INK), BLACK_INK);
});
