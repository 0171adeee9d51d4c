// Keyboard shortcuts: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo, and each tool's own
// letter (P pen, E eraser, L laser) from its TOOL entry.

/** tools: TOOL entries ({name, shortcut}); onTool(name) may ignore a tool the role may not use. */
export function attachShortcuts(target, { tools, onCommand, onTool }) {
  const byKey = new Map(tools.map((tool) => [tool.shortcut, tool.name]));
  target.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
    const key = event.key.toLowerCase();
    const command = event.ctrlKey || event.metaKey;
    if (command && key === 'z') onCommand(event.shiftKey ? 'redo' : 'undo');
    else if (command && key === 'y') onCommand('redo');
    else if (!command && !event.altKey && byKey.has(key)) onTool(byKey.get(key));
    else return;
    event.preventDefault();
  });
}
