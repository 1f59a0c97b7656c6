// A county moving from SQLite to PostgreSQL and scaling out: `shegong migrate --from
// sqlite:… --to postgres://…` copies a county's database (references, sealed ID numbers,
// attachments, full text, the audit chain), then two servers on the one PostgreSQL database
// and one shared data directory share sessions, writes, the login rate limit and the
// background jobs (each notice written once). Runs only with SHEGONG_TEST_PG_URL (a
// throwaway cluster, scripts/pg-test.sh); skipped otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, Session, PG_URL, assertError } from './lib/server.mjs';
import { seedRegions, idcard, PROVINCE, COUNTY, STREET } from './lib/fixture.mjs';

const skip = PG_URL ? false : 'SHEGONG_TEST_PG_URL is not set (scripts/pg-test.sh start DIR)';
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const RATE = 5; // logins per address and minute, on both servers together

let dir, dbName, dbUrl, county, a, b;
const ids = {};

function psql(url, sql) {
  const r = spawnSync(PSQL, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${sql}: ${r.stderr}`);
  return r.stdout.trim();
}
const count = (sql) => Number(psql(dbUrl, sql));

/** Moves both servers' clocks by the same amount (each process keeps its own offset). */
async function advanceBoth(seconds) {
  await a.advance(seconds);
  await b.advance(seconds);
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'shegong-scaleout-'));
  // the county as it ran until now: one server on SQLite
  county = new Server({ db: `sqlite:${dir}/county.db`, dir });
  await county.start();
  seedRegions(county);
  county.sqlite(`INSERT INTO unit (id, name, kind, region_code, parent_id, created_at, updated_at) VALUES
    (7005, '朝阳区社会工作部', 'gov', '${COUNTY}', NULL, 0, 0),
    (7002, '建外街道办事处', 'gov', '${STREET}', 7005, 0, 0)`); // references a later id
  county.addUser('clerk', 'specimen_officer', COUNTY);
  county.addUser('sup', 'specimen_supervisor', STREET);
  county.addUser('staff', 'staff', COUNTY);
  const clerk = await county.login('clerk');
  const up = await clerk.request('PUT', '/api/v1/attachment?filename=photo.png',
    { raw: PNG, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(up.status, 201, up.text);
  const made = await clerk.post('/api/v1/specimen', {
    title: '井盖缺失', category: 'noise', region_code: STREET, unit_id: '7002',
    id_number: idcard('11010519800101001'), files: [up.body.id],
  });
  assert.equal(made.status, 201, made.text);
  ids.specimen = made.body.id;
  ids.attachment = up.body.id;
  const gone = await clerk.post('/api/v1/specimen', { title: '已删除的样本', category: 'noise', region_code: STREET });
  assert.equal(gone.status, 201, gone.text);
  assert.equal((await clerk.del(`/api/v1/specimen/${gone.body.id}`)).status, 204);
  await county.stop();

  // the move: a new PostgreSQL database, the copy, then two servers on it
  dbName = `scaleout_${process.pid}`;
  psql(PG_URL, `CREATE DATABASE ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = '/' + dbName;
  dbUrl = url.toString();
  const m = county.cli(['migrate', '--from', `sqlite:${dir}/county.db`, '--to', dbUrl]);
  assert.equal(m.status, 0, `migrate:\n${m.stdout}\n${m.stderr}`);
  assert.match(m.stdout, /audit chain: intact/);
  assert.match(m.stdout, /attachments: 1 file\(s\), all present/);
  assert.doesNotMatch(m.stdout, /MISMATCH/);

  a = new Server({ db: dbUrl, dir });
  b = new Server({ db: dbUrl, dir });
  const env = { SHEGONG_LOGIN_RATE: String(RATE) };
  await a.start({ args: ['--node-id', '1'], env });
  await b.start({ args: ['--node-id', '2'], env });
});

