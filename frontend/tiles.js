// The host's grid, as data: which student pages it shows, in what order and under what label,
// and which of them a change of the board touches. Pure: the DOM and the painting are in
// ui/grid.js.

import { laneOfItem } from './lanes.js';
import { STUDENT } from './policy.js';
import { gettext, interpolate } from './i18n.js';

/**
 * The pages of the grid: every student on the board (here or gone) and every page that holds
 * ink, as [{id, name, label, here}]. Named pages in the order of their names ("Student 2"
 * before "Student 10"); pages without a name numbered as the board's roster (`roster`, a Map
 * of id to {name, number}, from /b/<board>/pages) numbers them, the others after it in the
 * order they were first seen. `seen` (a Map of id to that order) is the caller's, kept across
 * calls so a number stays with its page.
 */
export function gridPages(people, board, seen, roster = new Map()) {
  const byId = new Map();
  for (const [id, student] of roster) byId.set(id, { id, name: student.name ?? null, here: false });
  for (const person of people) {
    if (person.role !== STUDENT) continue;
    const name = person.name ?? byId.get(person.id)?.name ?? null;
    byId.set(person.id, { id: person.id, name, here: Boolean(person.online) });
  }
  for (const stroke of board.strokes.values()) {
    const page = laneOfItem(stroke.author, stroke.item);
    if (page !== null && !byId.has(page)) byId.set(page, { id: page, name: null, here: false });
  }
  for (const id of byId.keys()) if (!seen.has(id)) seen.set(id, seen.size);
  // The roster's numbers, as export.zip names its files; after them, as first seen here.
  const others = [...seen.keys()].filter((id) => !roster.has(id));
  const otherNumbers = new Map(others.map((id, index) => [id, roster.size + index + 1]));
  const numberOf = (id) => roster.get(id)?.number ?? otherNumbers.get(id);
  const pages = [...byId.values()];
  pages.sort((a, b) => compareNames(a.name, b.name) || numberOf(a.id) - numberOf(b.id));
  return pages.map((page) => ({
    ...page,
    label: page.name ?? interpolate(gettext('Student %(number)s'), { number: numberOf(page.id) }),
  }));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

// Names first, in the order people expect; pages without one after them, as first seen.
function compareNames(a, b) {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return collator.compare(a, b);
}

/**
 * Which tiles must be painted again: a set of pages, or all of them. Marked as the board
 * changes, taken once a frame.
 */
export class DirtyPages {
  constructor() {
    this.all = true;
    this.pages = new Set();
  }

  /** `page` changed; null: every page did. */
  mark(page) {
    if (page === null) this.all = true;
    else this.pages.add(page);
  }

  markAll() {
    this.all = true;
  }

  /** What changed since the last take: {all, pages}, and nothing is dirty after it. */
  take() {
    const taken = { all: this.all, pages: this.pages };
    this.all = false;
    this.pages = new Set();
    return taken;
  }

  get clean() {
    return !this.all && this.pages.size === 0;
  }
}
