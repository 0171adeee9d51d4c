// The toolbar: tools, colours, widths, undo/redo/clear, export, board name, "new board",
// the connection status and short notices. Tools come from their modules' TOOL entries; what
// the participant's role may not use is hidden (permit()).

export const PALETTE = [
  { name: 'Black', color: '#1e1e1e' },
  { name: 'Red', color: '#e03131' },
  { name: 'Orange', color: '#f08c00' },
  { name: 'Yellow', color: '#fab005' },
  { name: 'Green', color: '#2f9e44' },
  { name: 'Teal', color: '#0c8599' },
  { name: 'Blue', color: '#1971c2' },
  { name: 'Purple', color: '#7048e8' },
  { name: 'Pink', color: '#d6336c' },
  { name: 'Brown', color: '#8b5a2b' },
  { name: 'White', color: '#ffffff' },
];

// Widths in board units, so a thick line is equally thick on a phone and a projector.
export const WIDTHS = [
  { name: 'Thin', width: 3 },
  { name: 'Medium', width: 8 },
  { name: 'Thick', width: 20 },
];

/** tools: TOOL entries ({name, label, title}) of the tool modules, the first one chosen at first. */
export function createToolbar(root, { boardName, newBoardUrl, exportUrls, tools: toolList, onCommand }) {
  const style = { color: PALETTE[0].color, width: WIDTHS[1].width };
  let tool = toolList[0].name;

  const tools = root.querySelector('[data-role=tools]');
  const toolButtons = {};
  for (const { name, label, title } of toolList) {
    const button = textButton(label, title, () => chooseTool(name));
    button.dataset.tool = name;
    toolButtons[name] = button;
    tools.append(button);
  }
  function chooseTool(name) {
    if (!toolButtons[name] || toolButtons[name].hidden) return;
    tool = name;
    select(tools, toolButtons[name]);
  }
  select(tools, toolButtons[tool]);

  const commands = root.querySelector('[data-role=commands]');
  for (const [command, label, title] of [
    ['undo', 'Undo', 'Undo your last change (Ctrl+Z)'],
    ['redo', 'Redo', 'Redo (Ctrl+Shift+Z)'],
    ['clear', 'Clear', 'Clear the board for everyone (undoable)'],
  ]) {
    const button = textButton(label, title, () => onCommand(command));
    button.dataset.command = command;
    commands.append(button);
  }
  const exports = root.querySelector('[data-role=export]');
  for (const [format, url] of Object.entries(exportUrls)) {
    const link = document.createElement('a');
    link.href = url;
    link.textContent = format.toUpperCase();
    link.download = `${boardName}.${format}`;
    link.title = `Download the board as ${format.toUpperCase()}`;
    exports.append(link);
  }

  const colours = root.querySelector('[data-role=palette]');
  for (const { name, color } of PALETTE) {
    const button = swatch(name, () => {
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
    const button = swatch(name, () => {
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

  return {
    style: () => ({ ...style }),
    tool: () => tool,
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
