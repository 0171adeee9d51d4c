// Each kind of item paints itself on a canvas, says whether a point touches it, and bounds
// itself: checked on a context that records what it is asked to do.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { inkOutline } from '../../frontend/ink.js';
import { arrowHead } from '../../frontend/kinds/geometry.js';
import { HIGHLIGHTER_ALPHA } from '../../frontend/kinds/highlighter.js';
import { KINDS, kindOf } from '../../frontend/kinds/index.js';
import { TEXT_ASCENT, TEXT_DESCENT, TEXT_FONT_FAMILY, textWidth } from '../../frontend/kinds/text.js';

const SPECS = JSON.parse(readFileSync(new URL('../../frontend/items.json', import.meta.url), 'utf8')).kinds;

/** A 2d context that records every call and every state it was in when it drew. */
class RecordingContext {
  constructor() {
    this.calls = [];
    this.state = { globalAlpha: 1, lineWidth: 1, fillStyle: '#000000', strokeStyle: '#000000', font: '10px sans-serif' };
    this.saved = [];
    for (const name of ['beginPath', 'moveTo', 'lineTo', 'closePath', 'rect', 'ellipse', 'arc']) {
      this[name] = (...args) => this.calls.push([name, ...args]);
    }
  }
  save() {
    this.saved.push({ ...this.state });
  }
  restore() {
    this.state = this.saved.pop();
  }
  fill() {
    this.calls.push(['fill', { ...this.state }]);
  }
  stroke() {
    this.calls.push(['stroke', { ...this.state }]);
  }
  fillText(text, x, y) {
    this.calls.push(['fillText', text, x, y, { ...this.state }]);
  }
  called(name) {
    return this.calls.filter(([call]) => call === name);
  }
}
for (const name of ['globalAlpha', 'lineWidth', 'lineCap', 'lineJoin', 'fillStyle', 'strokeStyle', 'font', 'textBaseline', 'textAlign']) {
  Object.defineProperty(RecordingContext.prototype, name, {
    get() {
      return this.state[name];
    },
    set(value) {
      this.state[name] = value;
    },
  });
}

function item(kind, points, fields = {}) {
  const defaults = kind === 'text' ? { color: '#1971c2', size: 40, text: 'Hello' } : { color: '#1e1e1e', width: 8 };
  return { id: `${kind}-1`, author: 'ann', item: { kind, ...defaults, ...fields }, points, done: true, committed: true, visible: true };
}

function painted(stroke, options) {
  const context = new RecordingContext();
  kindOf(stroke).paint(context, stroke, options);
  return context;
}

const SAMPLES = {
  ink: item('ink', [100, 100, 50, 150, 120, 60, 200, 100, 40]),
  marker: item('marker', [100, 100, 150, 120, 200, 100]),
  highlighter: item('highlighter', [100, 100, 300, 100], { width: 24 }),
  line: item('line', [100, 100, 300, 200]),
  arrow: item('arrow', [100, 100, 300, 100]),
  rect: item('rect', [300, 200, 100, 100]),
  ellipse: item('ellipse', [100, 100, 300, 200]),
  text: item('text', [100, 100]),
};

test('there is a kind for every kind of item, and kindOf finds it', () => {
  assert.deepEqual(Object.keys(KINDS).sort(), Object.keys(SPECS).sort());
  for (const [name, stroke] of Object.entries(SAMPLES)) assert.equal(kindOf(stroke), KINDS[name]);
  assert.equal(kindOf(item('sticker', [0, 0])), null);
  assert.equal(kindOf(item('toString', [0, 0])), null);
});

test('painting leaves the context as it found it', () => {
  for (const stroke of Object.values(SAMPLES)) {
    const context = painted(stroke, { minWidth: 2 });
    assert.equal(context.saved.length, 0, stroke.item.kind);
    assert.deepEqual(context.state.globalAlpha, 1);
    assert.equal(context.state.fillStyle, '#000000');
    assert.equal(context.state.lineWidth, 1);
  }
});

test('every kind paints in the colour the options give', () => {
  const color = (c) => (c === '#1e1e1e' || c === '#1971c2' ? '#eeeeee' : c);
  for (const stroke of Object.values(SAMPLES)) {
    const context = painted(stroke, { color });
    const drawn = context.calls.filter(([call]) => ['fill', 'stroke', 'fillText'].includes(call));
    assert.ok(drawn.length > 0, stroke.item.kind);
    for (const call of drawn) {
      const state = call.at(-1);
      assert.equal(call[0] === 'stroke' ? state.strokeStyle : state.fillStyle, '#eeeeee', stroke.item.kind);
    }
  }
});

