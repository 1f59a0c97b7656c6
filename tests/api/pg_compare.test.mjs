// The same fixture on SQLite and on PostgreSQL answers alike: lists with filters and
// sorts, Chinese full-text search, paging totals, exports. Runs when the suite runs on
// PostgreSQL (make test-api-pg); the second server uses a SQLite file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PG, Server } from './lib/server.mjs';
import { seedRegions, specimenUsers, COUNTY, STREET, SIBLING } from './lib/fixture.mjs';

const servers = {};
const sess = {};

const TITLES = [
  ['楼上噪音扰民', 'noise', STREET, 5, '夜间施工 ABC公司'],
  ['噪声监测点位', 'repair', STREET, 12, '音响设备'],
  ['小区供暖问题', 'repair', SIBLING, 7, '暖气不热'],
  ['拖欠工资', 'other', SIBLING, 3, '农民工 工资'],
  ['北京市朝阳区建外街道', 'noise', STREET, 40, 'Beijing 朝阳'],
  ['道路积水', 'repair', SIBLING, 0, '排水 井盖'],
];

before(async () => {
  if (!PG) return;
  for (const kind of ['pg', 'sqlite']) {
    const s = new Server();
    if (kind === 'sqlite') s.useSqlite();
    await s.start();
    seedRegions(s);
    servers[kind] = s;
    sess[kind] = (await specimenUsers(s, { clerk: ['specimen_clerk', COUNTY] })).clerk;
    for (const [title, category, region, count, body] of TITLES) {
      const r = await sess[kind].post('/api/v1/specimen', {
        title, category, region_code: region, count, body, reason: category === 'other' ? '其他' : undefined,
      });
      assert.equal(r.status, 201, r.text);
    }
  }
});
after(async () => {
  for (const s of Object.values(servers)) await s.stop();
});

const titles = (r) => r.body.items.map((i) => i.title);

test('lists, filters, sorts and searches answer alike on both databases', { skip: !PG && 'PostgreSQL only' }, async () => {
  const queries = [
    '', 'sort=title', 'sort=-count', 'sort=count&size=2', 'sort=count&size=2&page=3', 'category=repair',
    `region=${SIBLING}&sort=-count`, 'count_from=5&count_to=12&sort=count', 'q=噪音', 'q=噪声', 'q=噪',
    'q=供暖', 'q=abc 施工', 'q=朝阳区', 'q=北京 beijing', 'q=工资&sort=title', 'q=井盖', 'q=不存在的词',
    'state=draft&sort=-created_at&size=3',
  ];
  for (const q of queries) {
    const a = await sess.pg.get(`/api/v1/specimen?${q}`);
    const b = await sess.sqlite.get(`/api/v1/specimen?${q}`);
    assert.equal(a.status, 200, a.text);
    assert.equal(b.status, 200, b.text);
    const sorted = q.includes('sort=') || !q.startsWith('q=');
    const left = sorted ? titles(a) : titles(a).sort();
    const right = sorted ? titles(b) : titles(b).sort();
    assert.deepEqual(left, right, `?${q}`);
    assert.equal(a.body.total, b.body.total, `?${q} total`);
  }
  // a two-character word finds exactly its rows, on both
  assert.deepEqual(titles(await sess.pg.get('/api/v1/specimen?q=噪音')), ['楼上噪音扰民']);
});

test('the export holds the same rows on both databases', { skip: !PG && 'PostgreSQL only' }, async () => {
  const a = await sess.pg.get('/api/v1/specimen/export?format=csv&sort=title');
  const b = await sess.sqlite.get('/api/v1/specimen/export?format=csv&sort=title');
  assert.equal(a.status, 200, a.text);
  const rows = (t) => t.split('\r\n').slice(1).map((l) => l.split(',').slice(1, 3).join(','));
  assert.deepEqual(rows(a.text), rows(b.text));
});
