// A full-text search with very many matches (docs/engine.md "Search"): beyond 2,000 matches
// in the table the matches are listed newest first, read from the index down until the page
// is full, and counted in the reader's scope only four pages past the page asked for (a
// total that grows as the reader pages on); with few matches they are
// ranked best first and counted exactly. Either way the reader sees exactly the rows in
// scope that the same search sorted by id would show, and the CSV export has them all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PG, Server } from './lib/server.mjs';
import { seedRegions, COUNTY, STREET } from './lib/fixture.mjs';

const s = new Server();
let county, street;
let common; // a word in more than 2,000 petitions
const UNTIL = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);

const rows = (sql) => s.sqlite(sql).stdout.trim();
const ids = (r) => r.body.items.map((x) => x.id);
const search = (who, q, extra = '') => who.get(`/api/v1/petition?q=${encodeURIComponent(q)}${extra}`);

before(async () => {
  await s.start();
  seedRegions(s);
  const r = s.cli(['gen', '--petitions', '4000', '--persons', '800', '--seed', '7', '--region', COUNTY, '--until', UNTIL]);
  assert.equal(r.status, 0, r.stderr);
  s.addUser('county', 'petition_officer', COUNTY);
  s.addUser('street', 'petition_officer', STREET);
  county = await s.login('county');
  street = await s.login('street');
  // the generated texts repeat their template words: take one in most of them
  for (const w of ['部门', '反映', '问题', '解决']) {
    if (Number(rows(`SELECT count(*) FROM petition WHERE content LIKE '%${w}%'`)) > 2500) {
      common = w;
      break;
    }
  }
  assert.ok(common, 'a word common to most generated petitions');
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('many matches: newest first, the same rows as the search sorted by id, counted four pages ahead', async () => {
  const r = await search(county, common, '&size=50');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.search_order, 'newest');
  assert.equal(r.body.total, 250, 'page 1 and four more of 50');
  assert.equal(r.body.total_exact, false);
  assert.equal(r.body.items.length, 50);
  const got = ids(r);
  assert.deepEqual(got, [...got].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)), 'ids descending');
  // the reader's own sort joins every match and counts them exactly: the same rows
  const sorted = await search(county, common, '&size=50&sort=-id');
  assert.equal(sorted.status, 200, sorted.text);
  assert.equal(sorted.body.total_exact, true);
  assert.ok(sorted.body.total > 2000, `exact count ${sorted.body.total}`);
  assert.deepEqual(got, ids(sorted));
  // a later page too
  const p5 = await search(county, common, '&size=50&page=5');
  const s5 = await search(county, common, '&size=50&page=5&sort=-id');
  assert.deepEqual(ids(p5), ids(s5));
  assert.equal(p5.body.total, 450, 'the count goes on with the pages');
  assert.equal(p5.body.total_exact, false);
  // every item holds the word (in its title or content)
  for (const x of r.body.items) assert.ok(`${x.title} ${x.content}`.includes(common), x.id);
});

test('a narrow scope: only the street\'s rows, still the same as sorted by id', async () => {
  const inStreet = Number(rows(`SELECT count(*) FROM petition WHERE region_code = '${STREET}'`));
  assert.ok(inStreet > 0 && inStreet < 4000);
  const r = await search(street, common, '&size=100');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.search_order, 'newest');
  for (const x of r.body.items) assert.equal(x.region_code, STREET);
  const sorted = await search(street, common, '&size=100&sort=-id');
  assert.deepEqual(ids(r), ids(sorted));
  assert.equal(r.body.total, Math.min(sorted.body.total, 500), 'page 1 and four more of 100');
  assert.equal(r.body.total_exact, sorted.body.total <= 500);
  // a filter on top narrows the index's matches further
  const handling = await search(street, common, '&state=handling&size=200');
  assert.equal(handling.status, 200, handling.text);
  for (const x of handling.body.items) assert.equal(x.state, 'handling');
  const hs = await search(street, common, '&state=handling&size=200&sort=-id');
  assert.deepEqual(ids(handling), ids(hs));
  assert.equal(handling.body.total_exact, true);
  assert.equal(handling.body.total, hs.body.total);
});

