// Attachments: raw uploads typed from their bytes against an allow-list, stored once per
// content, downloaded as attachments with safe headers, and readable only by the uploader
// or a reader (in scope) of a row that links them. Needs the test build (entity specimen).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Server, assertError, assertInvalid, rawHttp } from './lib/server.mjs';
import { seedRegions, specimenUsers, PROVINCE, COUNTY, STREET, SIBLING } from './lib/fixture.mjs';

const LIMIT = 64 * 1024; // SHEGONG_ATTACHMENT_LIMIT of the first server

// Minimal valid files, built here so the test depends on nothing else.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n' +
  '2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');
const TEXT = Buffer.from('社会工作部会议纪要\n第一项：志愿服务。\n');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 1)]);
const MZ = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(126, 0x90)]);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');

const sha = (buf) => createHash('sha256').update(buf).digest('hex');

const s = new Server();
let sess;

before(async () => {
  await s.start({ env: { SHEGONG_ATTACHMENT_LIMIT: String(LIMIT) } });
  seedRegions(s);
  sess = await specimenUsers(s, {
    clerk: ['specimen_clerk', COUNTY],
    other: ['specimen_clerk', SIBLING],
    reader: ['specimen_reader', STREET],
    outsider: ['specimen_reader', SIBLING],
  });
});
after(async () => { await s.stop(); s.cleanup(); });

const upload = (who, filename, raw, headers = {}) =>
  sess[who].request('PUT', `/api/v1/attachment?filename=${encodeURIComponent(filename)}`,
    { raw, headers: { 'Content-Type': 'application/octet-stream', ...headers } });

/** Every file under DATA_DIR/files, as paths relative to it. */
function storedFiles(dir) {
  const root = join(dir, 'files');
  const out = [];
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), rel + e.name + '/');
      else out.push(rel + e.name);
    }
  };
  if (existsSync(root)) walk(root, '');
  return out.sort();
}

test('a PNG, a PDF and a text file are accepted, typed from their bytes', async () => {
  const cases = [
    ['照片.png', PNG, 'image/png', '照片.png'],
    ['scan.PDF', PDF, 'application/pdf', 'scan.PDF'],
    ['纪要.txt', TEXT, 'text/plain; charset=utf-8', '纪要.txt'],
    ['picture.pdf', PNG, 'image/png', 'picture.png'], // the bytes decide; the name follows
    ['noext', PDF, 'application/pdf', 'noext.pdf'],
  ];
  for (const [name, body, type, stored] of cases) {
    const r = await upload('clerk', name, body);
    assert.equal(r.status, 201, `${name}: ${r.text}`);
    assert.match(r.body.id, /^[1-9][0-9]*$/);
    assert.equal(r.body.name, stored);
    assert.equal(r.body.size, body.length);
    assert.equal(r.body.type, type);
    assert.equal(r.body.sha256, sha(body));
    const path = join(s.dir, 'files', r.body.sha256.slice(0, 2), r.body.sha256.slice(2, 4), r.body.sha256);
    assert.equal(statSync(path).size, body.length);
  }
});

test('executables (also renamed .pdf), HTML and unknown bytes are refused with 415', async () => {
  for (const [name, body] of [['invoice.pdf', ELF], ['report.pdf', MZ], ['setup.exe', MZ],
    ['page.html', HTML], ['page.txt', HTML], ['blob.bin', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 7])]]) {
    const err = assertError(await upload('clerk', name, body), 415, 'unsupported_media_type');
    assert.match(err.message, /文件类型不受支持/, name);
  }
  assert.ok(!storedFiles(s.dir).some((f) => f.endsWith(sha(ELF)) || f.endsWith(sha(MZ)) || f.endsWith(sha(HTML))));
});

test('an empty body, a missing or unsafe file name, and multipart are refused', async () => {
  const empty = assertError(await upload('clerk', 'a.txt', Buffer.alloc(0)), 400, 'invalid');
  assert.match(empty.message, /文件为空/);
  const none = await sess.clerk.request('PUT', '/api/v1/attachment', { raw: TEXT });
  assertInvalid(none, [['filename', 'required']]);
  for (const bad of ['.htaccess', 'a\r\nSet-Cookie: x=1.txt', '..', 'dir/', 'x\u202Etxt.exe'])
    assertInvalid(await upload('clerk', bad, TEXT), [['filename', 'invalid_filename']]);
  const mp = await upload('clerk', 'a.txt', TEXT, { 'Content-Type': 'multipart/form-data; boundary=x' });
  assert.match(assertError(mp, 415, 'unsupported_media_type').message, /multipart/);
  // a path is cut down to its last part
  const path = await upload('clerk', 'C:\\Users\\张三\\简历.txt', TEXT);
  assert.equal(path.status, 201, path.text);
  assert.equal(path.body.name, '简历.txt');
});

