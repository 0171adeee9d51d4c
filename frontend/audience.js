// Who sees what of a board: the browser's mirror of draw/audience.py. The server sends each
// browser only what its audience sees; the page asks this only to know which page it shows
// (own page each, a spotlit page on the projector) and to label it. The table both sides are
// tested against is tests/fixtures/audience.json.

import { HOST, STUDENT } from './policy.js';

export { laneOf, laneOfItem } from './lanes.js';

/** Whether anyone sees less than the whole board under these class settings. */
export function isFiltered(settings) {
  return Boolean(settings.lanes) && !settings.reveal;
}

/**
 * Whether an item on `page` (frontend/lanes.js) is shown to `audience`, {role, participant}.
 */
export function visible(page, audience, settings) {
  if (page === null || !isFiltered(settings) || audience.role === HOST) return true;
  if (audience.role === STUDENT) return page === audience.participant;
  return page === settings.spotlight;
}

/**
 * Whether a change of class settings from `before` to `after` changes what a `role` sees of
 * the board: its page then holds other ink, which only a fresh snapshot brings or takes away.
 */
export function viewChanged(before, after, role) {
  if (role === HOST) return false;
  if (isFiltered(before) !== isFiltered(after)) return true;
  return role !== STUDENT && isFiltered(after) && before.spotlight !== after.spotlight;
}
