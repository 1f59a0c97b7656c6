// Operations: health, metrics, the access log, graceful shutdown, the inactivity job and
// the test-only routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError, openConnection } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
const DAY = 86400;

before(async () => {
  await s.start();
  seedRegions(s);
  s.addUser('alice', 'staff', '110105000000');
});
after(async () => { await s.stop(); s.cleanup(); });

test('/healthz answers ok', async () => {
  const r = await s.request('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.body, { status: 'ok' });
});

test('/metrics counts requests by route pattern, and the database', async () => {
  const sess = await s.login('alice');
  const u = await sess.post('/api/v1/unit', { name: '甲', kind: 'other', region_code: '110105000000' });
  assert.equal(u.status, 201, u.text);
  assert.equal((await sess.get(`/api/v1/unit/${u.body.id}`)).status, 200);
  await s.request('GET', '/healthz');
  const r = await s.request('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const m = r.text;
  assert.match(m, /^shegong_http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9]\d*$/m);
  assert.match(m, /^shegong_http_requests_total\{method="GET",route="\/api\/v1\/unit\/\{id\}",status="200"\} 1$/m);
  assert.doesNotMatch(m, new RegExp(u.body.id), 'no concrete ids in labels');
  assert.match(m, /^shegong_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="0\.001"\} \d+$/m);
  assert.match(m, /^shegong_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} [1-9]\d*$/m);
  assert.match(m, /^shegong_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/auth\/login"\} [1-9]\d*$/m);
  assert.match(m, /^shegong_http_requests_in_flight [1-9]\d*$/m, 'the metrics request itself is in flight');
  assert.match(m, /^shegong_db_queries_total [1-9]\d*$/m);
  assert.match(m, /^shegong_db_commits_total [1-9]\d*$/m);
  assert.match(m, /^shegong_db_slow_queries_total \d+$/m);
  assert.match(m, /^# TYPE shegong_http_request_duration_seconds histogram$/m);
});

test('the access log has one line per request, with the route pattern and no secrets', async () => {
  const token = s.cli(['user', 'token', 'alice']).stdout.trim();
  const sess = await s.login('alice');
  const u = await sess.post('/api/v1/unit', { name: '乙', kind: 'other', region_code: '110105000000' });
  const got = await sess.get(`/api/v1/unit/${u.body.id}?q=${encodeURIComponent('私密查询')}`);
  const bad = await s.request('POST', '/api/v1/auth/login', { body: { username: 'alice', password: 'Secret-Wrong-77' } });
  const viaToken = await s.bearer(token).get('/api/v1/unit?q=13800138000');

  const line = await s.accessLine(got.headers.get('x-request-id'));
  assert.equal(line.method, 'GET');
  assert.equal(line.route, '/api/v1/unit/{id}');
  assert.equal(line.status, 200);
  assert.equal(typeof line.us, 'number');
  assert.equal(line.user_id, sess.user.id);
  assert.equal(line.ip, '127.0.0.1');
  assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const created = await s.accessLine(u.headers.get('x-request-id'));
  assert.deepEqual([created.method, created.route, created.status], ['POST', '/api/v1/unit', 201]);
  const failed = await s.accessLine(bad.headers.get('x-request-id'));
  assert.deepEqual([failed.route, failed.status], ['/api/v1/auth/login', 401]);
  await s.accessLine(viaToken.headers.get('x-request-id'));

  for (const r of [got, u, bad, viaToken]) {
    const n = s.accessLog().filter((l) => l.request_id === r.headers.get('x-request-id')).length;
    assert.equal(n, 1, 'exactly one line per request');
  }
  const sid = sess.cookie.split('=')[1];
  for (const secret of [PASSWORD, 'Secret-Wrong-77', token, token.slice(4), sess.csrf, sid, '私密查询', '13800138000', u.body.id])
    assert.ok(!s.log.includes(secret), `the log must not contain ${secret.slice(0, 12)}…`);
});

/** One shutdown under load: ten logins on open connections, then SIGTERM at once.
 * Returns what each login got. */
async function shutdownUnderLoad() {
  const g = new Server();
  await g.start();
  try {
    g.addUser('alice', 'staff', '110105000000');
    // Connections the server has already taken in (each answered once), so that every
    // login below arrives on an open connection rather than in the listen queue.
    const conns = await Promise.all(Array.from({ length: 10 }, () => openConnection(g.port)));
    for (const c of conns) assert.equal((await c.send('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n')).status, 200);
    const body = JSON.stringify({ username: 'alice', password: PASSWORD });
    const login = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const answers = conns.map((c) => Promise.race([
      c.send(login),
      new Promise((resolve) => setTimeout(() => resolve({ error: 'hung' }), 15000).unref()),
    ]));
    await new Promise((r) => setImmediate(r));
    g.proc.kill('SIGTERM');
    const got = (await Promise.all(answers)).map((a) => a.status ?? a.error);
    conns.forEach((c) => c.close());
    const exit = await g.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, g.log.slice(-2000));
    assert.match(g.log, /"event":"shutdown"/);
    const check = g.cli(['check']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /audit chain: ok/);
    return got;
  } finally {
    if (g.proc.exitCode === null) g.proc.kill('SIGKILL');
    g.cleanup();
  }
}

