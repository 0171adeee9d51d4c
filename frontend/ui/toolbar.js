// The toolbar: tools, colours, widths, undo/redo/clear, export, board name, "new board",
// the board's theme, the connection status and short notices. Tools come from the tool
// registry; what the participant's role may not use is hidden (permit()). Labels are English
// here and shown in the page's language.

import { gettext, gettext_noop, interpolate } from '../i18n.js';
import { BOARD_THEMES, DEFAULT_THEME } from '../theme.js';
import { downloadAs } from './download.js';

// Every ink at least 3:1 against the white board (WCAG 1.4.11); on the dark board
// theme.js's displayColor shows each one so that it is. No white: it is invisible on white,
// and black already shows light on the dark board.
export const PALETTE = [
  { name: gettext_noop('Black'), color: '#1e1e1e' },
  { name: gettext_noop('Red'), color: '#e03131' },
  { name: gettext_noop('Orange'), color: '#e8590c' },
  { name: gettext_noop('Yellow'), color: '#b38600' },
  { name: gettext_noop('Green'), color: '#2f9e44' },
  { name: gettext_noop('Teal'), color: '#0c8599' },
  { name: gettext_noop('Blue'), color: '#1971c2' },
  { name: gettext_noop('Purple'), color: '#7048e8' },
  { name: gettext_noop('Pink'), color: '#d6336c' },
  { name: gettext_noop('Brown'), color: '#8b5a2b' },
];

// Widths in board units, so a thick line is equally thick on a phone and a projector.
export const WIDTHS = [
  { name: gettext_noop('Thin'), width: 3 },
  { name: gettext_noop('Medium'), width: 8 },
  { name: gettext_noop('Thick'), width: 20 },
];

export const THEME_STORAGE_KEY = 'sketchsite.theme';

// Downloads named for what they are rather than for their file format (in English here).
const EXPORT_LABELS = {
  webp: {
    label: gettext_noop('Timelapse'),
    title: gettext_noop('Download this page played back from its first stroke, as an animated WebP'),
  },
};

/**
 * tools: the tool registry's {name, label, shortcut, icon} (label in English, icon trusted
 * SVG markup or undefined), the first one chosen at first; onTheme(name) is called now with
 * the remembered board theme and again on every toggle.
 */
