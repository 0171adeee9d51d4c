// Where the board sits in a window: the largest rectangle of the board's aspect ratio that
// fits, centred (letterboxed), so a phone and a projector show the same picture.

export function fitBoard(boardWidth, boardHeight, windowWidth, windowHeight) {
  const scale = Math.min(windowWidth / boardWidth, windowHeight / boardHeight);
  return {
    scale,
    offsetX: (windowWidth - boardWidth * scale) / 2,
    offsetY: (windowHeight - boardHeight * scale) / 2,
    width: boardWidth * scale,
    height: boardHeight * scale,
  };
}

export function screenToBoard(view, x, y) {
  return [(x - view.offsetX) / view.scale, (y - view.offsetY) / view.scale];
}

export function boardToScreen(view, x, y) {
  return [view.offsetX + x * view.scale, view.offsetY + y * view.scale];
}

/**
 * The matrix [a, b, c, d, e, f] (as CSS matrix() takes it) that shows a picture painted at
 * view `from` as it would be painted at view `to`: a board point lands at the same place.
 */
export function stretch(from, to) {
  const k = to.scale / from.scale;
  return [k, 0, 0, k, to.offsetX - from.offsetX * k, to.offsetY - from.offsetY * k];
}
