// An ellipse's outline in the box of the drag; Shift makes it a circle.

import { gettext_noop } from '../i18n.js';
import { attachDrag, squareBox } from './drag.js';
import { icon } from './pointer.js';

export default Object.freeze({
  name: 'ellipse',
  label: gettext_noop('Ellipse'),
  shortcut: 'o',
  icon: icon('<ellipse cx="12" cy="12" rx="8" ry="6"/>'),
  attach: (canvas, tools) => attachDrag(canvas, tools, { name: 'ellipse', kind: 'ellipse', constrain: squareBox }),
});
