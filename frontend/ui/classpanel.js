// The host's class panel, opened by the "Class" button: how students join (code, link, QR),
// pens down or up, the class settings, a link for the host's second device and the
// projector, and the people on the board with their ink and their place removable.
// Names are user input: they only ever become text, never markup.

import { VIEWER } from '../policy.js';
import { displayName } from './people.js';

// The toggles of the panel: class setting, label, and what it does, for the title.
const TOGGLES = [
  ['badge', 'Projector badge', 'The projector shows the join link, code and QR code in a corner'],
  ['anonymous', 'Anonymous', 'No names anywhere: students join without one'],
  ['names_visible', 'Students see names', 'Students see who is here, not only how many'],
  ['student_laser', 'Students may use the laser', 'The laser pointer for everyone, not only the host'],
];

/** The link that opens this board as its host elsewhere: same address as the join link. */
export function teacherLink({ joinUrl, fallbackOrigin, board, hostKey }) {
  const origin = joinUrl ? new URL(joinUrl).origin : fallbackOrigin;
  return `${origin}/b/${encodeURIComponent(board)}/#host=${encodeURIComponent(hostKey)}`;
}

/** The projector page of this board, at the same address as the join link. */
export function projectorLink({ joinUrl, fallbackOrigin, board }) {
  const origin = joinUrl ? new URL(joinUrl).origin : fallbackOrigin;
  return `${origin}/b/${encodeURIComponent(board)}/show`;
}

/**
 * One row per person for the people list: presence's people, who of them is drawing now
 * (a Set of ids), and who this is (no removing oneself; only students are removed).
 */
export function peopleRows(people, drawing, me) {
  return people.map((person) => ({
    id: person.id,
    name: person.id === me ? `${displayName(person)} (you)` : rowName(person),
    role: person.role,
    online: person.online,
    drawing: drawing.has(person.id),
    removable: person.role === 'student' && person.id !== me,
  }));
}

// A viewer is a projector page, which never has a name of its own.
function rowName(person) {
  return person.role === VIEWER && !person.name ? 'Projector' : displayName(person);
}

/**
 * panel: the [data-role=class-panel] element; toggle: the toolbar's "Class" button.
 * join: the page config's {code, url, qr} or null; hostKey(): this browser's host key;
 * me(): this participant's id; onSet(changes) (false when it could not be sent),
 * onRemoveInk(id), onRemove(id); copy(text): resolves to whether it was copied.
 */
