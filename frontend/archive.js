// The host's lessons (/b/<board>/lessons, draw/archiveviews.py): each board they host, newest
// first, with a thumbnail, its date, pages and students; open, replay, PDF, duplicate, delete
// and its undo. The list is read with the host key this browser keeps for the board in the
// address, in a header, never in an address.

import { hostKeyStorageKey } from './identity.js';
import { gettext, interpolate, ngettext } from './i18n.js';

const config = JSON.parse(document.getElementById('board-config').textContent);
const hostKey = localStorage.getItem(hostKeyStorageKey(config.board));
const list = document.querySelector('[data-role=lessons]');
const deletedList = document.querySelector('[data-role=deleted]');
const deletedTitle = document.querySelector('[data-role=deleted-title]');
const status = document.querySelector('[data-role=status]');
const dates = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: 'medium', timeStyle: 'short' });
// Thumbnails are drawn by the server's exporter, a few at a time: asked for one after another,
// and again after a refusal (429), so a long list never takes every render slot.
const THUMBNAIL_RETRIES = 5;
let thumbnails = Promise.resolve();

function say(text, state = 'failed') {
  status.textContent = text;
  status.dataset.state = state;
}

async function ask(path, method = 'GET') {
  const response = await fetch(path, { method, headers: { Authorization: `Bearer ${hostKey}` }, cache: 'no-store' });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function link(text, href, role) {
  const anchor = element('a', 'text-button', text);
  anchor.href = href;
  anchor.dataset.action = role;
  return anchor;
}

function action(text, role, run) {
  const button = element('button', 'text-button', text);
  button.type = 'button';
  button.dataset.action = role;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      say(interpolate(gettext('That did not work: %(reason)s'), { reason: error.message }));
      button.disabled = false;
    }
  });
  return button;
}

function loadThumbnail(image, url) {
  thumbnails = thumbnails.then(async () => {
    for (let attempt = 0; attempt < THUMBNAIL_RETRIES; attempt += 1) {
      const response = await fetch(url).catch(() => null);
      if (response?.ok) {
        image.src = URL.createObjectURL(await response.blob());
        return;
      }
      if (response?.status !== 429) return;
      const seconds = Number(response.headers.get('Retry-After')) || 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  });
}

function card(lesson) {
  const item = element('article', 'tile lesson');
  item.dataset.board = lesson.board;
  const image = element('img', 'tile-canvas lesson-thumbnail');
  image.alt = interpolate(gettext('The board %(board)s'), { board: lesson.board });
  image.width = 320;
  image.height = 180;
  const title = element('h2', 'tile-name', lesson.board);
  const when = element('p', 'lesson-facts', dates.format(new Date(lesson.created)));
  const pages = interpolate(ngettext('%(count)s page', '%(count)s pages', lesson.pages), { count: lesson.pages });
  const students = interpolate(ngettext('%(count)s student', '%(count)s students', lesson.students), {
    count: lesson.students,
  });
  const facts = element('p', 'lesson-facts', `${pages} · ${students}`);
  facts.dataset.role = 'lesson-facts';
  const actions = element('div', 'tile-foot lesson-actions');
  if (lesson.deleted) {
    const until = dates.format(new Date(lesson.undo_until));
    when.textContent = interpolate(gettext('Deleted; it can be brought back until %(until)s'), { until });
    actions.append(
      action(gettext('Undo'), 'restore', async () => {
        await ask(`${config.lessonsPage}/${lesson.board}/restore`, 'POST');
        await show();
      }),
    );
    item.append(title, when, facts, actions);
    return item;
  }
  const open = element('a', 'tile-open');
  open.href = lesson.host_url;
  open.append(image);
  loadThumbnail(image, lesson.thumbnail);
  actions.append(
    link(gettext('Open'), lesson.host_url, 'open'),
    link(gettext('Replay'), lesson.replay, 'replay'),
    link('PDF', lesson.pdf, 'pdf'),
    link(gettext('Timelapse'), lesson.timelapse, 'timelapse'),
    action(gettext('Duplicate'), 'duplicate', async () => {
      await ask(`${config.lessonsPage}/${lesson.board}/duplicate`, 'POST');
      await show();
    }),
    action(gettext('Delete'), 'delete', async () => {
      await ask(`${config.lessonsPage}/${lesson.board}/delete`, 'POST');
      await show();
    }),
  );
  item.append(open, title, when, facts, actions);
  return item;
}

async function show() {
  const { lessons } = await ask(config.lessonsUrl);
  list.replaceChildren(...lessons.filter((lesson) => !lesson.deleted).map(card));
  const deleted = lessons.filter((lesson) => lesson.deleted).map(card);
  deletedList.replaceChildren(...deleted);
  deletedTitle.hidden = deleted.length === 0;
  say('', 'online');
}

document.querySelector('[data-role=new-lesson]').addEventListener('click', async () => {
  try {
    const made = await ask(`${config.lessonsPage}/new`, 'POST');
    location.assign(made.host_url);
  } catch (error) {
    say(interpolate(gettext('That did not work: %(reason)s'), { reason: error.message }));
  }
});

if (!hostKey) say(gettext('Only the host of this board sees its lessons: open it with the teacher link first.'));
else show().catch((error) => say(interpolate(gettext('The lessons could not be read: %(reason)s'), { reason: error.message })));
