// The host's grid on the page: one tile per student page (tiles.js says which), each a small
// canvas of that page drawn as it is drawn, under the student's name, opening the page large
// and lighting it on the projector. Tiles are painted again once a frame at most, and only
// those whose page changed. Names are user input: only ever text, never markup.

import { paintBackground as paintPaper, pictureBox } from '../backgrounds.js';
import { isShown } from '../board.js';
import { gettext, interpolate } from '../i18n.js';
import { layerOf } from '../items.js';
import { kindOf } from '../kinds/index.js';
import { laneOfItem, showsInLane } from '../lanes.js';
import { DirtyPages, gridPages } from '../tiles.js';

// The thinnest line in a tile, in its pixels: a thin stroke stays visible when shrunk.
const MIN_TILE_LINE_PIXELS = 1;
// How many frame timings the grid keeps for the benchmark (bench/grid.py).
export const KEPT_FRAME_TIMES = 2000;
// Items of the `under` layer (highlighters) lie under every other, as on the board.
const LAYERS = ['under', 'ink'];

/**
 * root: the [data-role=tiles] element. board: board.js state (the host's: every page).
 * pageUrl(id): where a tile opens. onSpotlight(id | null): light a page on the projector.
 */
export function createGrid(root, { board, pageUrl, onSpotlight, onEmpty = () => {} }) {
  const tiles = new Map(); // page id -> {element, canvas, context, name, spot, version}
  const seen = new Map();
  const dirty = new DirtyPages();
  let people = [];
  let roster = new Map();
  // The worksheet under the current page's ink (an ImageBitmap), or null.
  let picture = null;
  let settings = null;
  let frame = null;
  const frameTimes = [];

  function layout() {
    const pages = gridPages(people, board, seen, roster);
    const wanted = new Set(pages.map((page) => page.id));
    for (const [id, tile] of tiles) {
      if (!wanted.has(id)) {
        tile.element.remove();
        tiles.delete(id);
      }
    }
    pages.forEach((page, index) => {
      let tile = tiles.get(page.id);
      if (!tile) {
        tile = makeTile(page.id);
        tiles.set(page.id, tile);
        dirty.mark(page.id);
      }
      showPage(tile, page);
      // In the order of the pages, moving only what is out of place.
      if (root.children[index] !== tile.element) root.insertBefore(tile.element, root.children[index] ?? null);
    });
    onEmpty(pages.length === 0);
    schedule();
  }

  function makeTile(id) {
    const element = document.createElement('article');
    element.className = 'tile';
    element.dataset.tile = id;
    const open = document.createElement('a');
    open.className = 'tile-open';
    open.href = pageUrl(id);
    const canvas = document.createElement('canvas');
    canvas.className = 'tile-canvas';
    canvas.setAttribute('role', 'img');
    open.append(canvas);
    const foot = document.createElement('div');
    foot.className = 'tile-foot';
    const name = document.createElement('h2');
    name.className = 'tile-name';
    const spot = document.createElement('button');
    spot.type = 'button';
    spot.className = 'text-button';
    spot.dataset.action = 'spotlight';
    spot.addEventListener('click', () => onSpotlight(settings?.spotlight === id ? null : id));
    foot.append(name, spot);
    element.append(open, foot);
    return { element, canvas, context: canvas.getContext('2d'), open, name, spot, version: 0, size: null };
  }

  function showPage(tile, page) {
    if (tile.name.textContent !== page.label) tile.name.textContent = page.label;
    tile.element.toggleAttribute('data-away', !page.here);
    tile.open.setAttribute('aria-label', interpolate(gettext('Open the page of %(name)s'), { name: page.label }));
    tile.canvas.setAttribute('aria-label', interpolate(gettext('The page of %(name)s'), { name: page.label }));
    const lit = settings?.spotlight === page.id;
    tile.element.toggleAttribute('data-spotlit', lit);
    tile.spot.setAttribute('aria-pressed', String(lit));
    tile.spot.textContent = lit ? gettext('On the projector') : gettext('Spotlight');
    tile.spot.disabled = !settings?.lanes;
  }

  function schedule() {
    if (frame === null && !dirty.clean) frame = requestAnimationFrame(paintDirty);
  }

  function paintDirty() {
    frame = null;
    const started = performance.now();
    const { all, pages } = dirty.take();
    const painting = [...tiles].filter(([id]) => all || pages.has(id));
    for (const [, tile] of painting) startTile(tile);
    // One pass over the board for every tile painted: each stroke goes to the tiles it shows on.
    for (const layer of LAYERS) {
      for (const stroke of board.strokes.values()) {
        if (!isShown(stroke) || layerOf(stroke.item) !== layer) continue;
        const kind = kindOf(stroke);
        if (!kind) continue;
        for (const [id, tile] of painting) {
          if (showsInLane(stroke, id)) kind.paint(tile.context, stroke, tile.options);
        }
      }
    }
    for (const [, tile] of painting) {
      tile.context.restore();
      tile.version += 1;
      tile.element.dataset.version = String(tile.version);
    }
    if (painting.length) {
      if (frameTimes.length >= KEPT_FRAME_TIMES) frameTimes.shift();
      frameTimes.push(performance.now() - started);
    }
  }

  function startTile(tile) {
    const width = Math.max(1, Math.round(tile.canvas.clientWidth * devicePixelRatio)) || 200;
    const height = Math.round((width * board.height) / board.width);
    if (tile.canvas.width !== width || tile.canvas.height !== height) {
      tile.canvas.width = width;
      tile.canvas.height = height;
    }
    const scale = width / board.width;
    const context = tile.context;
    context.save();
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.setTransform(scale, 0, 0, scale, 0, 0);
    tile.options = { minWidth: MIN_TILE_LINE_PIXELS / scale, complete: true };
    paintPaper(context, settings?.background, board.width, board.height, { minWidth: MIN_TILE_LINE_PIXELS / scale });
    if (picture) {
      const box = pictureBox(picture.width, picture.height, board.width, board.height);
      context.drawImage(picture, box.x, box.y, box.width, box.height);
    }
  }

  // A tile's size follows the window: paint them all again at their new size.
  new ResizeObserver(() => {
    dirty.markAll();
    schedule();
  }).observe(root);

  return {
    /** The board's people changed (presence): tiles come and go, names change. */
    showPeople(presence) {
      people = presence.people ?? [];
      layout();
    },
    /** The board's roster (/b/<board>/pages): the names and numbers its export.zip gives. */
    showRoster(pages) {
      roster = new Map(pages.map((page) => [page.id, page]));
      layout();
    },
    /** Whether a student on the board is not in the roster as last read. */
    missesSomeone(presence) {
      return (presence.people ?? []).some((person) => person.role === 'student' && !roster.has(person.id));
    },
    showSettings(next) {
      if (settings && (next.background !== settings.background || next.page !== settings.page)) dirty.markAll();
      settings = next;
      layout();
    },
    /** A change of one stroke (its page, or every page for the host's), or of everything. */
    changed(stroke) {
      const page = stroke ? laneOfItem(stroke.author, stroke.item) : null;
      if (stroke) dirty.mark(page);
      else dirty.markAll();
      // A stroke may bring a page no person named yet (a student who left before this page opened).
      if (page !== null && !tiles.has(page)) layout();
      schedule();
    },
    /** The picture under the current page's ink, or null: every tile shows it. */
    showPicture(bitmap) {
      picture = bitmap;
      dirty.markAll();
      schedule();
    },
    /** Every page again (a new snapshot). */
    repaint() {
      layout();
      dirty.markAll();
      schedule();
    },
    frameTimes,
    tiles,
  };
}
