// The pages of the lesson at the foot of the board: "Page 2 of 3" for everyone once there is
// more than one, and for the host the page turn (previous, next), a new page, the order and
// removal. The server keeps the pages and turns every screen; this only asks it to.

import { gettext, interpolate } from '../i18n.js';
import { pageIndex } from '../pages.js';

function button(role, text, label) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'page-button';
  element.dataset.role = role;
  element.textContent = text;
  element.setAttribute('aria-label', label);
  element.title = label;
  return element;
}

/**
 * The bar, in `container`. onTurn(step): to the page `step` on (-1, 1); onAdd(): a new page after
 * this one; onRemove(): this page goes; onMove(step): this page moves `step` places.
 */
export function createPageBar(container, { onTurn, onAdd, onRemove, onMove }) {
  const bar = document.createElement('nav');
  bar.className = 'page-bar';
  bar.dataset.role = 'page-bar';
  bar.setAttribute('aria-label', gettext('Pages'));
  const previous = button('page-previous', '‹', gettext('Previous page'));
  const label = document.createElement('span');
  label.className = 'page-label';
  label.dataset.role = 'page-label';
  label.setAttribute('aria-live', 'polite');
  const next = button('page-next', '›', gettext('Next page'));
  const earlier = button('page-earlier', '⇠', gettext('Move this page earlier'));
  const later = button('page-later', '⇢', gettext('Move this page later'));
  const add = button('page-add', '+', gettext('New page after this one'));
  const remove = button('page-remove', '×', gettext('Remove this page'));
  const hostOnly = [previous, next, earlier, later, add, remove];
  bar.append(previous, label, next, earlier, later, add, remove);
  container.append(bar);

  previous.addEventListener('click', () => onTurn(-1));
  next.addEventListener('click', () => onTurn(1));
  earlier.addEventListener('click', () => onMove(-1));
  later.addEventListener('click', () => onMove(1));
  add.addEventListener('click', () => onAdd());
  remove.addEventListener('click', () => {
    if (window.confirm(gettext('Remove this page for everyone? Its ink stays in the board’s history.'))) onRemove();
  });

  return {
    element: bar,
    /** The class settings (pages, page) as they are now, and whether this is the host. */
    show(settings, isHost) {
      const count = settings.pages.length;
      const index = pageIndex(settings.pages, settings.page);
      bar.hidden = count < 2 && !isHost;
      label.textContent = interpolate(gettext('Page %(number)s of %(count)s'), { number: index + 1, count });
      for (const control of hostOnly) control.hidden = !isHost;
      previous.disabled = earlier.disabled = index <= 0;
      next.disabled = later.disabled = index >= count - 1;
      remove.disabled = count < 2;
    },
  };
}