test('ink fills its outline polygon, no thinner than the minimum width', () => {
  const stroke = item('ink', [100, 100, 50, 200, 100, 50, 300, 100, 50], { width: 1 });
  const context = painted(stroke, { minWidth: 6 });
  assert.equal(context.called('fill').length, 1);
  assert.equal(context.called('stroke').length, 0);
  const outline = inkOutline(stroke.points, 1, { minWidth: 6 });
  const traced = context.calls.filter(([call]) => call === 'moveTo' || call === 'lineTo').flatMap(([, x, y]) => [x, y]);
  assert.deepEqual(traced, outline);
  const ys = traced.filter((_, i) => i % 2 === 1);
  assert.ok(Math.max(...ys) - Math.min(...ys) >= 6 - 1e-9);
});

test('an ink outline is kept until the stroke grows or the minimum width changes', () => {
  const stroke = item('ink', [100, 100, 50, 200, 100, 50]);
  const traced = (context) => context.calls.filter(([call]) => call === 'lineTo').map(([, x, y]) => [x, y]);
  const first = traced(painted(stroke, { complete: false }));
  // Moving a point in place is not a change the cache looks for: the kept outline shows.
  stroke.points[3] = 250;
  assert.deepEqual(traced(painted(stroke, { complete: false })), first);
  stroke.points.push(300, 150, 50);
  const grown = traced(painted(stroke, { complete: false }));
  assert.deepEqual(grown.flat(), inkOutline(stroke.points, 8, { complete: false }).slice(2));
  const wider = traced(painted(stroke, { complete: false, minWidth: 30 }));
  assert.deepEqual(wider.flat(), inkOutline(stroke.points, 8, { complete: false, minWidth: 30 }).slice(2));
  const finished = traced(painted(stroke, { complete: true, minWidth: 30 }));
  assert.deepEqual(finished.flat(), inkOutline(stroke.points, 8, { minWidth: 30 }).slice(2));
});

test('a marker is one opaque round polyline, its dot a disc', () => {
  const context = painted(SAMPLES.marker, { minWidth: 2 });
  const [[, state]] = context.called('stroke');
  assert.equal(state.globalAlpha, 1);
  assert.equal(state.lineCap, 'round');
  assert.deepEqual(context.called('lineTo').map(([, x, y]) => [x, y]), [[150, 120], [200, 100]]);
  const dot = painted(item('marker', [50, 60], { width: 1 }), { minWidth: 4 });
  assert.deepEqual(dot.called('arc')[0].slice(1, 4), [50, 60, 2]);
});

test('a highlighter is one translucent round path, its dot a translucent disc', () => {
  const context = painted(SAMPLES.highlighter, { minWidth: 2 });
  const strokes = context.called('stroke');
  assert.equal(strokes.length, 1);
  assert.equal(context.called('beginPath').length, 1);
  assert.equal(strokes[0][1].globalAlpha, HIGHLIGHTER_ALPHA);
  assert.equal(strokes[0][1].lineCap, 'round');
  assert.equal(strokes[0][1].lineJoin, 'round');
  assert.equal(strokes[0][1].lineWidth, 24);
  const dot = painted(item('highlighter', [50, 60], { width: 20 }));
  assert.deepEqual(dot.called('arc')[0].slice(1, 4), [50, 60, 10]);
  assert.equal(dot.called('fill')[0][1].globalAlpha, HIGHLIGHTER_ALPHA);
});

test('lines of every kind are drawn at least the minimum width, with round joins', () => {
  for (const kind of ['marker', 'highlighter', 'line', 'arrow', 'rect', 'ellipse']) {
    const thin = painted(item(kind, [100, 100, 300, 200], { width: 1 }), { minWidth: 3 }).called('stroke')[0][1];
    assert.equal(thin.lineWidth, 3, kind);
    assert.equal(thin.lineJoin, 'round', kind);
    const wide = painted(item(kind, [100, 100, 300, 200], { width: 9 }), { minWidth: 3 }).called('stroke')[0][1];
    assert.equal(wide.lineWidth, 9, kind);
  }
});

test('a shape goes from the first point of a drag to the last, whatever was dragged through', () => {
  const line = painted(item('line', [10, 20, 50, 50, 90, 10, 400, 300]));
  assert.deepEqual(line.called('moveTo')[0], ['moveTo', 10, 20]);
  assert.deepEqual(line.called('lineTo')[0], ['lineTo', 400, 300]);
  const rect = painted(item('rect', [300, 250, 50, 50, 100, 60]));
  assert.deepEqual(rect.called('rect')[0], ['rect', 100, 60, 200, 190]);
  const ellipse = painted(item('ellipse', [300, 250, 100, 50]));
  assert.deepEqual(ellipse.called('ellipse')[0].slice(1, 5), [200, 150, 100, 100]);
});

