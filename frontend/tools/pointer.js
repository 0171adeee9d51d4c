// What every tool needs of a pointer event: where it is on the board, and whether it starts
// a press the tool should take (the main button of a mouse; any touch or pen contact).

import { clampToBoard } from '../board.js';
import { screenToBoard } from '../view.js';

/** [x, y] board units, clamped to the board and rounded, of a pointer event on `canvas`. */
export function boardPoint(canvas, board, view, event) {
  const rect = canvas.getBoundingClientRect();
  return clampToBoard(board, ...screenToBoard(view, event.clientX - rect.left, event.clientY - rect.top));
}

/** [x, y] board units, not clamped or rounded: for moving things by the pointer's travel. */
export function boardPosition(canvas, view, event) {
  const rect = canvas.getBoundingClientRect();
  return screenToBoard(view, event.clientX - rect.left, event.clientY - rect.top);
}

export function isPrimaryPress(event) {
  return event.button === 0 || event.pointerType !== 'mouse';
}

/** Coalesced events where the browser merged pointer moves, so fast strokes stay smooth. */
export function samplesOf(event) {
  const events = event.getCoalescedEvents?.() ?? [];
  return events.length ? events : [event];
}

/** One SVG icon, 24×24, drawn with the current text colour: trusted markup of our own. */
export function icon(paths) {
  return (
    '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false" fill="none" ' +
    `stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`
  );
}
