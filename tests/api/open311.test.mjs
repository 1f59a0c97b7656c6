// Open311 GeoReport v2 (docs/open311.md): a client written from the spec discovers the
// services, posts a request, tracks it while the order goes through the normal workflow,
// and meets every error in the spec's array form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, withServer } from './lib/server.mjs';
import { COUNTY, STREET, OTHER_COUNTY } from './lib/fixture.mjs';
import { setupWorkorder, createOrder, moveOrderOk } from './lib/workorder_fixture.mjs';

/** A small GeoReport v2 client: form-encodes what it posts (spaces as '+', every other
 * reserved or non-ASCII byte as %XX of its UTF-8), reads JSON answers. */
class Open311 {
  constructor(server, apiKey) {
    this.server = server;
    this.apiKey = apiKey;
  }

  static encode(params) {
    const enc = (s) => encodeURIComponent(String(s)).replace(/%20/g, '+')
      .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    return Object.entries(params).filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  }

  async call(method, path, { query = {}, form, raw, type } = {}) {
    const qs = Open311.encode(query);
    const headers = {};
    let body;
    if (form !== undefined) {
      body = Open311.encode(form);
      headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    }
    if (raw !== undefined) body = raw;
    if (type) headers['Content-Type'] = type;
    const r = await fetch(`${this.server.base}/open311/v2/${path}${qs ? '?' + qs : ''}`, { method, headers, body });
    const text = await r.text();
    assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8', `${method} ${path}: ${text}`);
    return { status: r.status, headers: r.headers, body: JSON.parse(text), text };
  }

  services(jurisdiction) {
    return this.call('GET', 'services.json', { query: { jurisdiction_id: jurisdiction } });
  }

  /** POST requests.json; the key goes in the form, as the spec says. */
  create(fields, { key = this.apiKey } = {}) {
    return this.call('POST', 'requests.json', { form: { api_key: key, ...fields } });
  }

  request(id, { key, jurisdiction } = {}) {
    return this.call('GET', `requests/${id}.json`, { query: { api_key: key, jurisdiction_id: jurisdiction } });
  }

  requests(query = {}) {
    return this.call('GET', 'requests.json', { query });
  }
}

/** The spec's error answer: an array of {code: HTTP status, description} in Chinese. */
function assertSpecError(res, status, ...fragments) {
  assert.equal(res.status, status, res.text);
  assert.ok(Array.isArray(res.body) && res.body.length > 0, res.text);
  for (const e of res.body) {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'description'], res.text);
    assert.equal(e.code, status, res.text);
    assert.match(e.description, /[\u4e00-\u9fff]/, res.text);
  }
  const all = res.body.map((e) => e.description).join(' | ');
  for (const f of fragments) assert.ok(all.includes(f), `"${f}" not in ${all}`);
  return res.body;
}

const OFFSET_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

const s = new Server();
let ctx, key, farKey, staffKey, client, pub;
let code; // the request posted in the round trip
const orders = () => Number(s.sqlite('SELECT COUNT(*) FROM work_order').stdout.trim());