test('an arrow is a shaft and a filled head at its last point', () => {
  const context = painted(SAMPLES.arrow);
  const head = arrowHead(100, 100, 300, 100, 8);
  assert.deepEqual(context.called('lineTo')[0], ['lineTo', ...head.base]);
  assert.equal(context.called('fill').length, 1);
  const [tipX, tipY, leftX, leftY, rightX, rightY] = head.triangle;
  assert.deepEqual([tipX, tipY], [300, 100]);
  assert.ok(leftX < 300 && rightX < 300 && leftY !== rightY);
  assert.ok(head.base[0] < 300 && head.base[0] > 100);
});

test('an arrow head never runs back past the start, and an arrow of no length has none', () => {
  const head = arrowHead(100, 100, 105, 100, 20);
  assert.equal(head.base[0], 100);
  assert.equal(arrowHead(100, 100, 100, 100, 8), null);
  assert.equal(painted(item('arrow', [100, 100, 100, 100])).called('fill').length, 0);
});

test('text is filled at its size in the packaged font, its line box below its point', () => {
  const context = painted(SAMPLES.text);
  const [[, text, x, y, state]] = context.called('fillText');
  assert.equal(text, 'Hello');
  assert.equal(x, 100);
  assert.equal(y, 100 + TEXT_ASCENT * 40);
  assert.equal(state.textBaseline, 'alphabetic');
  assert.ok(state.font.startsWith('40px'));
  assert.ok(state.font.includes(`"${TEXT_FONT_FAMILY}"`));
  assert.ok(state.font.endsWith('sans-serif'));
});

test('ink and highlighters are hit near their line, not beside it', () => {
  const ink = item('ink', [100, 100, 50, 200, 100, 50, 200, 200, 50], { width: 10 });
  assert.ok(KINDS.ink.hits(ink, 150, 104, 0));
  assert.ok(KINDS.ink.hits(ink, 150, 108, 4));
  assert.ok(!KINDS.ink.hits(ink, 150, 108, 2));
  assert.ok(!KINDS.ink.hits(ink, 150, 150, 10), 'inside the bend is not on the line');
  const single = item('ink', [100, 100, 50], { width: 10 });
  assert.ok(KINDS.ink.hits(single, 103, 103, 0));
  const marker = item('marker', [100, 100, 300, 100], { width: 10 });
  assert.ok(KINDS.marker.hits(marker, 200, 108, 4));
  assert.ok(!KINDS.marker.hits(marker, 200, 120, 4));
  const highlighter = item('highlighter', [100, 100, 300, 100], { width: 30 });
  assert.ok(KINDS.highlighter.hits(highlighter, 200, 114, 0));
  assert.ok(!KINDS.highlighter.hits(highlighter, 200, 130, 5));
});

test('lines and arrows are hit along their segment, arrows on their head too', () => {
  const line = item('line', [100, 100, 300, 300], { width: 4 });
  assert.ok(KINDS.line.hits(line, 200, 203, 2));
  assert.ok(!KINDS.line.hits(line, 200, 220, 5));
  assert.ok(!KINDS.line.hits(line, 320, 320, 5), 'not past its end');
  const arrow = item('arrow', [100, 100, 300, 100], { width: 4 });
  const [, , leftX, leftY] = arrowHead(100, 100, 300, 100, 4).triangle;
  assert.ok(KINDS.arrow.hits(arrow, leftX + 1, leftY - 0.5, 1), 'a corner of the head');
  assert.ok(!KINDS.line.hits(item('line', [100, 100, 300, 100], { width: 4 }), leftX + 1, leftY - 0.5, 1));
  assert.ok(!KINDS.arrow.hits(arrow, 200, 150, 5));
});

