// 三率 and 每月一题 (docs/workorder.md "三率", "每月一题"): a hand-computed month of work
// orders written straight into the table (several units of each kind, known counts), the
// exact rates, composites and ranks (a tie, a unit without call-backs), custom weights,
// publication that freezes a month, the drill-down that answers exactly the orders counted,
// region scope; then the recurring categories by township and the monthly_topic workflow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions, COUNTY, STREET, SIBLING, OTHER_COUNTY } from './lib/fixture.mjs';
import { setupWorkorder, createOrder, moveOrderOk } from './lib/workorder_fixture.mjs';

const YOUAN = '110106001000'; // 丰台区右安门街道
const VILLAGE = '110105001001'; // a community of 建外街道
const SH = 8 * 3600;
const DAY = 86400;

// units: two districts, three townships (one in 丰台), three departments (one without orders)
// (ids apart from workorder_fixture.mjs's units, which the end-to-end test adds)
const U = { D1: '9301', D2: '9302', T1: '9311', T2: '9312', T3: '9313', P1: '9321', P2: '9322', P3: '9323' };
const C = { noise: '9401', heating: '9402', parking: '9403' }; // dispatch categories

const s = new Server();
const sess = {};

function user(name, role, region, unit) {
  const args = ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'];
  if (unit) args.push('--unit', unit);
  const r = s.cli(args, PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
}
function sql(text) {
  const r = s.sqlite(text);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// months as y * 12 + m - 1, on the server's clock in Asia/Shanghai
const monthIndex = (unix) => { const d = new Date((unix + SH) * 1000); return d.getUTCFullYear() * 12 + d.getUTCMonth(); };
const monthText = (ym) => `${Math.floor(ym / 12)}-${String((ym % 12) + 1).padStart(2, '0')}`;
const midMonth = (ym) => Date.UTC(Math.floor(ym / 12), ym % 12, 10, 4) / 1000; // the 10th, 12:00 in Beijing
let CUR, M; // the current month and the month before it (ended: publishable)

let nextId = 7000001;
let pending = []; // INSERTs not yet written (one sqlite3 or psql run for many rows)
function flush() {
  if (pending.length) sql(pending.join('\n'));
  pending = [];
}
const ids = {};
/** Queues a work order's INSERT (written by flush()); returns its id. o: {unit, month, state, resp, cb, solved, sat, category, region, at} */
function order(name, o) {
  const id = nextId++;
  const at = o.at ?? midMonth(o.month ?? M);
  const dispatched = o.unit ? at + 600 : null;
  const v = (x) => (x === null || x === undefined ? 'NULL' : typeof x === 'string' ? `'${x}'` : x);
  pending.push(`INSERT INTO work_order (id, state, code, channel, type, content, region_code, category_id,
      received_at, unit_id, rate_month, dispatched_at, responded_in_time, called_back_at, solved,
      satisfaction, created_at, updated_at) VALUES (${id}, '${o.state ?? (o.cb ? 'closed' : o.unit ? 'handling' : 'received')}',
      '${String(id).padStart(12, '0')}', 'hotline', 'complaint', '诉求内容${id}', '${o.region ?? STREET}',
      ${v(o.category)}, ${at}, ${v(o.unit)}, ${o.unit ? `'${monthText(o.rateMonth ?? o.month ?? M)}'` : 'NULL'},
      ${v(dispatched)}, ${v(o.resp)}, ${o.cb ? at + 5 * DAY : 'NULL'}, ${v(o.solved)}, ${v(o.sat)}, ${at}, ${at});`);
  if (name) ids[name] = String(id);
  return String(id);
}

before(async () => {
  await s.start();
  seedRegions(s);
  sql(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('${YOUAN}', '${OTHER_COUNTY}', 4, '右安门街道', '北京市/丰台区/右安门街道', 0, 0),
    ('${VILLAGE}', '${STREET}', 5, '建国门外社区', '北京市/朝阳区/建外街道/建国门外社区', 0, 0);
    INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (${U.D1}, '朝阳区人民政府', 'district', '${COUNTY}', 0, 0),
    (${U.D2}, '丰台区人民政府', 'district', '${OTHER_COUNTY}', 0, 0),
    (${U.T1}, '建外街道办事处', 'township', '${STREET}', 0, 0),
    (${U.T2}, '朝外街道办事处', 'township', '${SIBLING}', 0, 0),
    (${U.T3}, '右安门街道办事处', 'township', '${YOUAN}', 0, 0),
    (${U.P1}, '区城市管理委员会', 'department', '${COUNTY}', 0, 0),
    (${U.P2}, '区住房城乡建设委员会', 'department', '${COUNTY}', 0, 0),
    (${U.P3}, '区水务局', 'department', '${COUNTY}', 0, 0);
    INSERT INTO dispatch_category (id, code, name, region_code, handler_kind, urgency, respond_amount,
      respond_unit, limit_amount, limit_unit, created_at, updated_at) VALUES
    (${C.noise}, 'noise', '噪声扰民', '${COUNTY}', 'township', 'general', 24, 'hours', 7, 'calendar_days', 0, 0),
    (${C.heating}, 'heating', '供暖不热', '${COUNTY}', 'township', 'utility', 2, 'hours', 24, 'hours', 0, 0),
    (${C.parking}, 'parking', '停车管理', '${COUNTY}', 'township', 'general', 24, 'hours', 7, 'calendar_days', 0, 0);`);
  user('leader', 'workorder_leader', COUNTY);
  user('leader_ft', 'workorder_leader', OTHER_COUNTY);
  user('handler', 'workorder_handler', STREET, U.T1);
  for (const name of ['leader', 'leader_ft', 'handler']) sess[name] = await s.login(name);
  CUR = monthIndex(s.serverNow());
  M = CUR - 1;
});
after(async () => {
  await s.stop();
  s.cleanup();
});

async function get(who, path, status = 200) {
  const r = await sess[who].get(path);
  assert.equal(r.status, status, `${path}: ${r.text}`);
  return r.body;
}
const rates = (who, q = {}) => get(who, `/api/v1/workorder/rates?${new URLSearchParams({ month: monthText(M), ...q })}`);
const drill = (who, q = {}) => get(who, `/api/v1/workorder/rates/orders?${new URLSearchParams({ month: monthText(M), page_size: '200', ...q })}`);
const row = (body, unit) => body.units.find((u) => u.unit_id === unit);

// ---- the month M -----------------------------------------------------------------------
//            orders responded called-back solved satisfied   响应率 解决率 满意率  composite (30/35/35)
//   D1           2      2          2         2       2        100    100    100    100.0  rank 1
//   D2 (丰台)     1      0          1         0       0          0      0      0      0.0  rank 2
//   T1           4      3          3         2       2         75   66.7   66.7     69.2  rank 1 (tie)
//   T3 (丰台)     8      6          6         4       4         75   66.7   66.7     69.2  rank 1 (tie)
//   T2           3      3          2         1       1        100     50     50     65.0  rank 3
//   P2           5      5          4         4       3        100    100     75     91.3  rank 1 (912.5 rounds up)
//   P1           2      1          0         0       0         50   null   null     50.0  rank 2 (response only)
//   P3 has no orders and is not listed. Not counted: T1's order returned and awaiting 审定,
//   T1's order of the month before, an order redirected, one answered at intake, one received.
const EXPECT = {
  [U.D1]: [2, 2, 2, 2, 2, 100, 100, 100, 100, 1],
  [U.D2]: [1, 0, 1, 0, 0, 0, 0, 0, 0, 2],
  [U.T1]: [4, 3, 3, 2, 2, 75, 66.7, 66.7, 69.2, 1],
  [U.T3]: [8, 6, 6, 4, 4, 75, 66.7, 66.7, 69.2, 1],
  [U.T2]: [3, 3, 2, 1, 1, 100, 50, 50, 65, 3],
  [U.P2]: [5, 5, 4, 4, 3, 100, 100, 75, 91.3, 1],
  [U.P1]: [2, 1, 0, 0, 0, 50, null, null, 50, 2],
};
const KEYS = ['orders', 'responded', 'called_back', 'solved', 'satisfied', 'response_rate', 'solve_rate', 'satisfaction_rate', 'composite', 'rank'];
function checkUnit(body, unit, want = EXPECT[unit]) {
  const u = row(body, unit);
  assert.ok(u, `unit ${unit} listed`);
  assert.deepEqual(KEYS.map((k) => u[k]), want, `unit ${u.unit_name}`);
}

test('fixture: a month of orders with known outcomes', () => {
  const solvedOk = { cb: true, solved: 1, sat: 'satisfied' };
  order('d1a', { unit: U.D1, resp: 1, ...solvedOk });
  order('d1b', { unit: U.D1, resp: 1, cb: true, solved: 1, sat: 'basic' });
  order('d2a', { unit: U.D2, region: OTHER_COUNTY, resp: 0, cb: true, solved: 0, sat: 'unsatisfied' });
  order('t1a', { unit: U.T1, resp: 1, ...solvedOk });
  order('t1b', { unit: U.T1, resp: 1, cb: true, solved: 0, sat: 'basic' });
  order('t1c', { unit: U.T1, resp: 0, cb: true, solved: 1, sat: 'unsatisfied' });
  order('t1d', { unit: U.T1, resp: 1, state: 'replied' });
  for (let k = 0; k < 2; k++) { // T3: T1's outcomes twice over
    order(null, { unit: U.T3, region: YOUAN, resp: 1, ...solvedOk });
    order(null, { unit: U.T3, region: YOUAN, resp: 1, cb: true, solved: 0, sat: 'basic' });
    order(null, { unit: U.T3, region: YOUAN, resp: 0, cb: true, solved: 1, sat: 'unsatisfied' });
    order(null, { unit: U.T3, region: YOUAN, resp: 1 });
  }
  order('t2a', { unit: U.T2, region: SIBLING, resp: 1, ...solvedOk });
  order('t2b', { unit: U.T2, region: SIBLING, resp: 1, cb: true, solved: 0, sat: 'unsatisfied' });
  order('t2c', { unit: U.T2, region: SIBLING, resp: 1, state: 'contacted' });
  order('p1a', { unit: U.P1, resp: 1, state: 'handling' });
  order('p1b', { unit: U.P1, resp: 0, state: 'signed' });
  order('p2a', { unit: U.P2, resp: 1, ...solvedOk });
  order('p2b', { unit: U.P2, resp: 1, ...solvedOk });
  order('p2c', { unit: U.P2, resp: 1, cb: true, solved: 1, sat: 'basic' });
  order('p2d', { unit: U.P2, resp: 1, cb: true, solved: 1, sat: 'unsatisfied' });
  order('p2e', { unit: U.P2, resp: 1, state: 'replied' });
  // not counted in M
  order('returned', { unit: U.T1, state: 'returned' });
  order('before', { unit: U.T1, month: M - 1, resp: 1, ...solvedOk });
  order('redirected', { state: 'redirected' });
  order('answered', { state: 'closed' });
  order('received', {});
  flush();
});

test('三率: exact rates, composites and ranks within each kind', async () => {
  const body = await rates('leader');
  assert.equal(body.month, monthText(M));
  assert.equal(body.published, false);
  assert.equal(body.published_at, null);
  assert.deepEqual(body.weights, { response: 30, solve: 35, satisfaction: 35 });
  // 朝阳区's units only, by kind, then rank; 丰台's units are ranked but not shown
  assert.deepEqual(body.units.map((u) => u.unit_id), [U.D1, U.T1, U.T2, U.P2, U.P1]);
  assert.deepEqual(body.units.map((u) => u.unit_kind), ['district', 'township', 'township', 'department', 'department']);
  for (const u of body.units) checkUnit(body, u.unit_id);
  assert.equal(row(body, U.T1).unit_name, '建外街道办事处');
  assert.equal(row(body, U.T1).region_code, STREET);

  const ft = await rates('leader_ft');
  assert.deepEqual(ft.units.map((u) => u.unit_id), [U.D2, U.T3]);
  checkUnit(ft, U.D2);
  checkUnit(ft, U.T3); // the tie with 建外: both first, 朝外 third

  assert.deepEqual((await rates('leader', { kind: 'township' })).units.map((u) => u.unit_id), [U.T1, U.T2]);
  assert.deepEqual((await rates('leader', { region: STREET })).units.map((u) => u.unit_id), [U.T1]);
  assert.deepEqual((await rates('leader', { month: monthText(M - 1) })).units.map((u) => [u.unit_id, u.orders]), [[U.T1, 1]]);
  assert.deepEqual((await rates('leader', { month: monthText(M - 3) })).units, []);
  const cur = await get('leader', '/api/v1/workorder/rates');
  assert.equal(cur.month, monthText(CUR), 'the current month by default');
});

test('三率: bad parameters, another county, no permission', async () => {
  const bad = (q) => sess.leader.get(`/api/v1/workorder/rates?${new URLSearchParams(q)}`);
  assertInvalid(await bad({ month: '2026-13' }), [['month', 'workorder_month']]);
  assertInvalid(await bad({ month: '202610' }), [['month', 'workorder_month']]);
  assertInvalid(await bad({ kind: 'community' }), [['kind', 'invalid_enum']]);
  assertInvalid(await bad({ format: 'pdf' }), [['format', 'invalid_enum']]);
  assertInvalid(await bad({ region: '110105' }), [['region', 'invalid_region']]);
  assertInvalid(await sess.leader_ft.get(`/api/v1/workorder/rates?region=${COUNTY}`), [['region', 'out_of_scope']], 403, 'forbidden');
  assertError(await sess.handler.get('/api/v1/workorder/rates'), 403, 'forbidden');
});

test('三率: the CSV', async () => {
  const r = await sess.leader.get(`/api/v1/workorder/rates?month=${monthText(M)}&format=csv`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="workorder-rates-${monthText(M)}.csv"`);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], '排名,承办单位,单位类别,工单数,及时响应数,回访数,解决数,满意数（含基本满意）,响应率（%）,解决率（%）,满意率（%）,综合得分');
  assert.deepEqual(lines.slice(1), [
    '1,朝阳区人民政府,区县,2,2,2,2,2,100.0,100.0,100.0,100.0',
    '1,建外街道办事处,街道乡镇,4,3,3,2,2,75.0,66.7,66.7,69.2',
    '3,朝外街道办事处,街道乡镇,3,3,2,1,1,100.0,50.0,50.0,65.0',
    '1,区住房城乡建设委员会,部门,5,5,4,4,3,100.0,100.0,75.0,91.3',
    '2,区城市管理委员会,部门,2,1,0,0,0,50.0,,,50.0',
  ]);
});