test('an upload needs a login and, with a session, the CSRF header', async () => {
  assertError(await s.request('PUT', '/api/v1/attachment?filename=a.txt', { raw: TEXT }), 401, 'unauthenticated');
  const r = await sess.clerk.request('PUT', '/api/v1/attachment?filename=a.txt', { raw: TEXT, csrf: false });
  assertError(r, 403, 'csrf_failed');
});

test('the attachment limit is the route\'s: larger bodies get 413, a body at the limit is read', async () => {
  const head = (n) => 'PUT /api/v1/attachment?filename=a.txt HTTP/1.1\r\nHost: x\r\n' +
    `Cookie: ${sess.clerk.cookie}\r\nX-CSRF-Token: ${sess.clerk.csrf}\r\nContent-Length: ${n}\r\n\r\n`;
  const over = await rawHttp(s.port, head(LIMIT + 1));
  assert.equal(over.status, 413, JSON.stringify(over));
  assert.equal(JSON.parse(over.body).error.code, 'too_large');
  assert.match(over.head, /\r\nX-Content-Type-Options: nosniff\r\n/i);
  const exact = Buffer.alloc(LIMIT, 'a');
  const r = await upload('clerk', 'full.txt', exact);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.size, LIMIT);
  // a chunked body past the limit is cut off without a 2xx
  const chunk = Buffer.alloc(16 * 1024, 'b');
  let raw = 'PUT /api/v1/attachment?filename=b.txt HTTP/1.1\r\nHost: x\r\n' +
    `Cookie: ${sess.clerk.cookie}\r\nX-CSRF-Token: ${sess.clerk.csrf}\r\nTransfer-Encoding: chunked\r\n\r\n`;
  for (let i = 0; i < 6; i++) raw += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  raw += '0\r\n\r\n';
  const cut = await rawHttp(s.port, raw);
  assert.ok(cut.error || cut.status === 413, JSON.stringify(cut).slice(0, 300));
  // other routes keep the server's own limit (1 MiB), not the attachment's
  const pad = `{"username":"${'a'.repeat(LIMIT + 100)}","password":"x"}`;
  const login = await s.request('POST', '/api/v1/auth/login', { raw: pad, headers: { 'Content-Type': 'application/json' } });
  assertInvalid(login, [['username', 'too_long']]);
});

test('a download is an attachment with the stored type, nosniff and the security headers', async () => {
  const up = await upload('clerk', '照片.png', PNG);
  const r = await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { headers: { Cookie: sess.clerk.cookie } });
  assert.equal(r.status, 200);
  const body = Buffer.from(await r.arrayBuffer());
  assert.deepEqual(body, PNG);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.equal(r.headers.get('content-length'), String(PNG.length));
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{24}$/);
  assert.equal(r.headers.get('content-disposition'),
    "attachment; filename=\"__.png\"; filename*=UTF-8''%E7%85%A7%E7%89%87.png");
  const info = await sess.clerk.get(`/api/v1/attachment/${up.body.id}/info`);
  assert.equal(info.status, 200, info.text);
  assert.deepEqual(
    { id: info.body.id, name: info.body.name, size: info.body.size, type: info.body.type, sha256: info.body.sha256, ext: info.body.ext, mine: info.body.mine },
    { id: up.body.id, name: '照片.png', size: PNG.length, type: 'image/png', sha256: sha(PNG), ext: 'png', mine: true });
  assert.match(info.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // HEAD answers the headers only
  const head = await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { method: 'HEAD', headers: { Cookie: sess.clerk.cookie } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(PNG.length));
  assert.equal(head.headers.get('content-type'), 'image/png');
  assert.equal((await head.arrayBuffer()).byteLength, 0);
});

