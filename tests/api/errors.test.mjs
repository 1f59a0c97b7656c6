// The error contract: one envelope, stable codes, Chinese messages that point at the
// mistake, security headers on every answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, assertInvalid, rawHttp } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
let staff;

before(async () => {
  await s.start();
  seedRegions(s);
  s.addUser('alice', 'staff', '110105000000');
  staff = await s.login('alice');
});
after(async () => { await s.stop(); s.cleanup(); });

const JSON_CT = { 'Content-Type': 'application/json' };
const loginRaw = (raw, headers = JSON_CT) => s.request('POST', '/api/v1/auth/login', { raw, headers });

test('malformed JSON names the line and column', async () => {
  const one = assertError(await loginRaw('{"username": "x", "password": }'), 400, 'malformed_json');
  assert.match(one.message, /第 1 行第 31 列/);
  const multi = assertError(await loginRaw('{\n  "username": "x",\n  "password": ,\n  "z": 1\n}'), 400, 'malformed_json');
  assert.match(multi.message, /第 3 行第 15 列/);
  assertError(await loginRaw('{"a":1} trailing'), 400, 'malformed_json');
});

test('a field of the wrong type is invalid with type_string', async () => {
  const r = await s.request('POST', '/api/v1/auth/login', { body: { username: 5, password: 'x' } });
  assertInvalid(r, [['username', 'type_string']]);
  const both = await s.request('POST', '/api/v1/auth/login', { body: { username: [], password: {} } });
  assertInvalid(both, [['username', 'type_string'], ['password', 'type_string']]);
});

test('a body that is not UTF-8 is bad_encoding', async () => {
  assertError(await loginRaw(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])), 400, 'bad_encoding');
  // an overlong encoding of '"' is not UTF-8 either
  assertError(await loginRaw(Buffer.from([0x7b, 0xc0, 0xa2, 0x7d])), 400, 'bad_encoding');
});

