// What a refusal says to the person drawing, in the page's language. The server's own reason
// is for developers and in English; the page says it by the refusal's code, and falls back to
// the server's words for a code it does not know. A socket closed for a reason the person can
// act on (or wait out) is said the same way, by its close code.

import { gettext, gettext_noop } from './i18n.js';
import { CLOSE_TOO_MANY_CONNECTIONS, CLOSE_WRONG_HOST_KEYS } from './protocol.js';

const REFUSALS = Object.freeze({
  rate_limited: gettext_noop('Slow down a little: that was more than a board takes at once'),
  store_unavailable: gettext_noop('The board could not store that just now; it will be sent again'),
  board_full: gettext_noop('This board is full: erase or clear something, or start a new board'),
  forbidden: gettext_noop('Only the host can do that'),
  locked: gettext_noop('Pens are down: the host has paused drawing'),
  nothing_to_undo: gettext_noop('Nothing to undo'),
  nothing_to_redo: gettext_noop('Nothing to redo'),
  nothing_to_erase: gettext_noop('That is gone already'),
  nothing_to_clear: gettext_noop('The board is already empty'),
  nothing_to_remove: gettext_noop('That person has nothing on the board'),
  nothing_to_move: gettext_noop('That cannot move further that way'),
  stroke_too_long: gettext_noop('That line was too long to keep'),
  too_many_strokes: gettext_noop('Too much at once: try again'),
  internal_error: gettext_noop('Something went wrong with that on the server; it may not have been kept'),
});

/** The words for an `error` message: its code's, translated, or else the server's reason. */
export function refusalText(error) {
  const text = REFUSALS[error.code];
  return text ? gettext(text) : error.message;
}

// Closes the browser comes back from by itself, but only once the server lets it: why it waits.
const CLOSES = Object.freeze({
  [CLOSE_WRONG_HOST_KEYS]: gettext_noop(
    'Too many wrong host links were tried on this network or this board: the link joins as a student in a minute',
  ),
  [CLOSE_TOO_MANY_CONNECTIONS]: gettext_noop('Too many devices on this network are connected to the site just now'),
});

/** The words for a socket closed with `code`, translated; null for a close nobody needs told of. */
export function closeText(code) {
  const text = CLOSES[code];
  return text ? gettext(text) : null;
}
