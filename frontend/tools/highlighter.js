// The highlighter: a wide, translucent line that lies under the ink, to mark what matters.

import { gettext_noop } from '../i18n.js';
import { attachFreehand } from './freehand.js';
import { icon } from './pointer.js';

// A highlighter's width over the chosen line width, and its narrowest: wide enough to cover
// a line of writing.
const WIDTH_FACTOR = 3;
const NARROWEST = 16;

export default Object.freeze({
  name: 'highlighter',
  label: gettext_noop('Highlighter'),
  shortcut: 'h',
  icon: icon('<path d="M9 15l-4 4h5l2-2"/><path d="M9 15l7-11 4 4-11 7z"/>'),
  attach(canvas, tools) {
    return attachFreehand(canvas, tools, {
      name: 'highlighter',
      makeItem: ({ color, width }) => ({
        kind: 'highlighter',
        color,
        width: Math.min(tools.maxStrokeWidth(), Math.max(NARROWEST, width * WIDTH_FACTOR)),
      }),
      pointNumbers: (state, event, x, y) => [x, y],
    });
  },
});
