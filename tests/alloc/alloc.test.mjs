// Allocation failure (issue 9): a server built with -DSHEGONG_FAILALLOC=ON (make
// test-alloc) fails the N-th allocation of a request that carries `X-Fail-Alloc: N`, and
// says in `X-Fail-Alloc-Hit` whether one failed. For each request below, N runs 1, 2, 3 …
// until a request completes without a failure. Every answer must be the normal one, or 500
// /503 with the usual error envelope; after an error nothing of the request is in the
// database (the row count of every table and the rows it targets are unchanged) and the
// same request without the header succeeds; after a success the database changed exactly
// as after a request that failed nothing. The audit chain verifies after each request
// kind, and at exit the sanitizers (ASan + LSan + UBSan in make test-alloc) report nothing.
//
// ALLOC_STRIDE=k (default 1) tries every k-th N only past N = 32, for a shorter run;
// SHEGONG_FAILALLOC_TRACE=1 makes the server print where each failure was (docs/reliability.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Server, SANITIZED } from '../api/lib/server.mjs';
import { seedRegions, idcard, COUNTY, STREET } from '../api/lib/fixture.mjs';

const STRIDE = Math.max(1, Number(process.env.ALLOC_STRIDE || 1));
// ALLOC_GROUP_COMMIT=off: writes on the request's thread; on (the default, as deployed): on
// the group-commit writer's thread, which takes the request's countdown along
const GROUP_COMMIT = process.env.ALLOC_GROUP_COMMIT === 'off' ? 'off' : 'on';
const MAX_N = 200000; // a request that never completes is a test failure, not a hang
const ANSWER_MS = 30000;

const CHEAP_HASH = '$argon2id$v=19$m=8,t=1,p=1$jrc/Jal83pTmQGm3CJTwug$ZQlIOE34TLp0agcAFhhmpsOgsW//bNBPk4O2PBB4rbA';

const s = new Server();
s.useSqlite(); // SQLite also in a PostgreSQL run: the snapshots read the database file
const sess = {};
let seq = 0; // makes each created row distinct
const stats = [];

before(async () => {
  if (!SANITIZED) console.log('# SHEGONG_SANITIZED is not set: is SHEGONG_BIN a sanitized build?');
  // one worker thread: every request runs on the same thread and database connection, so
  // the allocation count of a request is the same from one N to the next
  await s.start({ args: ['--threads', '1'], env: { SHEGONG_GROUP_COMMIT: GROUP_COMMIT } });
  seedRegions(s);
  s.addUser('alice', 'staff', COUNTY);
  // alice's password hashed with argon2id at its least cost (libsodium's OPSLIMIT_MIN and
  // MEMLIMIT_MIN) instead of the interactive cost `user add` uses: a login tried some 250
  // times then takes milliseconds, and libsodium's own allocations are not counted anyway
  const h = s.sqlite(`UPDATE users SET password_hash = '${CHEAP_HASH}' WHERE username = 'alice'`);
  assert.equal(h.status, 0, h.stderr);
  s.addUser('officer', 'identity_officer', COUNTY);
  s.addUser('clerk', 'specimen_clerk', COUNTY);
  sess.officer = await s.login('officer');
  sess.clerk = await s.login('clerk');
});

after(async () => {
  db?.close();
  try {
    await s.stop(); // asserts exit status 0: LeakSanitizer exits 23 on a leak
    const report = /ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer/.exec(s.log);
    assert.equal(report, null, `sanitizer report:\n${s.log.slice(Math.max(0, (report?.index ?? 0) - 200), (report?.index ?? 0) + 6000)}`);
  } finally {
    s.cleanup();
    if (stats.length) console.log(`# allocation points: ${stats.join(', ')}; stride ${STRIDE}`);
  }
});

// ---- the database seen from outside --------------------------------------------------

/** One sqlite3 process for the whole file, fed statements on its standard input: a few
 * thousand snapshots cost milliseconds each instead of a process start each. */
