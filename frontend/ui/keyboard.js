// Keyboard shortcuts: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo, P pen, E eraser.

export function attachShortcuts(target, { onCommand, onTool }) {
  target.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
    const key = event.key.toLowerCase();
    const command = event.ctrlKey || event.metaKey;
    if (command && key === 'z') onCommand(event.shiftKey ? 'redo' : 'undo');
    else if (command && key === 'y') onCommand('redo');
    else if (!command && !event.altKey && key === 'e') onTool('eraser');
    else if (!command && !event.altKey && key === 'p') onTool('pen');
    else return;
    event.preventDefault();
  });
}
