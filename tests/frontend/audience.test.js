// The browser's mirror of draw/audience.py, against the table both sides share.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { isFiltered, laneOf, viewChanged, visible } from '../../frontend/audience.js';
import { HOST, STUDENT, VIEWER } from '../../frontend/policy.js';
import { DEFAULT_CLASS } from '../../frontend/protocol.js';

const table = JSON.parse(readFileSync(new URL('../fixtures/audience.json', import.meta.url)));
const audiences = {
  host: { role: HOST, participant: null },
  student: { role: STUDENT, participant: table.student },
  viewer: { role: VIEWER, participant: null },
};

for (const row of table.rows) {
  const settings = { ...DEFAULT_CLASS, hosted: true, ...row.settings };
  for (const [name, audience] of Object.entries(audiences)) {
    test(`${name} with ${JSON.stringify(row.settings)} sees ${JSON.stringify(row[name])}`, () => {
      const seen = table.pages.filter((page) => visible(page, audience, settings));
      assert.deepEqual(seen, row[name]);
    });
  }
}

test("the host's ink lies on every page; anyone else's on their own", () => {
  assert.equal(laneOf('host-0123456789ab'), null);
  assert.equal(laneOf('k7m2p9q4rs'), 'k7m2p9q4rs');
});

test('only lanes that are not revealed filter anything', () => {
  assert.equal(isFiltered({ ...DEFAULT_CLASS, lanes: true }), true);
  assert.equal(isFiltered({ ...DEFAULT_CLASS, lanes: true, reveal: true }), false);
  assert.equal(isFiltered({ ...DEFAULT_CLASS, reveal: true }), false);
});

test('a change of lanes, reveal or the spotlight asks a fresh board of whoever it changes', () => {
  const lanes = { ...DEFAULT_CLASS, hosted: true, lanes: true };
  const spotlit = { ...lanes, spotlight: 'bob' };
  assert.equal(viewChanged(DEFAULT_CLASS, lanes, STUDENT), true);
  assert.equal(viewChanged(lanes, { ...lanes, reveal: true }, VIEWER), true);
  assert.equal(viewChanged(lanes, spotlit, VIEWER), true);
  assert.equal(viewChanged(lanes, spotlit, STUDENT), false);
  assert.equal(viewChanged(DEFAULT_CLASS, lanes, HOST), false);
  assert.equal(viewChanged(lanes, { ...lanes, pens_down: true }, STUDENT), false);
});
