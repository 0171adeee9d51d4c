// A rectangle's outline, corner to corner; Shift makes it a square.

import { gettext_noop } from '../i18n.js';
import { attachDrag, squareBox } from './drag.js';
import { icon } from './pointer.js';

export default Object.freeze({
  name: 'rect',
  label: gettext_noop('Rectangle'),
  shortcut: 'r',
  icon: icon('<rect x="4" y="6" width="16" height="12" rx="1"/>'),
  attach: (canvas, tools) => attachDrag(canvas, tools, { name: 'rect', kind: 'rect', constrain: squareBox }),
});
