// What everyone sees of the class in the toolbar: how many are here and, where the host lets
// students see them (or to the host), who. Names are user input: only ever text, never markup.

export function peopleCountText(count) {
  return count === 1 ? '1 person here' : `${count} people here`;
}

/** A person's name as shown: the name, or a stand-in when there is none (anonymous board). */
export function displayName(person) {
  return person.name ?? 'No name';
}

/** root: holds [data-role=people-menu] with [data-role=people-count] and [data-role=people-names]. */
export function createPeopleMenu(root) {
  const menu = root.querySelector('[data-role=people-menu]');
  const count = root.querySelector('[data-role=people-count]');
  const names = root.querySelector('[data-role=people-names]');
  // Without names there is nothing to open: the count is all there is.
  menu.querySelector('summary').addEventListener('click', (event) => {
    if (names.hidden) event.preventDefault();
  });

  return {
    /** presence: {count, people} (people null when this participant may not see them). */
    show({ count: howMany, people }) {
      menu.hidden = false;
      count.textContent = peopleCountText(howMany);
      names.hidden = !people;
      menu.classList.toggle('has-names', Boolean(people));
      if (!people) {
        menu.open = false;
        names.replaceChildren();
        return;
      }
      names.replaceChildren(
        ...people.map((person) => {
          const item = document.createElement('li');
          item.textContent = displayName(person);
          item.dataset.participant = person.id;
          item.dataset.online = String(person.online);
          if (!person.online) item.title = 'Away';
          return item;
        }),
      );
    },
  };
}