test('drill-down: exactly the orders behind each figure', async () => {
  const idsOf = (body) => body.items.map((x) => x.id);
  const all = await drill('leader', { unit: U.T1 });
  assert.equal(all.published, false);
  assert.deepEqual(idsOf(all), [ids.t1a, ids.t1b, ids.t1c, ids.t1d]);
  assert.equal(all.total, 4);
  const a = all.items[0];
  assert.deepEqual([a.code, a.state, a.unit_id, a.unit_name, a.responded_in_time, a.called_back, a.solved, a.satisfied, a.satisfaction],
    [ids.t1a.padStart(12, '0'), 'closed', U.T1, '建外街道办事处', true, true, true, true, 'satisfied']);
  assert.match(a.dispatched_at, /^\d{4}-\d\d-\d\dT/);
  const d = all.items[3];
  assert.deepEqual([d.responded_in_time, d.called_back, d.solved, d.satisfied], [true, false, null, null]);
  assert.deepEqual(idsOf(await drill('leader', { unit: U.T1, measure: 'response', ok: 'false' })), [ids.t1c]);
  assert.deepEqual(idsOf(await drill('leader', { unit: U.T1, measure: 'solve' })), [ids.t1a, ids.t1b, ids.t1c]);
  assert.deepEqual(idsOf(await drill('leader', { unit: U.T1, measure: 'solve', ok: 'true' })), [ids.t1a, ids.t1c]);
  assert.deepEqual(idsOf(await drill('leader', { unit: U.T1, measure: 'solve', ok: 'false' })), [ids.t1b]);
  assert.deepEqual(idsOf(await drill('leader', { unit: U.T1, measure: 'satisfaction', ok: 'true' })), [ids.t1a, ids.t1b]);
  assert.equal((await drill('leader', { measure: 'response', ok: 'true', kind: 'department' })).total, 6);
  assert.equal((await drill('leader')).total, 16, 'every counted order of 朝阳区 units');
  const page = await drill('leader', { page_size: '5', page: '4' });
  assert.deepEqual([page.items.length, page.total, page.page, page.page_size], [1, 16, 4, 5]);
  // every figure of every unit equals its drill-down
  const body = await rates('leader');
  for (const u of body.units) {
    const count = async (q) => (await drill('leader', { unit: u.unit_id, ...q })).total;
    assert.equal(await count({}), u.orders);
    assert.equal(await count({ measure: 'response', ok: 'true' }), u.responded);
    assert.equal(await count({ measure: 'solve' }), u.called_back);
    assert.equal(await count({ measure: 'solve', ok: 'true' }), u.solved);
    assert.equal(await count({ measure: 'satisfaction', ok: 'true' }), u.satisfied);
  }
  assert.equal((await drill('leader_ft', { unit: U.T1 })).total, 0, 'another county sees none');
  const bad = (q) => sess.leader.get(`/api/v1/workorder/rates/orders?${new URLSearchParams(q)}`);
  assertInvalid(await bad({ ok: 'true' }), [['ok', 'workorder_ok_needs_measure']]);
  assertInvalid(await bad({ measure: 'speed' }), [['measure', 'invalid_enum']]);
  assertInvalid(await bad({ unit: 'abc' }), [['unit', 'type_id']]);
  assertInvalid(await bad({ ok: 'maybe' }), [['ok', 'type_boolean']]);
});

