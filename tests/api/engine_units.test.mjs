// Units and grids on the generic engine: export and import through the same routes as
// every entity, with their own labels and checks (a grid lies below a village).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './lib/server.mjs';
import { seedRegions, COUNTY, STREET } from './lib/fixture.mjs';

const VILLAGE = '110105001001';
const s = new Server();
let staff;

before(async () => {
  await s.start();
  seedRegions(s);
  s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('${VILLAGE}', '${STREET}', 5, '南郎家园社区', '北京市/朝阳区/建外街道/南郎家园社区', 0, 0)`);
  s.addUser('staff', 'staff', COUNTY);
  staff = await s.login('staff');
});
after(() => s.stop());

const csv = (text) => ({ raw: Buffer.from(text, 'utf8'), headers: { 'Content-Type': 'text/csv' } });

test('units: import by field names, then export with 中文 headers and labels', async () => {
  const imp = await staff.request('POST', '/api/v1/unit/import',
    csv('name,kind,region_code,contact\n朝阳区民政局,department,110105000000,010-1\n建外街道办,township,110105001000,\n'));
  assert.equal(imp.status, 200, imp.text);
  assert.equal(imp.body.imported, 2);
  const bad = await staff.request('POST', '/api/v1/unit/import',
    csv('name,kind,region_code\n好单位,department,110105000000\n坏单位,planet,110105000000\n'));
  assertError(bad, 400, 'invalid');
  assert.deepEqual(bad.body.error.details.map((d) => [d.row, d.field, d.code]), [[3, 'kind', 'invalid_enum']]);
  assert.equal((await staff.get('/api/v1/unit?q=' + encodeURIComponent('好单位'))).body.total, 0);
  const out = await staff.get('/api/v1/unit/export?format=csv&sort=name');
  assert.equal(out.status, 200, out.text);
  const lines = out.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
  assert.match(lines[0], /单位名称,单位类别,所属区划/);
  assert.equal(lines.length, 3);
  assert.ok(lines.some((l) => l.includes('建外街道办') && l.includes('街道乡镇')));
});

test('grids: export, and an import row below a street is refused with its row number', async () => {
  const g = await staff.post('/api/v1/grid', { name: '第一网格', region_code: VILLAGE, households: 10 });
  assert.equal(g.status, 201, g.text);
  assert.equal(g.body.region_code_label, '北京市/朝阳区/建外街道/南郎家园社区');
  const out = await staff.get('/api/v1/grid/export?format=csv');
  assert.equal(out.status, 200, out.text);
  assert.match(out.text, /网格名称/);
  assert.match(out.text, /第一网格/);
  const imp = await staff.request('POST', '/api/v1/grid/import',
    csv(`name,region_code,households\n第二网格,${VILLAGE},5\n街道网格,${STREET},1\n`));
  assertError(imp, 400, 'invalid');
  assert.deepEqual(imp.body.error.details.map((d) => [d.row, d.field, d.code]), [[3, 'region_code', 'region_not_village']]);
  const ok = await staff.request('POST', '/api/v1/grid/import', csv(`name,region_code\n第二网格,${VILLAGE}\n`));
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await staff.get('/api/v1/grid')).body.total, 2);
});