test('a name with 中文 and quotes gives a header that cannot be broken out of', async () => {
  const up = await upload('clerk', '报告"最终"版 (1);x.txt', TEXT);
  assert.equal(up.status, 201, up.text);
  assert.equal(up.body.name, '报告"最终"版 (1);x.txt');
  const r = await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { headers: { Cookie: sess.clerk.cookie } });
  assert.equal(r.status, 200);
  const cd = r.headers.get('content-disposition');
  const m = /^attachment; filename="([^"\\\r\n]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$/.exec(cd);
  assert.ok(m, cd);
  assert.equal(m[1], '_______ (1);x.txt');
  assert.equal(decodeURIComponent(m[2]), '报告_最终_版 (1);x.txt');
  assert.match(r.headers.get('content-type'), /^text\/plain; charset=utf-8$/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), TEXT);
});

test('the same content is stored once', async () => {
  const content = Buffer.from('同一份材料，上传两次。\n' + 'x'.repeat(100));
  const a = await upload('clerk', 'one.txt', content);
  const b = await upload('other', 'two.txt', content);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.status, 201, b.text);
  assert.notEqual(a.body.id, b.body.id);
  assert.equal(a.body.sha256, b.body.sha256);
  const files = storedFiles(s.dir);
  assert.equal(files.filter((f) => f.endsWith(sha(content))).length, 1);
  assert.ok(!files.some((f) => f.includes('.tmp')), files.join(','));
  const rows = s.sqlite(`SELECT COUNT(*) FROM attachment WHERE sha256 = '${sha(content)}'`);
  assert.equal(rows.stdout.trim(), '2');
  // each uploader reads their own copy with their own name
  const dl = await sess.other.get(`/api/v1/attachment/${b.body.id}/info`);
  assert.equal(dl.body.name, 'two.txt');
});

test('another user\'s unlinked file is not found, as is an unknown id', async () => {
  const up = await upload('clerk', 'private.txt', Buffer.from('只给自己看的\n'));
  for (const who of ['other', 'reader', 'outsider']) {
    assertError(await sess[who].get(`/api/v1/attachment/${up.body.id}`), 404, 'not_found');
    assertError(await sess[who].get(`/api/v1/attachment/${up.body.id}/info`), 404, 'not_found');
  }
  assertError(await sess.clerk.get('/api/v1/attachment/123456789'), 404, 'not_found');
  assertError(await sess.clerk.get('/api/v1/attachment/abc'), 404, 'not_found');
  assertError(await s.request('GET', `/api/v1/attachment/${up.body.id}`), 401, 'unauthenticated');
});

test('a file linked to a row is readable by its readers in scope only', async () => {
  const up = await upload('clerk', '现场照片.png', PNG);
  const mine = await upload('other', 'theirs.txt', Buffer.from('别人的文件\n'));
  // only files the writer uploaded can be linked
  const stolen = await sess.clerk.post('/api/v1/specimen',
    { title: '借用他人附件', category: 'noise', region_code: STREET, files: [mine.body.id] });
  assertInvalid(stolen, [['files', 'attachment_unknown']]);
  assertInvalid(await sess.clerk.post('/api/v1/specimen',
    { title: '无效附件', category: 'noise', region_code: STREET, files: '1' }), [['files', 'type_array']]);
  assertInvalid(await sess.clerk.post('/api/v1/specimen',
    { title: '无效附件', category: 'noise', region_code: STREET, files: ['999999999'] }), [['files', 'attachment_unknown']]);

  const c = await sess.clerk.post('/api/v1/specimen',
    { title: '带附件的样本', category: 'noise', region_code: STREET, files: [up.body.id, up.body.id] });
  assert.equal(c.status, 201, c.text);
  assert.deepEqual(c.body.files, [{ id: up.body.id, name: '现场照片.png', size: PNG.length, type: 'image/png' }]);
  const links = s.sqlite(`SELECT entity, row_id, field FROM attachment_link WHERE attachment_id = ${up.body.id}`);
  assert.equal(links.stdout.trim(), `specimen|${c.body.id}|files`);

  const ok = await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { headers: { Cookie: sess.reader.cookie } });
  assert.equal(ok.status, 200);
  assert.deepEqual(Buffer.from(await ok.arrayBuffer()), PNG);
  const info = await sess.reader.get(`/api/v1/attachment/${up.body.id}/info`);
  assert.equal(info.status, 200, info.text);
  assert.equal(info.body.mine, false);
  assertError(await sess.outsider.get(`/api/v1/attachment/${up.body.id}`), 404, 'not_found');

  // the row shows its files; a reader of the row sees them too
  const row = await sess.reader.get(`/api/v1/specimen/${c.body.id}`);
  assert.equal(row.status, 200, row.text);
  assert.deepEqual(row.body.files, c.body.files);

  // someone else may keep a file already linked to the row, and replacing the list
  // unlinks the rest
  const officer = await upload('other', 'extra.txt', Buffer.from('补充材料\n'));
  const keep = await sess.clerk.patch(`/api/v1/specimen/${c.body.id}`, { version: c.body.version, files: [] });
  assert.equal(keep.status, 200, keep.text);
  assert.deepEqual(keep.body.files, []);
  assert.equal(s.sqlite(`SELECT COUNT(*) FROM attachment_link WHERE row_id = ${c.body.id}`).stdout.trim(), '0');
  assertError(await sess.reader.get(`/api/v1/attachment/${up.body.id}`), 404, 'not_found');
  const relink = await sess.clerk.patch(`/api/v1/specimen/${c.body.id}`, { version: keep.body.version, files: [up.body.id] });
  assert.equal(relink.status, 200, relink.text);
  assert.equal((await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { headers: { Cookie: sess.reader.cookie } })).status, 200);
  assertInvalid(await sess.clerk.patch(`/api/v1/specimen/${c.body.id}`, { version: relink.body.version, files: [up.body.id, officer.body.id] }),
    [['files', 'attachment_unknown']]);

  // the row deleted (soft): its readers lose the file; the uploader keeps it
  const del = await sess.clerk.del(`/api/v1/specimen/${c.body.id}`);
  assert.equal(del.status, 204, del.text);
  assertError(await sess.reader.get(`/api/v1/attachment/${up.body.id}`), 404, 'not_found');
  const own = await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { headers: { Cookie: sess.clerk.cookie } });
  assert.equal(own.status, 200);
});