test('weights: custom weights change the composite; bad ones change nothing', async () => {
  assert.deepEqual(await get('leader', '/api/v1/workorder/weights'), { response: 30, solve: 35, satisfaction: 35, updated_at: null });
  const put = (body) => sess.leader.request('PUT', '/api/v1/workorder/weights', { body });
  // 50/50/0: T1 = .5 × 75 + .5 × 66.67 = 70.8; T2 = .5 × 100 + .5 × 50 = 75.0 overtakes it
  let r = await put({ response: 50, solve: 50, satisfaction: 0 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.response, r.body.solve, r.body.satisfaction], [50, 50, 0]);
  assert.ok(r.body.updated_at);
  let body = await rates('leader');
  assert.deepEqual(body.weights, { response: 50, solve: 50, satisfaction: 0 });
  assert.deepEqual(body.units.map((u) => [u.unit_id, u.composite, u.rank]),
    [[U.D1, 100, 1], [U.T2, 75, 1], [U.T1, 70.8, 2], [U.P2, 100, 1], [U.P1, 50, 2]]);
  assert.deepEqual((await rates('leader_ft')).units.map((u) => [u.unit_id, u.composite, u.rank]), [[U.D2, 0, 2], [U.T3, 70.8, 2]]);
  // satisfaction only: a unit without call-backs has no composite and no rank
  r = await put({ response: 0, solve: 0, satisfaction: 100 });
  assert.equal(r.status, 200, r.text);
  body = await rates('leader', { kind: 'department' });
  assert.deepEqual(body.units.map((u) => [u.unit_id, u.composite, u.rank]), [[U.P2, 75, 1], [U.P1, null, null]]);

  const before = await get('leader', '/api/v1/workorder/weights');
  assertInvalid(await put({ response: 30, solve: 35, satisfaction: 30 }), [['weights', 'workorder_weights_sum']]);
  assertInvalid(await put({ response: -10, solve: 60, satisfaction: 50 }), [['response', 'out_of_range']]);
  assertInvalid(await put({ response: 30, solve: '35', satisfaction: 35 }), [['solve', 'type_integer']]);
  assertInvalid(await put({ response: 30, solve: 35 }), [['satisfaction', 'required']]);
  assertInvalid(await put({ response: 30, solve: 35, satisfaction: 35, speed: 0 }), [['speed', 'unknown_field']]);
  assertInvalid(await put({ response: 30.5, solve: 35, satisfaction: 34.5 }), [['response', 'type_integer'], ['satisfaction', 'type_integer']]);
  assert.deepEqual(await get('leader', '/api/v1/workorder/weights'), before, 'nothing changed');
  assertError(await sess.leader_ft.request('PUT', '/api/v1/workorder/weights', { body: {} }), 400, 'invalid');
  assertError(await sess.handler.request('PUT', '/api/v1/workorder/weights', { body: { response: 30, solve: 35, satisfaction: 35 } }), 403, 'forbidden');
  r = await put({ response: 30, solve: 35, satisfaction: 35 });
  assert.equal(r.status, 200, r.text);
});