test('slow statements: logged with their text only, counted on /metrics; -1 turns it off', async () => {
  // SHEGONG_SLOW_SQL_MS=0 makes every statement "slow": what a line carries, not timing
  const p = new Server();
  await p.start({ env: { SHEGONG_SLOW_SQL_MS: '0' } });
  try {
    seedRegions(p);
    p.addUser('bob', 'staff', '110105000000');
    const sess = await p.login('bob');
    const made = await sess.post('/api/v1/person', { name: '慢查询甲', id_number: '11010519491231002X', region_code: '110105000000' });
    assert.equal(made.status, 201, made.text);
    const found = await sess.get(`/api/v1/person?q=${encodeURIComponent('慢查询甲')}&region_code=110105000000`);
    assert.equal(found.status, 200, found.text);
    const lines = p.log.split('\n').filter((l) => l.includes('"event":"slow_sql"')).map((l) => JSON.parse(l));
    assert.ok(lines.length > 5, p.log.slice(-2000));
    for (const l of lines) {
      assert.equal(typeof l.ms, 'number');
      assert.ok(l.text.length > 0 && l.text.length <= 2000);
    }
    assert.ok(lines.some((l) => /FROM person/.test(l.text)), 'the list statement is there');
    for (const secret of ['慢查询', '11010519491231002X', '1949']) {
      assert.ok(!lines.some((l) => l.text.includes(secret)), `no bound value (${secret}) in a statement line`);
    }
    const m = (await p.request('GET', '/metrics')).text;
    assert.match(m, /^shegong_db_slow_queries_total [1-9]\d*$/m);
  } finally {
    await p.stop();
    p.cleanup();
  }
  const q = new Server();
  await q.start({ env: { SHEGONG_SLOW_SQL_MS: '-1' } });
  try {
    seedRegions(q);
    q.addUser('carol', 'staff', '110105000000');
    assert.equal((await (await q.login('carol')).get('/api/v1/person')).status, 200);
    assert.doesNotMatch(q.log, /slow_sql/);
    assert.match((await q.request('GET', '/metrics')).text, /^shegong_db_slow_queries_total 0$/m);
  } finally {
    await q.stop();
    q.cleanup();
  }
  // a value out of range stops the server before it serves
  const bad = new Server();
  const r = bad.cli(['serve', '--port', '1'], '', { SHEGONG_SLOW_SQL_MS: 'soon' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /SHEGONG_SLOW_SQL_MS/);
  bad.cleanup();
});

test('SIGTERM: each request on an open connection is answered (200 or 503), none hangs, exit 0', async () => {
  // Whether a request falls into the gap between two others is a matter of timing, so
  // the scenario runs a few times.
  for (let round = 1; round <= 5; round++) {
    const got = await shutdownUnderLoad();
    assert.ok(got.every((st) => st === 200 || st === 503), `round ${round}: ${JSON.stringify(got)}`);
  }
});

test('the test routes do not exist without --test-mode', async () => {
  const p = new Server();
  await p.start({ testMode: false });
  try {
    assertError(await p.request('POST', '/api/v1/test/clock', { body: { advance_seconds: 86400 } }), 404, 'not_found');
    assertError(await p.request('POST', '/api/v1/test/jobs'), 404, 'not_found');
    assertError(await p.request('POST', '/api/v1/test/audit-failure', { body: { fail: true } }), 404, 'not_found');
    assert.doesNotMatch(p.log, /TEST MODE/);
  } finally {
    await p.stop();
    p.cleanup();
  }
});

// Last: it moves this server's clock by three months.
test('accounts unused for 90 days are disabled; recent use keeps one active', async () => {
  s.addUser('never', 'staff', '110105000000');
  s.addUser('keeper', 'staff', '110105000000');
  s.addUser('aud', 'auditor', '110000000000');
  s.addUser('sys', 'sysadmin', '110000000000');
  await s.login('alice');
  await s.advance(89 * DAY);
  const early = await s.request('POST', '/api/v1/test/jobs');
  assert.equal(early.status, 200, early.text);
  assert.equal(early.body.disabled, 0);
  await s.login('keeper');
  await s.login('aud');
  await s.login('sys');
  await s.advance(2 * DAY);
  const run = await s.request('POST', '/api/v1/test/jobs');
  assert.equal(run.status, 200, run.text);
  // (the background job may have run first; the outcome is the same)
  for (const name of ['never', 'alice']) {
    const r = await s.request('POST', '/api/v1/auth/login', { body: { username: name, password: PASSWORD } });
    assertError(r, 403, 'account_disabled');
  }
  const keeper = await s.login('keeper');
  assert.equal(keeper.user.username, 'keeper');
  const aud = await s.login('aud');
  const rec = await aud.get('/api/v1/audit?action=user.disable_inactive');
  assert.equal(rec.status, 200, rec.text);
  assert.equal(rec.body.total, 2, rec.text);
  assert.ok(rec.body.items.every((i) => i.username === '(system)' && i.object_type === 'user'));

  // unlocking counts as use: the job does not disable the account again at once
  const sys = await s.login('sys');
  const never = (await sys.get('/api/v1/users?q=never')).body.items[0];
  assert.equal(never.status, 'disabled');
  const un = await sys.post(`/api/v1/users/${never.id}/unlock`);
  assert.equal(un.status, 200, un.text);
  assert.equal((await s.request('POST', '/api/v1/test/jobs')).body.disabled, 0);
  await s.login('never');
});
