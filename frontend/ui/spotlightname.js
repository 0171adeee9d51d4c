// The projector's caption of a spotlit page: whose page the class is looking at, when the host
// lets the projector say it (class setting spotlight_name). The server sends a projector the
// spotlit student's name alone, and only then; names are user input, only ever text.

import { gettext, interpolate } from '../i18n.js';

/** The caption's text for these class settings and presence, or null when none shows. */
export function spotlightCaption(settings, presence) {
  if (!settings.lanes || settings.reveal || !settings.spotlight || !settings.spotlight_name) return null;
  const person = (presence.people ?? []).find((entry) => entry.id === settings.spotlight);
  return person?.name ? interpolate(gettext('The page of %(name)s'), { name: person.name }) : null;
}

export function createSpotlightName(element) {
  let settings = null;
  let presence = { people: null };
  function show() {
    const text = settings ? spotlightCaption(settings, presence) : null;
    element.hidden = text === null;
    if (text !== null && element.textContent !== text) element.textContent = text;
  }
  return {
    showSettings(next) {
      settings = next;
      show();
    },
    showPresence(next) {
      presence = next;
      show();
    },
  };
}
