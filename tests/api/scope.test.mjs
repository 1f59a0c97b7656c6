// Region scope: a business user sees and writes units only inside the regions of their
// posts; a row outside is "not found", a write aimed outside is forbidden.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const COUNTY = '110105000000'; // 朝阳区
const STREET = '110105001000'; // 建外街道, inside it
const SIBLING_STREET = '110105002000'; // 朝外街道
const SIBLING_COUNTY = '110108000000'; // 海淀区

const s = new Server();
const sess = {};
const unit = {};

async function create(who, name, region_code, kind = 'department') {
  const r = await sess[who].post('/api/v1/unit', { name, kind, region_code });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const ids = (res) => res.body.items.map((u) => u.id).sort();
const sorted = (...xs) => xs.sort();

before(async () => {
  await s.start();
  // the engine checks that a unit's region is in the region table: the fixture's tree,
  // plus 海淀区 for the second county
  seedRegions(s);
  const ins = s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at)
    VALUES ('${SIBLING_COUNTY}', '110100000000', 3, '海淀区', '北京市/海淀区', 0, 0)`);
  assert.equal(ins.status, 0, ins.stderr);
  s.addUser('county', 'staff', COUNTY);
  s.addUser('street', 'staff', STREET);
  s.addUser('sibling', 'staff', SIBLING_STREET);
  s.addUser('haidian', 'staff', SIBLING_COUNTY);
  for (const name of ['county', 'street', 'sibling', 'haidian']) sess[name] = await s.login(name);
  unit.county = await create('county', '朝阳区民政局', COUNTY);
  unit.street = await create('street', '建外街道办事处', STREET, 'township');
  unit.sibling = await create('sibling', '朝外街道办事处', SIBLING_STREET, 'township');
  unit.haidian = await create('haidian', '海淀区民政局', SIBLING_COUNTY);
});
after(async () => { await s.stop(); s.cleanup(); });

test('a county user lists the units of the county and its streets, not of another county', async () => {
  const r = await sess.county.get('/api/v1/unit');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(ids(r), sorted(unit.county.id, unit.street.id, unit.sibling.id));
  assert.equal(r.body.total, 3);
});

test('a street user lists only its street\'s units', async () => {
  const r = await sess.street.get('/api/v1/unit');
  assert.deepEqual(ids(r), [unit.street.id]);
  assert.equal(r.body.total, 1);
  const other = await sess.haidian.get('/api/v1/unit');
  assert.deepEqual(ids(other), [unit.haidian.id]);
});

test('a unit outside the scope is not found, to read or to change', async () => {
  assertError(await sess.county.get(`/api/v1/unit/${unit.haidian.id}`), 404, 'not_found');
  assertError(await sess.street.get(`/api/v1/unit/${unit.county.id}`), 404, 'not_found');
  assertError(await sess.street.get(`/api/v1/unit/${unit.sibling.id}`), 404, 'not_found');
  assertError(await sess.street.patch(`/api/v1/unit/${unit.sibling.id}`, { name: '改名', version: unit.sibling.version }), 404, 'not_found');
  assertError(await sess.haidian.patch(`/api/v1/unit/${unit.county.id}`, { name: '改名', version: unit.county.version }), 404, 'not_found');
  assertError(await sess.street.del(`/api/v1/unit/${unit.sibling.id}`), 404, 'not_found');
  assertError(await sess.street.post(`/api/v1/unit/${unit.sibling.id}/restore`), 404, 'not_found');
  // the same answer as for a unit that does not exist at all
  assertError(await sess.county.get('/api/v1/unit/999999'), 404, 'not_found');
  assertError(await sess.county.get('/api/v1/unit/abc'), 404, 'not_found');
  const mine = await sess.county.get(`/api/v1/unit/${unit.street.id}`);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.name, '建外街道办事处');
});

test('creating a unit outside the scope is forbidden', async () => {
  const r = await sess.street.post('/api/v1/unit', { name: '越界单位', kind: 'other', region_code: SIBLING_STREET });
  assertInvalid(r, [['region_code', 'out_of_scope']], 403, 'forbidden');
  const up = await sess.street.post('/api/v1/unit', { name: '越界单位', kind: 'other', region_code: COUNTY });
  assertInvalid(up, [['region_code', 'out_of_scope']], 403, 'forbidden');
  const list = await sess.county.get('/api/v1/unit?q=' + encodeURIComponent('越界'));
  assert.equal(list.body.total, 0);
});

test('moving a unit out of the scope is forbidden; inside it is allowed', async () => {
  const out = await sess.county.patch(`/api/v1/unit/${unit.county.id}`, { region_code: SIBLING_COUNTY, version: unit.county.version });
  assertInvalid(out, [['region_code', 'out_of_scope']], 403, 'forbidden');
  const still = await sess.county.get(`/api/v1/unit/${unit.county.id}`);
  assert.equal(still.body.region_code, COUNTY);
  assert.equal(still.body.version, unit.county.version, 'the refused move changed nothing');
  const ok = await sess.county.patch(`/api/v1/unit/${unit.county.id}`,
    { name: '朝阳区民政局（新）', contact: '010-12345678', version: still.body.version });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.name, '朝阳区民政局（新）');
  assert.equal(ok.body.contact, '010-12345678');
  assert.equal(ok.body.region_code, COUNTY);
  assert.equal(ok.body.version, still.body.version + 1);
  unit.county = ok.body;
  // a change made on a version read before that one is refused, and changes nothing
  const stale = await sess.county.patch(`/api/v1/unit/${unit.county.id}`, { contact: '010-1', version: still.body.version });
  assertError(stale, 409, 'conflict');
  assert.equal((await sess.county.get(`/api/v1/unit/${unit.county.id}`)).body.contact, '010-12345678');
});

test('a parent unit outside the scope does not exist for the caller', async () => {
  const r = await sess.street.post('/api/v1/unit', { name: '下属单位', kind: 'other', region_code: STREET, parent_id: unit.county.id });
  assertInvalid(r, [['parent_id', 'not_found']]);
  const ok = await sess.street.post('/api/v1/unit', { name: '下属单位', kind: 'other', region_code: STREET, parent_id: unit.street.id });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.parent_id, unit.street.id);
  unit.child = ok.body;
});

test('the region filter narrows inside the scope and finds nothing outside it', async () => {
  const street = await sess.county.get(`/api/v1/unit?region_code=${STREET}`);
  assert.deepEqual(ids(street), sorted(unit.street.id, unit.child.id));
  const whole = await sess.county.get(`/api/v1/unit?region_code=${COUNTY}`);
  assert.equal(whole.body.total, 4);
  const outside = await sess.county.get(`/api/v1/unit?region_code=${SIBLING_COUNTY}`);
  assert.equal(outside.status, 200);
  assert.deepEqual(outside.body.items, []);
  assert.equal(outside.body.total, 0);
  // a filter wider than the scope does not widen it
  const wide = await sess.street.get('/api/v1/unit?region_code=110000000000');
  assert.deepEqual(ids(wide), sorted(unit.street.id, unit.child.id));
  const kind = await sess.county.get('/api/v1/unit?kind=township');
  assert.deepEqual(ids(kind), sorted(unit.street.id, unit.sibling.id));
  // `region` is the same subtree filter; parent_id narrows to a unit's direct children
  const alias = await sess.county.get(`/api/v1/unit?region=${STREET}`);
  assert.deepEqual(ids(alias), sorted(unit.street.id, unit.child.id));
  const children = await sess.county.get(`/api/v1/unit?parent_id=${unit.street.id}`);
  assert.deepEqual(ids(children), [unit.child.id]);
});

test('a user with two posts sees the union of their regions', async () => {
  const g = s.cli(['user', 'grant', 'street', '--role', 'staff', '--region', SIBLING_COUNTY]);
  assert.equal(g.status, 0, g.stderr);
  // a grant ends the user's sessions: the rights they carried are stale
  assertError(await sess.street.get('/api/v1/unit'), 401, 'unauthenticated');
  sess.street = await s.login('street');
  assert.deepEqual(sess.street.user.scope, [STREET, SIBLING_COUNTY]);
  const r = await sess.street.get('/api/v1/unit');
  assert.deepEqual(ids(r), sorted(unit.street.id, unit.child.id, unit.haidian.id));
  assert.equal((await sess.street.get(`/api/v1/unit/${unit.haidian.id}`)).status, 200);
  assertError(await sess.street.get(`/api/v1/unit/${unit.sibling.id}`), 404, 'not_found');
});

test('unit fields are validated, all mistakes at once', async () => {
  const post = (body) => sess.county.post('/api/v1/unit', body);
  assertInvalid(await post({}), [['name', 'required'], ['kind', 'required'], ['region_code', 'required']]);
  assertInvalid(await post({ name: '', kind: 'department', region_code: COUNTY }), [['name', 'required']]);
  assertInvalid(await post({ name: '甲', kind: 'ministry', region_code: COUNTY }), [['kind', 'invalid_enum']]);
  assertInvalid(await post({ name: '甲', kind: 'department', region_code: '123' }), [['region_code', 'invalid_region']]);
  // well-formed codes that are not in the region table (the first one is not a GB/T 2260
  // code at all: county 05 under city 00)
  assertInvalid(await post({ name: '甲', kind: 'department', region_code: '110005001000' }), [['region_code', 'region_not_found']]);
  assertInvalid(await post({ name: '甲', kind: 'department', region_code: '110105099000' }), [['region_code', 'region_not_found']]);
  assertInvalid(await post({ name: '甲', kind: 'department', region_code: COUNTY, colour: 'red' }), [['colour', 'unknown_field']]);
  assertInvalid(await post({ name: 5, kind: 'department', region_code: COUNTY }), [['name', 'type_string']]);
  assertInvalid(await post({ name: '长'.repeat(101), kind: 'department', region_code: COUNTY }), [['name', 'too_long']]);
  assertInvalid(await post({ name: '甲', kind: 'x', region_code: 'y', colour: 1 }),
    [['colour', 'unknown_field'], ['kind', 'invalid_enum'], ['region_code', 'invalid_region']]);
  const patch = await sess.county.patch(`/api/v1/unit/${unit.street.id}`, { name: '', kind: 'x', version: unit.street.version });
  assertInvalid(patch, [['name', 'required'], ['kind', 'invalid_enum']]);
  // a change names the version it was made on
  assertInvalid(await sess.county.patch(`/api/v1/unit/${unit.street.id}`, { name: '乙' }), [['version', 'required']]);
  const unchanged = await sess.county.get(`/api/v1/unit/${unit.street.id}`);
  assert.equal(unchanged.body.name, '建外街道办事处');
  assert.equal(unchanged.body.version, unit.street.version);
});
