// The host's class panel, opened by the "Class" button: how students join (code, link, QR),
// pens down or up, the class settings, a link for the host's second device and the
// projector, every student's page to download, and the people on the board with their ink
// and their place removable.
// Names are user input: they only ever become text, never markup.

import { BACKGROUND_KINDS } from '../backgrounds.js';
import { gettext, gettext_noop, interpolate } from '../i18n.js';
import { VIEWER } from '../policy.js';
import { downloadAs } from './download.js';
import { readLinks } from './readlink.js';
import { displayName } from './people.js';

// The toggles of the panel: class setting, label, and what it does, for the title.
const TOGGLES = [
  ['lanes', gettext_noop('Own page each'), gettext_noop('Each student sees your ink and their own, nobody else\'s')],
  ['reveal', gettext_noop('Show every page'), gettext_noop('With own page each: every student\'s page is shown to everyone')],
  ['spotlight_name', gettext_noop('Name on the projector'), gettext_noop('With a spotlight: the projector shows whose page it is')],
  ['dark', gettext_noop('Dark board for everyone'), gettext_noop('Every screen and the projector show the board dark; each can still switch its own')],
  ['badge', gettext_noop('Projector badge'), gettext_noop('The projector shows the join link, code and QR code in a corner')],
  ['anonymous', gettext_noop('Anonymous'), gettext_noop('No names anywhere: students join without one')],
  ['names_visible', gettext_noop('Students see names'), gettext_noop('Students see who is here, not only how many')],
  ['student_laser', gettext_noop('Students may use the laser'), gettext_noop('The laser pointer for everyone, not only the host')],
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
    name: person.id === me ? interpolate(gettext('%(name)s (you)'), { name: displayName(person) }) : rowName(person),
    role: person.role,
    online: person.online,
    drawing: drawing.has(person.id),
    removable: person.role === 'student' && person.id !== me,
  }));
}

// A viewer is a projector page, which never has a name of its own.
function rowName(person) {
  return person.role === VIEWER && !person.name ? gettext('Projector') : displayName(person);
}

/**
 * panel: the [data-role=class-panel] element; toggle: the toolbar's "Class" button.
 * join: the page config's {code, url, qr} or null; gridUrl: the host's grid of every page;
 * replayUrl: the replay page; lessonsUrl: the host's list of lessons; linksUrl: where the signed read links are asked for (the projector's
 * replay among them); pagesUrl: the board's export.zip, every student's page (fetched with the host key);
 * hostKey(): this browser's host key;
 * me(): this participant's id; onSet(changes) (false when it could not be sent),
 * onRemoveInk(id), onRemove(id); copy(text): resolves to whether it was copied.
 */
