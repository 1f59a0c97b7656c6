// Session lifetime: idle and absolute timeouts, a fresh id at each login, and which
// events end which sessions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError } from './lib/server.mjs';

const s = new Server();
const MIN = 60;

before(async () => {
  await s.start();
  s.addUser('alice', 'staff', '110105000000');
  s.addUser('pat', 'staff', '110105000000');
  s.addUser('sys', 'sysadmin', '110000000000');
});
after(async () => { await s.stop(); s.cleanup(); });

/** Asserts the session is gone: 401 and a Set-Cookie that clears sid. */
function assertEnded(res) {
  assertError(res, 401, 'unauthenticated');
  assert.match(res.headers.get('set-cookie') || '', /^sid=; .*Max-Age=0/, 'the cookie is cleared');
}

test('a staff session lives 30 idle minutes, and each request starts them again', async () => {
  const sess = await s.login('alice');
  await s.advance(29 * MIN);
  assert.equal((await sess.get('/api/v1/auth/me')).status, 200);
  await s.advance(29 * MIN);
  assert.equal((await sess.get('/api/v1/auth/me')).status, 200, 'the last request refreshed it');
  await s.advance(31 * MIN);
  assertEnded(await sess.get('/api/v1/auth/me'));
  // and it stays ended
  assertError(await sess.get('/api/v1/auth/me'), 401, 'unauthenticated');
});

test('an admin session lives only 15 idle minutes', async () => {
  const sess = await s.login('sys');
  await s.advance(14 * MIN);
  assert.equal((await sess.get('/api/v1/auth/me')).status, 200);
  await s.advance(16 * MIN);
  assertEnded(await sess.get('/api/v1/auth/me'));
});

test('a session ends 12 hours after login however active it is', async () => {
  const sess = await s.login('alice');
  // 35 requests 20 minutes apart: 11 h 40 min
  for (let i = 1; i <= 35; i++) {
    await s.advance(20 * MIN);
    const r = await sess.get('/api/v1/auth/me');
    assert.equal(r.status, 200, `after ${i * 20} minutes: ${r.text}`);
  }
  await s.advance(20 * MIN);
  assertEnded(await sess.get('/api/v1/auth/me'));
});

test('every login gets a new session id, and the one presented ends', async () => {
  const first = await s.login('alice');
  const r = await s.request('POST', '/api/v1/auth/login', {
    body: { username: 'alice', password: PASSWORD },
    headers: { Cookie: first.cookie },
  });
  assert.equal(r.status, 200, r.text);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  assert.notEqual(cookie, first.cookie);
  assert.notEqual(r.body.csrf, first.csrf);
  assertEnded(await first.get('/api/v1/auth/me'));
  const me = await s.request('GET', '/api/v1/auth/me', { headers: { Cookie: cookie } });
  assert.equal(me.status, 200, me.text);
});

test('a login without a cookie leaves the other sessions alone', async () => {
  const a = await s.login('alice');
  const b = await s.login('alice');
  assert.equal((await a.get('/api/v1/auth/me')).status, 200);
  assert.equal((await b.get('/api/v1/auth/me')).status, 200);
});

test('logout ends all of the user\'s sessions', async () => {
  const a = await s.login('alice');
  const b = await s.login('alice');
  assertError(await a.post('/api/v1/auth/logout', undefined, { csrf: false }), 403, 'csrf_failed');
  const out = await a.post('/api/v1/auth/logout');
  assert.equal(out.status, 204, out.text);
  assertError(await a.get('/api/v1/auth/me'), 401, 'unauthenticated');
  assertEnded(await b.get('/api/v1/auth/me'));
});

test('a password change ends the user\'s other sessions and keeps this one', async () => {
  const here = await s.login('pat');
  const there = await s.login('pat');
  const r = await here.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'Another-Pass-2027' });
  assert.equal(r.status, 204, r.text);
  assert.equal((await here.get('/api/v1/auth/me')).status, 200);
  assertEnded(await there.get('/api/v1/auth/me'));
});

test('a cookie that was never issued is refused', async () => {
  const r = await s.request('GET', '/api/v1/auth/me', { headers: { Cookie: 'sid=' + 'ab'.repeat(32) } });
  assertEnded(r);
});