class Sqlite3 {
  constructor(file) {
    this.proc = spawn('sqlite3', ['-batch', file], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.out = '';
    this.err = '';
    this.waiting = null;
    this.proc.stdout.on('data', (d) => { this.out += d; this.settle(); });
    this.proc.stderr.on('data', (d) => { this.err += d; });
    this.proc.on('exit', () => this.waiting?.reject(new Error(`sqlite3 ended: ${this.err}`)));
  }

  settle() {
    const at = this.out.indexOf(`${END}\n`);
    if (at < 0 || !this.waiting) return;
    const text = this.out.slice(0, at);
    this.out = this.out.slice(at + END.length + 1);
    const { resolve, reject } = this.waiting;
    this.waiting = null;
    if (this.err) reject(new Error(`sqlite3: ${this.err}`));
    else resolve(text);
  }

  /** The output of sql (list mode, columns joined by '|'). */
  query(sql) {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.proc.stdin.write(`${sql};\nSELECT '${END}';\n`);
    });
  }

  close() { this.proc.stdin.end(); }
}
const END = '--end-of-answer--';

let db, tables;
/** Every table's row count and the text of the rows extra selects. An FTS table is counted
 * by its documents (the sqlite3 command lacks our tokenizer; its index segments merge at
 * their own pace). */
async function snapshot(extra = []) {
  if (!db) {
    db = new Sqlite3(join(s.dir, 'shegong.db'));
    tables = (await db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' " +
      "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT GLOB '*_fts_data' AND name NOT GLOB '*_fts_idx' " +
      "AND name NOT GLOB '*_fts_config' ORDER BY name")).trim().split('\n');
  }
  const counts = tables.map((t) => `SELECT '${t}', count(*) FROM "${t}"`).join(' UNION ALL ');
  return db.query([counts, ...extra].join(';\n'));
}

/** The tables whose row count differs between two snapshots, with the difference. */
function delta(a, b) {
  const num = (text) => Object.fromEntries(text.split('\n').filter((l) => /^\w+\|\d+$/.test(l))
    .map((l) => [l.split('|')[0], Number(l.split('|')[1])]));
  const x = num(a), y = num(b);
  const out = {};
  for (const k of Object.keys(y)) if (y[k] !== x[k]) out[k] = y[k] - (x[k] ?? 0);
  return out;
}

function auditChainVerifies() {
  const r = s.cli(['check']);
  assert.equal(r.status, 0, `shegong check:\n${r.stdout}${r.stderr}`);
}

