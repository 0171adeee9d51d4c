// The projector's corner badge: where and how to join (link, code, QR code) and how many
// are here, so a class can join from what is on the wall. The host can switch it off.

import { gettext, interpolate } from '../i18n.js';
import { peopleCountText } from './people.js';

/** badge: the [data-role=badge] element; join: the page config's {code, url, qr} or null. */
export function createBadge(badge, join) {
  const url = badge.querySelector('[data-role=join-url]');
  const code = badge.querySelector('[data-role=join-code]');
  const qr = badge.querySelector('[data-role=join-qr]');
  const count = badge.querySelector('[data-role=people-count]');
  if (join) {
    // Shown without the scheme: shorter to read off a wall and type.
    url.textContent = join.url.replace(/^https?:\/\//, '');
    code.textContent = join.code;
    qr.src = join.qr;
    qr.alt = interpolate(gettext('QR code of %(url)s'), { url: join.url });
  } else {
    for (const part of [url, code, qr]) part.hidden = true;
  }

  return {
    /** Shown while the class settings want it (`badge`); hidden until they are known. */
    showSettings(settings) {
      badge.hidden = !settings.badge;
    },
    showCount(howMany) {
      count.textContent = peopleCountText(howMany);
    },
  };
}