after(async () => {
  if (skip) return;
  for (const s of [a, b, county]) if (s?.proc) await s.stop();
  if (dbName) spawnSync(PSQL, ['-X', '-q', '-d', PG_URL, '-c', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`]);
  rmSync(dir, { recursive: true, force: true });
});

test('the copy keeps references, sealed values, attachments, full text and the audit chain', { skip }, async () => {
  assert.equal(psql(dbUrl, 'SELECT parent_id FROM unit WHERE id = 7002'), '7005');
  const clerk = await a.login('clerk');
  const row = await clerk.get(`/api/v1/specimen/${ids.specimen}?reveal=1`);
  assert.equal(row.status, 200, row.text);
  assert.equal(row.body.id_number, idcard('11010519800101001')); // opened with the same key
  const found = await clerk.get('/api/v1/specimen?q=井盖');
  assert.deepEqual(found.body.items.map((i) => i.id), [ids.specimen]);
  assert.equal(count('SELECT COUNT(*) FROM specimen_fts'), 2, 'the deleted row keeps its document too');
  const file = await clerk.get(`/api/v1/attachment/${ids.attachment}`);
  assert.equal(file.status, 200);
  assert.equal(count(`SELECT COUNT(*) FROM audit_log WHERE action = 'database.migrate'`), 1);
  const again = a.cli(['migrate', '--from', `sqlite:${dir}/county.db`, '--to', dbUrl]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already holds data, nothing was copied/);
});

test('a session opened on one server works on the other, CSRF included', { skip }, async () => {
  const onA = await a.login('staff');
  const onB = new Session(b, onA.cookie, onA.csrf, onA.user);
  const me = await onB.get('/api/v1/auth/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.user.username, 'staff');
  assertError(await onB.post('/api/v1/unit', { name: 'x', kind: 'department', region_code: COUNTY }, { csrf: false }), 403, 'csrf_failed');
  const made = await onB.post('/api/v1/unit', { name: '朝阳区民政局', kind: 'department', region_code: COUNTY });
  assert.equal(made.status, 201, made.text);
  const read = await onA.get(`/api/v1/unit/${made.body.id}`);
  assert.equal(read.status, 200, read.text);
  assert.equal(read.body.name, '朝阳区民政局');
});

test('a write on one server is read on the other; concurrent writes keep one audit chain', { skip }, async () => {
  const onA = await a.login('staff');
  const onB = new Session(b, onA.cookie, onA.csrf, onA.user);
  const made = await onA.post('/api/v1/unit', { name: '朝阳区住建委', kind: 'department', region_code: COUNTY });
  assert.equal(made.status, 201, made.text);
  const seen = await onB.get('/api/v1/unit?q=住建');
  assert.deepEqual(seen.body.items.map((u) => u.id), [made.body.id]);
  const names = Array.from({ length: 12 }, (_, i) => `并发单位${i}`);
  const answers = await Promise.all(names.map((name, i) =>
    (i % 2 ? onA : onB).post('/api/v1/unit', { name, kind: 'department', region_code: COUNTY })));
  for (const r of answers) assert.equal(r.status, 201, r.text);
  assert.equal(new Set(answers.map((r) => r.body.id)).size, names.length);
  const check = a.cli(['check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /audit chain: ok/);
});

test('the login rate limit counts the attempts on both servers together', { skip }, async () => {
  // a fresh window on both clocks, with most of the minute ahead
  const now = Math.floor(a.serverNow());
  await advanceBoth(60 - (now % 60) + 1);
  const attempt = (s, i) => s.request('POST', '/api/v1/auth/login', { body: { username: `ghost${i}`, password: 'Wrong-password-1' } });
  for (let i = 1; i <= RATE; i++) assertError(await attempt(i % 2 ? a : b, i), 401, 'bad_credentials');
  assertError(await attempt(a, RATE + 1), 429, 'rate_limited');
  assertError(await attempt(b, RATE + 2), 429, 'rate_limited');
  assert.ok(count('SELECT COUNT(*) FROM rate_counter') >= 1);
  assert.equal(count(`SELECT COUNT(*) FROM rate_counter WHERE key LIKE '%127.0.0.1%'`), 0, 'never the address itself');
  await advanceBoth(60); // the next window: logins work again
});

test('the notice job on both servers writes each notice exactly once', { skip }, async () => {
  let clerk = await a.login('clerk');
  const made = await clerk.post('/api/v1/specimen', { title: '占道经营', category: 'noise', region_code: STREET });
  assert.equal(made.status, 201, made.text);
  const row = made.body;
  const due = Date.parse(row.deadlines.find((d) => d.name === 'submit').due) / 1000;
  const notices = (kind) => count(`SELECT COUNT(*) FROM notice WHERE row_id = ${row.id} AND kind = '${kind}'`);
  const jobs = async (s) => {
    const r = await s.request('POST', '/api/v1/test/jobs');
    assert.equal(r.status, 200, r.text);
    return r.body.notices;
  };

  // half a day before the due time (due_soon_days = 1): both run the job, at once and again
  await advanceBoth(Math.ceil(due - 12 * 3600 - a.serverNow()));
  await Promise.all([jobs(a), jobs(b)]);
  await Promise.all([jobs(b), jobs(a)]);
  assert.equal(notices('due_soon'), 1);
  assert.equal(notices('overdue'), 0);

  // past it: one overdue notice, whichever server runs first
  await advanceBoth(13 * 3600);
  await jobs(b);
  await Promise.all([jobs(a), jobs(b)]);
  assert.equal(notices('overdue'), 1);
  assert.equal(notices('due_soon'), 1);

  // the supervisor sees them through either server
  const sup = await b.login('sup');
  const list = await sup.get('/api/v1/notices?size=200');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body.items.filter((n) => n.row_id === row.id).map((n) => n.kind).sort(), ['due_soon', 'overdue']);
  clerk = await b.login('clerk');
  assert.equal((await clerk.get(`/api/v1/specimen/${row.id}`)).status, 200);
  assert.doesNotMatch(a.log + b.log, /background job failed/);
});
