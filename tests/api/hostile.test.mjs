// Hostile input (issue 9): bodies, headers and file names built to break a parser. Each
// gets its 4xx with the exact code, no row reaches the database, and the server's log
// stays one escaped JSON object per line.
//
// Already covered identically elsewhere, so not repeated here:
// - errors.test.mjs: a body over the cap with Content-Length (413 too_large, before it is
//   read); invalid UTF-8 and an overlong '"' (400 bad_encoding); duplicate keys, 100-deep
//   nesting, a top-level array, an empty body (400 malformed_json); text/plain and
//   form-encoded bodies (415) — all on the login route.
// - engine_attachment.test.mjs: an executable (ELF, MZ) renamed .pdf, HTML, unknown bytes
//   (415 unsupported_media_type); '..', 'dir/', CR/LF and U+202E in a file name
//   (400 invalid_filename); a chunked upload past the limit (cut off).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Server, assertError, assertInvalid, rawHttp } from './lib/server.mjs';
import { seedRegions, COUNTY } from './lib/fixture.mjs';

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
const UNIT = { name: '阳光社工站', kind: 'other', region_code: COUNTY };
const count = (table) => Number(s.sqlite(`SELECT count(*) FROM ${table}`).stdout.trim());
const rows = () => ({ unit: count('unit'), attachment: count('attachment'), audit: count('audit_log') });
/** A unit written from raw body text (a session with CSRF). */
const postRaw = (raw, headers = JSON_CT) => staff.request('POST', '/api/v1/unit', { raw, headers });
/** The head of a raw unit POST with the session, without the blank line. */
const head = (extra) => 'POST /api/v1/unit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
  `Cookie: ${staff.cookie}\r\nX-CSRF-Token: ${staff.csrf}\r\n${extra}`;

/** Asserts that fn's requests changed no business row. */
async function unchanged(fn) {
  const before = rows();
  await fn();
  // the audit trail records refusals of writes too; rows of the business tables must not move
  const now = rows();
  assert.equal(now.unit, before.unit, 'a unit row was written');
  assert.equal(now.attachment, before.attachment, 'an attachment row was written');
}

test('a valid unit is written (the baseline the refusals are measured against)', async () => {
  const r = await staff.post('/api/v1/unit', UNIT);
  assert.equal(r.status, 201, r.text);
});

test('JSON nested 10,000 deep is malformed_json (nesting), on a write route', async () => {
  await unchanged(async () => {
    const deep = '{"name":' + '['.repeat(10000) + ']'.repeat(10000) + '}';
    const e = assertError(await postRaw(deep), 400, 'malformed_json');
    assert.match(e.message, /嵌套/);
    const objs = '{"a":'.repeat(10000) + '1' + '}'.repeat(10000);
    assertError(await postRaw(objs), 400, 'malformed_json');
  });
});

test('duplicate keys on a write route are malformed_json', async () => {
  await unchanged(async () => {
    const e = assertError(await postRaw('{"name":"甲","kind":"other","region_code":"110105000000","name":"乙"}'),
      400, 'malformed_json');
    assert.match(e.message, /重复/);
  });
});

test('\\u0000 in a string, lone surrogates and invalid UTF-8 are refused', async () => {
  await unchanged(async () => {
    assertError(await postRaw('{"name":"甲\\u0000乙","kind":"other","region_code":"110105000000"}'), 400, 'malformed_json');
    assertError(await postRaw('{"name":"\\ud800","kind":"other","region_code":"110105000000"}'), 400, 'malformed_json');
    assertError(await postRaw('{"name":"\\udc00\\ud800","kind":"other","region_code":"110105000000"}'), 400, 'malformed_json');
    // a raw NUL byte and a CESU-8 surrogate (ED A0 80) are not UTF-8
    const raw = (bytes) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes),
      Buffer.from('","kind":"other","region_code":"110105000000"}')]);
    assertError(await postRaw(raw([0x61, 0x00, 0x62])), 400, 'bad_encoding');
    assertError(await postRaw(raw([0xed, 0xa0, 0x80])), 400, 'bad_encoding');
    assertError(await postRaw(raw([0xf4, 0x90, 0x80, 0x80])), 400, 'bad_encoding'); // past U+10FFFF
  });
});

