// This screen's view of the board: how far it is zoomed in and which part is shown. Zoom 1 is
// the whole board letterboxed as fitBoard() places it. Only this screen changes: board units
// stay the same, so every other screen is unaffected.

import { fitBoard } from './view.js';

/** How much one step (a key, a button) zooms in or out. */
export const ZOOM_STEP = 1.25;

/** The zoom and pan of one screen; `view` has the shape of fitBoard()'s, for screenToBoard(). */
export class Viewport {
  #screenWidth = 0;
  #screenHeight = 0;
  #currentZoom = 1;
  #offsetX = 0;
  #offsetY = 0;
  #listeners = new Set();
  #currentView;

  constructor({ boardWidth, boardHeight, minZoom = 1, maxZoom = 8 }) {
    if (!(boardWidth > 0 && boardHeight > 0)) throw new RangeError('the board needs a size');
    if (!(minZoom > 0 && minZoom <= maxZoom)) throw new RangeError('minZoom must be > 0 and <= maxZoom');
    this.boardWidth = boardWidth;
    this.boardHeight = boardHeight;
    this.minZoom = minZoom;
    this.maxZoom = maxZoom;
    this.#currentZoom = this.#limit(1);
    this.#currentView = this.#makeView();
  }

  get zoom() {
    return this.#currentZoom;
  }

  /** {scale, offsetX, offsetY, width, height}: screen pixels per board unit, the board's place on screen. */
  get view() {
    return this.#currentView;
  }

  /** Calls listener(view) after every change; returns a function that stops it. */
  onChange(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The canvas's CSS size changed: the board point at the centre stays at the centre. */
  resize(width, height) {
    if (width === this.#screenWidth && height === this.#screenHeight) return;
    const hadSize = this.#currentView.scale > 0;
    const [centreX, centreY] = hadSize
      ? this.#boardPointAt(this.#screenWidth / 2, this.#screenHeight / 2)
      : [this.boardWidth / 2, this.boardHeight / 2];
    this.#screenWidth = Math.max(0, width);
    this.#screenHeight = Math.max(0, height);
    this.place(this.#currentZoom, centreX, centreY, this.#screenWidth / 2, this.#screenHeight / 2);
  }

  /** Zoom by `factor`, the board point under screen point (x, y) staying there (as far as the edges allow). */
  zoomAt(factor, x = this.#screenWidth / 2, y = this.#screenHeight / 2) {
    this.zoomTo(this.#currentZoom * factor, x, y);
  }

  /** Zoom to `zoom` (1 = the whole board), keeping the board point under (x, y) there. */
  zoomTo(zoom, x = this.#screenWidth / 2, y = this.#screenHeight / 2) {
    if (!(this.#currentView.scale > 0)) return;
    const [boardX, boardY] = this.#boardPointAt(x, y);
    this.place(zoom, boardX, boardY, x, y);
  }

  /** Move the board by (dx, dy) CSS pixels, as a dragging finger does. */
  panBy(dx, dy) {
    if (!Number.isFinite(dx) || !Number.isFinite(dy)) return;
    this.#offsetX += dx;
    this.#offsetY += dy;
    this.#update();
  }

  /** Back to the whole board, letterboxed. */
  fit() {
    this.place(1, this.boardWidth / 2, this.boardHeight / 2, this.#screenWidth / 2, this.#screenHeight / 2);
  }

  /** Zoom to `zoom` with board point (boardX, boardY) at screen point (x, y), as far as the edges allow. */
  place(zoom, boardX, boardY, x, y) {
    if (![zoom, boardX, boardY, x, y].every(Number.isFinite)) return;
    this.#currentZoom = this.#limit(zoom);
    const scale = this.#fitScale() * this.#currentZoom;
    this.#offsetX = x - boardX * scale;
    this.#offsetY = y - boardY * scale;
    this.#update();
  }

  #update() {
    const scale = this.#fitScale() * this.#currentZoom;
    this.#offsetX = clampOffset(this.#offsetX, this.boardWidth * scale, this.#screenWidth);
    this.#offsetY = clampOffset(this.#offsetY, this.boardHeight * scale, this.#screenHeight);
    const before = this.#currentView;
    const view = this.#makeView();
    if (
      view.scale === before.scale &&
      view.offsetX === before.offsetX &&
      view.offsetY === before.offsetY &&
      view.width === before.width &&
      view.height === before.height
    ) {
      return;
    }
    this.#currentView = view;
    for (const listener of [...this.#listeners]) listener(view);
  }

  #makeView() {
    const scale = this.#fitScale() * this.#currentZoom;
    return Object.freeze({
      scale,
      offsetX: this.#offsetX,
      offsetY: this.#offsetY,
      width: this.boardWidth * scale,
      height: this.boardHeight * scale,
    });
  }

  #fitScale() {
    return fitBoard(this.boardWidth, this.boardHeight, this.#screenWidth, this.#screenHeight).scale;
  }

  #boardPointAt(x, y) {
    const { scale, offsetX, offsetY } = this.#currentView;
    return [(x - offsetX) / scale, (y - offsetY) / scale];
  }

  #limit(zoom) {
    return Math.min(this.maxZoom, Math.max(this.minZoom, zoom));
  }
}

// Along one axis: a board narrower than the screen is centred; a wider one leaves no gap at
// either edge, so it can never be pushed off the screen.
function clampOffset(offset, size, screen) {
  // The tolerance keeps a board that exactly fits (up to rounding) centred as fitBoard() has it.
  if (size - screen <= 1e-9 * screen) return (screen - size) / 2;
  return Math.min(0, Math.max(screen - size, offset));
}