function token(name) {
  const r = s.cli(['user', 'token', name]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

before(async () => {
  await s.start();
  ctx = await setupWorkorder(s, { prefix: 'o311' });
  s.addUser('o311_client', 'open311_client', COUNTY);
  s.addUser('o311_far', 'open311_client', OTHER_COUNTY);
  s.addUser('o311_staff', 'staff', COUNTY);
  key = token('o311_client');
  farKey = token('o311_far');
  staffKey = token('o311_staff');
  client = new Open311(s, key);
  pub = new Open311(s, null);
});
after(async () => { await s.stop(); s.cleanup(); });

const valid = () => ({
  jurisdiction_id: STREET,
  service_code: 'CG.01',
  description: '建国门外大街 1 号门口有人摆摊 & 占道 + 堵住盲道，"请"处理 100%',
  lat: '39.908722',
  long: '116.397499',
  address_string: '建国门外大街1号',
  first_name: '建国',
  last_name: '张',
  phone: '13812345678',
  email: 'zhang@example.com',
  device_id: 'device-1',
  media_url: 'https://example.com/photo.jpg',
});

test('services.json lists the active leaf categories covering the jurisdiction', async () => {
  const r = await pub.services(STREET);
  assert.equal(r.status, 200, r.text);
  const byCode = Object.fromEntries(r.body.map((x) => [x.service_code, x]));
  assert.deepEqual(Object.keys(byCode).sort(), ['CG.01', 'CPX.01', 'URG.01', 'UTL.01'], r.text);
  assert.deepEqual(byCode['CG.01'], {
    service_code: 'CG.01', service_name: '占道经营', description: null, metadata: false,
    type: 'realtime', keywords: '占道 摆摊', group: '城乡管理',
  });
  assert.equal(byCode['URG.01'].group, null);
  // the catalogue is the county's: the county itself is covered, another county is not
  assert.equal((await pub.services(COUNTY)).body.length, 4);
  assert.deepEqual((await pub.services(OTHER_COUNTY)).body, []);
});

test('services.json: a missing or unknown jurisdiction is a spec error', async () => {
  assertSpecError(await pub.services(undefined), 400, 'jurisdiction_id');
  assertSpecError(await pub.services('110105099000'), 404, 'jurisdiction_id');
  assertSpecError(await pub.services('12345'), 400, 'jurisdiction_id');
});

test('POST requests.json creates a work order and answers its code', async () => {
  const before = orders();
  const r = await client.create(valid());
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.length, 1);
  assert.match(r.body[0].service_request_id, /^\d{12}$/);
  assert.match(r.body[0].service_notice, /工单/);
  assert.equal(r.body[0].account_id, null);
  code = r.body[0].service_request_id;
  assert.equal(r.headers.get('location'), `/open311/v2/requests/${code}.json`);
  assert.equal(orders(), before + 1);
  const row = s.sqlite(`SELECT channel, type, state, region_code, caller_name, content, address, location,
    CASE WHEN source_token_id IS NULL THEN 0 ELSE 1 END, CASE WHEN caller_phone_enc IS NULL THEN 0 ELSE 1 END,
    urgency FROM work_order WHERE code = '${code}'`).stdout.trim();
  assert.equal(row, ['open311', 'complaint', 'received', STREET, '张建国', valid().description,
    '建国门外大街1号', '116.397499,39.908722', '1', '1', 'general'].join('|'));
  const id = s.sqlite(`SELECT id FROM work_order WHERE code = '${code}'`).stdout.trim();
  const audit = s.sqlite(`SELECT username, result FROM audit_log
    WHERE action = 'workorder.open311_create' AND object_id = '${id}'`).stdout.trim();
  assert.equal(audit, 'o311_client|success');
  // the dispatcher sees it like any order, with the caller's data masked as usual
  const list = await ctx.sess.dispatcher.get('/api/v1/work_order?channel=open311');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.items.length, 1);
  assert.equal(list.body.items[0].code, code);
});

test('GET requests/{id}.json: the public answer leaves the content out', async () => {
  const r = await pub.request(code);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.length, 1);
  const x = r.body[0];
  assert.equal(x.service_request_id, code);
  assert.equal(x.status, 'open');
  assert.match(x.status_notes, /已登记/);
  assert.equal(x.service_code, 'CG.01');
  assert.equal(x.service_name, '占道经营');
  assert.equal(x.agency_responsible, null);
  assert.match(x.requested_datetime, OFFSET_TIME);
  assert.match(x.updated_datetime, OFFSET_TIME);
  assert.equal(x.expected_datetime, null);
  for (const k of ['description', 'address', 'lat', 'long', 'caller_name', 'phone', 'first_name'])
    assert.equal(k in x, false, `${k} in ${r.text}`);
  // a key outside the order's scope reads the same public answer
  const far = await pub.request(code, { key: farKey });
  assert.equal(far.status, 200, far.text);
  assert.equal('description' in far.body[0], false);
});

test('GET requests/{id}.json with the api_key adds description, address and point', async () => {
  const r = await pub.request(code, { key });
  assert.equal(r.status, 200, r.text);
  const x = r.body[0];
  assert.equal(x.description, valid().description);
  assert.equal(x.address, '建国门外大街1号');
  assert.ok(Math.abs(x.lat - 39.908722) < 1e-6 && Math.abs(x.long - 116.397499) < 1e-6, r.text);
  assert.equal('caller_name' in x, false);
  assert.equal(r.text.includes('13812345678'), false);
  assertSpecError(await pub.request(code, { key: 'sgt_' + '0'.repeat(64) }), 403, 'api_key');
});

