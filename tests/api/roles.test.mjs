// 三员分立: the system administrator manages accounts, the security administrator grants
// roles at posts, the auditor reads the audit trail; none of them does business work, and
// no account holds two of these roles or one of them plus a business role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
let sys, sec, aud, newbieId;

before(async () => {
  await s.start();
  seedRegions(s);
  s.addUser('sys', 'sysadmin', '110000000000');
  s.addUser('sec', 'secadmin', '110000000000');
  s.addUser('aud', 'auditor', '110000000000');
  s.addUser('stf', 'staff', '110105000000');
  [sys, sec, aud] = [await s.login('sys'), await s.login('sec'), await s.login('aud')];
});
after(async () => { await s.stop(); s.cleanup(); });

const grant = (userId, role, region_code = '110105000000') =>
  sec.post(`/api/v1/users/${userId}/roles`, { role, region_code });

test('the system administrator creates an account', async () => {
  const r = await sys.post('/api/v1/users', { username: 'newbie', display_name: '新同事', password: PASSWORD });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.id, /^[1-9][0-9]*$/);
  assert.equal(r.body.username, 'newbie');
  assert.equal(r.body.display_name, '新同事');
  assert.equal(r.body.status, 'active');
  assert.deepEqual(r.body.posts, []);
  assert.equal(r.body.last_login_at, null);
  newbieId = r.body.id;
});

test('account creation is validated', async () => {
  const create = (body) => sys.post('/api/v1/users', body);
  assertInvalid(await create({ username: 'Bad name', display_name: '甲', password: PASSWORD }), [['username', 'invalid_username']]);
  assertInvalid(await create({ username: '9lives', display_name: '甲', password: PASSWORD }), [['username', 'invalid_username']]);
  assertInvalid(await create({ username: 'ab', display_name: '甲', password: PASSWORD }), [['username', 'invalid_username']]);
  assertInvalid(await create({ username: 'newbie', display_name: '甲', password: PASSWORD }), [['username', 'taken']]);
  assertInvalid(await create({ username: 'NewBie', display_name: '甲', password: PASSWORD }), [['username', 'taken']]);
  assertInvalid(await create({ username: 'weakling', display_name: '甲', password: 'short1A' }), [['password', 'password_too_short']]);
  assertInvalid(await create({ username: 'weakling', display_name: '甲', password: 'x-Weakling-2026' }), [['password', 'password_contains_username']]);
  assertInvalid(await create({}), [['username', 'required'], ['display_name', 'required'], ['password', 'required']]);
});

test('the system administrator neither reads the audit trail nor grants roles', async () => {
  assertError(await sys.get('/api/v1/audit'), 403, 'forbidden');
  assertError(await sys.post(`/api/v1/users/${newbieId}/roles`, { role: 'staff', region_code: '110105000000' }), 403, 'forbidden');
  assertError(await sys.get('/api/v1/roles'), 403, 'forbidden');
});

test('the security administrator grants a post', async () => {
  const r = await grant(newbieId, 'staff');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.posts.length, 1);
  assert.equal(r.body.posts[0].role, 'staff');
  assert.equal(r.body.posts[0].region_code, '110105000000');
  const me = await s.login('newbie');
  assert.deepEqual(me.user.permissions, ['grid.read', 'grid.write', 'person.read', 'person.write', 'region.read', 'unit.read', 'unit.write']);
  assert.equal((await me.get('/api/v1/unit')).status, 200);
});

test('the admin roles exclude each other and every business role', async () => {
  const conflict = (r) => assertInvalid(r, [['role', 'admin_role_conflict']], 409, 'conflict');
  conflict(await grant(sys.user.id, 'secadmin', '110000000000'));
  conflict(await grant(aud.user.id, 'sysadmin', '110000000000'));
  conflict(await grant(aud.user.id, 'staff'));
  conflict(await grant(newbieId, 'auditor', '110000000000'));
});

test('grants are checked: oneself, the role, the region, the user', async () => {
  assertInvalid(await grant(sec.user.id, 'staff'), [['role', 'self_grant']]);
  assertInvalid(await grant(newbieId, 'chief'), [['role', 'unknown_role']]);
  assertInvalid(await grant(newbieId, 'staff', '123'), [['region_code', 'invalid_region']]);
  assertInvalid(await sec.post(`/api/v1/users/${newbieId}/roles`, {}), [['role', 'required'], ['region_code', 'required']]);
  assertInvalid(await grant(newbieId, 'staff', '120000000000'), [['region_code', 'out_of_scope']], 403, 'forbidden');
  assertInvalid(await grant(newbieId, 'staff'), [['role', 'taken']], 409, 'conflict');
  assertError(await grant('999999', 'staff'), 404, 'not_found');
});