test('a file already linked to a row may stay when another writer updates the row', async () => {
  const up = await upload('clerk', '原件.pdf', PDF);
  const c = await sess.clerk.post('/api/v1/specimen',
    { title: '共同办理', category: 'repair', region_code: SIBLING, files: [up.body.id] });
  assert.equal(c.status, 201, c.text);
  // "other" (clerk of the sibling street) did not upload it but may keep it on this row
  const p = await sess.other.patch(`/api/v1/specimen/${c.body.id}`, { version: c.body.version, title: '共同办理（补充）', files: [up.body.id] });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.files[0].id, up.body.id);
  // and, as a reader of the row, may download it
  assert.equal((await fetch(`${s.base}/api/v1/attachment/${up.body.id}`, { headers: { Cookie: sess.other.cookie } })).status, 200);
  // but may not move it to another row
  assertInvalid(await sess.other.post('/api/v1/specimen',
    { title: '挪用', category: 'repair', region_code: SIBLING, files: [up.body.id] }), [['files', 'attachment_unknown']]);
});

test('a row shows its files in the order given, in the row and in the list', async () => {
  const ups = [];
  for (const [name, body] of [['一.txt', '第一份\n'], ['二.txt', '第二份\n'], ['三.txt', '第三份\n']])
    ups.push((await upload('clerk', name, Buffer.from(body))).body);
  const order = [ups[2], ups[0], ups[1]].map((u) => u.id);
  const c = await sess.clerk.post('/api/v1/specimen', { title: '多个附件', category: 'noise', region_code: STREET, files: order });
  assert.equal(c.status, 201, c.text);
  assert.deepEqual(c.body.files.map((f) => [f.id, f.name]), [[order[0], '三.txt'], [order[1], '一.txt'], [order[2], '二.txt']]);
  const list = await sess.clerk.get('/api/v1/specimen?size=200');
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.body.items.find((x) => x.id === c.body.id).files, c.body.files);
});

test('without a configured limit an upload may pass the server\'s 1 MiB body cap up to 20 MiB', async (t) => {
  const big = new Server();
  await big.start();
  t.after(async () => { await big.stop(); big.cleanup(); });
  seedRegions(big);
  const { clerk } = await specimenUsers(big, { clerk: ['specimen_clerk', PROVINCE] });
  const body = Buffer.alloc(2 * 1024 * 1024 + 3, 'z');
  const r = await clerk.request('PUT', '/api/v1/attachment?filename=big.txt', { raw: body });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.size, body.length);
  const head = 'PUT /api/v1/attachment?filename=a.txt HTTP/1.1\r\nHost: x\r\n' +
    `Cookie: ${clerk.cookie}\r\nX-CSRF-Token: ${clerk.csrf}\r\nContent-Length: ${20 * 1024 * 1024 + 1}\r\n\r\n`;
  const over = await rawHttp(big.port, head);
  assert.equal(over.status, 413, JSON.stringify(over));
});