test('few matches: ranked best first and counted exactly', async () => {
  const id = rows("SELECT id FROM petition WHERE region_code LIKE '110105%' ORDER BY id LIMIT 1");
  const content = rows(`SELECT content FROM petition WHERE id = ${id}`);
  const words = content.match(/[\u4e00-\u9fff]{8,}/)[0].slice(0, 8);
  const r = await search(county, words, '&size=200');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.search_order, 'relevance');
  assert.equal(r.body.total_exact, true);
  assert.ok(r.body.total <= 2000 && r.body.total >= 1, `${words}: ${r.body.total}`);
  assert.ok(ids(r).includes(id));
  // a plain list says nothing of a search
  const plain = await county.get('/api/v1/petition?size=1');
  assert.equal(plain.body.search_order, undefined);
  assert.equal(plain.body.total_exact, true);
  assert.equal(plain.body.total, 4000);
});

test('the CSV export of a search with many matches holds every one of them', async () => {
  const sorted = await search(county, common, '&size=1&sort=-id');
  const csv = await county.get(`/api/v1/petition/export?format=csv&q=${encodeURIComponent(common)}`);
  assert.equal(csv.status, 200, typeof csv.body === 'string' ? csv.body.slice(0, 200) : csv.text);
  const lines = csv.text.trim().split('\n').filter((l) => /^"?\d/.test(l));
  assert.equal(lines.length, sorted.body.total);
});

test('bad input on a search changes nothing and names the field', async () => {
  const r = await search(county, common, '&page=0');
  assert.equal(r.status, 400);
  assert.equal(r.body.error.details[0].field, 'page');
  const long = await search(county, '噪'.repeat(1001));
  assert.equal(long.status, 400, long.text);
});

test('the to-do list over thousands of open items: the nearest clocks first, each row once, all counted', async () => {
  const r = await county.get('/api/v1/todo');
  assert.equal(r.status, 200, r.text);
  const items = r.body.items.filter((x) => x.entity === 'petition');
  assert.equal(items.length, 100, 'a full list');
  assert.ok(r.body.counts.petition > 100, `counted ${r.body.counts.petition}`);
  const ids = items.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length, 'each row once');
  const dues = items.map((x) => new Date(x.due).getTime());
  assert.ok(dues.every((d, i) => i === 0 || dues[i - 1] <= d), 'nearest first');
  // each item carries its row's nearest running clock
  const nearest = new Map(rows(`SELECT row_id, MIN(due_at) FROM deadline WHERE entity = 'petition' AND state = 'running' AND row_id IN (${ids.join(',')}) GROUP BY row_id`)
    .split('\n').map((l) => l.split('|')).map(([id, due]) => [id, Number(due) * 1000]));
  for (const x of items) assert.equal(new Date(x.due).getTime(), nearest.get(x.id), x.id);
  // nothing in those states with a nearer clock was left out
  const states = [...new Set(items.map((x) => x.state))].map((st) => `'${st}'`).join(',');
  const last = Math.max(...dues) / 1000;
  const missed = rows(`SELECT count(*) FROM petition t WHERE t.state IN (${states}) AND t.id NOT IN (${ids.join(',')})
    AND (SELECT MIN(due_at) FROM deadline d WHERE d.entity = 'petition' AND d.row_id = t.id AND d.state = 'running') < ${last}`);
  assert.equal(missed, '0');
  // the count is every open item the officer can act on: the same as without the clocks
  const all = Number(rows(`SELECT count(*) FROM petition WHERE state IN (${states})`));
  assert.ok(r.body.counts.petition >= all, `${r.body.counts.petition} >= ${all}`);
});

test('SQLite: many matches are checked against the scope in TABLE_id_scope; without that index the same answer', { skip: PG ? 'an index of SQLite only' : false }, async () => {
  assert.equal(rows("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE '%_id_scope'"), '5',
    'unit, petition, dispute, work_order, whistle');
  const before = await search(street, common, '&size=20&page=2');
  assert.equal(before.status, 200, before.text);
  // every statement logged (SHEGONG_SLOW_SQL_MS=0): the search names the index
  await s.stop();
  await s.start({ env: { SHEGONG_SLOW_SQL_MS: '0' } });
  street = await s.login('street');
  const mark = s.log.length;
  const again = await search(street, common, '&size=20&page=2');
  assert.deepEqual(ids(again), ids(before));
  assert.match(s.log.slice(mark), /FROM petition_fts fts CROSS JOIN petition t INDEXED BY petition_id_scope ON/);
  // an installation without it (an index dropped by hand) still searches, by the rows
  s.sqlite('DROP INDEX petition_id_scope');
  const mark2 = s.log.length;
  const without = await search(street, common, '&size=20&page=2');
  assert.equal(without.status, 200, without.text);
  assert.deepEqual(ids(without), ids(before));
  assert.equal(without.body.total, before.body.total);
  assert.doesNotMatch(s.log.slice(mark2), /INDEXED BY/);
});
