// The console's files: a tiny fake web/dist in a temporary directory (SHEGONG_WEB_DIR), so
// this needs no Vue build. Cache headers, precompressed gzip, the fallback to index.html
// for the console's routes, path safety, and that the API keeps its JSON 404.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawHttp, withServer, assertError, assertInvalid } from './lib/server.mjs';
import { COUNTY, seedRegions } from './lib/fixture.mjs';

const INDEX = '<!doctype html><html><head><meta charset="utf-8"><title>社工</title>'
  + '<script type="module" crossorigin src="/assets/index-Ab12Cd.js"></script>'
  + '<link rel="stylesheet" href="/assets/index-Ef34Gh.css"></head><body><div id="app"></div></body></html>';
const JS = 'export const greeting = "你好";\n'.repeat(200);

function fakeDist() {
  const dir = mkdtempSync(join(tmpdir(), 'shegong-web-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'index.html.gz'), gzipSync(INDEX));
  writeFileSync(join(dist, 'assets', 'index-Ab12Cd.js'), JS);
  writeFileSync(join(dist, 'assets', 'index-Ab12Cd.js.gz'), gzipSync(JS, { level: 9 }));
  writeFileSync(join(dist, 'assets', 'index-Ef34Gh.css'), 'body{margin:0}');
  writeFileSync(join(dist, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  writeFileSync(join(dist, '.env'), 'SECRET=1');
  writeFileSync(join(dir, 'outside.txt'), 'outside the root');
  symlinkSync(join(dir, 'outside.txt'), join(dist, 'assets', 'leak.js'));
  symlinkSync(dir, join(dist, 'up'));
  return { dir, dist };
}

const raw = (port, path, extra = '') =>
  rawHttp(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${extra}\r\n`);

test('the console is served from SHEGONG_WEB_DIR', async (t) => {
  const { dir, dist } = fakeDist();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = await withServer(t, { env: { SHEGONG_WEB_DIR: dist } });

  await t.test('index.html: no-cache, the strict CSP, and no inline script', async () => {
    for (const path of ['/', '/index.html']) {
      const r = await s.request('GET', path, { headers: { 'Accept-Encoding': 'identity' } });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assert.equal(r.headers.get('content-encoding'), null);
      assert.match(r.headers.get('content-security-policy'), /script-src 'self';/);
      assert.doesNotMatch(r.headers.get('content-security-policy'), /unsafe-eval|script-src[^;]*unsafe-inline/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.text, INDEX);
      assert.doesNotMatch(r.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script would break the CSP');
    }
  });

  await t.test('the console routes answer index.html (SPA fallback)', async () => {
    for (const path of ['/portal', '/login', '/e/unit/123', '/e/unit/123/edit?x=1', '/%E4%B8%AD%E6%96%87']) {
      const r = await s.request('GET', path, { headers: { 'Accept-Encoding': 'identity' } });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8', path);
      assert.equal(r.headers.get('cache-control'), 'no-cache', path);
      assert.equal(r.text, INDEX, path);
    }
  });

  await t.test('hashed assets: a year, immutable, gzip when accepted', async () => {
    const plain = await s.request('GET', '/assets/index-Ab12Cd.js', { headers: { 'Accept-Encoding': 'identity' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(plain.headers.get('vary'), 'Accept-Encoding');
    assert.equal(plain.text, JS);

    const gz = await raw(s.port, '/assets/index-Ab12Cd.js', 'Accept-Encoding: gzip, deflate, br\r\n');
    assert.equal(gz.status, 200);
    assert.match(gz.head, /\r\nContent-Encoding: gzip\r\n/i);
    assert.match(gz.head, /\r\nVary: Accept-Encoding\r\n/i);
    assert.match(gz.head, /\r\nCache-Control: public, max-age=31536000, immutable\r\n/i);
    const len = Number(/\r\ncontent-length: *(\d+)/i.exec(gz.head)[1]);
    assert.ok(len < JS.length / 10, `gzip ${len} bytes for ${JS.length}`);
    // fetch decodes it transparently, as a browser does
    const dec = await s.request('GET', '/assets/index-Ab12Cd.js', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(dec.headers.get('content-encoding'), 'gzip');
    assert.equal(dec.text, JS);

    const refused = await raw(s.port, '/assets/index-Ab12Cd.js', 'Accept-Encoding: gzip;q=0, br\r\n');
    assert.equal(refused.status, 200);
    assert.doesNotMatch(refused.head, /Content-Encoding/i);

    const css = await s.request('GET', '/assets/index-Ef34Gh.css', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(css.headers.get('content-encoding'), null, 'no .gz file, no gzip');
    assert.equal(css.headers.get('vary'), null);
    const svg = await s.request('GET', '/assets/logo.svg');
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    const ico = await s.request('GET', '/favicon.ico');
    assert.equal(ico.status, 200);
    assert.equal(ico.headers.get('content-type'), 'image/x-icon');
    assert.equal(ico.headers.get('cache-control'), 'no-cache');
  });

  await t.test('index.html precompressed, and revalidation by ETag', async () => {
    const gz = await raw(s.port, '/e/unit/1', 'Accept-Encoding: gzip\r\n');
    assert.match(gz.head, /\r\nContent-Encoding: gzip\r\n/i);
    const body = Buffer.from(gz.body, 'latin1');
    assert.ok(body.length > 0);
    const first = await s.request('GET', '/portal', { headers: { 'Accept-Encoding': 'identity' } });
    const etag = first.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+"$/);
    const again = await s.request('GET', '/portal', { headers: { 'Accept-Encoding': 'identity', 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.get('cache-control'), 'no-cache');
    const gzTag = await s.request('GET', '/portal', { headers: { 'Accept-Encoding': 'identity', 'If-None-Match': etag.replace(/"$/, '-gz"') } });
    assert.equal(gzTag.status, 200, 'the gzip variant has its own tag');
  });

  await t.test('HEAD answers the headers only', async () => {
    const r = await s.request('HEAD', '/assets/index-Ab12Cd.js', { headers: { 'Accept-Encoding': 'identity' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(JS)));
    assert.equal(r.text, '');
  });

  await t.test('a missing asset is 404, not the page', async () => {
    for (const path of ['/assets/index-Missing.js', '/assets/nope', '/assets/', '/robots.txt', '/missing.css', '/x/y.png']) {
      const r = await s.request('GET', path);
      assertError(r, 404, 'not_found');
    }
  });

  await t.test('unsafe paths are 404 and read nothing', async () => {
    for (const path of ['/../outside.txt', '/assets/../../outside.txt', '/%2e%2e/outside.txt',
      '/assets/%2E%2E/%2e%2e/outside.txt', '/.env', '/./index.html', '//index.html', '/a\\..\\b',
      '/index.html%00.png', '/portal%00', '/%00', '/%ff', '/assets/leak.js', '/up/outside.txt', '/up']) {
      const r = await raw(s.port, path);
      assert.equal(r.status, 404, `${path}: ${r.head}`);
      assert.match(r.head, /application\/json/, path);
      assert.doesNotMatch(r.body, /outside the root|SECRET|<html/, path);
      assert.match(JSON.parse(r.body).error.message, /[\u4e00-\u9fff]/);
    }
  });

  await t.test('the API and the server routes keep their own answers', async () => {
    assertError(await s.request('GET', '/api/v1/no-such-thing'), 404, 'not_found');
    assertError(await s.request('GET', '/api/'), 404, 'not_found');
    assertError(await s.request('GET', '/api'), 404, 'not_found');
    assertError(await s.request('GET', '/healthz/extra'), 404, 'not_found');
    const api = await s.request('GET', '/api/v1/auth/me');
    assertError(api, 401, 'unauthenticated');
    assert.equal(api.headers.get('cache-control'), 'no-store');
    const health = await s.request('GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('cache-control'), 'no-store');
    // writes to the console's paths are not files
    assertError(await s.request('POST', '/portal', { body: {} }), 404, 'not_found');
    // an encoded NUL in a query value is refused, not cut short to a valid one
    seedRegions(s);
    s.addUser('webstaff', 'staff', COUNTY);
    const sess = await s.login('webstaff');
    assert.equal((await sess.get('/api/v1/calendar/deadline?from=2025-09-30&days=1')).status, 200);
    assertInvalid(await sess.get('/api/v1/calendar/deadline?from=2025-09-30%00x&days=1'), [['from', 'invalid_format']]);
  });
});

test('without a built console the API still works and pages say why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shegong-noweb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = await withServer(t, { env: { SHEGONG_WEB_DIR: join(dir, 'missing') } });
  const r = await s.request('GET', '/portal');
  const err = assertError(r, 404, 'not_found');
  assert.match(err.message, /make build/);
  assert.equal((await s.request('GET', '/healthz')).status, 200);
  // an empty directory: no index.html either
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const s2 = await withServer(t, { env: { SHEGONG_WEB_DIR: empty } });
  assertError(await s2.request('GET', '/'), 404, 'not_found');
});
