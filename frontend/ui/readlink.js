// "Copy link" beside the downloads: a link to the board's PNG that someone can click, signed by
// the server for this reader and expiring (docs/protocol.md, "Pages (HTTP)"), never holding
// this page's token or the host key, which stay in the Authorization header.

import { gettext, interpolate } from '../i18n.js';

/** The signed links of the board for `credential`'s reader, or null: {png, svg, snapshot, max_age}. */
export async function readLinks(linksUrl, credential, fetch = globalThis.fetch) {
  try {
    const response = await fetch(linksUrl, { headers: { Authorization: `Bearer ${credential}` }, cache: 'no-store' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** root: the toolbar's export group; copy(text) resolves to whether it was copied; notify(text). */
export function createReadLinkButton(root, { linksUrl, credential, copy, notify }) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'text-button';
  button.dataset.role = 'copy-read-link';
  button.textContent = gettext('Copy link');
  button.title = gettext('Copy a link to this board’s PNG that anyone may open for a while');
  button.addEventListener('click', async () => {
    const named = credential();
    const links = named ? await readLinks(linksUrl, named) : null;
    if (!links) {
      notify(gettext('No link could be made just now: try again in a moment'));
      return;
    }
    const url = new URL(links.png, location.origin).href;
    const minutes = Math.round(links.max_age / 60);
    notify(
      (await copy(url))
        ? interpolate(gettext('Link copied: it opens the board as you see it for %(minutes)s minutes'), { minutes })
        : url,
    );
  });
  root.append(button);
  return button;
}