test('the auditor reads the audit trail and no accounts', async () => {
  const r = await aud.get('/api/v1/audit?action=role.grant');
  assert.equal(r.status, 200, r.text);
  const mine = r.body.items.find((i) => i.object_id === newbieId && i.username === 'sec' && i.result === 'success');
  assert.ok(mine, r.text);
  assert.deepEqual(JSON.parse(mine.detail), { role: 'staff', region_code: '110105000000' });
  // refused grants are recorded as failures, with the answer's code
  const refused = r.body.items.filter((i) => i.result === 'failure' && i.username === 'sec');
  assert.ok(refused.some((i) => JSON.parse(i.detail).code === 'conflict'), r.text);
  const denied = await aud.get('/api/v1/audit?result=failure&action=access');
  assert.equal(denied.status, 200, denied.text);
  assert.ok(denied.body.items.some((i) => i.username === 'sys' && JSON.parse(i.detail).route === 'GET /api/v1/audit'), denied.text);
  assertError(await aud.get('/api/v1/users'), 403, 'forbidden');
  assertError(await aud.post('/api/v1/users', { username: 'x1x', display_name: 'x', password: PASSWORD }), 403, 'forbidden');
});

test('the admin roles cannot read or write business data', async () => {
  for (const admin of [sys, sec, aud]) {
    assertError(await admin.get('/api/v1/unit'), 403, 'forbidden');
    assertError(await admin.post('/api/v1/unit', { name: '甲', kind: 'other', region_code: '110105000000' }), 403, 'forbidden');
  }
});

test('the CLI refuses a second admin role, or an admin role for a business user', async () => {
  const a = s.cli(['user', 'grant', 'sys', '--role', 'auditor', '--region', '110000000000']);
  assert.equal(a.status, 1, a.stderr);
  assert.match(a.stderr, /admin_role_conflict/);
  const b = s.cli(['user', 'grant', 'stf', '--role', 'sysadmin', '--region', '110000000000']);
  assert.equal(b.status, 1, b.stderr);
  assert.match(b.stderr, /admin_role_conflict/);
});

test('the system administrator locks and unlocks an account', async () => {
  const before = await s.login('newbie');
  const lock = await sys.post(`/api/v1/users/${newbieId}/lock`);
  assert.equal(lock.status, 200, lock.text);
  assert.equal(lock.body.status, 'locked');
  assertError(await before.get('/api/v1/auth/me'), 401, 'unauthenticated');
  assertError(await s.request('POST', '/api/v1/auth/login', { body: { username: 'newbie', password: PASSWORD } }), 403, 'account_locked');
  const unlock = await sys.post(`/api/v1/users/${newbieId}/unlock`);
  assert.equal(unlock.status, 200, unlock.text);
  assert.equal(unlock.body.status, 'active');
  await s.login('newbie');
  assertInvalid(await sys.post(`/api/v1/users/${sys.user.id}/lock`), [['id', 'self_grant']]);
  assertError(await sys.post('/api/v1/users/999999/lock'), 404, 'not_found');
});