test('dispatching and closing the order through the workflow shows in the status', async () => {
  const id = s.sqlite(`SELECT id FROM work_order WHERE code = '${code}'`).stdout.trim();
  await moveOrderOk(ctx.sess.dispatcher, id, 'dispatch', {});
  let x = (await pub.request(code)).body[0];
  assert.equal(x.status, 'open');
  assert.match(x.status_notes, /已派单/);
  assert.match(x.status_notes, /建外街道办事处/);
  assert.equal(x.agency_responsible, '建外街道办事处');
  assert.match(x.expected_datetime, OFFSET_TIME);

  const h = ctx.sess.street;
  await moveOrderOk(h, id, 'sign', {});
  await moveOrderOk(h, id, 'contact', { contact_note: '已电话联系诉求人' });
  await moveOrderOk(h, id, 'start', {});
  x = (await pub.request(code)).body[0];
  assert.match(x.status_notes, /办理中/);
  await moveOrderOk(h, id, 'reply', { reply: '已清理占道摊位', result: 'solved' });
  await moveOrderOk(ctx.sess.dispatcher, id, 'callback', { solved: true, satisfaction: 'satisfied' });
  await moveOrderOk(ctx.sess.dispatcher, id, 'close', {});
  x = (await pub.request(code)).body[0];
  assert.equal(x.status, 'closed');
  assert.match(x.status_notes, /已结单/);
});

test('POST: each missing or invalid field is a 400 spec error and nothing is written', async () => {
  const before = orders();
  const without = (...keys) => { const f = valid(); for (const k of keys) delete f[k]; return f; };
  assertSpecError(await client.create(without('service_code')), 400, 'service_code');
  assertSpecError(await client.create({ ...valid(), service_code: 'NOPE' }), 400, 'service_code');
  assertSpecError(await client.create({ ...valid(), service_code: 'CG' }), 400, 'service_code'); // not a leaf
  assertSpecError(await client.create(without('description')), 400, 'description');
  assertSpecError(await client.create({ ...valid(), description: '长'.repeat(5001) }), 400, 'description');
  assertSpecError(await client.create(without('lat', 'long', 'address_string')), 400, 'address_string');
  assertSpecError(await client.create(without('long', 'address_string')), 400, 'long');
  assertSpecError(await client.create({ ...valid(), lat: '91' }), 400, 'lat');
  assertSpecError(await client.create({ ...valid(), long: 'east' }), 400, 'long');
  assertSpecError(await client.create({ ...valid(), phone: '12345' }), 400, 'phone');
  assertSpecError(await client.create({ ...valid(), 'attribute[type]': 'party' }), 400, 'attribute[type]');
  // every mistake at once, one item each
  const all = assertSpecError(await client.create(without('service_code', 'description', 'lat', 'long', 'address_string')), 400);
  assert.equal(all.length, 3, JSON.stringify(all));
  // a field given twice
  const twice = await client.call('POST', 'requests.json', {
    raw: Open311.encode({ ...valid(), api_key: key }) + '&description=again',
    type: 'application/x-www-form-urlencoded',
  });
  assertSpecError(twice, 400, 'description');
  assert.equal(orders(), before);
});

test('POST: api_key, jurisdiction and body format errors', async () => {
  const before = orders();
  assertSpecError(await client.create(valid(), { key: 'sgt_' + '1'.repeat(64) }), 403, 'api_key');
  assertSpecError(await client.create(valid(), { key: null }), 403, 'api_key');
  assertSpecError(await client.create(valid(), { key: staffKey }), 403, 'api_key');
  assertSpecError(await client.create(valid(), { key: farKey }), 403, 'jurisdiction_id');
  assertSpecError(await client.create({ ...valid(), jurisdiction_id: '110105099000' }), 404, 'jurisdiction_id');
  assertSpecError(await client.create({ ...valid(), jurisdiction_id: undefined }), 400, 'jurisdiction_id');
  const json = await client.call('POST', 'requests.json', { raw: JSON.stringify({ api_key: key, ...valid() }), type: 'application/json' });
  assertSpecError(json, 400, 'JSON');
  const badPct = await client.call('POST', 'requests.json', {
    raw: Open311.encode({ ...valid(), api_key: key }) + '&first_name=%E5%BC', type: 'application/x-www-form-urlencoded',
  });
  assertSpecError(badPct, 400, 'UTF-8');
  const badEsc = await client.call('POST', 'requests.json', { raw: 'api_key=%zz', type: 'application/x-www-form-urlencoded' });
  assertSpecError(badEsc, 400, '百分号');
  assert.equal(orders(), before);
});

