// The zoom controls in a corner of the board: zoom out, the zoom level, zoom in and fit, for
// those without a pinch, a wheel or the + and - keys. Zoom 100 % is the whole board.

import { gettext } from '../i18n.js';
import { ZOOM_STEP } from '../viewport.js';

/** Adds the controls to `container` (the board); destroy() takes them away again. */
export function createZoomControls(container, { viewport }) {
  const document = container.ownerDocument;
  const group = document.createElement('div');
  group.className = 'zoom-controls';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', gettext('Zoom'));

  const zoomOut = button(document, '\u2212', gettext('Zoom out'), ['-', '-'], () => viewport.zoomAt(1 / ZOOM_STEP));
  // Read out when it changes (an <output> is a polite live region), so a screen reader hears
  // what a button did.
  const level = document.createElement('output');
  level.className = 'zoom-level';
  const zoomIn = button(document, '+', gettext('Zoom in'), ['+', '='], () => viewport.zoomAt(ZOOM_STEP));
  const fit = button(document, gettext('Fit'), gettext('Fit the board to the screen'), ['0', '0'], () => viewport.fit());
  fit.classList.add('zoom-fit');
  group.append(zoomOut, level, zoomIn, fit);

  const percent = new Intl.NumberFormat(document.documentElement?.lang || undefined, { style: 'percent' });
  function show() {
    const { zoom, minZoom, maxZoom } = viewport;
    const text = percent.format(zoom);
    if (level.textContent !== text) level.textContent = text;
    // aria-disabled rather than disabled: a button that is disabled under a keyboard user's
    // focus drops the focus to the page.
    zoomOut.setAttribute('aria-disabled', String(zoom <= minZoom));
    zoomIn.setAttribute('aria-disabled', String(zoom >= maxZoom));
    fit.setAttribute('aria-disabled', String(zoom === 1));
  }
  show();
  const stop = viewport.onChange(show);
  container.append(group);

  return {
    element: group,
    destroy() {
      stop();
      group.remove();
    },
  };
}

// key: how the title shows the key, and its name for aria-keyshortcuts (where "+" separates keys).
function button(document, text, label, [key, shortcut], onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'zoom-button';
  element.textContent = text;
  element.setAttribute('aria-label', label);
  element.setAttribute('aria-keyshortcuts', shortcut);
  element.title = `${label} (${key})`;
  element.addEventListener('click', () => {
    if (element.getAttribute('aria-disabled') !== 'true') onClick();
  });
  return element;
}
