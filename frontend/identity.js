// Who this browser is on a board, and where that is kept: the participant token in
// sessionStorage (one participant per tab), the host key in localStorage (the host stays
// host in every tab). Links hand both over in the fragment, which browsers never send to a
// server: `#t=<token>` from the join page, `#host=<key>` from the host link.

export function tokenStorageKey(board) {
  return `sketchsite.token.${board}`;
}

// The projector's own: a tab that was a participant on this board does not lend it its identity.
export function viewerTokenStorageKey(board) {
  return `sketchsite.token.${board}.show`;
}

export function hostKeyStorageKey(board) {
  return `sketchsite.host.${board}`;
}

/**
 * What a location hash hands over: {hostKey, token} (null when absent), and `rest`, the
 * hash without them ('' when nothing else was there).
 */
export function readFragment(hash) {
  const parts = (hash.startsWith('#') ? hash.slice(1) : hash).split('&').filter(Boolean);
  const params = new URLSearchParams(parts.filter(isHandedOver).join('&'));
  const rest = parts.filter((part) => !isHandedOver(part)).join('&');
  return { hostKey: params.get('host') || null, token: params.get('t') || null, rest: rest ? `#${rest}` : '' };
}

function isHandedOver(part) {
  const name = part.split('=')[0];
  return name === 'host' || name === 't';
}

/**
 * Keep the host key and the token a link brought, and take them out of the address bar
 * (and so out of bookmarks, history and a screen shared with the class).
 * Returns what was taken.
 */
export function adoptFragment(board, { location, history, localStorage, sessionStorage }) {
  const { hostKey, token, rest } = readFragment(location.hash);
  if (!hostKey && !token) return { hostKey, token };
  try {
    if (hostKey) localStorage.setItem(hostKeyStorageKey(board), hostKey);
    // A token from the join page is a new participant with the name typed there.
    if (token) sessionStorage.setItem(tokenStorageKey(board), token);
  } catch {
    // Storage refused (private mode, full): the link still works for this page's socket.
  }
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest}`);
  return { hostKey, token };
}