test('rectangles and ellipses are hit on their outline, not inside', () => {
  const rect = item('rect', [100, 100, 300, 200], { width: 4 });
  assert.ok(KINDS.rect.hits(rect, 200, 101, 0));
  assert.ok(KINDS.rect.hits(rect, 305, 150, 4));
  assert.ok(!KINDS.rect.hits(rect, 200, 150, 10), 'the middle');
  assert.ok(!KINDS.rect.hits(rect, 200, 230, 10), 'outside');
  const ellipse = item('ellipse', [100, 100, 300, 200], { width: 4 });
  assert.ok(KINDS.ellipse.hits(ellipse, 200, 100, 0), 'top');
  assert.ok(KINDS.ellipse.hits(ellipse, 300, 150, 0), 'right');
  assert.ok(KINDS.ellipse.hits(ellipse, 200 + 100 * Math.cos(1), 150 + 50 * Math.sin(1), 0.5));
  assert.ok(!KINDS.ellipse.hits(ellipse, 200, 150, 10), 'the centre');
  assert.ok(!KINDS.ellipse.hits(ellipse, 110, 110, 5), 'a corner of its box');
});

test('text is hit inside its box grown by the radius', () => {
  const text = SAMPLES.text;
  const width = textWidth('Hello', 40);
  const height = (TEXT_ASCENT + TEXT_DESCENT) * 40;
  assert.ok(KINDS.text.hits(text, 100 + width / 2, 100 + height / 2, 0));
  assert.ok(KINDS.text.hits(text, 100 + width + 3, 100, 4));
  assert.ok(!KINDS.text.hits(text, 100 + width + 10, 100, 4));
  assert.ok(!KINDS.text.hits(text, 100, 95, 4));
});

test('bounds hold the whole item, its line width included', () => {
  assert.deepEqual(KINDS.line.bounds(item('line', [300, 200, 0, 0, 100, 100], { width: 8 })), [96, 96, 304, 204]);
  assert.deepEqual(KINDS.rect.bounds(item('rect', [300, 200, 100, 100], { width: 8 })), [96, 96, 304, 204]);
  assert.deepEqual(KINDS.ellipse.bounds(item('ellipse', [300, 200, 100, 100], { width: 8 })), [96, 96, 304, 204]);
  assert.deepEqual(KINDS.highlighter.bounds(item('highlighter', [100, 100, 300, 120, 200, 50], { width: 20 })), [90, 40, 310, 130]);
  assert.deepEqual(KINDS.marker.bounds(item('marker', [100, 100, 300, 120], { width: 4 })), [98, 98, 302, 122]);
  const ink = item('ink', [100, 100, 100, 200, 150, 50], { width: 8 });
  const [left, top, right, bottom] = KINDS.ink.bounds(ink);
  const outline = inkOutline(ink.points, 8);
  for (let i = 0; i < outline.length; i += 2) {
    assert.ok(outline[i] >= left && outline[i] <= right && outline[i + 1] >= top && outline[i + 1] <= bottom);
  }
  const arrow = KINDS.arrow.bounds(item('arrow', [100, 100, 300, 100], { width: 8 }));
  const head = arrowHead(100, 100, 300, 100, 8).triangle;
  assert.ok(arrow[1] <= Math.min(head[3], head[5]) - 4 && arrow[3] >= Math.max(head[3], head[5]) + 4);
  assert.deepEqual([arrow[0], arrow[2]], [96, 304]);
});

test('text bounds are its line box; without a canvas the width is estimated from its length', () => {
  const [left, top, right, bottom] = KINDS.text.bounds(item('text', [100, 50], { size: 20, text: 'Hello there' }));
  assert.deepEqual([left, top], [100, 50]);
  assert.ok(Math.abs(bottom - (50 + (TEXT_ASCENT + TEXT_DESCENT) * 20)) < 1e-9);
  assert.ok(Math.abs(right - left - textWidth('Hello there', 20)) < 1e-9);
  assert.ok(textWidth('Hello there', 20) > textWidth('Hello', 20));
  assert.ok(textWidth('Hello', 40) > 60 && textWidth('Hello', 40) < 160);
});

test('a marker leaves out the segments a mask says later strokes cover', async () => {
  const { default: marker } = await import('../../frontend/kinds/marker.js');
  const calls = [];
  const context = new Proxy(
    {},
    {
      get: (target, name) => (name in target ? target[name] : (...args) => calls.push([name, ...args])),
      set: (target, name, value) => {
        target[name] = value;
        return true;
      },
    },
  );
  const stroke = { item: { kind: 'marker', color: '#1e1e1e', width: 4 }, points: [0, 0, 10, 0, 20, 0, 30, 0] };
  marker.paint(context, stroke, {}, Uint8Array.from([1, 1, 0, 1]));
  const path = calls.filter(([name]) => name === 'moveTo' || name === 'lineTo');
  assert.deepEqual(path, [
    ['moveTo', 0, 0],
    ['lineTo', 10, 0],
    ['moveTo', 20, 0],
    ['lineTo', 30, 0],
  ]);
});
