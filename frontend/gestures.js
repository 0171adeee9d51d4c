// Zooming and panning this screen's view: two fingers pinch and pan, Ctrl/Cmd + wheel (and a
// trackpad pinch, which browsers send as one) zooms at the pointer, a plain wheel pans a
// zoomed-in board (Shift + wheel sideways), and the keys + / = / - / 0 zoom in, out and fit.
// The page itself must neither zoom nor scroll: those events are taken (preventDefault).

import { screenToBoard } from './view.js';
import { ZOOM_STEP } from './viewport.js';

// A wheel's pixels of deltaY per e-fold of zoom, and the most one event may count: a mouse
// notch sends about 100 at once, a trackpad pinch a few at a time.
const WHEEL_ZOOM_PIXELS = 100;
const WHEEL_ZOOM_MAX_DELTA = 25;
const LINE_PIXELS = 16;

/**
 * Zoom and pan `viewport` from the pointer events on `element` (the canvas) and the keys of
 * `keyboardTarget`. onGestureStart() runs when a second finger lands, so the tool can drop the
 * stroke the first one began; onGestureEnd() when the last finger of the gesture lifts.
 */
export function attachGestures(
  element,
  { viewport, onGestureStart = () => {}, onGestureEnd = () => {}, keyboardTarget = element.ownerDocument },
) {
  const touches = new Map(); // pointerId -> [x, y] in the element's CSS pixels
  let gesturing = false;
  let pinch = null; // {ids: [a, b], middle: [x, y], distance}
  let safariScale = null; // the scale of Safari's last gesturechange

  function local(event) {
    const rect = element.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  function startPinch() {
    const ids = [...touches.keys()].slice(0, 2);
    pinch = ids.length === 2 ? { ids, ...spread(ids) } : null;
  }

  function spread([a, b]) {
    const [ax, ay] = touches.get(a);
    const [bx, by] = touches.get(b);
    return { middle: [(ax + bx) / 2, (ay + by) / 2], distance: Math.hypot(bx - ax, by - ay) };
  }

  function onPointerDown(event) {
    if (event.pointerType !== 'touch') return;
    // A first finger of a new touch means no other finger is down: forget any whose lift
    // never arrived, so a gesture cannot stay on for ever.
    if (event.isPrimary === true && touches.size) {
      touches.clear();
      endGesture();
    }
    touches.set(event.pointerId, local(event));
    if (touches.size < 2) return;
    event.preventDefault();
    if (!pinch) startPinch();
    if (!gesturing) {
      gesturing = true;
      onGestureStart();
    }
  }

  function onPointerMove(event) {
    if (!touches.has(event.pointerId)) return;
    touches.set(event.pointerId, local(event));
    if (!gesturing) return;
    event.preventDefault();
    if (!pinch?.ids.includes(event.pointerId)) return;
    const { middle, distance } = spread(pinch.ids);
    // The board point between the fingers stays between them, grown with their distance
    // apart: one step, so a pan is not lost to the edges before the zoom makes room for it.
    const [boardX, boardY] = screenToBoard(viewport.view, ...pinch.middle);
    const factor = pinch.distance > 0 && distance > 0 ? distance / pinch.distance : 1;
    viewport.place(viewport.zoom * factor, boardX, boardY, ...middle);
    pinch.middle = middle;
    pinch.distance = distance;
  }

  function onPointerUp(event) {
    if (!touches.delete(event.pointerId)) return;
    if (gesturing) event.preventDefault();
    if (pinch?.ids.includes(event.pointerId)) startPinch();
    if (touches.size === 0) endGesture();
  }

  function endGesture() {
    pinch = null;
    if (!gesturing) return;
    gesturing = false;
    onGestureEnd();
  }

  function onWheel(event) {
    const unit = event.deltaMode === 1 ? LINE_PIXELS : event.deltaMode === 2 ? element.clientHeight || 800 : 1;
    let dx = event.deltaX * unit;
    let dy = event.deltaY * unit;
    if (event.ctrlKey || event.metaKey) {
      // Taken even at the zoom limits, or the browser would zoom the page instead.
      event.preventDefault();
      const delta = Math.max(-WHEEL_ZOOM_MAX_DELTA, Math.min(WHEEL_ZOOM_MAX_DELTA, dy));
      viewport.zoomAt(Math.exp(-delta / WHEEL_ZOOM_PIXELS), ...local(event));
      return;
    }
    if (viewport.zoom <= 1) return;
    event.preventDefault();
    // Some browsers turn a Shift + wheel sideways themselves, others leave it to the page.
    if (event.shiftKey && dx === 0) [dx, dy] = [dy, 0];
    viewport.panBy(-dx, -dy);
  }

  // Safari on a Mac sends a trackpad pinch as gesture events, not as Ctrl + wheel. On touch
  // screens it sends them beside the pointer events, which already zoom.
  function onSafariGesture(event) {
    event.preventDefault();
    if (touches.size || typeof event.scale !== 'number') return;
    if (event.type === 'gesturestart') safariScale = event.scale;
    else if (event.type === 'gesturechange' && safariScale > 0 && event.scale > 0) {
      viewport.zoomAt(event.scale / safariScale, ...local(event));
      safariScale = event.scale;
    } else safariScale = null;
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === '+' || event.key === '=') viewport.zoomAt(ZOOM_STEP);
    else if (event.key === '-') viewport.zoomAt(1 / ZOOM_STEP);
    else if (event.key === '0') viewport.fit();
    else return;
    event.preventDefault();
  }

  // Captured, so that a second finger is known to start a gesture before a tool's own
  // pointerdown listener on the same element asks isGesturing().
  const capture = { capture: true, passive: false };
  const listeners = [
    [element, 'pointerdown', onPointerDown, capture],
    [element, 'pointermove', onPointerMove, capture],
    [element, 'pointerup', onPointerUp, capture],
    [element, 'pointercancel', onPointerUp, capture],
    [element, 'wheel', onWheel, { passive: false }],
    [element, 'gesturestart', onSafariGesture, { passive: false }],
    [element, 'gesturechange', onSafariGesture, { passive: false }],
    [element, 'gestureend', onSafariGesture, { passive: false }],
  ];
  if (keyboardTarget) listeners.push([keyboardTarget, 'keydown', onKey, false]);
  for (const [target, type, listener, options] of listeners) target.addEventListener(type, listener, options);

  return {
    /** True from a second finger down until every finger of the gesture is up: no drawing then. */
    isGesturing() {
      return gesturing;
    },
    detach() {
      for (const [target, type, listener, options] of listeners) target.removeEventListener(type, listener, options);
      touches.clear();
      pinch = null;
      gesturing = false;
    },
  };
}

function isTyping(target) {
  const tag = target?.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable === true;
}