export function createClassPanel(
  panel,
  toggle,
  { board, join, gridUrl, replayUrl, lessonsUrl, linksUrl, pagesUrl, hostKey, me, onSet, onRemoveInk, onRemove, copy },
) {
  let settings = null;
  let people = [];
  let drawing = new Set();

  toggle.addEventListener('click', () => setOpen(panel.hidden));
  // Opened, the keyboard goes into the panel; closed from inside it, back to the toggle,
  // so no one is left on a control that went away.
  function setOpen(open) {
    const wasOpen = !panel.hidden;
    const focusInside = panel.contains(document.activeElement);
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) refreshLinks();
    if (open && !wasOpen) panel.focus();
    if (!open && focusInside && !toggle.hidden) toggle.focus();
  }
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    setOpen(false);
  });

  const header = element('div', 'class-panel-header');
  const title = element('h2', '', gettext('Class'));
  title.id = 'class-panel-title';
  panel.setAttribute('aria-labelledby', title.id);
  const close = button(gettext('Close'), () => setOpen(false));
  close.setAttribute('aria-label', gettext('Close the class panel'));
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
    qr.alt = interpolate(gettext('QR code of %(url)s'), { url: join.url });
    qr.className = 'join-qr';
    qr.dataset.role = 'join-qr';
    joinSection.append(
      element('p', 'class-hint', gettext('Students join at')),
      url,
      element('p', 'class-hint', gettext('with the code')),
      code,
      qr,
    );
  } else {
    joinSection.append(element('p', 'class-hint', gettext('This board has no join code yet.')));
  }

  const pens = button(gettext('Pens down'), () => {
    if (settings) onSet({ pens_down: !settings.pens_down });
  });
  pens.classList.add('pens-toggle');
  pens.dataset.role = 'pens-toggle';

  const toggles = element('fieldset', 'class-settings');
  toggles.append(element('legend', '', gettext('Settings')));
  const boxes = {};
  for (const [name, label, hint] of TOGGLES) {
    const row = element('label', 'class-setting');
    row.title = gettext(hint);
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.dataset.setting = name;
    box.addEventListener('change', () => {
      // Not sent (offline): the box goes back to what the board has.
      if (!onSet({ [name]: box.checked })) box.checked = !box.checked;
    });
    boxes[name] = box;
    row.append(box, document.createTextNode(` ${gettext(label)}`));
    toggles.append(row);
  }
  // The paper under everyone's ink (backgrounds.js): a setting like the others.
  const paperRow = element('label', 'class-setting');
  const paper = document.createElement('select');
  paper.dataset.setting = 'background';
  for (const kind of BACKGROUND_KINDS) {
    const option = document.createElement('option');
    option.value = kind;
    option.textContent = gettext(PAPER_NAMES[kind] ?? kind);
    paper.append(option);
  }
  paper.addEventListener('change', () => {
    if (!onSet({ background: paper.value })) paper.value = settings?.background ?? paper.value;
  });
  paperRow.append(document.createTextNode(`${gettext('Paper')} `), paper);
  toggles.append(paperRow);

  const links = element('section', 'class-links');
  const teacher = document.createElement('input');
  teacher.readOnly = true;
  teacher.dataset.role = 'teacher-link';
  teacher.setAttribute('aria-label', gettext('Teacher link'));
  const copyTeacher = button(gettext('Copy'), async () => {
    teacher.select();
    copyTeacher.textContent = (await copy(teacher.value)) ? gettext('Copied') : gettext('Select and copy');
    setTimeout(() => {
      copyTeacher.textContent = gettext('Copy');
    }, 2000);
  });
  copyTeacher.dataset.role = 'copy-teacher-link';
  const projector = element('a', 'show-link', gettext('Open the projector view'));
  projector.dataset.role = 'show-link';
  projector.target = '_blank';
  projector.rel = 'noopener';
  const teacherRow = element('div', 'teacher-link');
  teacherRow.append(teacher, copyTeacher);
  // Every student's page at once, live: the host's grid.
  const grid = element('a', 'show-link', gettext('See every page'));
  grid.dataset.role = 'grid-link';
  grid.href = gridUrl;
  // The lesson played back, in a tab of its own (it reads the host key this browser keeps).
  const replay = element('a', 'show-link', gettext('Replay the lesson'));
  replay.dataset.role = 'replay-link';
  replay.href = replayUrl;
  replay.target = '_blank';
  replay.rel = 'noopener';
  // The lesson played on the projector for the class: an address with a projector's read link
  // (the server signs it; it holds no key), opened on the projector's screen.
  const presentReplay = element('a', 'show-link', gettext('Play the replay on the projector'));
  presentReplay.dataset.role = 'present-replay-link';
  presentReplay.target = '_blank';
  presentReplay.rel = 'noopener';
  presentReplay.hidden = true;
  // Every lesson this host has made: open, replay, duplicate, delete (frontend/archive.js).
  const lessons = element('a', 'show-link', gettext('Your lessons'));
  lessons.dataset.role = 'lessons-link';
  lessons.href = lessonsUrl;
  const pages = element('a', 'pages-link', gettext('Download every student\'s page'));
  pages.dataset.role = 'pages-zip';
  pages.href = pagesUrl;
  pages.download = `${board}-pages.zip`;
  pages.title = gettext('A PNG, an SVG and a PDF of each student\'s pages, in one ZIP file');
  const pagesStatus = element('p', 'class-hint');
  pagesStatus.setAttribute('role', 'status');
  pages.addEventListener('click', async (event) => {
    // The host key goes in a header, never in an address (which ends up in logs).
    event.preventDefault();
    const key = hostKey();
    pagesStatus.textContent = '';
    if (!key || !(await downloadAs(pagesUrl, pages.download, key))) {
      pagesStatus.textContent = gettext('The pages were not downloaded: try again in a moment.');
    }
  });
  links.append(
    element('p', 'class-hint', gettext('Teacher link, to host from a second device (keep it private):')),
    teacherRow,
    projector,
    grid,
    replay,
    presentReplay,
    lessons,
    pages,
    pagesStatus,
  );

  const peopleTitle = element('h3', '', gettext('People'));
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
    if (key) {
      readLinks(linksUrl, key).then((signed) => {
        presentReplay.hidden = !signed?.replay;
        if (signed?.replay) presentReplay.href = new URL(signed.replay, fallbackOrigin).href;
      });
    }
  }

  function personItem(id) {
    let item = items.get(id);
    if (item) return item;
    item = element('li', 'person');
    item.dataset.participant = id;
    const name = element('span', 'person-name');
    const role = element('span', 'person-role');
    const state = element('span', 'person-state');
    const activity = element('span', 'person-drawing', gettext('drawing'));
    const spotlight = button(gettext('Spotlight'), () => {
      if (settings) onSet({ spotlight: settings.spotlight === id ? null : id });
    });
    spotlight.dataset.action = 'spotlight';
    const removeInk = button(gettext('Remove ink'), () => onRemoveInk(id));
    removeInk.dataset.action = 'remove-ink';
    const remove = button(gettext('Remove'), () => {
      const question = gettext('Remove %(name)s from this board? They cannot come back with this link.');
      if (window.confirm(interpolate(question, { name: name.textContent }))) onRemove(id);
    });
    remove.dataset.action = 'remove';
    remove.classList.add('danger');
    item.append(name, role, state, activity, spotlight, removeInk, remove);
    items.set(id, item);
    return item;
  }

  function renderPeople() {
    const rows = peopleRows(people, drawing, me());
    const seen = new Set();
    for (const row of rows) {
      const item = personItem(row.id);
      seen.add(row.id);
      const [name, role, state, activity, spotlight, removeInk, remove] = item.children;
      if (name.textContent !== row.name) name.textContent = row.name;
      role.textContent = roleName(row.role);
      state.textContent = row.online ? gettext('online') : gettext('away');
      item.dataset.online = String(row.online);
      item.dataset.drawing = String(row.drawing);
      item.dataset.personRole = row.role;
      activity.hidden = !row.drawing;
      // Whose page the projector shows, with own page each on.
      spotlight.hidden = !row.removable || !settings?.lanes;
      const lit = settings?.spotlight === row.id;
      spotlight.setAttribute('aria-pressed', String(lit));
      spotlight.textContent = lit ? gettext('On the projector') : gettext('Spotlight');
      spotlight.setAttribute('aria-label', interpolate(gettext('Show the page of %(name)s on the projector'), { name: row.name }));
      removeInk.hidden = !row.removable;
      remove.hidden = !row.removable;
      // Every row has the same two buttons: each says whose they are.
      removeInk.setAttribute('aria-label', interpolate(gettext('Remove the ink of %(name)s'), { name: row.name }));
      remove.setAttribute('aria-label', interpolate(gettext('Remove %(name)s'), { name: row.name }));
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
    peopleTitle.textContent = interpolate(gettext('People (%(count)s here)'), { count: here });
  }

  return {
    /** The settings' fieldset, where other controls of the class's settings go. */
    get settingsElement() {
      return toggles;
    },
    /** Only a host has the panel. */
    setAvailable(available) {
      toggle.hidden = !available;
      if (!available) setOpen(false);
    },
    showSettings(next) {
      settings = next;
      pens.textContent = next.pens_down ? gettext('Pens up') : gettext('Pens down');
      pens.setAttribute('aria-pressed', String(next.pens_down));
      pens.title = next.pens_down ? gettext('Let students draw again') : gettext('Stop students drawing for now');
      for (const [name, box] of Object.entries(boxes)) box.checked = Boolean(next[name]);
      paper.value = next.background;
      // Showing every page means something only while each has their own.
      boxes.reveal.disabled = !next.lanes;
      renderPeople();
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

// The kinds of paper as a person reads them (backgrounds.json has the kinds).
const PAPER_NAMES = {
  plain: gettext_noop('Plain'),
  squared: gettext_noop('Squared'),
  lined: gettext_noop('Lined'),
  dotted: gettext_noop('Dotted'),
};

// The roles as a person reads them (the wire's names are English words, kept as they are).
const ROLE_NAMES = {
  host: gettext_noop('host'),
  student: gettext_noop('student'),
  viewer: gettext_noop('projector'),
};

function roleName(role) {
  return role in ROLE_NAMES ? gettext(ROLE_NAMES[role]) : role;
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
