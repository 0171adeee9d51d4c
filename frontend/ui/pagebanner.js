// The banner of one student's page opened large from the grid: whose page it is (what the
// host draws here lands on it alone) and the way back to every page.

import { gettext, interpolate } from '../i18n.js';
import { displayName } from './people.js';

export function createPageBanner(container, { page, gridUrl }) {
  const banner = document.createElement('div');
  banner.className = 'page-banner';
  banner.dataset.role = 'page-banner';
  banner.setAttribute('role', 'status');
  const title = document.createElement('span');
  const back = document.createElement('a');
  back.href = gridUrl;
  back.textContent = gettext('Back to every page');
  banner.append(title, back);
  container.append(banner);
  let shown = null;

  function show(name) {
    const text = name
      ? interpolate(gettext('The page of %(name)s: what you draw here is on it alone'), { name })
      : gettext('One student’s page: what you draw here is on it alone');
    if (text !== shown) title.textContent = shown = text;
  }
  show(null);

  return {
    /** The board's people changed: the page's owner may have a name to show now. */
    showPeople(presence) {
      const person = (presence.people ?? []).find((entry) => entry.id === page);
      show(person ? displayName(person) : null);
    },
  };
}
