// Two-factor login (TOTP, RFC 6238): required for the three admin roles, optional for
// others; enrolment through an otpauth:// QR code; each code once; ±1 step; recovery codes;
// wrong codes lock like wrong passwords; the secret is never stored in plain text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Server, PASSWORD, TOTP_STEP, totpCode, base32Decode, assertError, assertInvalid,
} from './lib/server.mjs';

const s = new Server();
let sys; // the sysadmin's session
const secrets = []; // every secret handed out, for the plain-text search at the end

before(async () => {
  await s.start();
  s.addUser('sys', 'sysadmin', '110000000000');
  s.addUser('sec', 'secadmin', '110000000000');
  s.addUser('aud', 'auditor', '110000000000');
  s.addUser('aud2', 'auditor', '110000000000');
  s.addUser('alice', 'staff', '110105000000');
  s.addUser('bob', 'staff', '110105000000');
});
after(async () => { await s.stop(); s.cleanup(); });

const password = (username, pw = PASSWORD) =>
  s.request('POST', '/api/v1/auth/login', { body: { username, password: pw } });
const second = (body) => s.request('POST', '/api/v1/auth/login/totp', { body });

/** Starts a login that must stop at the second factor; returns its challenge. */
async function challengeOf(username, enrolled = true) {
  const r = await password(username);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.second_factor_required, true, r.text);
  assert.equal(r.body.enrolled, enrolled, r.text);
  return r.body.challenge;
}

/** A code for username at the server's step + delta (not recorded as used). */
const codeAt = (username, delta = 0) => totpCode(s.totp.get(username).secret, s.totpStep() + delta);

/** Redraws the SVG's path as a PBM (P4) image, `scale` pixels a module. */
function svgToPbm(svg, scale = 4) {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)[1]);
  const px = size * scale;
  const row = Math.ceil(px / 8);
  const bits = Buffer.alloc(row * px);
  for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [x0, y0, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let y = y0 * scale; y < (y0 + 1) * scale; y++)
      for (let x = x0 * scale; x < (x0 + w) * scale; x++) bits[y * row + (x >> 3)] |= 0x80 >> (x & 7);
  }
  return Buffer.concat([Buffer.from(`P4\n${px} ${px}\n`), bits]);
}

test('an admin login stops at the second factor and must enrol first', async () => {
  const r = await password('sys');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['challenge', 'enrolled', 'expires_in', 'second_factor_required']);
  assert.equal(r.body.second_factor_required, true);
  assert.equal(r.body.enrolled, false);
  assert.equal(r.body.expires_in, 300);
  assert.match(r.body.challenge, /^[0-9a-f]{64}$/);
  assert.equal(r.headers.get('set-cookie'), null, 'no session before the second factor');
  // the challenge is no session
  assertError(await s.request('GET', '/api/v1/auth/me', { headers: { Cookie: `sid=${r.body.challenge}` } }), 401, 'unauthenticated');
  // nothing to check a code against yet
  const early = await second({ challenge: r.body.challenge, code: '123456' });
  assertError(early, 409, 'conflict');
  assert.match(early.body.error.message, /绑定/);
  assertError(await s.request('POST', '/api/v1/auth/totp/confirm', { body: { challenge: r.body.challenge, code: '123456' } }), 409, 'conflict');
  // a challenge that was never issued
  assertError(await s.request('POST', '/api/v1/auth/totp/enroll', { body: { challenge: 'ab'.repeat(32) } }), 401, 'unauthenticated');
  // without a challenge or a session
  assertError(await s.request('POST', '/api/v1/auth/totp/enroll', { body: {} }), 401, 'unauthenticated');
});