test('a body over 1 MiB is refused before it is read', async () => {
  const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${1024 * 1024 + 1}\r\n\r\n`;
  const r = await rawHttp(s.port, head);
  assert.equal(r.status, 413, JSON.stringify(r));
  const body = JSON.parse(r.body);
  assert.equal(body.error.code, 'too_large');
  assert.match(body.error.message, /[\u4e00-\u9fff]/);
  assert.match(r.head, /\r\nX-Request-Id: [0-9a-f]{24}\r\n/i);
  assert.match(r.head, /\r\nContent-Security-Policy: [^\r]*frame-ancestors 'none'/i);
  assert.match(r.head, /\r\nX-Content-Type-Options: nosniff\r\n/i);
});

test('a body of exactly 1 MiB is read', async () => {
  const pad = 1024 * 1024 - '{"username":"","password":"x"}'.length;
  const raw = `{"username":"${'a'.repeat(pad)}","password":"x"}`;
  assert.equal(Buffer.byteLength(raw), 1024 * 1024);
  assertInvalid(await loginRaw(raw), [['username', 'too_long']]);
});

test('an unknown route is 404, a wrong method 405 with Allow', async () => {
  const nf = assertError(await s.request('GET', '/api/v1/nothing'), 404, 'not_found');
  assert.match(nf.message, /地址/);
  assertError(await s.request('GET', '/api/v1/unit/1/extra'), 404, 'not_found');
  for (const id of ['0', '-1', '99999999999999999999', '1e3', '%31%32'])
    assertError(await staff.get(`/api/v1/unit/${id}`), 404, 'not_found');
  const put = await staff.request('PUT', '/api/v1/unit', { body: {} });
  assertError(put, 405, 'method_not_allowed');
  assert.equal(put.headers.get('allow'), 'GET, POST');
  // a row now also answers DELETE (a soft delete); PUT is still not a method of it
  const putOne = await staff.request('PUT', '/api/v1/unit/1', { body: {} });
  assertError(putOne, 405, 'method_not_allowed');
  assert.equal(putOne.headers.get('allow'), 'GET, PATCH, DELETE');
});

test('a body that is not application/json is 415', async () => {
  assertError(await loginRaw('{"username":"alice","password":"x"}', { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type');
  assertError(await loginRaw('username=alice', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
  const withCharset = await loginRaw('{"username":"alice","password":"Wrong-password-1"}', { 'Content-Type': 'application/json; charset=utf-8' });
  assertError(withCharset, 401, 'bad_credentials');
});

test('duplicate keys, deep nesting, arrays and empty bodies are malformed_json', async () => {
  const dup = assertError(await loginRaw('{"username":"a","username":"b","password":"x"}'), 400, 'malformed_json');
  assert.match(dup.message, /重复/);
  const deep = assertError(await loginRaw('{"a":' + '['.repeat(100) + ']'.repeat(100) + '}'), 400, 'malformed_json');
  assert.match(deep.message, /嵌套/);
  const arr = assertError(await loginRaw('[{"username":"alice"}]'), 400, 'malformed_json');
  assert.match(arr.message, /对象/);
  const empty = assertError(await loginRaw(''), 400, 'malformed_json');
  assert.match(empty.message, /不能为空/);
  assertError(await s.request('POST', '/api/v1/auth/login', { headers: JSON_CT }), 400, 'malformed_json');
});

test('no credentials is 401; no permission is 403', async () => {
  assertError(await s.request('GET', '/api/v1/unit'), 401, 'unauthenticated');
  assertError(await s.request('POST', '/api/v1/unit', { body: {} }), 401, 'unauthenticated');
  assertError(await staff.get('/api/v1/users'), 403, 'forbidden');
  assertError(await staff.get('/api/v1/audit'), 403, 'forbidden');
});

test('query parameters are checked, all at once', async () => {
  assertInvalid(await staff.get('/api/v1/unit?page=0'), [['page', 'out_of_range']]);
  // the engine reports a page that is not a number as out of range, not as type_integer
  assertInvalid(await staff.get('/api/v1/unit?page=abc'), [['page', 'type_integer']]);
  assertInvalid(await staff.get('/api/v1/unit?size=1000'), [['size', 'out_of_range']]);
  assertInvalid(await staff.get('/api/v1/unit?size=0'), [['size', 'out_of_range']]);
  assert.equal((await staff.get('/api/v1/unit?size=200')).status, 200);
  assertInvalid(await staff.get('/api/v1/unit?region_code=123'), [['region_code', 'invalid_region']]);
  assertInvalid(await staff.get('/api/v1/unit?page=-1&size=x&region_code=1101'),
    [['page', 'out_of_range'], ['size', 'type_integer'], ['region_code', 'invalid_region']]);
  // unknown parameters are refused, not ignored; page_size is the old name of size
  assertInvalid(await staff.get('/api/v1/unit?colour=red'), [['colour', 'unknown_filter']]);
  assertInvalid(await staff.get('/api/v1/unit?page_size=10'), [['page_size', 'unknown_filter']]);
  assertInvalid(await staff.get('/api/v1/unit?page=0&colour=red'), [['page', 'out_of_range'], ['colour', 'unknown_filter']]);
});

test('every answer carries the security headers and a request id, and no server version', async () => {
  const answers = [
    await s.request('GET', '/healthz'),
    await s.request('GET', '/metrics'),
    await staff.get('/api/v1/auth/me'),
    await staff.post('/api/v1/unit', { name: '甲', kind: 'other', region_code: '110105000000' }),
    await staff.get('/api/v1/unit?page=0'),
    await s.request('GET', '/api/v1/unit'),
    await staff.get('/api/v1/users'),
    await s.request('GET', '/api/v1/nothing'),
    await staff.request('PUT', '/api/v1/unit'),
    await loginRaw('x', { 'Content-Type': 'text/plain' }),
    await s.request('HEAD', '/healthz'),
  ];
  assert.equal(answers[3].status, 201, 'a successful write is among them: ' + answers[3].text);
  for (const r of answers) {
    const h = r.headers;
    const what = `${r.status} ${r.text.slice(0, 80)}`;
    assert.match(h.get('content-security-policy') || '', /frame-ancestors 'none'/, what);
    assert.match(h.get('content-security-policy') || '', /default-src 'self'/, what);
    assert.equal(h.get('x-content-type-options'), 'nosniff', what);
    assert.equal(h.get('referrer-policy'), 'no-referrer', what);
    assert.equal(h.get('x-frame-options'), 'DENY', what);
    assert.equal(h.get('cache-control'), 'no-store', what);
    assert.match(h.get('x-request-id') || '', /^[0-9a-f]{24}$/, what);
    assert.doesNotMatch(h.get('server') || '', /\d/, what);
    assert.doesNotMatch(h.get('x-powered-by') || '', /./, what);
  }
  const ids = new Set(answers.map((r) => r.headers.get('x-request-id')));
  assert.equal(ids.size, answers.length, 'request ids are unique');
});

test('every error body names the request id of its header', async () => {
  for (const r of [
    await s.request('GET', '/api/v1/nothing'),
    await s.request('GET', '/api/v1/unit'),
    await staff.get('/api/v1/unit?page=0'),
    await loginRaw('{'),
  ]) {
    assert.ok(r.status >= 400);
    assert.equal(r.body.request_id, r.headers.get('x-request-id'));
  }
});

test('a request id sent by an untrusted client is not believed', async () => {
  const r = await s.request('GET', '/api/v1/nothing', { headers: { 'X-Request-Id': 'chosen-by-client' } });
  assert.notEqual(r.headers.get('x-request-id'), 'chosen-by-client');
  assert.equal(r.body.request_id, r.headers.get('x-request-id'));
});

test('too many logins from one address in a minute are 429', async () => {
  const limited = new Server();
  await limited.start({ env: { SHEGONG_LOGIN_RATE: '2' } });
  try {
    // an empty password is refused without hashing, but the attempt still counts
    const attempt = () => limited.request('POST', '/api/v1/auth/login', { body: { username: 'alice', password: '' } });
    assertInvalid(await attempt(), [['password', 'required']]);
    assertInvalid(await attempt(), [['password', 'required']]);
    const over = await attempt();
    assertError(over, 429, 'rate_limited');
    const wait = Number(over.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${over.headers.get('retry-after')}`);
    await limited.advance(60);
    assertInvalid(await attempt(), [['password', 'required']]);
  } finally {
    await limited.stop();
    limited.cleanup();
  }
});
