// Text: click where it goes, type, press Enter (or click elsewhere); Escape leaves nothing.
// One line of text, its size from the chosen line width. Drawn on the board's canvas with the
// page's font, never as markup, so nothing typed can become part of the page.

import { gettext, gettext_noop } from '../i18n.js';
import { TEXT_FONT_FAMILY } from '../kinds/text.js';
import { newId, strokeBegin, strokeEnd } from '../protocol.js';
import { boardPoint, icon, isPrimaryPress } from './pointer.js';

// Text sizes in board units for the toolbar's widths: thin, medium and thick.
export const TEXT_SIZES = Object.freeze({ 3: 28, 8: 44, 20: 72 });

/** The text size for a line width: its own, or the nearest width's. */
export function textSizeFor(width) {
  if (TEXT_SIZES[width]) return TEXT_SIZES[width];
  const nearest = Object.keys(TEXT_SIZES)
    .map(Number)
    .sort((a, b) => Math.abs(a - width) - Math.abs(b - width))[0];
  return TEXT_SIZES[nearest];
}

export default Object.freeze({
  name: 'text',
  label: gettext_noop('Text'),
  shortcut: 't',
  icon: icon('<path d="M5 6V4h14v2"/><path d="M12 4v16"/><path d="M9 20h6"/>'),
  attach(canvas, { board, getView, getStyle, isActive, can, emit, maxTextLength, limits }) {
    let editing = null; // {input, at, item}

    function finish(keep) {
      if (!editing) return;
      const { input, at, item } = editing;
      editing = null;
      const text = input.value.replace(/\s+/g, ' ').trim();
      input.remove();
      if (!keep || !text) return;
      const id = newId();
      emit(strokeBegin(id, { ...item, text: [...text].slice(0, maxTextLength()).join('') }, at));
      emit(strokeEnd(id));
    }

    function open(event) {
      const view = getView();
      const at = boardPoint(canvas, board, view, event);
      const { color, width } = getStyle();
      const { minTextSize, maxTextSize } = limits();
      const item = { kind: 'text', color, size: Math.min(maxTextSize, Math.max(minTextSize, textSizeFor(width))) };
      const input = document.createElement('input');
      input.type = 'text';
      input.className = 'text-entry';
      input.maxLength = maxTextLength();
      input.setAttribute('aria-label', gettext('Text to put on the board'));
      input.placeholder = gettext('Type, then Enter');
      const rect = canvas.getBoundingClientRect();
      const container = canvas.parentElement.getBoundingClientRect();
      Object.assign(input.style, {
        position: 'absolute',
        left: `${rect.left - container.left + view.offsetX + at[0] * view.scale}px`,
        top: `${rect.top - container.top + view.offsetY + at[1] * view.scale}px`,
        fontSize: `${Math.max(12, item.size * view.scale)}px`,
        // Typed in the board's own font, so the text looks as it will once placed.
        fontFamily: `'${TEXT_FONT_FAMILY}', sans-serif`,
        color,
        zIndex: 2,
      });
      input.addEventListener('keydown', (key) => {
        key.stopPropagation();
        if (key.key === 'Enter') finish(true);
        else if (key.key === 'Escape') finish(false);
      });
      input.addEventListener('blur', () => finish(true));
      canvas.parentElement.append(input);
      editing = { input, at, item };
      // Focus after this press is over, or the press itself takes the focus back to the canvas.
      setTimeout(() => input.focus(), 0);
    }

    canvas.addEventListener('pointerdown', (event) => {
      if (!isActive('text') || !can('draw') || !isPrimaryPress(event)) return;
      event.preventDefault();
      if (editing) finish(true);
      else open(event);
    });
    return { cancel: () => finish(false) };
  },
});