/** The answer to a request, or a failure when none came within ANSWER_MS: a hang. */
function answered(request, what) {
  let timer;
  const hang = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ANSWER_MS} ms`)), ANSWER_MS);
  });
  return Promise.race([request, hang]).finally(() => clearTimeout(timer));
}

/** The 500/503 envelope, with whatever code the failure maps to. */
function assertServerError(res, what) {
  assert.ok(res.status === 500 || res.status === 503, `${what}: expected the normal answer or 500/503, got ${res.status}: ${res.text}`);
  assert.equal(typeof res.body, 'object', `${what}: error body is not JSON: ${res.text}`);
  assert.match(res.body.error.code, /^[a-z_]+$/, `${what}: ${res.text}`);
  assert.match(res.body.error.message, /[\u4e00-\u9fff]/, `${what}: message should be Chinese`);
  assert.ok(Array.isArray(res.body.error.details), `${what}: ${res.text}`);
  assert.match(res.body.request_id, /^[0-9a-zA-Z._-]+$/, `${what}: ${res.text}`);
}

/**
 * The torture loop of one request kind.
 * - send(headers): makes the request (a fresh one each call: writes create distinct rows)
 *   and resolves with the answer;
 * - ok(res): asserts that an answer is the normal one;
 * - rows(): extra SELECTs whose text must not change when the request fails (the rows a
 *   PATCH or an action targets), evaluated before each try;
 * - prepare(): runs before each try, without a failure (a fresh draft to act on);
 * - read: a read whose access is audited (personal data shown in clear): the record is
 *   written before the answer is made, so a read that failed after it may keep its
 *   record (on the safe side: a read recorded that was not delivered), and nothing else.
 */
async function torture(name, opts) {
  try {
    await tortureLoop(name, opts);
  } catch (e) {
    // the server's own lines (errors, sanitizer reports), without the access log
    const own = s.log.split('\n').filter((l) => !l.includes('"kind":"access"')).slice(-25).join('\n');
    e.message += `\nserver log (last lines but the access log):\n${own}`;
    throw e;
  }
}

async function tortureLoop(name, { send, ok, rows = () => [], prepare, read = false }) {
  // the clean run first: its answer is the normal one, its change to the database the normal change
  await prepare?.();
  let before = await snapshot(rows());
  const clean = await send({});
  ok(clean);
  let after = await snapshot(rows());
  const normal = delta(before, after);
  let n = 1, failures = 0, tried = 0, readRecords = 0;
  const t0 = Date.now();
  for (;;) {
    assert.ok(n < MAX_N, `${name}: still failing after ${MAX_N} allocations`);
    if (prepare) await prepare();
    before = prepare ? await snapshot(rows()) : after; // nothing else writes meanwhile
    const what = `${name} with allocation ${n} failing`;
    const res = await answered(send({ 'X-Fail-Alloc': String(n) }), what);
    tried++;
    const hit = res.headers.get('x-fail-alloc-hit');
    assert.ok(hit === '0' || hit === '1', `${what}: no X-Fail-Alloc-Hit (is SHEGONG_BIN a -DSHEGONG_FAILALLOC=ON build?)`);
    const check = (r, label) => {
      try { ok(r); } catch (e) { e.message = `${label}: ${e.message}`; throw e; }
    };
    after = await snapshot(rows());
    if (res.status < 400) {
      check(res, what);
      assert.deepEqual(delta(before, after), normal, `${what}: answered ${res.status}, but the database changed otherwise than normal`);
    } else {
      failures++;
      assertServerError(res, what);
      const changed = delta(before, after);
      if (read && changed.audit_log === normal.audit_log && Object.keys(changed).length === 1)
        readRecords++;
      else
        assert.equal(after, before, `${what}: answered ${res.status}, but the database changed: ${JSON.stringify(changed)}`);
      const retry = await answered(send({}), `${what}: the retry`);
      check(retry, `${what}: the retry`);
      assert.equal(retry.headers.get('x-fail-alloc-hit'), '0', `${what}: the retry`);
      const now = after;
      after = await snapshot(rows());
      assert.deepEqual(delta(now, after), normal, `${what}: the retry changed the database otherwise than normal`);
    }
    if (hit === '0')
      break; // the request needs fewer than n allocations: every one has been failed once
    n = n < 32 ? n + 1 : n + STRIDE;
  }
  assert.ok(failures > 0, `${name}: no failure answered an error (is the countdown armed?)`);
  auditChainVerifies();
  const kept = readRecords ? `, ${readRecords} kept their read record` : '';
  stats.push(`${name} ${n - 1} (${tried} tried, ${failures} errors${kept}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const json = (res, status) => {
  assert.equal(res.status, status, res.text);
  assert.equal(typeof res.body, 'object', res.text);
  return res.body;
};

// ---- the requests ---------------------------------------------------------------------

test('login', async () => {
  await torture('login', {
    send: (headers) => s.request('POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'Shegong-Test-2026' }, headers }),
    ok: (res) => {
      const b = json(res, 200);
      assert.equal(b.user.username, 'alice', res.text);
      assert.match(b.csrf, /^[0-9a-f]{16,}$/, res.text);
      assert.match(res.headers.get('set-cookie') || '', /=/, 'no session cookie');
    },
  });
});

test('create a unit', async () => {
  let name;
  await torture('POST /unit', {
    send: (headers) => {
      name = `阳光社工站${++seq}`;
      return sess.officer.post('/api/v1/unit', { name, kind: 'other', region_code: STREET, contact: '010-65001234' }, { headers });
    },
    ok: (res) => {
      const b = json(res, 201);
      assert.equal(b.name, name, res.text);
      assert.equal(b.region_code, STREET, res.text);
    },
  });
});

test('create a person (sealed ID and phone numbers, blind indexes)', async () => {
  let id;
  await torture('POST /person', {
    send: (headers) => {
      const born = new Date(Date.UTC(1950, 0, 1) + ++seq * 86400000).toISOString().slice(0, 10).replace(/-/g, '');
      id = idcard(`110105${born}123`);
      return sess.officer.post('/api/v1/person', { name: '张三', id_number: id, phone: '13812345678', region_code: STREET }, { headers });
    },
    ok: (res) => {
      const b = json(res, 201);
      assert.equal(b.name, '张三', res.text);
      assert.ok(b.id, res.text);
    },
  });
});

const specimenBody = () => ({
  title: `样本${++seq}`, category: 'noise', level: 'high', region_code: STREET, body: '楼下夜间施工噪音扰民',
  count: 3, amount: '12.50', active: true, tags: ['夜间', '施工'], phone: '13812345678', owner_name: '李四',
});

test('create a specimen', async () => {
  let title;
  await torture('POST /specimen', {
    send: (headers) => {
      const body = specimenBody();
      title = body.title;
      return sess.clerk.post('/api/v1/specimen', body, { headers });
    },
    ok: (res) => {
      const b = json(res, 201);
      assert.equal(b.title, title, res.text);
      assert.equal(b.state, 'draft', res.text);
    },
  });
});

test('update a unit (PATCH)', async () => {
  const unit = json(await sess.officer.post('/api/v1/unit', { name: '待修改单位', kind: 'other', region_code: STREET }), 201);
  let name, version = unit.version; // a failed update leaves the row as it was (its snapshot says so)
  await torture('PATCH /unit/{id}', {
    rows: () => [`SELECT * FROM unit WHERE id = ${unit.id}`, `SELECT * FROM unit_fts_content WHERE id = ${unit.id}`],
    send: (headers) => {
      name = `修改后的单位${++seq}`;
      return sess.officer.patch(`/api/v1/unit/${unit.id}`, { name, contact: `010-6500${seq % 10000}`, version }, { headers });
    },
    ok: (res) => {
      const b = json(res, 200);
      assert.equal(b.name, name, res.text);
      assert.equal(b.version, version + 1, res.text);
      version = b.version;
    },
  });
});

test('a workflow action on a specimen', async () => {
  let row;
  await torture('POST /specimen/{id}/actions/submit', {
    prepare: async () => {
      row = json(await sess.clerk.post('/api/v1/specimen', specimenBody()), 201);
    },
    rows: () => [`SELECT * FROM specimen WHERE id = ${row.id}`, `SELECT count(*) FROM workflow_history WHERE row_id = ${row.id}`,
      `SELECT count(*) FROM deadline WHERE row_id = ${row.id}`],
    send: (headers) => sess.clerk.post(`/api/v1/specimen/${row.id}/actions/submit`, { comment: '请审核', version: row.version }, { headers }),
    ok: (res) => {
      const b = json(res, 200);
      assert.equal(b.state, 'submitted', res.text);
      assert.equal(b.version, row.version + 1, res.text);
    },
  });
});

/** A few specimens to list and export (the tests may run alone); of their own category, so
 * that the export holds these and not the hundreds the tests above wrote. */
async function someSpecimens(category) {
  for (let i = 0; i < 3; i++) json(await sess.clerk.post('/api/v1/specimen', { ...specimenBody(), category }), 201);
}

test('list with a filter and a search', async () => {
  await someSpecimens('repair');
  const path = `/api/v1/specimen?category=repair&level=high&q=${encodeURIComponent('施工噪音')}&sort=title&size=5`;
  const expected = json(await sess.clerk.get(path), 200);
  assert.ok(expected.items.length > 0, 'the list is not empty');
  await torture('GET /specimen?q=', {
    send: (headers) => sess.clerk.get(path, { headers }),
    ok: (res) => assert.deepEqual(json(res, 200), expected),
  });
});

test('get one (a person with the identity shown, which is audited)', async () => {
  const born = new Date(Date.UTC(1940, 0, 1) + ++seq * 86400000).toISOString().slice(0, 10).replace(/-/g, '');
  const person = json(await sess.officer.post('/api/v1/person', { name: '王五', id_number: idcard(`110105${born}321`), phone: '13900001111', region_code: STREET }), 201);
  const path = `/api/v1/person/${person.id}?reveal=1`;
  const expected = json(await sess.officer.get(path), 200);
  assert.equal(expected.phone, '13900001111', JSON.stringify(expected));
  await torture('GET /person/{id}?reveal=1', {
    read: true,
    send: (headers) => sess.officer.get(path, { headers }),
    ok: (res) => assert.deepEqual(json(res, 200), expected),
  });
});

test('export CSV', async () => {
  await someSpecimens('repair');
  const path = '/api/v1/specimen/export?format=csv&category=repair';
  const first = await sess.clerk.get(path);
  assert.equal(first.status, 200, first.text);
  assert.match(first.headers.get('content-type'), /^text\/csv/);
  assert.ok(first.text.split('\n').length > 3, first.text);
  await torture('GET /specimen/export?format=csv', {
    send: (headers) => sess.clerk.get(path, { headers }),
    ok: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('content-type'), /^text\/csv/);
      assert.equal(res.text, first.text);
    },
  });
});

