// The board's state over HTTP before the socket opens: one `snapshot` message from
// /b/<board>/snapshot (docs/protocol.md, "Joining over HTTP"), fetched as soon as the page
// starts, while p5 and the rest of the page get ready. The socket then asks only for what
// came after its seq. Any failure gives null, and the socket's own snapshot takes over.

import { SNAPSHOT } from './protocol.js';

// Beyond this the socket's snapshot is likely sooner than a response still not in.
export const SNAPSHOT_TIMEOUT_MS = 10000;

/** The board's snapshot message, or null when it cannot be had or is not one. */
export async function fetchSnapshot(
  url,
  { fetch = globalThis.fetch, timeoutMs = SNAPSHOT_TIMEOUT_MS, credential = null } = {},
) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    // The browser's cache keeps the last copy; `no-cache` from the server makes it ask again,
    // and an unchanged board answers 304 without a body.
    // The participant token or host key names the reader (docs/protocol.md, "Joining over HTTP").
    const headers = credential ? { Authorization: `Bearer ${credential}` } : {};
    const response = await fetch(url, { signal: abort.signal, credentials: 'same-origin', headers });
    if (!response.ok) return null;
    const message = await response.json();
    return isWholeSnapshot(message) ? message : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** A snapshot message holding a whole board in one part. */
export function isWholeSnapshot(message) {
  return (
    message !== null &&
    typeof message === 'object' &&
    message.type === SNAPSHOT &&
    Number.isSafeInteger(message.seq) &&
    message.seq >= 0 &&
    message.index === 0 &&
    Array.isArray(message.strokes) &&
    message.total === message.strokes.length
  );
}

/**
 * The Connection's refetch(): the board's snapshot fetched again and handed to
 * `preloaded(message)`; resolves to false when none could be had.
 */
export function refetcher(url, preloaded, { credential = () => null } = {}) {
  return async () => {
    const message = await fetchSnapshot(url, { credential: credential() });
    if (message) preloaded(message);
    return message !== null;
  };
}
