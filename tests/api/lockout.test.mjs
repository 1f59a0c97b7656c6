// Locking after failed logins, and locking by an administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError } from './lib/server.mjs';

const s = new Server();
const WRONG = 'Wrong-password-1';

before(async () => {
  await s.start();
  for (const name of ['bob', 'carol', 'dave', 'erin'])
    s.addUser(name, 'staff', '110105000000');
  s.addUser('aud', 'auditor', '110000000000');
  s.addUser('sys', 'sysadmin', '110000000000');
});
after(async () => { await s.stop(); s.cleanup(); });

const login = (username, password) =>
  s.request('POST', '/api/v1/auth/login', { body: { username, password } });

test('five wrong passwords lock the account; then even the right one is refused', async () => {
  for (let i = 1; i <= 4; i++) assertError(await login('bob', WRONG), 401, 'bad_credentials');
  const fifth = assertError(await login('bob', WRONG), 403, 'account_locked');
  const right = assertError(await login('bob', PASSWORD), 403, 'account_locked');
  assert.equal(right.message, fifth.message);
  assertError(await login('bob', WRONG), 403, 'account_locked');
});

test('the account view shows the failed logins and the lock', async () => {
  const sys = await s.login('sys');
  const list = await sys.get('/api/v1/users?q=bob');
  const bob = list.body.items[0];
  assert.equal(bob.username, 'bob');
  assert.equal(bob.failed_logins, 5);
  assert.match(bob.locked_until, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const lockedFor = Date.parse(bob.locked_until) - Date.parse(list.headers.get('date'));
  assert.ok(lockedFor > 14 * 60 * 1000 && lockedFor <= 15 * 60 * 1000 + 2000, `locked for ${lockedFor} ms`);
  assert.equal(bob.status, 'active', 'a lock after failures is not an administrative lock');
});

test('an unknown name is answered exactly like a real one, and locks after five too', async () => {
  for (let i = 1; i <= 6; i++) {
    const real = await login('carol', WRONG);
    const ghost = await login('ghost', WRONG);
    const status = i < 5 ? 401 : 403;
    const code = i < 5 ? 'bad_credentials' : 'account_locked';
    assertError(real, status, code);
    assertError(ghost, status, code);
    assert.equal(ghost.body.error.message, real.body.error.message, `attempt ${i}`);
    assert.deepEqual(ghost.body.error.details, real.body.error.details);
    assert.equal(ghost.headers.get('set-cookie'), real.headers.get('set-cookie'));
  }
});

test('the lock runs out after 15 minutes', async () => {
  // bob was locked in the first test
  await s.advance(14 * 60);
  assertError(await login('bob', PASSWORD), 403, 'account_locked');
  await s.advance(60 + 1);
  // a fresh count starts: one more mistake does not lock again
  assertError(await login('bob', WRONG), 401, 'bad_credentials');
  const r = await login('bob', PASSWORD);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.user.username, 'bob');
});

test('`shegong user unlock` clears a lock at once', async () => {
  for (let i = 1; i <= 5; i++) await login('dave', WRONG);
  assertError(await login('dave', PASSWORD), 403, 'account_locked');
  const u = s.cli(['user', 'unlock', 'dave']);
  assert.equal(u.status, 0, u.stderr);
  const r = await login('dave', PASSWORD);
  assert.equal(r.status, 200, r.text);
});

test('`shegong user lock` refuses the right password until unlocked', async () => {
  const l = s.cli(['user', 'lock', 'erin']);
  assert.equal(l.status, 0, l.stderr);
  const err = assertError(await login('erin', PASSWORD), 403, 'account_locked');
  assert.match(err.message, /管理员/);
  assert.equal(s.cli(['user', 'unlock', 'erin']).status, 0);
  assert.equal((await login('erin', PASSWORD)).status, 200);
});

test('failures, locks and successes are in the audit trail', async () => {
  const bob = (await s.login('bob')).user.id;
  const auditor = await s.login('aud');

  const locks = await auditor.get('/api/v1/audit?action=login.lock');
  assert.equal(locks.status, 200, locks.text);
  const lockOf = (id) => locks.body.items.filter((i) => i.object_id === id);
  assert.equal(lockOf(bob).length, 1, locks.text);
  assert.equal(lockOf(bob)[0].object_type, 'user');
  assert.equal(lockOf(bob)[0].username, 'bob');
  // the unknown name is locked too, with no account named
  assert.ok(locks.body.items.some((i) => i.object_id === null && i.user_id === null), locks.text);
  assert.ok(locks.body.total >= 4, 'bob, carol, ghost and dave were locked');

  const fails = await auditor.get(`/api/v1/audit?action=login.failure&object_id=${bob}`);
  assert.equal(fails.status, 200);
  assert.ok(fails.body.items.every((i) => i.result === 'failure'));
  const reasons = fails.body.items.map((i) => JSON.parse(i.detail).reason);
  // five before the lock, one after it ran out
  assert.equal(reasons.filter((r) => r === 'wrong_password').length, 6, fails.text);
  assert.ok(reasons.includes('locked_after_failures'), fails.text);

  const unknown = await auditor.get('/api/v1/audit?action=login.failure&result=failure&page_size=200');
  assert.ok(unknown.body.items.some((i) => i.detail && JSON.parse(i.detail).reason === 'unknown_user'));

  const ok = await auditor.get(`/api/v1/audit?action=login.success&object_id=${bob}`);
  assert.equal(ok.status, 200);
  assert.ok(ok.body.total >= 1, ok.text);
  assert.equal(ok.body.items[0].result, 'success');
  assert.equal(ok.body.items[0].user_id, bob);
});
