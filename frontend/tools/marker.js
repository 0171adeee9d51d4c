// The marker: a line of one width whatever the pressure or speed, like a felt pen on a
// whiteboard; the steadiest line to read from the back of the room.

import { gettext_noop } from '../i18n.js';
import { attachFreehand } from './freehand.js';
import { icon } from './pointer.js';

export default Object.freeze({
  name: 'marker',
  label: gettext_noop('Marker'),
  shortcut: 'm',
  icon: icon('<path d="M6 18l3-1 9-9-2-2-9 9z"/><path d="M4 21h7"/>'),
  attach(canvas, tools) {
    return attachFreehand(canvas, tools, {
      name: 'marker',
      makeItem: ({ color, width }) => ({ kind: 'marker', color, width }),
      pointNumbers: (state, event, x, y) => [x, y],
    });
  },
});