test('publish: freezes an ended month; a second publish and open months are refused', async () => {
  const live = await rates('leader');
  const publish = (body) => sess.leader.post('/api/v1/workorder/rates/publish', body);
  assertInvalid(await publish({ month: monthText(CUR) }), [['month', 'workorder_month_not_ended']]);
  assertInvalid(await publish({ month: monthText(CUR + 1) }), [['month', 'workorder_month_not_ended']]);
  assertInvalid(await publish({ month: '2026-1' }), [['month', 'workorder_month']]);
  assertInvalid(await publish({}), [['month', 'required']]);
  assertInvalid(await publish({ month: monthText(M), note: 'x' }), [['note', 'unknown_field']]);
  assertInvalid(await publish({ month: monthText(M - 3) }), [['month', 'workorder_month_empty']]);
  assertError(await sess.handler.post('/api/v1/workorder/rates/publish', { month: monthText(M) }), 403, 'forbidden');
  assert.equal(sql(`SELECT COUNT(*) FROM workorder_month`).trim(), '0', 'nothing published by the refusals');

  const r = await publish({ month: monthText(M) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.published, true);
  assert.ok(r.body.published_at);
  assert.deepEqual(r.body.units, live.units, 'the frozen figures are the live ones');
  assert.deepEqual(r.body.weights, live.weights);
  assert.equal(sql(`SELECT COUNT(*) FROM workorder_rate WHERE month = '${monthText(M)}'`).trim(), '7');
  assert.equal(sql(`SELECT COUNT(*) FROM workorder_rate_item WHERE month = '${monthText(M)}'`).trim(), '25');
  assert.equal(sql(`SELECT weights FROM workorder_month WHERE month = '${monthText(M)}'`).trim(), '300,350,350');

  // later changes to orders, a late order and new weights leave the published month alone
  sql(`UPDATE work_order SET solved = 0, satisfaction = 'unsatisfied', responded_in_time = 0 WHERE id = ${ids.t1a};
       UPDATE work_order SET unit_id = ${U.T2} WHERE id = ${ids.t1d}`);
  order('late', { unit: U.T2, region: SIBLING, resp: 0 });
  flush();
  const w = await sess.leader.request('PUT', '/api/v1/workorder/weights', { body: { response: 50, solve: 50, satisfaction: 0 } });
  assert.equal(w.status, 200, w.text);
  const frozen = await rates('leader');
  assert.equal(frozen.published, true);
  assert.equal(frozen.published_at, r.body.published_at);
  assert.deepEqual(frozen.weights, { response: 30, solve: 35, satisfaction: 35 });
  assert.deepEqual(frozen.units, live.units);
  assert.deepEqual((await rates('leader_ft')).units.map((u) => [u.unit_id, u.rank]), [[U.D2, 2], [U.T3, 1]]);
  assert.deepEqual((await rates('leader', { kind: 'township' })).units.map((u) => u.unit_id), [U.T1, U.T2]);

  const all = await drill('leader', { unit: U.T1 });
  assert.equal(all.published, true);
  assert.deepEqual(all.items.map((x) => x.id), [ids.t1a, ids.t1b, ids.t1c, ids.t1d], 'the frozen set');
  const a = all.items[0];
  assert.deepEqual([a.responded_in_time, a.solved, a.satisfied], [true, true, true], 'as counted');
  assert.equal(a.satisfaction, 'unsatisfied', 'the order as it is now');
  assert.deepEqual((await drill('leader', { unit: U.T1, measure: 'response', ok: 'false' })).items.map((x) => x.id), [ids.t1c]);
  assert.equal((await drill('leader', { unit: U.T2 })).total, 3, 'the late order is not in the frozen set');
  assert.equal((await drill('leader')).total, 16);
  assert.equal((await drill('leader_ft', { unit: U.T1 })).total, 0);

  const again = assertError(await publish({ month: monthText(M) }), 409, 'conflict');
  assert.match(again.message, /已经发布/);
  assert.equal((await rates('leader', { month: monthText(M - 1) })).published, false, 'other months stay live');
  const back = await sess.leader.request('PUT', '/api/v1/workorder/weights', { body: { response: 30, solve: 35, satisfaction: 35 } });
  assert.equal(back.status, 200, back.text);
});

// ---- 每月一题 -------------------------------------------------------------------------
// Orders received (by category) over M-2 .. M, plus some that must not count:
//   建外 噪声扰民: 1, 1, 3 + 1 in a community of 建外 = 6 (rising: 4 against a mean of 1)
//   建外 供暖不热: 3, 2, 0 = 5;  朝外 停车管理: 0, 3, 0 = 3;  朝外 噪声扰民: 0, 0, 2 = 2 (rising)
//   右安门 (丰台) 噪声扰民: 5 in M; 建外 噪声扰民 in M-3 (outside) and a redirected one in M
test('topics: the categories recurring most by township', async () => {
  const put = (n, month, category, region = STREET, state) => {
    for (let k = 0; k < n; k++) order(null, { month, category, region, state });
  };
  put(1, M - 2, C.noise); put(1, M - 1, C.noise); put(3, M, C.noise); put(1, M, C.noise, VILLAGE);
  put(3, M - 2, C.heating); put(2, M - 1, C.heating);
  put(3, M - 1, C.parking, SIBLING);
  put(2, M, C.noise, SIBLING);
  put(5, M, C.noise, YOUAN);
  put(1, M - 3, C.noise); put(1, M, C.noise, STREET, 'redirected');
  flush();

  const topics = (who, q = {}) => get(who, `/api/v1/workorder/topics?${new URLSearchParams({ month: monthText(M), ...q })}`);
  const body = await topics('leader');
  assert.equal(body.month, monthText(M));
  assert.equal(body.months, 3);
  assert.deepEqual(body.window, [monthText(M - 2), monthText(M - 1), monthText(M)]);
  const KEYS2 = ['region_code', 'region_name', 'category_id', 'category_name', 'count', 'months_present', 'last_month_count', 'average', 'rising', 'chosen'];
  assert.deepEqual(body.items.map((x) => KEYS2.map((k) => x[k])), [
    [STREET, '建外街道', C.noise, '噪声扰民', 6, 3, 4, 2, true, false],
    [STREET, '建外街道', C.heating, '供暖不热', 5, 2, 0, 1.67, false, false],
    [SIBLING, '朝外街道', C.parking, '停车管理', 3, 1, 0, 1, false, false],
    [SIBLING, '朝外街道', C.noise, '噪声扰民', 2, 1, 2, 0.67, true, false],
  ]);
  assert.deepEqual(body.items[0].monthly, [1, 1, 4]);
  assert.equal(body.items[0].topic_id, null);

  assert.deepEqual((await topics('leader', { months: '1' })).items.map((x) => [x.region_code, x.category_id, x.count, x.rising]),
    [[STREET, C.noise, 4, false], [SIBLING, C.noise, 2, false]]);
  assert.equal((await topics('leader', { months: '4' })).items[0].count, 7);
  assert.deepEqual((await topics('leader', { limit: '2' })).items.map((x) => x.count), [6, 5]);
  assert.deepEqual((await topics('leader', { region: SIBLING })).items.map((x) => x.count), [3, 2]);
  assert.deepEqual((await topics('leader_ft')).items.map((x) => [x.region_code, x.region_name, x.count]), [[YOUAN, '右安门街道', 5]]);
  const cur = await get('leader', '/api/v1/workorder/topics');
  assert.deepEqual(cur.window, [monthText(CUR - 2), monthText(CUR - 1), monthText(CUR)]);

  const bad = (q) => sess.leader.get(`/api/v1/workorder/topics?${new URLSearchParams(q)}`);
  assertInvalid(await bad({ months: '13' }), [['months', 'out_of_range']]);
  assertInvalid(await bad({ months: '0' }), [['months', 'out_of_range']]);
  assertInvalid(await bad({ month: 'May' }), [['month', 'workorder_month']]);
  assertInvalid(await bad({ limit: '51' }), [['limit', 'out_of_range']]);
  assertInvalid(await sess.leader_ft.get(`/api/v1/workorder/topics?region=${STREET}`), [['region', 'out_of_scope']], 403, 'forbidden');
  assertError(await sess.handler.get('/api/v1/workorder/topics'), 403, 'forbidden');
});

test('monthly_topic: created with its count and 30-day clock, unique, worked to done', async () => {
  const create = (body) => sess.leader.post('/api/v1/monthly_topic', {
    title: '建外街道夜间施工噪声扰民专项治理', month: monthText(M), region_code: STREET,
    category_id: C.noise, lead_unit_id: U.T1, description: '联合城管、住建部门开展夜间施工专项检查。', ...body,
  });
  const r = await create({});
  assert.equal(r.status, 201, r.text);
  const t = r.body;
  assert.equal(t.state, 'open');
  assert.equal(t.order_count, 4, '建外 噪声扰民 received in M (the community included, the redirected not)');
  const today = Math.floor((s.serverNow() + SH) / DAY);
  const dueOn = new Date((today + 30) * DAY * 1000).toISOString().slice(0, 10);
  assert.equal(t.due_on, dueOn);
  const got = await get('leader', `/api/v1/monthly_topic/${t.id}`);
  const clock = got.deadlines.find((d) => d.name === 'due');
  assert.equal(clock.label, '办理期限');
  assert.equal(clock.due, `${dueOn}T15:59:59Z`);
  assert.equal(clock.state, 'running');
  assert.equal(got.lead_unit_id_label, '建外街道办事处');

  const dup = assertInvalid(await create({ title: '另一个题目' }), [['category_id', 'workorder_topic_taken']], 409, 'conflict');
  assert.match(dup.details[0].message, /每月一题/);
  assertInvalid(await create({ month: '2026-13' }), [['month', 'pattern_mismatch']]);
  assertInvalid(await create({ month: monthText(CUR + 2) }), [['month', 'workorder_topic_month_future']]);
  assertInvalid(await create({ lead_unit_id: '999999' }), [['lead_unit_id', 'not_found']]);
  assertInvalid(await create({ title: '' }), [['title', 'required']]);
  assertError(await sess.leader_ft.post('/api/v1/monthly_topic', { title: '题', month: monthText(M), region_code: STREET, category_id: C.noise, lead_unit_id: U.T1 }), 403, 'forbidden');
  assertError(await sess.handler.post('/api/v1/monthly_topic', { title: '题', month: monthText(M), region_code: STREET, category_id: C.heating, lead_unit_id: U.T1 }), 403, 'forbidden');

  const topics = await get('leader', `/api/v1/workorder/topics?month=${monthText(M)}`);
  assert.deepEqual(topics.items.map((x) => [x.chosen, x.topic_id]), [[true, t.id], [false, null], [false, null], [false, null]]);

  const act = (id, action, body = {}) => sess.leader.post(`/api/v1/monthly_topic/${id}/actions/${action}`, body);
  assertError(await act(t.id, 'finish', { result: '已完成' }), 409, 'conflict');
  let a = await act(t.id, 'start', { progress: '已召开专题会部署' });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.state, 'in_progress');
  assertInvalid(await act(t.id, 'report', {}), [['progress', 'required']]);
  a = await act(t.id, 'report', { progress: '已检查工地12处，整改5处' });
  assert.equal(a.status, 200, a.text);
  assertInvalid(await act(t.id, 'finish', {}), [['result', 'required']]);
  a = await act(t.id, 'finish', { result: '夜间施工投诉下降八成，建立联合巡查长效机制' });
  assert.equal(a.status, 200, a.text);
  const done = await get('leader', `/api/v1/monthly_topic/${t.id}`);
  assert.equal(done.state, 'done');
  assert.equal(done.result, '夜间施工投诉下降八成，建立联合巡查长效机制');
  assert.equal(done.progress, '已检查工地12处，整改5处');
  assert.ok(done.done_at);
  assert.equal(done.deadlines.find((d) => d.name === 'due').state, 'stopped');
  const edit = assertError(await sess.leader.patch(`/api/v1/monthly_topic/${t.id}`, { version: done.version, title: '改' }), 409, 'conflict');
  assert.match(edit.message, /已办结/);

  // a cancelled topic is not a chosen one
  const other = await create({ title: '朝外停车难', region_code: SIBLING, category_id: C.parking, lead_unit_id: U.T2 });
  assert.equal(other.status, 201, other.text);
  assert.equal(other.body.order_count, 0, 'none in M itself');
  assertInvalid(await act(other.body.id, 'cancel', {}), [['cancel_reason', 'required']]);
  a = await act(other.body.id, 'cancel', { cancel_reason: '并入区级停车治理专项' });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body.state, 'cancelled');
  const after = await get('leader', `/api/v1/workorder/topics?month=${monthText(M)}&region=${SIBLING}`);
  assert.deepEqual(after.items.map((x) => [x.category_id, x.chosen]), [[C.parking, false], [C.noise, false]]);
  const list = await get('leader', '/api/v1/monthly_topic?state=done');
  assert.deepEqual(list.items.map((x) => x.id), [t.id]);

  // export, and import through the same checks
  const csv = await sess.leader.get('/api/v1/monthly_topic/export?format=csv');
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.text, /题目,月份,所属区划,诉求类别,牵头单位/);
  assert.match(csv.text, /建外街道夜间施工噪声扰民专项治理/);
  const imp = (lines) => sess.leader.request('POST', '/api/v1/monthly_topic/import', {
    raw: lines.join('\r\n') + '\r\n', headers: { 'Content-Type': 'text/csv' },
  });
  const head = '题目,月份,所属区划,诉求类别,牵头单位';
  let ir = await imp([head, `建外供暖保障,${monthText(M - 1)},${STREET},${C.heating},建外街道办事处`]);
  assert.equal(ir.status, 200, ir.text);
  const imported = await get('leader', `/api/v1/monthly_topic/${ir.body.ids[0]}`);
  assert.deepEqual([imported.state, imported.order_count, imported.due_on], ['open', 2, dueOn]);
  ir = await imp([head, `重复的题目,${monthText(M)},${STREET},${C.noise},建外街道办事处`]);
  assert.equal(ir.status, 400, ir.text); // an import answers every row's mistakes as 400
  assert.deepEqual(ir.body.error.details.map((x) => [x.row, x.field, x.code]), [[2, 'category_id', 'workorder_topic_taken']]);
});