let enrolment; // sys's enrol answer
test('enrolment answers the secret, its otpauth URI and a QR code; the first code confirms it', async () => {
  const challenge = await challengeOf('sys', false);
  const en = await s.request('POST', '/api/v1/auth/totp/enroll', { body: { challenge } });
  assert.equal(en.status, 200, en.text);
  const { secret, otpauth_uri: uri, qr_svg: svg } = en.body;
  assert.match(secret, /^[A-Z2-7]{32}$/, 'a 160-bit secret, base32 without padding');
  assert.equal(uri, `otpauth://totp/shegong:sys?secret=${secret}&issuer=shegong&algorithm=SHA1&digits=6&period=30`);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  enrolment = en.body;
  secrets.push(secret);
  // enrolling again before confirming replaces the pending secret
  const again = await s.request('POST', '/api/v1/auth/totp/enroll', { body: { challenge } });
  assert.equal(again.status, 200, again.text);
  assert.notEqual(again.body.secret, secret);
  secrets.push(again.body.secret);
  // the old one no longer confirms
  const old = totpCode(secret, s.totpStep());
  assertError(await s.request('POST', '/api/v1/auth/totp/confirm', { body: { challenge, code: old } }), 401, 'bad_credentials');
  s.totp.set('sys', { secret: again.body.secret, last: 0, recoveryCodes: [] });
  enrolment = again.body;
  const code = await s.totpNext('sys');
  const done = await s.request('POST', '/api/v1/auth/totp/confirm', { body: { challenge, code } });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.user.username, 'sys');
  assert.match(done.body.csrf, /^[0-9a-f]{64}$/);
  assert.equal(done.body.recovery_codes.length, 10);
  for (const c of done.body.recovery_codes) assert.match(c, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
  assert.equal(new Set(done.body.recovery_codes).size, 10);
  s.totp.get('sys').recoveryCodes = done.body.recovery_codes;
  assert.match(done.headers.get('set-cookie'), /^sid=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
  sys = s.sessionOf(done);
  const me = await sys.get('/api/v1/auth/me');
  assert.equal(me.status, 200, me.text);
  assert.deepEqual(me.body.two_factor, { required: true, enabled: true, recovery_codes_left: 10 });
  // the challenge was used up
  assertError(await second({ challenge, code: codeAt('sys', 1) }), 401, 'unauthenticated');
  // and enrolling again is refused while one is enabled
  const dup = await sys.post('/api/v1/auth/totp/enroll', {});
  assertError(dup, 409, 'conflict');
});

test('the QR code decodes to the otpauth URI', async (t) => {
  if (spawnSync('zbarimg', ['--version']).error) return t.skip('zbarimg (zbar-tools) is not installed');
  const file = join(s.dir, 'enrol.pbm');
  writeFileSync(file, svgToPbm(enrolment.qr_svg));
  const z = spawnSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8' });
  assert.equal(z.status, 0, z.stderr);
  assert.equal(z.stdout.trim(), enrolment.otpauth_uri);
});

test('a code is good once', async () => {
  const step = s.totpStep() + 3;
  await s.advance(3 * TOTP_STEP); // past every step used so far
  const code = totpCode(s.totp.get('sys').secret, step);
  const ok = await second({ challenge: await challengeOf('sys'), code });
  assert.equal(ok.status, 200, ok.text);
  s.totp.get('sys').last = step;
  const again = await second({ challenge: await challengeOf('sys'), code });
  const err = assertError(again, 401, 'bad_credentials');
  assert.match(err.message, /动态验证码/);
  const aud = await s.login('aud');
  const rec = await aud.get(`/api/v1/audit?action=login.failure&object_id=${sys.user.id}`);
  assert.equal(JSON.parse(rec.body.items[0].detail).reason, 'totp_reused', rec.text);
});

test('±1 step is accepted, ±2 is not', async () => {
  await s.advance(5 * TOTP_STEP);
  const challenge = await challengeOf('sys');
  assertError(await second({ challenge, code: codeAt('sys', -2) }), 401, 'bad_credentials');
  assertError(await second({ challenge, code: codeAt('sys', 2) }), 401, 'bad_credentials');
  const before = await second({ challenge, code: codeAt('sys', -1) });
  assert.equal(before.status, 200, before.text);
  const after = await second({ challenge: await challengeOf('sys'), code: codeAt('sys', 1) });
  assert.equal(after.status, 200, after.text);
  // after step +1, the current step is an old one
  assertError(await second({ challenge: await challengeOf('sys'), code: codeAt('sys') }), 401, 'bad_credentials');
  s.totp.get('sys').last = s.totpStep() + 1;
  // a code with a space in the middle, as apps show it
  await s.advance(3 * TOTP_STEP);
  const spaced = codeAt('sys').replace(/^(\d{3})/, '$1 ');
  const ok = await second({ challenge: await challengeOf('sys'), code: spaced });
  assert.equal(ok.status, 200, ok.text);
  s.totp.get('sys').last = s.totpStep();
});

test('a recovery code logs in once', async () => {
  const [first, secondCode] = s.totp.get('sys').recoveryCodes;
  const r = await second({ challenge: await challengeOf('sys'), recovery_code: first.toUpperCase().replace(/-/g, ' ') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.recovery_codes_left, 9);
  assert.equal(r.body.user.username, 'sys');
  const again = await second({ challenge: await challengeOf('sys'), recovery_code: first });
  const err = assertError(again, 401, 'bad_credentials');
  assert.match(err.message, /恢复码/);
  const ok = await second({ challenge: await challengeOf('sys'), recovery_code: secondCode });
  assert.equal(ok.status, 200, ok.text);
  const me = await s.sessionOf(ok).get('/api/v1/auth/me');
  assert.equal(me.body.two_factor.recovery_codes_left, 8);
  const aud = await s.login('aud');
  const uses = await aud.get(`/api/v1/audit?action=totp.recovery_use&object_id=${sys.user.id}`);
  assert.equal(uses.body.total, 2, uses.text);
  assert.deepEqual(JSON.parse(uses.body.items[0].detail), { remaining: 8 });
  const succ = await aud.get(`/api/v1/audit?action=login.success&object_id=${sys.user.id}`);
  assert.deepEqual(JSON.parse(succ.body.items[0].detail), { second_factor: 'recovery_code' });
  assert.deepEqual(JSON.parse(succ.body.items.at(-1).detail), { second_factor: 'totp', enrolled: true });
});

test('the second step is validated', async () => {
  assertInvalid(await second({}), [['challenge', 'required'], ['code', 'required']]);
  assertInvalid(await second({ challenge: 'x', code: '123456', recovery_code: 'abcd' }), [['recovery_code', 'totp_one_of']]);
  assertInvalid(await second({ challenge: 'x', code: 123456 }), [['code', 'type_string']]);
  assertInvalid(await second({ challenge: 'x', code: '1', extra: 1 }), [['extra', 'unknown_field']]);
  const r = await second({ challenge: 'ab'.repeat(32), code: '123456' });
  const err = assertError(r, 401, 'unauthenticated');
  assert.match(err.message, /重新输入用户名和密码/);
});

test('a challenge lives five minutes', async () => {
  const challenge = await challengeOf('sys');
  await s.advance(301);
  assertError(await second({ challenge, code: await s.totpNext('sys') }), 401, 'unauthenticated');
});

test('five wrong codes lock the account like five wrong passwords', async () => {
  await s.login('aud2'); // enrols
  const challenge = await challengeOf('aud2');
  const near = [-1, 0, 1].map((d) => codeAt('aud2', d));
  let wrong = '000000';
  for (let n = 0; near.includes(wrong); n++) wrong = String(n).padStart(6, '0');
  for (let i = 1; i <= 4; i++) assertError(await second({ challenge, code: wrong }), 401, 'bad_credentials');
  const fifth = assertError(await second({ challenge, code: wrong }), 403, 'account_locked');
  assert.match(fifth.message, /15分钟/);
  // the challenge ended with the lock, and the password step is locked too
  assertError(await second({ challenge, code: await s.totpNext('aud2') }), 401, 'unauthenticated');
  assertError(await password('aud2'), 403, 'account_locked');
  const aud = await s.login('aud');
  const fails = await aud.get('/api/v1/audit?action=login.failure&result=failure&page_size=200');
  const reasons = fails.body.items.filter((i) => i.username === 'aud2').map((i) => JSON.parse(i.detail).reason);
  assert.equal(reasons.filter((x) => x === 'wrong_totp').length, 5, fails.text);
  const locks = await aud.get('/api/v1/audit?action=login.lock');
  assert.ok(locks.body.items.some((i) => i.username === 'aud2'), locks.text);
  // the lock runs out after 15 minutes like any other
  await s.advance(15 * 60 + 1);
  await s.login('aud2');
});

test('a staff user may enrol while signed in, and disable it again', async () => {
  const alice = await s.login('alice');
  assert.equal(alice.user.username, 'alice', 'staff log in with the password alone');
  assert.deepEqual((await alice.get('/api/v1/auth/me')).body.two_factor, { required: false, enabled: false, recovery_codes_left: 0 });
  assertError(await alice.post('/api/v1/auth/totp/enroll', {}, { csrf: false }), 403, 'csrf_failed');
  assertError(await alice.post('/api/v1/auth/totp/confirm', { code: '123456' }), 409, 'conflict');
  const en = await alice.post('/api/v1/auth/totp/enroll', {});
  assert.equal(en.status, 200, en.text);
  assert.match(en.body.otpauth_uri, /^otpauth:\/\/totp\/shegong:alice\?secret=[A-Z2-7]{32}&/);
  secrets.push(en.body.secret);
  s.totp.set('alice', { secret: en.body.secret, last: 0, recoveryCodes: [] });
  assertInvalid(await alice.post('/api/v1/auth/totp/confirm', { code: codeAt('alice', 3) }), [['code', 'totp_wrong']]);
  const done = await alice.post('/api/v1/auth/totp/confirm', { code: await s.totpNext('alice') });
  assert.equal(done.status, 200, done.text);
  assert.deepEqual(Object.keys(done.body), ['recovery_codes']);
  s.totp.get('alice').recoveryCodes = done.body.recovery_codes;
  assert.equal((await alice.get('/api/v1/auth/me')).status, 200, 'the session goes on');
  // from now on her login asks for the code
  await challengeOf('alice');
  const again = await s.login('alice');
  assert.deepEqual((await again.get('/api/v1/auth/me')).body.two_factor, { required: false, enabled: true, recovery_codes_left: 10 });

  // disabling takes a current code
  assertInvalid(await again.del('/api/v1/auth/totp', { body: {} }), [['code', 'required']]);
  assertInvalid(await again.del('/api/v1/auth/totp', { body: { code: codeAt('alice', 3) } }), [['code', 'totp_wrong']]);
  assertInvalid(await again.del('/api/v1/auth/totp', { body: { recovery_code: 'aaaa-bbbb-cccc-dddd' } }), [['recovery_code', 'recovery_code_wrong']]);
  const off = await again.del('/api/v1/auth/totp', { body: { code: await s.totpNext('alice') } });
  assert.equal(off.status, 204, off.text);
  assertError(await again.del('/api/v1/auth/totp', { body: { code: '123456' } }), 409, 'conflict');
  s.totp.delete('alice');
  const plain = await password('alice');
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.body.user.username, 'alice');

  const aud = await s.login('aud');
  const uid = alice.user.id;
  const enrol = await aud.get(`/api/v1/audit?action=totp.enroll&object_id=${uid}`);
  assert.deepEqual(enrol.body.items.map((i) => i.result), ['success', 'failure'], enrol.text);
  const dis = await aud.get(`/api/v1/audit?action=totp.disable&object_id=${uid}`);
  assert.deepEqual(dis.body.items.map((i) => i.result), ['success', 'failure', 'failure'], dis.text);
  assert.deepEqual(JSON.parse(dis.body.items[0].detail), { with: 'totp' });
  assert.deepEqual(JSON.parse(dis.body.items[1].detail), { reason: 'wrong_recovery_code' });
});

test('an admin cannot disable the second factor, and a token cannot manage it', async () => {
  const sec = await s.login('sec');
  const r = await sec.del('/api/v1/auth/totp', { body: { code: codeAt('sec', 1) } });
  const err = assertError(r, 403, 'forbidden');
  assert.match(err.message, /角色要求/);
  const t = s.cli(['user', 'token', 'bob']);
  assert.equal(t.status, 0, t.stderr);
  const bob = s.bearer(t.stdout.trim());
  assertError(await bob.post('/api/v1/auth/totp/enroll', {}), 403, 'forbidden');
  assertError(await bob.del('/api/v1/auth/totp', { body: { code: '123456' } }), 403, 'forbidden');
});

test('the system administrator resets a lost authenticator', async () => {
  const aud = await s.login('aud');
  const sys2 = await s.login('sys');
  assertInvalid(await sys2.del(`/api/v1/users/${sys2.user.id}/totp`), [['id', 'self_grant']]);
  assertError(await sys2.del('/api/v1/users/999999/totp'), 404, 'not_found');
  assertError(await aud.del(`/api/v1/users/${sys2.user.id}/totp`), 403, 'forbidden');
  const r = await sys2.del(`/api/v1/users/${aud.user.id}/totp`);
  assert.equal(r.status, 204, r.text);
  s.totp.delete('aud');
  // the next login enrols again
  await challengeOf('aud', false);
  const fresh = await s.login('aud');
  const rec = await fresh.get(`/api/v1/audit?action=totp.reset&object_id=${aud.user.id}`);
  assert.equal(rec.body.total, 1, rec.text);
  assert.deepEqual(JSON.parse(rec.body.items[0].detail), { had_totp: true });
  secrets.push(s.totp.get('aud').secret, s.totp.get('sys').secret, s.totp.get('sec').secret);
});

test('the second factor survives a key rotation and a restart', async () => {
  await s.stop();
  const r = s.cli(['key', 'rotate']);
  assert.equal(r.status, 0, r.stderr);
  await s.start(); // with the real clock again, behind the steps used: the harness moves it on
  const again = await s.login('sys');
  assert.equal(again.user.username, 'sys');
  const rec = await s.login('aud');
  assert.equal((await rec.get('/api/v1/audit?action=totp.enroll')).status, 200);
});

// Last: it stops the server.
test('no secret is stored in plain text', async () => {
  const rows = s.sqlite('SELECT secret FROM user_totp;');
  assert.equal(rows.status, 0, rows.stderr);
  assert.ok(rows.stdout.trim().split('\n').length >= 3, rows.stdout);
  await s.stop();
  const files = ['shegong.db', 'shegong.db-wal'].map((f) => join(s.dir, f)).filter(existsSync);
  const blob = Buffer.concat(files.map((f) => readFileSync(f)));
  const text = blob.toString('latin1');
  assert.ok(secrets.length >= 6);
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `secret ${secret} found in the database file`);
    assert.ok(!text.includes(secret.toLowerCase()), 'not in lower case either');
    assert.equal(blob.indexOf(base32Decode(secret)), -1, 'nor its 20 raw bytes');
    assert.ok(!s.log.includes(secret), 'nor in the server log');
  }
  for (const line of rows.stdout.trim().split('\n')) assert.ok(!secrets.includes(line));
});
