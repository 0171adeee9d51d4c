// An arrow from where the drag starts to where it ends; Shift keeps it at a multiple of 45 degrees.

import { gettext_noop } from '../i18n.js';
import { attachDrag, snapAngle } from './drag.js';
import { icon } from './pointer.js';

export default Object.freeze({
  name: 'arrow',
  label: gettext_noop('Arrow'),
  shortcut: 'a',
  icon: icon('<path d="M5 19L19 5"/><path d="M10 5h9v9"/>'),
  attach: (canvas, tools) => attachDrag(canvas, tools, { name: 'arrow', kind: 'arrow', constrain: snapAngle }),
});
