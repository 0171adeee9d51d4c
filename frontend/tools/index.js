// The tool registry: every tool the board page offers, in toolbar order. A tool is one module
// whose default export is {name, label, shortcut, icon, attach(canvas, tools)}; the toolbar's
// buttons and the keyboard shortcuts are built from this list, and main.js attaches each.
// attach() returns {cancel()}, which stops what the tool is doing (a second finger began a pinch).

import arrow from './arrow.js';
import ellipse from './ellipse.js';
import eraser from './eraser.js';
import highlighter from './highlighter.js';
import laser from './laser.js';
import line from './line.js';
import marker from './marker.js';
import pen from './pen.js';
import rect from './rect.js';
import select from './select.js';
import text from './text.js';

export const TOOLS = Object.freeze([pen, marker, highlighter, eraser, line, arrow, rect, ellipse, text, select, laser]);
