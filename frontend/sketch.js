// The p5 sketch (instance mode): board state becomes pixels, on three canvases stacked in the
// board's container:
// - `under`: the board and letterbox, then the items that lie under the ink (highlighters);
// - `ink`: every other committed item, in drawing order;
// - p5's own canvas on top: what is still being drawn (previews, items being moved), painted
//   again whenever it changes, and the canvas the tools listen on.
// Committed items are painted once into their layer, so a preview or an overlay never repaints
// the board. Hiding, showing or moving items repaints only where they were and are (dirty.js
// finds the items there); a new snapshot, a resize or a zoom repaints both layers, a slice
// per frame (painting.js), and onProgress() hears how far it is.
// onReady(canvas) runs once the canvas exists (startNow: as soon as the sketch is made).

import p5 from '../vendor/p5/p5.esm.min.js';
import { DEFAULT_BACKGROUND, paintBackground as paintPaper, pictureBox } from './backgrounds.js';
import { isShown, strokeKey } from './board.js';
import { boardRectOf, deviceRect, grownRect, ItemIndex, segmentsWithin, unionRect } from './dirty.js';
import { gettext } from './i18n.js';
import { layerOf } from './items.js';
import { kindOf } from './kinds/index.js';
import { textFontReady } from './kinds/text.js';
import { ALL, COVER_CELL, Cover, PaintQueue } from './painting.js';
import { boardTheme, displayColor } from './theme.js';
import { stretch } from './view.js';
import { Viewport } from './viewport.js';

// p5's friendly-error checks cost time on every call and warn about our own names.
p5.disableFriendlyErrors = true;

// The thinnest line on screen, in CSS pixels, however far out the view is zoomed.
export const MIN_LINE_PIXELS = 2;
// While the view is zoomed or panned, the committed layers are stretched as pictures and
// painted again this long after the view last changed: a pinch on a big board would otherwise
// clear and restart a repaint on every step, and show a board that is mostly empty.
export const SETTLE_MS = 150;
// Painting per frame of the repaint once a zoom or pan settles, shorter than a repaint's usual
// slice (painting.js PAINT_SLICE_MS): a hand that zooms once zooms again, and each frame of
// the repaint must then leave time in a 60 Hz frame (16.7 ms) for the browser to raster and
// answer the pinch, rather than end its frame late. The board fills in over more frames.
export const SETTLE_SLICE_MS = 10;
// How far past an item's bounds, in CSS pixels, a repaint of where it lies reaches: the edge
// pixels the canvas blends into the background, and a line drawn wider than its width at
// MIN_LINE_PIXELS.
export const DIRTY_MARGIN_PIXELS = MIN_LINE_PIXELS / 2 + 2;
// How far past its box, as a share of its size, a text's glyphs may reach: the box is the
// font's ascent and descent and the text's advance, and accents stacked above a capital or a
// glyph's overhang at either end lie outside it.
export const TEXT_OVERHANG = 0.3;

/**
 * Start a p5 instance now rather than at the window's `load`, which p5 waits for while the
 * document is still loading. `load` waits for every preload of the page, the board's whole
 * snapshot among them, and the canvas is needed the moment that snapshot is applied. A module
 * script runs once the document is parsed, so the container is already there.
 */
function startNow(instance) {
  // p5 2.x keeps the listener it waits with (pinned in package-lock.json).
  const start = instance._startListener;
  if (document.readyState === 'complete' || typeof start !== 'function') return;
  window.removeEventListener('load', start, false);
  start();
}

