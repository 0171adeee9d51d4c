// What everyone sees of the class in the toolbar: how many are here and, where the host lets
// students see them (or to the host), who. Names are user input: only ever text, never markup.

import { gettext, interpolate, ngettext } from '../i18n.js';

export function peopleCountText(count) {
  return interpolate(ngettext('%(count)s person here', '%(count)s people here', count), { count });
}

/** A person's name as shown: the name, or a stand-in when there is none (anonymous board). */
export function displayName(person) {
  return person.name ?? gettext('No name');
}

/** root: holds [data-role=people-menu] with [data-role=people-count] and [data-role=people-names]. */
export function createPeopleMenu(root) {
  const menu = root.querySelector('[data-role=people-menu]');
  const count = root.querySelector('[data-role=people-count]');
  const names = root.querySelector('[data-role=people-names]');
  const summary = menu.querySelector('summary');
  // Without names there is nothing to open: the count is all there is.
  summary.addEventListener('click', (event) => {
    if (names.hidden) event.preventDefault();
  });
  // Escape closes the open list and leaves the keyboard where it opened it.
  menu.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !menu.open) return;
    menu.open = false;
    summary.focus();
    event.stopPropagation();
  });

  return {
    /** presence: {count, people} (people null when this participant may not see them). */
    show({ count: howMany, people }) {
      menu.hidden = false;
      delete menu.dataset.waiting;
      count.textContent = peopleCountText(howMany);
      names.hidden = !people;
      menu.classList.toggle('has-names', Boolean(people));
      // Only a list to open is announced as one.
      if (people) summary.removeAttribute('aria-disabled');
      else summary.setAttribute('aria-disabled', 'true');
      if (!people) {
        menu.open = false;
        names.replaceChildren();
        return;
      }
      names.replaceChildren(
        ...people.map((person) => {
          const item = document.createElement('li');
          item.dataset.participant = person.id;
          item.dataset.online = String(person.online);
          item.textContent = person.online ? displayName(person) : interpolate(gettext('%(name)s (away)'), { name: displayName(person) });
          return item;
        }),
      );
    },
  };
}