export function createToolbar(
  root,
  {
    boardName,
    newBoardUrl,
    exportUrls,
    credential = () => null,
    tools: toolList,
    onCommand,
    onTheme = () => {},
    onTool = () => {},
    storage = safeStorage(),
  },
) {
  const style = { color: PALETTE[0].color, width: WIDTHS[1].width };
  let tool = toolList[0].name;

  const tools = root.querySelector('[data-role=tools]');
  const toolButtons = {};
  for (const entry of toolList) {
    const button = toolButton(entry, () => chooseTool(entry.name));
    toolButtons[entry.name] = button;
    tools.append(button);
  }
  function chooseTool(name) {
    if (!toolButtons[name] || toolButtons[name].hidden) return;
    const changed = name !== tool;
    tool = name;
    select(tools, toolButtons[name]);
    if (changed) onTool(name);
  }
  select(tools, toolButtons[tool]);

  const commands = root.querySelector('[data-role=commands]');
  for (const [command, label, title] of [
    ['undo', gettext('Undo'), gettext('Undo your last change (Ctrl+Z)')],
    ['redo', gettext('Redo'), gettext('Redo (Ctrl+Shift+Z)')],
    ['clear', gettext('Clear'), gettext('Clear the board for everyone (undoable)')],
  ]) {
    const button = textButton(label, title, () => onCommand(command));
    button.dataset.command = command;
    commands.append(button);
  }
  const exports = root.querySelector('[data-role=export]');
  for (const [format, url] of Object.entries(exportUrls)) {
    const link = document.createElement('a');
    link.href = url;
    const labels = EXPORT_LABELS[format];
    link.textContent = labels ? gettext(labels.label) : format.toUpperCase();
    link.download = `${boardName}.${format}`;
    link.title = labels
      ? gettext(labels.title)
      : interpolate(gettext('Download the board as %(format)s'), { format: format.toUpperCase() });
    link.addEventListener('click', (event) => {
      // A board in lanes exports what its reader may see, so the page asks as its reader.
      const named = credential();
      if (!named) return;
      event.preventDefault();
      downloadAs(url, link.download, named);
    });
    exports.append(link);
  }

  const colours = root.querySelector('[data-role=palette]');
  for (const { name, color } of PALETTE) {
    const button = swatch(gettext(name), () => {
      style.color = color;
      select(colours, button);
    });
    button.style.setProperty('--swatch', color);
    button.dataset.color = color;
    colours.append(button);
  }
  select(colours, colours.firstElementChild);

  const widths = root.querySelector('[data-role=widths]');
  for (const { name, width } of WIDTHS) {
    const button = swatch(gettext(name), () => {
      style.width = width;
      select(widths, button);
    });
    button.classList.add('width');
    button.style.setProperty('--dot', `${Math.min(22, 4 + width)}px`);
    button.dataset.width = String(width);
    widths.append(button);
  }
  select(widths, widths.children[1]);

  root.querySelector('[data-role=board-name]').textContent = boardName;
  root.querySelector('[data-role=new-board]').href = newBoardUrl;
  const status = root.querySelector('[data-role=status]');
  const notice = document.querySelector('[data-role=notice]');
  let noticeTimer = null;

  // The board's theme: this browser's own choice, remembered, and shown on the page at once.
  let theme = storage.get(THEME_STORAGE_KEY) in BOARD_THEMES ? storage.get(THEME_STORAGE_KEY) : DEFAULT_THEME;
  const themeToggle = root.querySelector('[data-role=theme-toggle]');
  function showTheme() {
    document.documentElement.dataset.boardTheme = theme;
    themeToggle?.setAttribute('aria-pressed', String(theme === 'dark'));
  }
  themeToggle?.addEventListener('click', () => {
    theme = theme === 'dark' ? 'light' : 'dark';
    storage.set(THEME_STORAGE_KEY, theme);
    showTheme();
    onTheme(theme);
  });
  showTheme();
  onTheme(theme);

  return {
    style: () => ({ ...style }),
    tool: () => tool,
    theme: () => theme,
    /** The host chose the board's theme for everyone: show it, without remembering it as this browser's own. */
    adoptTheme(name) {
      if (!(name in BOARD_THEMES) || name === theme) return;
      theme = name;
      showTheme();
      onTheme(theme);
    },
    chooseTool,
    /**
     * Show only what may be used: `allowed` maps tool and command names to whether they
     * may; names left out stay as they are. A chosen tool that goes hidden gives way to the first.
     */
    permit(allowed) {
      for (const [name, may] of Object.entries(allowed)) {
        const button = toolButtons[name] ?? commands.querySelector(`[data-command="${name}"]`);
        if (button) button.hidden = !may;
      }
      if (toolButtons[tool].hidden) chooseTool(toolList[0].name);
    },
    showStatus({ state, text }) {
      // Called for every pointer event and every frame received: touch the DOM only when
      // the status changed, or each call costs a text node and a layout.
      if (status.dataset.state !== state) status.dataset.state = state;
      if (status.textContent !== text) status.textContent = text;
    },
    /** A short message for the person drawing, e.g. why a stroke was refused; `lasting` stays. */
    notify(text, { lasting = false } = {}) {
      notice.textContent = text;
      notice.hidden = false;
      clearTimeout(noticeTimer);
      if (lasting) return;
      noticeTimer = setTimeout(() => {
        notice.hidden = true;
      }, 6000);
    },
  };
}

/** The tooltip of a tool: its label in the page's language and its shortcut, "Pen (P)". */
export function toolTitle({ label, shortcut }) {
  const name = gettext(label);
  return shortcut ? `${name} (${shortcut.toUpperCase()})` : name;
}

// An icon when the tool has one, named by its label; else the label as text.
function toolButton(entry, onClick) {
  const name = gettext(entry.label);
  const button = textButton(name, toolTitle(entry), onClick);
  button.classList.add('tool-button');
  button.dataset.tool = entry.name;
  if (entry.icon) {
    // The icon is the registry's own markup, never anything a person typed.
    button.innerHTML = entry.icon;
    button.classList.add('icon-button');
    button.setAttribute('aria-label', name);
    for (const svg of button.querySelectorAll('svg')) {
      svg.setAttribute('aria-hidden', 'true');
      svg.setAttribute('focusable', 'false');
    }
  }
  return button;
}

// localStorage, or a stand-in where the browser refuses it (private windows, storage off).
function safeStorage() {
  return {
    get(key) {
      try {
        return globalThis.localStorage?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        globalThis.localStorage?.setItem(key, value);
      } catch {
        // The choice then lasts as long as the page.
      }
    },
  };
}

function textButton(label, title, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'text-button';
  button.textContent = label;
  button.title = title;
  button.addEventListener('click', onClick);
  return button;
}

function swatch(label, onPick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'swatch';
  button.title = label;
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onPick);
  return button;
}

function select(group, chosen) {
  for (const button of group.children) button.setAttribute('aria-pressed', String(button === chosen));
}