test('accounts are listed and read', async () => {
  const all = await sys.get('/api/v1/users');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.total, 5);
  assert.deepEqual(all.body.items.map((u) => u.username), ['aud', 'newbie', 'sec', 'stf', 'sys']);
  assert.equal(all.body.page, 1);
  const q = await sec.get('/api/v1/users?q=newb');
  assert.deepEqual(q.body.items.map((u) => u.username), ['newbie']);
  assert.equal(q.body.total, 1);
  const locked = await sys.get('/api/v1/users?status=locked');
  assert.deepEqual(locked.body.items, []);
  assert.equal(locked.body.total, 0);
  const page2 = await sys.get('/api/v1/users?page=2&page_size=2');
  assert.deepEqual(page2.body.items.map((u) => u.username), ['sec', 'stf']);
  assert.equal(page2.body.total, 5);
  const one = await sys.get(`/api/v1/users/${newbieId}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.username, 'newbie');
  assert.equal(one.body.posts[0].role, 'staff');
  assert.notEqual(one.body.last_login_at, null);
  assertError(await sys.get('/api/v1/users/999999'), 404, 'not_found');
  assertError(await sys.get('/api/v1/users/abc'), 404, 'not_found');
});

test('past the last page the total is still that of the filtered list', async () => {
  const pastAll = await sys.get('/api/v1/users?page=9');
  assert.deepEqual(pastAll.body.items, []);
  assert.equal(pastAll.body.total, 5);
  const past = await sys.get('/api/v1/users?q=newb&page=2');
  assert.equal(past.status, 200, past.text);
  assert.deepEqual(past.body.items, []);
  assert.equal(past.body.total, 1, past.text);
  const pastLocked = await sys.get('/api/v1/users?status=locked&page=2');
  assert.equal(pastLocked.body.total, 0, pastLocked.text);
});

test('the system administrator resets a password, not their own', async () => {
  const weak = await sys.post(`/api/v1/users/${newbieId}/password`, { password: 'short1A' });
  assertInvalid(weak, [['password', 'password_too_short']]);
  assertInvalid(await sys.post(`/api/v1/users/${sys.user.id}/password`, { password: 'Reset-Pass-2027' }), [['id', 'self_grant']]);
  const r = await sys.post(`/api/v1/users/${newbieId}/password`, { password: 'Reset-Pass-2027' });
  assert.equal(r.status, 204, r.text);
  await s.login('newbie', 'Reset-Pass-2027');
});

test('revoking a post takes its permissions away', async () => {
  const user = await s.login('newbie', 'Reset-Pass-2027');
  const grantId = (await sec.get(`/api/v1/users/${newbieId}`)).body.posts[0].id;
  assertInvalid(await sec.del(`/api/v1/users/${sec.user.id}/roles/${grantId}`), [['role', 'self_grant']]);
  const r = await sec.del(`/api/v1/users/${newbieId}/roles/${grantId}`);
  assert.equal(r.status, 204, r.text);
  assertError(await user.get('/api/v1/unit'), 401, 'unauthenticated');
  const again = await s.login('newbie', 'Reset-Pass-2027');
  assert.deepEqual(again.user.permissions, []);
  assert.deepEqual(again.user.posts, []);
  assertError(await again.get('/api/v1/unit'), 403, 'forbidden');
  assertError(await sec.del(`/api/v1/users/${newbieId}/roles/${grantId}`), 404, 'not_found');
});

test('the built-in roles are listed with their permissions', async () => {
  const r = await sec.get('/api/v1/roles');
  assert.equal(r.status, 200, r.text);
  const byName = Object.fromEntries(r.body.items.map((i) => [i.name, i]));
  // the test binary (shegong-test) links the specimen fixture (tests/fixture/specimen.c),
  // whose four roles come on top of the product's own
  const fixture = ['specimen_clerk', 'specimen_officer', 'specimen_reader', 'specimen_supervisor'];
  assert.deepEqual(Object.keys(byName).filter((n) => !fixture.includes(n)),
    ['auditor', 'dispatcher', 'dispute_reporter', 'identity_officer', 'mediation_manager', 'mediator',
      'open311_client', 'petition_leader', 'petition_officer', 'secadmin', 'staff', 'sysadmin', 'unit_handler',
      'whistle_officer', 'workorder_handler', 'workorder_leader']);
  for (const n of Object.keys(byName).filter((n) => fixture.includes(n)))
    assert.equal(byName[n].admin_kind, null, `${n} is a business role`);
  assert.deepEqual(byName.identity_officer.permissions, [...byName.staff.permissions, 'person.identity'].sort());
  for (const name of ['sysadmin', 'secadmin', 'auditor', 'identity_officer']) assert.equal(byName[name].requires_2fa, true, name);
  // whoever may see personal data in clear logs in with a second factor
  for (const role of r.body.items.filter((i) => !fixture.includes(i.name)))
    if (role.permissions.some((p) => p.endsWith('.identity'))) assert.equal(role.requires_2fa, true, role.name);
  assert.equal(byName.staff.requires_2fa, false);
  assert.deepEqual(byName.sysadmin.permissions, ['calendar.manage', 'dictionary.manage', 'user.manage', 'user.read']);
  assert.deepEqual(byName.secadmin.permissions, ['role.manage', 'role.read', 'user.read']);
  assert.deepEqual(byName.auditor.permissions, ['audit.read']);
  assert.deepEqual(byName.staff.permissions, ['grid.read', 'grid.write', 'person.read', 'person.write', 'region.read', 'unit.read', 'unit.write']);
  assert.equal(byName.staff.admin_kind, null);
  assert.equal(byName.auditor.admin_kind, 'auditor');
  for (const role of r.body.items) {
    assert.equal(role.builtin, true);
    assert.match(role.label, /[\u4e00-\u9fff]/);
  }
});