export function createSketch(container, board, { onReady, onProgress = () => {}, theme = 'light' }) {
  const viewport = new Viewport({ boardWidth: board.width, boardHeight: board.height });
  let repaintAll = true;
  let liveChanged = true;
  let themeName = theme;
  let paperName = DEFAULT_BACKGROUND;
  // A decoded picture (an ImageBitmap) under the ink and over the paper, or null.
  let picture = null;
  const layers = { under: null, ink: null };
  const decorations = [];
  const layerCanvas = { live: null };
  const queue = new PaintQueue({ flush: () => layers.ink?.context.getImageData(0, 0, 1, 1) });
  // The committed items by where they were last painted, and the part of the board (board
  // units) to paint again at the next frame, or null.
  const index = new ItemIndex();
  let dirty = null;
  // The view the committed layers are painted at, and when the view last moved (null: still).
  let paintedView = null;
  let viewMovedAt = null;
  viewport.onChange(() => {
    viewMovedAt = performance.now();
    liveChanged = true;
    stretchLayers();
  });
  // Text painted before the board's font arrived used a stand-in: paint it again in its own.
  // A board with no text is left alone: the font may come in while a big board's first repaint
  // is under way, which would start again from the bottom stroke.
  textFontReady.then(() => {
    liveChanged = true;
    for (const stroke of board.strokes.values()) {
      if (stroke.item?.kind === 'text') {
        repaintAll = true;
        return;
      }
    }
  });

  // Each ink colour as this board's theme shows it, worked out once per colour and theme.
  const shownColours = new Map();
  function shownColour(color) {
    let shown = shownColours.get(color);
    if (shown === undefined) {
      shown = displayColor(themeName, color);
      shownColours.set(color, shown);
    }
    return shown;
  }

  function paintOptions(complete, view = viewport.view) {
    return { minWidth: MIN_LINE_PIXELS / view.scale, color: shownColour, complete };
  }

  // Board units to this canvas's pixels at `view`, the device's pixel ratio included.
  function toBoard(context, ratio, view = viewport.view) {
    const { scale, offsetX, offsetY } = view;
    context.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * offsetX, ratio * offsetY);
  }

  // Show the committed layers, painted at paintedView, where the current view puts them.
  function stretchLayers() {
    if (!paintedView || !layers.under) return;
    const transform = viewMovedAt === null ? '' : `matrix(${stretch(paintedView, viewport.view).join(',')})`;
    for (const layer of [layers.under, layers.ink]) {
      layer.canvas.style.transformOrigin = '0 0';
      layer.canvas.style.transform = transform;
    }
  }

  // Paint a committed item into its layer, whose transform paintFrame() has set to board units.
  // `mask`: which segments of a marker later strokes leave to be seen (painting.js Cover).
  function paintCommitted(stroke, options, mask) {
    if (stroke.nudge || !stroke.committed) return;
    const kind = kindOf(stroke);
    if (!kind) return;
    const layer = layerOf(stroke.item) === 'under' ? layers.under : layers.ink;
    kind.paint(layer.context, stroke, options, mask);
  }

  // An item's bounds in board units, worked out again only when its points or item change
  // (a committed item's points are replaced whole, never changed in place).
  const boundsCache = new WeakMap();
  function boundsOf(stroke) {
    if (stroke.item?.kind === 'text') {
      // Measured in the board's font once it has come (kinds/text.js keeps the measure).
      const box = kindOf(stroke).bounds(stroke);
      return box && grownRect(box, TEXT_OVERHANG * stroke.item.size);
    }
    const cached = boundsCache.get(stroke);
    if (cached && cached.points === stroke.points && cached.length === stroke.points.length && cached.item === stroke.item) {
      return cached.bounds;
    }
    const bounds = kindOf(stroke)?.bounds(stroke) ?? null;
    boundsCache.set(stroke, { points: stroke.points, length: stroke.points.length, item: stroke.item, bounds });
    return bounds;
  }

  function onBoard(stroke) {
    return board.strokes.get(strokeKey(stroke.author, stroke.id)) === stroke;
  }

  // Bring the index up to the board's committed items at a whole repaint. Bounds are in board
  // units, so a zoom or a resize leaves it as it is and this only looks at each item; items
  // new since (a snapshot) are put after the others when they lie above them in the board,
  // else the index is built again.
  function indexBoard() {
    let rebuilt = false;
    let last = -1;
    const seen = new Set();
    for (const stroke of board.strokes.values()) {
      if (!stroke.committed) continue;
      seen.add(stroke);
      const order = index.orderOf(stroke);
      if (order === null) {
        index.put(stroke, boundsOf(stroke), { onTop: true });
        last = Infinity;
      } else if (order < last) {
        rebuilt = true;
        break;
      } else {
        last = order;
        if (index.boundsOf(stroke) !== boundsOf(stroke)) index.put(stroke, boundsOf(stroke));
      }
    }
    if (rebuilt) {
      index.clear();
      for (const stroke of board.strokes.values()) if (stroke.committed) index.put(stroke, boundsOf(stroke));
      return;
    }
    if (index.size > seen.size) for (const stroke of index.items()) if (!seen.has(stroke)) index.remove(stroke);
  }

  // These items changed where they lie or whether they show: where they were painted and
  // where they are now is painted again at the next frame.
  function markItems(strokes) {
    liveChanged = true;
    if (queue.repainting) repaintAll = true;
    if (repaintAll) return;
    for (const stroke of strokes) {
      const now = stroke.committed && onBoard(stroke) ? boundsOf(stroke) : null;
      dirty = unionRect(dirty, unionRect(index.boundsOf(stroke), now));
      if (now) index.put(stroke, now);
      else index.remove(stroke);
    }
  }

  // Paint the board rectangle `rect` of both layers again: the background, then every item
  // that reaches into it, in drawing order, as a whole repaint would have painted it there.
  function paintRegion(rect) {
    const view = paintedView;
    const { ratio, canvas } = layers.ink;
    const pixels = deviceRect(rect, view, ratio, DIRTY_MARGIN_PIXELS, canvas.width, canvas.height);
    if (!pixels) return;
    for (const layer of [layers.under, layers.ink]) {
      layer.context.save();
      layer.context.setTransform(1, 0, 0, 1, 0, 0);
      layer.context.beginPath();
      layer.context.rect(...pixels);
      layer.context.clip();
    }
    paintBackground();
    for (const layer of [layers.under, layers.ink]) toBoard(layer.context, layer.ratio, view);
    const options = paintOptions(true, view);
    const reach = grownRect(boardRectOf(pixels, view, ratio), DIRTY_MARGIN_PIXELS / view.scale);
    // From the top down, as a whole repaint does: what later items cover completely in the
    // region is left out (painting.js Cover), then the rest is painted in drawing order.
    const found = index.within(reach).filter(isShown);
    const within = pixels.map((value) => value / ratio);
    const cover = new Cover(canvas.width / ratio, canvas.height / ratio, COVER_CELL, within);
    const masks = new Array(found.length);
    for (let i = found.length - 1; i >= 0; i -= 1) {
      const stroke = found[i];
      // A long marker line that crosses the region is painted only where it does.
      const half = stroke.item?.kind === 'marker' ? Math.max(stroke.item.width, options.minWidth) / 2 : 0;
      const wanted = half ? segmentsWithin(stroke.points, reach, half + DIRTY_MARGIN_PIXELS / view.scale) : ALL;
      if (wanted === null) continue;
      const shown = cover.shown(stroke, view, wanted === ALL ? null : wanted);
      if (shown === null) continue;
      masks[i] = shown;
      cover.add(stroke, view);
    }
    for (let i = 0; i < found.length; i += 1) {
      if (masks[i] !== undefined) paintCommitted(found[i], options, masks[i] === ALL ? undefined : masks[i]);
    }
    for (const layer of [layers.under, layers.ink]) layer.context.restore();
  }

  function paintBackground() {
    const { under, ink } = layers;
    const colours = boardTheme(themeName);
    const view = paintedView;
    for (const layer of [under, ink]) {
      layer.context.setTransform(1, 0, 0, 1, 0, 0);
      layer.context.clearRect(0, 0, layer.canvas.width, layer.canvas.height);
    }
    const context = under.context;
    context.fillStyle = colours.letterbox;
    context.fillRect(0, 0, under.canvas.width, under.canvas.height);
    context.setTransform(under.ratio, 0, 0, under.ratio, 0, 0);
    context.fillStyle = colours.board;
    context.fillRect(view.offsetX, view.offsetY, view.width, view.height);
    // The paper (squared, lined, dotted) under every item, clipped to the board.
    context.save();
    context.beginPath();
    context.rect(view.offsetX, view.offsetY, view.width, view.height);
    context.clip();
    toBoard(context, under.ratio, view);
    // One screen pixel at the thinnest: paper stays quieter than the thinnest ink (MIN_LINE_PIXELS).
    paintPaper(context, paperName, board.width, board.height, { minWidth: 1 / view.scale, color: shownColour });
    if (picture) {
      const box = pictureBox(picture.width, picture.height, board.width, board.height);
      context.imageSmoothingQuality = 'high';
      context.drawImage(picture, box.x, box.y, box.width, box.height);
    }
    context.restore();
  }

  function paintLive(p) {
    const context = p.drawingContext;
    const ratio = p.pixelDensity();
    context.save();
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, context.canvas.width, context.canvas.height);
    toBoard(context, ratio);
    for (const stroke of board.strokes.values()) {
      if (!isShown(stroke) || (stroke.committed && !stroke.nudge)) continue;
      const kind = kindOf(stroke);
      if (!kind) continue;
      context.save();
      if (stroke.nudge) context.translate(stroke.nudge[0], stroke.nudge[1]);
      kind.paint(context, stroke, paintOptions(stroke.done));
      context.restore();
    }
    for (const decoration of decorations) decoration(context, viewport.view);
    context.restore();
  }

  function makeLayer(name, before) {
    const canvas = document.createElement('canvas');
    canvas.className = `board-layer board-layer-${name}`;
    canvas.setAttribute('aria-hidden', 'true');
    canvas.style.pointerEvents = 'none';
    container.insertBefore(canvas, before);
    return { canvas, context: canvas.getContext('2d'), ratio: 1 };
  }

  function fitLayers(width, height) {
    const ratio = window.devicePixelRatio || 1;
    for (const layer of Object.values(layers)) {
      layer.ratio = ratio;
      layer.canvas.width = Math.round(width * ratio);
      layer.canvas.height = Math.round(height * ratio);
      layer.canvas.style.width = `${width}px`;
      layer.canvas.style.height = `${height}px`;
    }
  }

  const sketch = (p) => {
    p.setup = () => {
      const canvas = p.createCanvas(container.clientWidth, container.clientHeight);
      canvas.elt.setAttribute('aria-label', gettext('Shared drawing board'));
      canvas.elt.classList.add('board-canvas');
      layerCanvas.live = canvas.elt;
      layers.under = makeLayer('under', canvas.elt);
      layers.ink = makeLayer('ink', canvas.elt);
      fitLayers(p.width, p.height);
      viewport.resize(p.width, p.height);
      onReady(canvas.elt);
    };

    p.windowResized = () => {
      // The observer below may call before setup() made the canvases.
      if (!layers.under) return;
      if (p.width === container.clientWidth && p.height === container.clientHeight) return;
      p.resizeCanvas(container.clientWidth, container.clientHeight);
      fitLayers(p.width, p.height);
      viewport.resize(p.width, p.height);
      // A new size clears the canvases: paint them at once, not after the view settles.
      repaintAll = true;
    };
    // The board's space changes without the window too: a toolbar that wraps onto a second
    // line on a narrow screen when the people count appears.
    new ResizeObserver(() => p.windowResized()).observe(container);

    p.draw = () => drawFrame(p);
  };

  // One frame: a whole repaint's next slice, the regions marked since the last, the top canvas.
  function drawFrame(p) {
    const settling = viewMovedAt !== null && performance.now() - viewMovedAt >= SETTLE_MS;
    if (settling) repaintAll = true;
    const started = repaintAll;
    const wasRepainting = queue.repainting;
    if (repaintAll) {
      repaintAll = false;
      liveChanged = true;
      viewMovedAt = null;
      paintedView = viewport.view;
      stretchLayers();
      paintBackground();
      // Strokes that later ones cover completely are left out (painting.js Cover).
      const slice = settling ? { sliceMs: SETTLE_SLICE_MS } : {};
      queue.restart(board.strokes.values(), new Cover(p.width, p.height), slice);
      indexBoard();
      dirty = null;
    }
    // One transform and one set of options for the whole frame: a big board paints thousands
    // of items in one. The layers are painted at their own view, however the view moves.
    const options = paintOptions(true, paintedView);
    for (const layer of [layers.under, layers.ink]) {
      layer.context.save();
      toBoard(layer.context, layer.ratio, paintedView);
    }
    const repainting = queue.paintFrame((stroke, from, mask) => paintCommitted(stroke, options, mask), paintedView);
    for (const layer of [layers.under, layers.ink]) layer.context.restore();
    // After the new items went on top: the region paints those in it again in their order,
    // so none is painted twice over itself.
    if (dirty) {
      paintRegion(dirty);
      dirty = null;
    }
    if (liveChanged) {
      liveChanged = false;
      paintLive(p);
    }
    if (started || repainting || wasRepainting) onProgress(queue.progress);
  }

  const p5instance = new p5(sketch, container);
  startNow(p5instance);

  return {
    /** Paint what applyMessage reported: an item that changed, or everything. */
    paintChange(change) {
      if (change?.repaint && change.strokes) this.repaint(change.strokes);
      else if (change?.repaint) repaintAll = true;
      else if (change?.stroke) {
        liveChanged = true;
        // A committed item goes into its layer, whole, once; one still drawn lives on top.
        if (change.stroke.committed) {
          queue.change({ stroke: change.stroke, from: 0 });
          if (index.boundsOf(change.stroke)) markItems([change.stroke]);
          index.put(change.stroke, boundsOf(change.stroke), { onTop: true });
        }
      }
    },
    /**
     * Paint again where `strokes` (items hidden, shown, moved or lifted) were and are; without
     * them, everything (the theme changed, a new board).
     */
    repaint(strokes) {
      // A whole repaint under way has not reached every item yet: it starts over instead.
      if (strokes && !queue.repainting) markItems(strokes);
      else repaintAll = true;
    },
    /** Paint both layers again, whole and at once (a debugging hook, and the browser tests' reference). */
    repaintNow() {
      repaintAll = true;
      drawFrame(p5instance);
      while (queue.repainting) drawFrame(p5instance);
    },
    /** What is being drawn or moved changed: paint the top canvas again. */
    repaintLive() {
      liveChanged = true;
    },
    /** paint(context, view) draws over the items on the top canvas, in board units, at each repaint of it. */
    decorate(paint) {
      decorations.push(paint);
      liveChanged = true;
    },
    /** Lay the paper `name` (backgrounds.js, the class setting `background`) under the ink. */
    setBackground(name) {
      if (name === paperName) return;
      paperName = name;
      repaintAll = true;
    },
    /** Lay a decoded picture (ImageBitmap or image) under the ink, over the paper; null for none. */
    setPicture(image) {
      if (image === picture) return;
      picture = image;
      repaintAll = true;
    },
    /** Show the board in theme `name` (theme.js): the board's colour and the inks shown on it. */
    setTheme(name) {
      if (name === themeName) return;
      themeName = name;
      shownColours.clear();
      repaintAll = true;
    },
    get viewport() {
      return viewport;
    },
    get view() {
      return viewport.view;
    },
    /**
     * [r, g, b] the board shows at CSS pixel (x, y) of the canvas: its layers composited, as
     * the screen shows them (for the browser tests and the benchmark).
     */
    readPixel(x, y) {
      const live = layerCanvas.live;
      const ratio = live.width / live.getBoundingClientRect().width;
      const [px, py] = [Math.round(x * ratio), Math.round(y * ratio)];
      let colour = [0, 0, 0];
      for (const canvas of [layers.under.canvas, layers.ink.canvas, live]) {
        const [r, g, b, a] = canvas.getContext('2d').getImageData(px, py, 1, 1).data;
        const alpha = a / 255;
        colour = [r, g, b].map((channel, i) => channel * alpha + colour[i] * (1 - alpha));
      }
      return colour.map(Math.round);
    },
    /** {painted, total} while a repaint is under way, else null. */
    get progress() {
      return queue.progress;
    },
  };
}