// ---- end to end -------------------------------------------------------------------------
// Orders taken, dispatched, handled and called back through the API count in the current
// month for the unit that has them; 每月一题 counts them by the month they were received.
test('end to end: orders worked through the API count in this month', async () => {
  const ctx = await setupWorkorder(s, { prefix: 'e2e' });
  const { dispatcher, street, sibling } = ctx.sess;
  const done = await createOrder(dispatcher);
  await moveOrderOk(dispatcher, done.id, 'dispatch', { unit_id: ctx.units.street });
  await moveOrderOk(street, done.id, 'sign');
  await moveOrderOk(street, done.id, 'contact', { contact_note: '已电话联系诉求人，约定现场查看' });
  await moveOrderOk(street, done.id, 'start');
  await moveOrderOk(street, done.id, 'reply', { reply: '已联合城管清理占道摊位', result: 'solved' });
  await moveOrderOk(dispatcher, done.id, 'callback', { solved: true, satisfaction: 'basic', callback_note: '诉求人表示基本满意' });
  const open = await createOrder(dispatcher, { region_code: SIBLING });
  await moveOrderOk(dispatcher, open.id, 'dispatch', { unit_id: ctx.units.sibling });
  await moveOrderOk(sibling, open.id, 'sign');
  await createOrder(dispatcher); // received, never dispatched: not counted

  const body = await get('leader', `/api/v1/workorder/rates?month=${monthText(CUR)}&kind=township`);
  assert.equal(body.published, false);
  assert.deepEqual(body.units.map((u) => [u.unit_id, u.orders, u.responded, u.called_back, u.solved, u.satisfied, u.response_rate, u.solve_rate, u.satisfaction_rate, u.composite, u.rank]), [
    [ctx.units.street, 1, 1, 1, 1, 1, 100, 100, 100, 100, 1],
    [ctx.units.sibling, 1, 0, 0, 0, 0, 0, null, null, 0, 2],
  ]);
  const items = (await drill('leader', { month: monthText(CUR), unit: ctx.units.street, measure: 'satisfaction', ok: 'true' })).items;
  assert.deepEqual(items.map((x) => [x.id, x.code, x.state, x.satisfaction]), [[done.id, done.code, 'called_back', 'basic']]);

  const topics = await get('leader', `/api/v1/workorder/topics?months=1&region=${STREET}`);
  assert.deepEqual(topics.items.map((x) => [x.region_code, x.category_id, x.category_name, x.count]),
    [[STREET, ctx.categories.general, '占道经营', 2]]);
});