test('1e999 and integers beyond int64 are malformed_json', async () => {
  await unchanged(async () => {
    for (const n of ['1e999', '-1e999', '99999999999999999999', '-9223372036854775809', '9223372036854775808']) {
      const r = await postRaw(`{"name":"甲","kind":"other","region_code":"110105000000","staff_count":${n}}`);
      assertError(r, 400, 'malformed_json');
    }
  });
});

test('a 1 MB string is too_long, named by its field', async () => {
  await unchanged(async () => {
    const r = await staff.post('/api/v1/unit', { ...UNIT, name: '社'.repeat(300000) }); // 900 KB of UTF-8
    assertInvalid(r, [['name', 'too_long']]);
    const ascii = await staff.post('/api/v1/unit', { ...UNIT, name: 'a'.repeat(1000000) });
    assertInvalid(ascii, [['name', 'too_long']]);
  });
});

test('unknown fields are refused, not ignored', async () => {
  await unchanged(async () => {
    const r = await staff.post('/api/v1/unit', { ...UNIT, colour: 'red', id: 5, created_by: 1 });
    const err = assertError(r, 400, 'invalid');
    const fields = err.details.map((d) => [d.field, d.code]);
    assert.deepEqual(fields.filter(([, c]) => c === 'unknown_field').map(([f]) => f).sort(), ['colour', 'created_by', 'id'], r.text);
  });
});

test('a write whose body is not JSON is 415 (write route)', async () => {
  await unchanged(async () => {
    const body = JSON.stringify(UNIT);
    for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/jsonx', ''])
      assertError(await postRaw(body, ct ? { 'Content-Type': ct } : {}), 415, 'unsupported_media_type');
  });
});

