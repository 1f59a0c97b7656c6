// Changing one's password: the policy, the history of the last five, the current
// password check; and setting one from the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError, assertInvalid } from './lib/server.mjs';

const s = new Server();
let carol;

before(async () => {
  await s.start();
  s.addUser('carol', 'staff', '110105000000');
  s.addUser('frank', 'staff', '110105000000');
  carol = await s.login('carol');
});
after(async () => { await s.stop(); s.cleanup(); });

const change = (sess, current, next) =>
  sess.post('/api/v1/auth/password', { current_password: current, new_password: next });

test('policy failures name new_password with a code per rule', async () => {
  const cases = [
    ['Ab1-xyz', 'password_too_short'],
    ['abcdefghijkl', 'password_too_few_classes'],
    ['abcdefgh1234', 'password_too_few_classes'],
    ['My-Carol-2026', 'password_contains_username'],
    ['Ab1-' + 'x'.repeat(300), 'password_too_long'],
    [PASSWORD, 'password_reused'],
  ];
  for (const [pw, code] of cases)
    assertInvalid(await change(carol, PASSWORD, pw), [['new_password', code]]);
});

test('a wrong current password is password_wrong on current_password', async () => {
  assertInvalid(await change(carol, 'Not-the-password-9', 'Fresh-Pass-2027'), [['current_password', 'password_wrong']]);
});

test('both fields are required', async () => {
  assertInvalid(await carol.post('/api/v1/auth/password', {}), [['current_password', 'required'], ['new_password', 'required']]);
  assertInvalid(await carol.post('/api/v1/auth/password', { current_password: PASSWORD, new_password: 'Fresh-Pass-2027', x: 1 }),
    [['x', 'unknown_field']]);
});

test('a change answers 204; the new password logs in and the old one does not', async () => {
  const r = await change(carol, PASSWORD, 'Fresh-Pass-2027');
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  const ok = await s.login('carol', 'Fresh-Pass-2027');
  assert.equal(ok.user.username, 'carol');
  const old = await s.request('POST', '/api/v1/auth/login', { body: { username: 'carol', password: PASSWORD } });
  assertError(old, 401, 'bad_credentials');
});

test('an earlier password (one of the last five) may not come back', async () => {
  // carol changed PASSWORD to Fresh-Pass-2027 above
  assertInvalid(await change(carol, 'Fresh-Pass-2027', PASSWORD), [['new_password', 'password_reused']]);
});

test('`shegong user passwd` refuses a weak password and sets a good one', async () => {
  const weak = s.cli(['user', 'passwd', 'frank', '--password-stdin'], 'short\n');
  assert.equal(weak.status, 1, weak.stderr);
  assert.match(weak.stderr, /password_too_short/);
  const reused = s.cli(['user', 'passwd', 'frank', '--password-stdin'], PASSWORD + '\n');
  assert.equal(reused.status, 1);
  assert.match(reused.stderr, /password_reused/);
  const ok = s.cli(['user', 'passwd', 'frank', '--password-stdin'], 'Cli-Set-Pass-2027\n');
  assert.equal(ok.status, 0, ok.stderr);
  await s.login('frank', 'Cli-Set-Pass-2027');
});