export function createClassPanel(panel, toggle, { board, join, hostKey, me, onSet, onRemoveInk, onRemove, copy }) {
  let settings = null;
  let people = [];
  let drawing = new Set();

  toggle.addEventListener('click', () => setOpen(panel.hidden));
  function setOpen(open) {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) refreshLinks();
  }

  const header = element('div', 'class-panel-header');
  const title = element('h2', '', 'Class');
  const close = button('Close', () => setOpen(false));
  close.setAttribute('aria-label', 'Close the class panel');
  header.append(title, close);

  const joinSection = element('section', 'class-join');
  if (join) {
    const code = element('p', 'join-code', join.code);
    code.dataset.role = 'join-code';
    const url = element('a', 'join-url', join.url);
    url.href = join.url;
    url.target = '_blank';
    url.rel = 'noopener';
    url.dataset.role = 'join-url';
    const qr = document.createElement('img');
    qr.src = join.qr;
    qr.alt = `QR code of ${join.url}`;
    qr.className = 'join-qr';
    qr.dataset.role = 'join-qr';
    joinSection.append(element('p', 'class-hint', 'Students join at'), url, element('p', 'class-hint', 'with the code'), code, qr);
  } else {
    joinSection.append(element('p', 'class-hint', 'This board has no join code yet.'));
  }

  const pens = button('Pens down', () => {
    if (settings) onSet({ pens_down: !settings.pens_down });
  });
  pens.classList.add('pens-toggle');
  pens.dataset.role = 'pens-toggle';

  const toggles = element('fieldset', 'class-settings');
  toggles.append(element('legend', '', 'Settings'));
  const boxes = {};
  for (const [name, label, hint] of TOGGLES) {
    const row = element('label', 'class-setting');
    row.title = hint;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.dataset.setting = name;
    box.addEventListener('change', () => {
      // Not sent (offline): the box goes back to what the board has.
      if (!onSet({ [name]: box.checked })) box.checked = !box.checked;
    });
    boxes[name] = box;
    row.append(box, document.createTextNode(` ${label}`));
    toggles.append(row);
  }

  const links = element('section', 'class-links');
  const teacher = document.createElement('input');
  teacher.readOnly = true;
  teacher.dataset.role = 'teacher-link';
  teacher.setAttribute('aria-label', 'Teacher link');
  const copyTeacher = button('Copy', async () => {
    teacher.select();
    copyTeacher.textContent = (await copy(teacher.value)) ? 'Copied' : 'Select and copy';
    setTimeout(() => {
      copyTeacher.textContent = 'Copy';
    }, 2000);
  });
  copyTeacher.dataset.role = 'copy-teacher-link';
  const projector = element('a', 'show-link', 'Open the projector view');
  projector.dataset.role = 'show-link';
  projector.target = '_blank';
  projector.rel = 'noopener';
  const teacherRow = element('div', 'teacher-link');
  teacherRow.append(teacher, copyTeacher);
  links.append(
    element('p', 'class-hint', 'Teacher link, to host from a second device (keep it private):'),
    teacherRow,
    projector,
  );

  const peopleTitle = element('h3', '', 'People');
  const list = element('ul', 'people-list');
  list.dataset.role = 'people';
  const items = new Map(); // participant id -> <li>

  panel.replaceChildren(header, joinSection, pens, toggles, links, peopleTitle, list);

  function refreshLinks() {
    const fallbackOrigin = location.origin;
    const key = hostKey();
    teacher.value = key ? teacherLink({ joinUrl: join?.url, fallbackOrigin, board, hostKey: key }) : '';
    teacherRow.hidden = !key;
    projector.href = projectorLink({ joinUrl: join?.url, fallbackOrigin, board });
  }

  function personItem(id) {
    let item = items.get(id);
    if (item) return item;
    item = element('li', 'person');
    item.dataset.participant = id;
    const name = element('span', 'person-name');
    const role = element('span', 'person-role');
    const state = element('span', 'person-state');
    const activity = element('span', 'person-drawing', 'drawing');
    const removeInk = button('Remove ink', () => onRemoveInk(id));
    removeInk.dataset.action = 'remove-ink';
    const remove = button('Remove', () => {
      const who = name.textContent;
      if (window.confirm(`Remove ${who} from this board? They cannot come back with this link.`)) onRemove(id);
    });
    remove.dataset.action = 'remove';
    remove.classList.add('danger');
    item.append(name, role, state, activity, removeInk, remove);
    items.set(id, item);
    return item;
  }

  function renderPeople() {
    const rows = peopleRows(people, drawing, me());
    const seen = new Set();
    for (const row of rows) {
      const item = personItem(row.id);
      seen.add(row.id);
      const [name, role, state, activity, removeInk, remove] = item.children;
      if (name.textContent !== row.name) name.textContent = row.name;
      role.textContent = row.role;
      state.textContent = row.online ? 'online' : 'away';
      item.dataset.online = String(row.online);
      item.dataset.drawing = String(row.drawing);
      item.dataset.personRole = row.role;
      activity.hidden = !row.drawing;
      removeInk.hidden = !row.removable;
      remove.hidden = !row.removable;
      list.append(item); // in presence order: connected first, then by name
    }
    for (const [id, item] of items) {
      if (!seen.has(id)) {
        item.remove();
        items.delete(id);
      }
    }
    // Counted as presence counts them (and the toolbar shows): projectors are not people here.
    const here = rows.filter((row) => row.online && row.role !== VIEWER).length;
    peopleTitle.textContent = `People (${here} here)`;
  }

  return {
    /** Only a host has the panel. */
    setAvailable(available) {
      toggle.hidden = !available;
      if (!available) setOpen(false);
    },
    showSettings(next) {
      settings = next;
      pens.textContent = next.pens_down ? 'Pens up' : 'Pens down';
      pens.setAttribute('aria-pressed', String(next.pens_down));
      pens.title = next.pens_down ? 'Let students draw again' : 'Stop students drawing for now';
      for (const [name, box] of Object.entries(boxes)) box.checked = Boolean(next[name]);
    },
    showPeople(presence) {
      people = presence.people ?? [];
      renderPeople();
    },
    /** Who has a stroke being drawn on the board now (a Set of participant ids). */
    showDrawing(authors) {
      if (authors.size === drawing.size && [...authors].every((id) => drawing.has(id))) return;
      drawing = authors;
      renderPeople();
    },
  };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label, onClick) {
  const node = element('button', 'text-button', label);
  node.type = 'button';
  node.addEventListener('click', onClick);
  return node;
}