test('a chunked JSON body past the 1 MiB cap is cut off without a write', async () => {
  await unchanged(async () => {
    const chunk = 'a'.repeat(256 * 1024);
    let raw = head('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    raw += `9\r\n{"name":"\r\n`;
    for (let i = 0; i < 5; i++) raw += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    raw += '0\r\n\r\n';
    const r = await rawHttp(s.port, raw);
    assert.ok(r.error || r.status === 413, JSON.stringify(r).slice(0, 300));
  });
});

// libmicrohttpd 0.9.75 alone would take the first of two Content-Length headers and let
// Transfer-Encoding win over Content-Length; behind a proxy that reads the other header
// either is request smuggling (RFC 9112 6.3). http.c refuses both before any body is read.

test('duplicate Content-Length is 400', async () => {
  await unchanged(async () => {
    const body = JSON.stringify(UNIT);
    const n = Buffer.byteLength(body);
    for (const [a, b] of [[n, n + 5], [n, n]]) {
      const r = await rawHttp(s.port, head(`Content-Type: application/json\r\nContent-Length: ${a}\r\nContent-Length: ${b}\r\n\r\n${body}`));
      assert.equal(r.status, 400, `Content-Length ${a} and ${b}: ${JSON.stringify(r)}`);
    }
    const list = await rawHttp(s.port, head(`Content-Type: application/json\r\nContent-Length: ${n}, ${n}\r\n\r\n${body}`));
    assert.equal(list.status, 400, JSON.stringify(list));
  });
});

test('Transfer-Encoding together with Content-Length is 400 (no request smuggling)', async () => {
  await unchanged(async () => {
    const body = JSON.stringify(UNIT);
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    // the Content-Length covers only a prefix; a second request hides in the rest
    const smuggled = 'GET /api/v1/unit HTTP/1.1\r\nHost: x\r\n\r\n';
    const r = await rawHttp(s.port, head(`Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${chunked}${smuggled}`));
    assert.equal(r.status, 400, JSON.stringify(r).slice(0, 400));
    assert.doesNotMatch(r.body || '', /HTTP\/1\.1 200/, 'the hidden request was answered');
  });
});

test('CR/LF in header names and values and in the path never reach the log unescaped', async () => {
  const marker = 'INJECTED' + Date.now();
  const forged = `{"kind":"access","request_id":"${marker}","status":200}`;
  const cases = [
    // a bare CR inside a header value, a bare LF ending a header line
    `GET /api/v1/unit HTTP/1.1\r\nHost: x\r\nConnection: close\r\nUser-Agent: a\r${forged}\r\n\r\n`,
    `GET /api/v1/unit HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: 1\n${forged}: 2\r\n\r\n`,
    // an obsolete folded header, a space before the colon, a NUL in a value
    `GET /api/v1/unit HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: 1\r\n ${forged}\r\n\r\n`,
    `GET /api/v1/unit HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A : ${forged}\r\n\r\n`,
    `GET /api/v1/unit HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-A: a\0${forged}\r\n\r\n`,
  ];
  for (const raw of cases) {
    const r = await rawHttp(s.port, raw);
    assert.ok(r.error || (r.status >= 400 && r.status < 500), `${JSON.stringify(raw)}: ${JSON.stringify(r).slice(0, 200)}`);
  }
  // encoded CR/LF in the path and the query: decoded, routed as text, answered 404 / 400
  const path = await rawHttp(s.port, `GET /api/v1/nothing%0d%0a${encodeURIComponent(forged)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assert.equal(path.status, 404, JSON.stringify(path));
  const q = await staff.get(`/api/v1/unit?name=%0d%0a${encodeURIComponent(forged)}&x%0d%0a=1`);
  assertInvalid(q, [['name', 'unknown_filter'], ['x??', 'unknown_filter']]); // control characters shown as ?
  // a header value the client controls and the server may log: X-Forwarded-For
  await s.request('GET', '/healthz', { headers: { 'X-Forwarded-For': `1.2.3.4 ${forged}` } });
  await new Promise((r) => setTimeout(r, 200));
  for (const line of s.log.split('\n')) {
    if (!line) continue;
    // no raw control byte but the newline that ends each record
    assert.doesNotMatch(line, /[\x00-\x08\x0b-\x1f\x7f]/, `raw control byte in the log: ${JSON.stringify(line).slice(0, 200)}`);
    if (line.includes(marker)) {
      // the marker may appear only inside an escaped JSON string of one record
      assert.ok(line.startsWith('{'), `injected text starts a log line: ${line.slice(0, 200)}`);
      const rec = JSON.parse(line);
      assert.notEqual(rec.request_id, marker, 'a forged access record');
    }
  }
  assert.equal(s.accessLog().filter((l) => l.request_id === marker).length, 0);
});

test('"../" in an uploaded file name never leaves the files directory', async () => {
  const TEXT = Buffer.from('社会工作部会议纪要\n');
  const up = (name) => staff.request('PUT', `/api/v1/attachment?filename=${encodeURIComponent(name)}`,
    { raw: TEXT, headers: { 'Content-Type': 'application/octet-stream' } });
  // an encoded NUL arrives as the byte 0xFF (server/http.c): not UTF-8, invalid_format
  for (const [bad, code] of [['../', 'invalid_filename'], ['../..', 'invalid_filename'],
    ['./..', 'invalid_filename'], ['..\\..\\', 'invalid_filename'], ['\0.txt', 'invalid_format'],
    ['../\0', 'invalid_format']]) {
    const before = rows();
    const r = await up(bad);
    assertInvalid(r, [['filename', code]]);
    assert.equal(rows().attachment, before.attachment, bad);
  }
  // a path is cut to its last part: the stored name holds no separator and no dot segment
  for (const name of ['../../etc/passwd.txt', '..%2f..%2fshadow.txt', '..\\..\\boot.txt', '/etc/cron.d/x.txt']) {
    const r = await up(name);
    if (r.status === 201) {
      assert.doesNotMatch(r.body.name, /[\\/]|^\.\.?$|^\./, `${name} stored as ${r.body.name}`);
    } else {
      assertInvalid(r, [['filename', 'invalid_filename']]);
    }
  }
  assert.ok(!existsSync(join(s.dir, 'etc')) && !existsSync(join(s.dir, '..', 'passwd.txt')));
});
