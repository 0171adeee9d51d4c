// Host links and join links: the fragment's key and token are kept and leave the address bar.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { adoptFragment, hostKeyStorageKey, readFragment, tokenStorageKey } from '../../frontend/identity.js';
import { MemoryStorage } from './fakes.js';

test('a host link hands over its key', () => {
  assert.deepEqual(readFragment('#host=Kq3-9_z'), { hostKey: 'Kq3-9_z', token: null, rest: '' });
});

test('a join link hands over its token, signature and all', () => {
  const token = 'WyJxN3cybWJ4OWthIiwiQWRhIl0:1uQd3x:Zt0pL2mN8xqk3Jd9aQm2LxP0bVz';
  assert.deepEqual(readFragment(`#t=${token}`), { hostKey: null, token, rest: '' });
});

test('both at once, and whatever else the fragment holds stays', () => {
  assert.deepEqual(readFragment('#host=k1&t=tok&x=1'), { hostKey: 'k1', token: 'tok', rest: '#x=1' });
});

test('an empty or unrelated fragment hands over nothing', () => {
  assert.deepEqual(readFragment(''), { hostKey: null, token: null, rest: '' });
  assert.deepEqual(readFragment('#'), { hostKey: null, token: null, rest: '' });
  assert.deepEqual(readFragment('#section'), { hostKey: null, token: null, rest: '#section' });
  assert.deepEqual(readFragment('#host='), { hostKey: null, token: null, rest: '' });
});

function page(hash) {
  const replaced = [];
  return {
    replaced,
    location: { hash, pathname: '/b/maths-7/', search: '' },
    history: { state: null, replaceState: (state, title, url) => replaced.push(url) },
    localStorage: new MemoryStorage(),
    sessionStorage: new MemoryStorage(),
  };
}

test('the host key goes to localStorage, the token to sessionStorage, and the address bar is cleaned', () => {
  const browser = page('#host=k1&t=tok');
  assert.deepEqual(adoptFragment('maths-7', browser), { hostKey: 'k1', token: 'tok' });
  assert.equal(browser.localStorage.getItem(hostKeyStorageKey('maths-7')), 'k1');
  assert.equal(browser.sessionStorage.getItem(tokenStorageKey('maths-7')), 'tok');
  assert.equal(tokenStorageKey('maths-7'), 'sketchsite.token.maths-7');
  assert.equal(hostKeyStorageKey('maths-7'), 'sketchsite.host.maths-7');
  assert.deepEqual(browser.replaced, ['/b/maths-7/']);
});

test('a join token replaces the token this tab had', () => {
  const browser = page('#t=new');
  browser.sessionStorage.setItem(tokenStorageKey('maths-7'), 'old');
  adoptFragment('maths-7', browser);
  assert.equal(browser.sessionStorage.getItem(tokenStorageKey('maths-7')), 'new');
});

test('a page opened without a link fragment leaves the address bar and storage alone', () => {
  const browser = page('');
  adoptFragment('maths-7', browser);
  assert.deepEqual(browser.replaced, []);
  assert.equal(browser.localStorage.getItem(hostKeyStorageKey('maths-7')), null);
});
