// The pen: ink whose width follows the pen's pressure where the device reports it, and the
// pointer's speed where it does not (a mouse, a finger), both kept as each point's pressure.

import { reportsPressure, SpeedPressure } from '../ink.js';
import { gettext_noop } from '../i18n.js';
import { attachFreehand } from './freehand.js';
import { icon } from './pointer.js';

export default Object.freeze({
  name: 'pen',
  label: gettext_noop('Pen'),
  shortcut: 'p',
  icon: icon('<path d="M4 20l4-1 11-11-3-3L5 16z"/><path d="M14 7l3 3"/>'),
  attach(canvas, tools) {
    return attachFreehand(canvas, tools, {
      name: 'pen',
      makeItem: ({ color, width }) => ({ kind: 'ink', color, width }),
      newState: () => new SpeedPressure(),
      pointNumbers(speed, event, x, y) {
        const pressure = reportsPressure(event.pointerType, event.pressure)
          ? Math.round(event.pressure * 100)
          : speed.next(x, y, event.timeStamp);
        return [x, y, Math.min(100, Math.max(0, pressure))];
      },
    });
  },
});
