// Login, logout, sessions and CSRF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
before(async () => {
  await s.start();
  seedRegions(s);
  s.addUser('alice', 'staff', '110105000000');
});
after(async () => { await s.stop(); s.cleanup(); });

test('login answers the user, a CSRF token and an HttpOnly SameSite=Strict cookie', async () => {
  const r = await s.request('POST', '/api/v1/auth/login', { body: { username: 'alice', password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.user.username, 'alice');
  assert.deepEqual(r.body.user.permissions, ['grid.read', 'grid.write', 'person.read', 'person.write', 'region.read', 'unit.read', 'unit.write']);
  assert.deepEqual(r.body.user.scope, ['110105000000']);
  assert.match(r.body.csrf, /^[0-9a-f]{64}$/);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^sid=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
});

test('a wrong password and an unknown user get the same answer', async () => {
  const a = await s.request('POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'Wrong-password-1' } });
  const b = await s.request('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'Wrong-password-1' } });
  assertError(a, 401, 'bad_credentials');
  assertError(b, 401, 'bad_credentials');
  assert.equal(a.body.error.message, b.body.error.message);
});

test('me, then logout ends the session', async () => {
  const sess = await s.login('alice');
  const me = await sess.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'alice');
  assert.equal(me.body.csrf, sess.csrf);
  const out = await sess.post('/api/v1/auth/logout');
  assert.equal(out.status, 204, out.text);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  assertError(await sess.get('/api/v1/auth/me'), 401, 'unauthenticated');
});

test('a cookie-authenticated write without the CSRF header is refused', async () => {
  const sess = await s.login('alice');
  const r = await sess.post('/api/v1/unit', { name: '测试单位', kind: 'department', region_code: '110105000000' }, { csrf: false });
  assertError(r, 403, 'csrf_failed');
  const wrong = await sess.post('/api/v1/unit', { name: '测试单位', kind: 'department', region_code: '110105000000' },
    { headers: { 'X-CSRF-Token': 'f'.repeat(64) }, csrf: false });
  assertError(wrong, 403, 'csrf_failed');
  const ok = await sess.post('/api/v1/unit', { name: '测试单位', kind: 'department', region_code: '110105000000' });
  assert.equal(ok.status, 201, ok.text);
});
