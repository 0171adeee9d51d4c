// Keyboard shortcuts: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo, and each tool's own
// letter (P pen, E eraser, L laser) from the tool registry.

/** Whether a key pressed in `target` is typing, not a shortcut: fields, menus, editable text. */
export function isTyping(target) {
  if (!target || typeof target !== 'object') return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || Boolean(target.isContentEditable);
}

/** tools: the registry's {name, shortcut}; onTool(name) may ignore a tool the role may not use. */
export function attachShortcuts(target, { tools, onCommand, onTool }) {
  const byKey = new Map(tools.filter((tool) => tool.shortcut).map((tool) => [tool.shortcut.toLowerCase(), tool.name]));
  target.addEventListener('keydown', (event) => {
    if (isTyping(event.target)) return;
    const key = event.key.toLowerCase();
    const command = event.ctrlKey || event.metaKey;
    if (command && key === 'z') onCommand(event.shiftKey ? 'redo' : 'undo');
    else if (command && key === 'y') onCommand('redo');
    else if (!command && !event.altKey && byKey.has(key)) onTool(byKey.get(key));
    else return;
    event.preventDefault();
  });
}
