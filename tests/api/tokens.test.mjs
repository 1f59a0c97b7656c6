// API tokens: made and revoked with the CLI, sent as Authorization: Bearer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
let token;

before(async () => {
  await s.start();
  seedRegions(s);
  s.addUser('alice', 'staff', '110105000000');
  s.addUser('bob', 'staff', '110105000000');
  s.addUser('aud', 'auditor', '110000000000');
});
after(async () => { await s.stop(); s.cleanup(); });

function makeToken(name, ...more) {
  const r = s.cli(['user', 'token', name, ...more]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** The id of the newest token, from the audit trail (token.create names it). */
async function newestTokenId(auditor) {
  const r = await auditor.get('/api/v1/audit?action=token.create&object_type=api_token');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.items.length > 0, r.text);
  return r.body.items[0].object_id;
}

test('`user token` prints the token once on stdout', async () => {
  token = makeToken('alice', '--days', '30');
  assert.match(token, /^sgt_[0-9a-f]{64}$/);
  assert.doesNotMatch(token, /\n/);
});

test('a bearer token authenticates reads', async () => {
  const me = await s.bearer(token).get('/api/v1/auth/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.user.username, 'alice');
  assert.equal(me.body.csrf, undefined, 'a token session has no CSRF token');
  assert.deepEqual(me.body.user.permissions, ['grid.read', 'grid.write', 'person.read', 'person.write', 'region.read', 'unit.read', 'unit.write']);
});

test('a bearer token writes without a CSRF header', async () => {
  const r = await s.bearer(token).post('/api/v1/unit', { name: '令牌创建的单位', kind: 'department', region_code: '110105000000' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.name, '令牌创建的单位');
});

test('a bad token, or another scheme, is 401', async () => {
  assertError(await s.bearer('sgt_' + '0'.repeat(64)).get('/api/v1/auth/me'), 401, 'unauthenticated');
  assertError(await s.bearer('').get('/api/v1/auth/me'), 401, 'unauthenticated');
  assertError(await s.bearer(token.slice(0, -1)).get('/api/v1/auth/me'), 401, 'unauthenticated');
  const basic = await s.request('GET', '/api/v1/auth/me', { headers: { Authorization: 'Basic YWxpY2U6eA==' } });
  assertError(basic, 401, 'unauthenticated');
});

test('token use is audited', async () => {
  const auditor = await s.login('aud');
  const id = await newestTokenId(auditor);
  const r = await auditor.get(`/api/v1/audit?action=token.use&object_id=${id}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.total >= 1, r.text);
  assert.equal(r.body.items[0].object_type, 'api_token');
  assert.equal(r.body.items[0].username, 'alice');
});

test('a revoked token is refused', async () => {
  const auditor = await s.login('aud');
  const second = makeToken('alice', '--label', 'to-revoke');
  assert.equal((await s.bearer(second).get('/api/v1/auth/me')).status, 200);
  const id = await newestTokenId(auditor);
  const rv = s.cli(['user', 'token', 'alice', '--revoke', id]);
  assert.equal(rv.status, 0, rv.stderr);
  assertError(await s.bearer(second).get('/api/v1/auth/me'), 401, 'unauthenticated');
  // revoking it again: no such active token
  assert.equal(s.cli(['user', 'token', 'alice', '--revoke', id]).status, 1);
  // the first token still works
  assert.equal((await s.bearer(token).get('/api/v1/auth/me')).status, 200);
  const audit = await auditor.get(`/api/v1/audit?action=token.revoke&object_id=${id}`);
  assert.equal(audit.body.total, 1, audit.text);
});

test('a locked user\'s token is refused', async () => {
  const t = makeToken('bob');
  assert.equal((await s.bearer(t).get('/api/v1/auth/me')).status, 200);
  assert.equal(s.cli(['user', 'lock', 'bob']).status, 0);
  assertError(await s.bearer(t).get('/api/v1/auth/me'), 403, 'account_locked');
});

test('a token expires after its days', async () => {
  await s.advance(29 * 86400);
  assert.equal((await s.bearer(token).get('/api/v1/auth/me')).status, 200);
  await s.advance(2 * 86400);
  assertError(await s.bearer(token).get('/api/v1/auth/me'), 401, 'unauthenticated');
});

test('a token\'s requests are counted in memory and written to the shared count at most once a second', async () => {
  const limited = new Server();
  await limited.start({ env: { SHEGONG_TOKEN_RATE: '30' } });
  try {
    seedRegions(limited);
    limited.addUser('dave', 'staff', '110105000000');
    const made = limited.cli(['user', 'token', 'dave']);
    assert.equal(made.status, 0, made.stderr);
    const t = made.stdout.trim();
    const shared = () => Number(limited.sqlite('SELECT coalesce(sum(hits), 0) FROM rate_counter').stdout.trim());
    // the counts are per minute: start early in one, so that all of this falls in it
    const into = Date.now() % 60000;
    if (into > 45000) await new Promise((ok) => setTimeout(ok, 60000 - into + 200));
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) assert.equal((await limited.bearer(t).get('/api/v1/auth/me')).status, 200);
    const elapsed = Date.now() - t0;
    const written = shared();
    assert.ok(written >= 1 && written <= 20, `written ${written}`);
    // within a second only the minute's first hit is written (a slower machine writes a few more)
    if (elapsed < 900) assert.equal(written, 1, `20 requests in ${elapsed} ms`);
    // the limit is exact on one server: 30 pass, the 31st is refused
    for (let i = 20; i < 30; i++) assert.equal((await limited.bearer(t).get('/api/v1/auth/me')).status, 200, `request ${i + 1}`);
    assertError(await limited.bearer(t).get('/api/v1/auth/me'), 429, 'rate_limited');
    // a second later the next hit writes what was counted meanwhile: the shared count has all 32
    await new Promise((ok) => setTimeout(ok, 1100));
    const again = await limited.bearer(t).get('/api/v1/auth/me');
    assertError(again, 429, 'rate_limited');
    assert.equal(shared(), 32);
  } finally {
    await limited.stop();
    limited.cleanup();
  }
});

test('an API token is limited per minute across the server: 429 with Retry-After', async () => {
  const limited = new Server();
  await limited.start({ env: { SHEGONG_TOKEN_RATE: '3' } });
  try {
    seedRegions(limited);
    limited.addUser('carol', 'staff', '110105000000');
    const made = limited.cli(['user', 'token', 'carol']);
    assert.equal(made.status, 0, made.stderr);
    const t = made.stdout.trim();
    for (let i = 0; i < 3; i++) assert.equal((await limited.bearer(t).get('/api/v1/auth/me')).status, 200);
    const over = await limited.bearer(t).get('/api/v1/unit');
    assertError(over, 429, 'rate_limited');
    const wait = Number(over.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    // a session of the same user is not the token: it goes on
    const sess = await limited.login('carol');
    assert.equal((await sess.get('/api/v1/unit')).status, 200);
    // nothing was written for the refused request: it is a read; a refused write changes nothing
    const before = limited.sqlite('SELECT count(*) FROM unit').stdout.trim();
    assertError(await limited.bearer(t).post('/api/v1/unit', { name: '超限', kind: 'other', region_code: '110105000000' }), 429, 'rate_limited');
    assert.equal(limited.sqlite('SELECT count(*) FROM unit').stdout.trim(), before);
  } finally {
    await limited.stop();
    limited.cleanup();
  }
});