test('errors outside the handlers keep the spec form', async () => {
  assertSpecError(await pub.call('GET', `requests/${code}.xml`), 400, 'JSON');
  assertSpecError(await pub.request('000000000000'), 404, 'service_request_id');
  assertSpecError(await pub.call('GET', 'requests/abc.json'), 404);
  assertSpecError(await pub.call('GET', 'nothing.json'), 404);
  assertSpecError(await pub.call('DELETE', 'requests.json'), 405);
  assertSpecError(await pub.request(code, { jurisdiction: OTHER_COUNTY }), 404);
});

test('GET requests.json?service_request_id=a,b answers those that exist', async () => {
  const second = await client.create({ ...valid(), service_code: 'URG.01', description: '井盖丢失', lat: undefined, long: undefined });
  assert.equal(second.status, 201, second.text);
  const other = second.body[0].service_request_id;
  const r = await pub.requests({ service_request_id: `${code},${other},991231000000` });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.map((x) => x.service_request_id).sort(), [code, other].sort());
  assert.equal('description' in r.body[0], false);
  const keyed = await pub.requests({ service_request_id: other, api_key: key });
  assert.equal(keyed.body[0].description, '井盖丢失');
  assert.equal(keyed.body[0].lat, null);
  assertSpecError(await pub.requests({ service_request_id: 'x1' }), 400, 'service_request_id');
  const eleven = Array.from({ length: 11 }, (_, i) => `9912310000${String(i).padStart(2, '0')}`).join(',');
  assertSpecError(await pub.requests({ service_request_id: eleven }), 400, 'service_request_id');
  assert.equal((await pub.requests({ service_request_id: eleven, api_key: key })).status, 200);
});

test('GET requests.json searches by date, status and service with the api_key', async () => {
  const hotline = await createOrder(ctx.sess.dispatcher, { region_code: STREET });
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const range = { start_date: iso(now - 3600e3), end_date: iso(now + 3600e3) };
  let r = await pub.requests({ api_key: key, ...range });
  assert.equal(r.status, 200, r.text);
  const codes = r.body.map((x) => x.service_request_id);
  assert.ok(codes.includes(code) && codes.includes(hotline.code), r.text);
  assert.equal(r.body.length, 3);
  // newest first
  const times = r.body.map((x) => x.requested_datetime);
  assert.deepEqual([...times].sort().reverse(), times);
  assert.ok(r.body.every((x) => typeof x.description === 'string'));

  r = await pub.requests({ api_key: key, status: 'closed' });
  assert.deepEqual(r.body.map((x) => x.service_request_id), [code]);
  r = await pub.requests({ api_key: key, status: 'open', service_code: 'URG.01,UTL.01' });
  assert.equal(r.body.length, 1);
  assert.equal(r.body[0].service_code, 'URG.01');
  r = await pub.requests({ api_key: key, jurisdiction_id: STREET, start_date: '2020-01-01T00:00:00+08:00', end_date: '2020-02-01T00:00:00+08:00' });
  assert.deepEqual(r.body, []);
  // a key of another county sees none of these
  r = await pub.requests({ api_key: farKey });
  assert.deepEqual(r.body, []);

  assertSpecError(await pub.requests(range), 403, 'api_key');
  assertSpecError(await pub.requests({ api_key: farKey, jurisdiction_id: STREET }), 403, 'jurisdiction_id');
  assertSpecError(await pub.requests({ api_key: key, start_date: '2026-01-01' }), 400, 'start_date');
  assertSpecError(await pub.requests({ api_key: key, start_date: '2025-01-01T00:00:00Z', end_date: '2025-06-01T00:00:00Z' }), 400, '90');
  assertSpecError(await pub.requests({ api_key: key, status: 'pending' }), 400, 'status');
});

test('public look-ups and a key have their rate limits, answered in the spec form', async (t) => {
  const limited = await withServer(t, { env: { SHEGONG_PORTAL_LOOKUP_RATE: '2', SHEGONG_TOKEN_RATE: '1' } });
  const o = new Open311(limited, null);
  assertSpecError(await o.request('000000000000'), 404);
  assertSpecError(await o.request('000000000000'), 404);
  const r = assertSpecError(await o.request('000000000000'), 429);
  assert.equal(r.length, 1);
  limited.addUser('o311_rate', 'open311_client', '110000000000');
  const k = limited.cli(['user', 'token', 'o311_rate']).stdout.trim();
  assert.equal((await o.requests({ api_key: k })).status, 200);
  assertSpecError(await o.requests({ api_key: k }), 429);
});
