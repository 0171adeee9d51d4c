// A straight line; Shift keeps it at a multiple of 45 degrees.

import { gettext_noop } from '../i18n.js';
import { attachDrag, snapAngle } from './drag.js';
import { icon } from './pointer.js';

export default Object.freeze({
  name: 'line',
  label: gettext_noop('Line'),
  shortcut: 'i',
  icon: icon('<path d="M5 19L19 5"/>'),
  attach: (canvas, tools) => attachDrag(canvas, tools, { name: 'line', kind: 'line', constrain: snapAngle }),
});
