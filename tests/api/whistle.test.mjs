// 街乡吹哨、部门报到 (docs/whistle.md): raising a whistle writes one summons per unit with
// its kind's 报到 clock (应急 30 minutes, 攻坚 24 hours, 日常 3 working days across a weekend
// and a holiday); report, finish, rate, redo, accept, cancel and withdraw; who sees and
// does what (a summoned unit its own summons only, the raising street all of its
// whistles'); a work order becoming a whistle in one step and a whistle spawning work
// orders; the monthly figures and the ranking on hand-computed data; bad input that
// changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertError, assertInvalid } from './lib/server.mjs';
import { PROVINCE, COUNTY, STREET, SIBLING, OTHER_COUNTY } from './lib/fixture.mjs';
import { setupWorkorder, moveOrderOk, dispatchedOrder, NO_UNIT_STREET, COMMUNITY } from './lib/workorder_fixture.mjs';

const DAY = 86400;
const SH = 8 * 3600;
const CSV = { 'Content-Type': 'text/csv' };
const SANLITUN_COMMUNITY = '110105003001'; // a community of 三里屯街道

const s = new Server();
let ctx;
const sess = {};
const U = {}; // unit ids (strings)

// ---- dates as the server counts them (the calendar holds only this file's corrections) --
const holidays = new Set();
const dayOf = (unix) => Math.floor((unix + SH) / DAY);
const dateOf = (day) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
const weekday = (day) => ((new Date(day * DAY * 1000).getUTCDay() + 6) % 7) + 1;
const isWorkday = (day) => !holidays.has(day) && weekday(day) <= 5;
const endOfDay = (day) => new Date((day * DAY + DAY - 1 - SH) * 1000).toISOString().replace('.000Z', 'Z');
const unixOf = (iso) => Date.parse(iso) / 1000;
const monthOf = (unix) => dateOf(dayOf(unix)).slice(0, 7);
const today = () => dayOf(Math.floor(s.serverNow()));
function addWorkingDays(from, n) {
  let d = from;
  while (n > 0) if (isWorkday(++d)) n--;
  return d;
}

const count = (sql) => Number(s.sqlite(sql).stdout.trim());
const clock = (row, name) => row.deadlines.find((d) => d.name === name);

function user(name, role, region, unit) {
  const args = ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'];
  if (unit) args.push('--unit', unit);
  const r = s.cli(args, PASSWORD + '\n');
  assert.equal(r.status, 0, `user add ${name}: ${r.stderr}`);
}

// the whistle officers' posts are at the district (the departments they summon and the
// catalogue they use are the district's), at their street's unit (docs/whistle.md)
const MINE = {
  officer: ['wh_officer', 'whistle_officer', COUNTY, '9102'],
  officer_b: ['wh_officer_b', 'whistle_officer', COUNTY, '9103'],
  officer_dept: ['wh_officer_dept', 'whistle_officer', COUNTY, '9104'],
  dept2: ['wh_dept2', 'workorder_handler', COUNTY, '9105'],
  sys: ['wh_sys', 'sysadmin', PROVINCE, null],
};

async function loginAll() {
  await ctx.relogin();
  for (const k of ['leader', 'street', 'sibling', 'department', 'dispatcher']) sess[k] = ctx.sess[k];
  for (const [k, [name]] of Object.entries(MINE)) sess[k] = await s.login(name);
}

async function advance(seconds) {
  await s.advance(seconds);
  await loginAll();
}

async function ok(promise, status = 200) {
  const r = await promise;
  assert.equal(r.status, status, r.text);
  return r.body;
}

let seq = 0;
function whistleBody(extra = {}) {
  seq++;
  return {
    kind: 'tackle',
    title: `建外大街井盖缺失${seq}`,
    problem: '建国门外大街辅路多处井盖缺失，街道已设置围挡，需要区城管委、住建委到场处置。',
    address: '建国门外大街辅路',
    location: { lng: 116.4512, lat: 39.9087 },
    region_code: STREET,
    summoned_units: [U.department, U.dept2],
    ...extra,
  };
}
const raise = (who, extra) => ok(sess[who].post('/api/v1/whistle', whistleBody(extra)), 201);
const act = (who, id, action, body = {}) => sess[who].post(`/api/v1/whistle_summons/${id}/actions/${action}`, body);
const actOk = (who, id, action, body) => ok(act(who, id, action, body));
const whistleAct = (who, id, action, body = {}) => sess[who].post(`/api/v1/whistle/${id}/actions/${action}`, body);
async function summonsOf(whistleId, who = 'officer') {
  const list = await ok(sess[who].get(`/api/v1/whistle_summons?whistle_id=${whistleId}&size=50`));
  const byUnit = {};
  for (const it of list.items) byUnit[it.unit_id] = it;
  return { list, byUnit };
}

before(async () => {
  await s.start();
  ctx = await setupWorkorder(s, { prefix: 'wh' });
  Object.assign(U, ctx.units, { dept2: '9105', dept3: '9106', sanlitun: '9107' });
  const ins = s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (9105, '区住房城乡建设委员会', 'department', '${COUNTY}', 0, 0),
    (9106, '区市场监督管理局', 'department', '${COUNTY}', 0, 0),
    (9107, '三里屯街道办事处', 'township', '${NO_UNIT_STREET}', 0, 0);
    INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
      ('${SANLITUN_COMMUNITY}', '${NO_UNIT_STREET}', 5, '三里屯某社区', '北京市/朝阳区/三里屯街道/三里屯某社区', 0, 0);
    INSERT INTO grid (id, name, code, region_code, households, population, created_at, updated_at) VALUES
      (9501, '建外一网格', 'G1', '${COMMUNITY}', 10000, 35000, 0, 0),
      (9502, '建外二网格', 'G2', '${COMMUNITY}', 8000, 25000, 0, 0),
      (9503, '三里屯一网格', 'G1', '${SANLITUN_COMMUNITY}', 7000, 20000, 0, 0);`);
  assert.equal(ins.status, 0, ins.stderr);
  for (const [name, role, region, unit] of Object.values(MINE)) user(name, role, region, unit);
  await loginAll();
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('应急哨: one summons per unit, a 30-minute 报到 clock, overdue after 31 minutes, a late report', async () => {
  const w = await raise('officer', { kind: 'emergency' });
  assert.match(w.code, /^CS\d{12}$/);
  assert.deepEqual([w.state, w.unit_id, w.region_code, w.kind], ['raised', U.street, STREET, 'emergency']);
  assert.equal(w.rate_month, monthOf(unixOf(w.raised_at)));
  assert.deepEqual([...w.summoned_units].sort(), [U.department, U.dept2].sort());
  assert.deepEqual(w.location, { lng: 116.4512, lat: 39.9087 });
  const { list, byUnit } = await summonsOf(w.id);
  assert.equal(list.total, 2);
  for (const it of list.items) {
    assert.deepEqual([it.state, it.kind, it.region_code, it.whistle_id, it.rate_month], ['summoned', 'emergency', STREET, w.id, w.rate_month]);
    assert.equal(it.summoned_at, w.raised_at);
    assert.equal(unixOf(it.report_due) - unixOf(it.summoned_at), 30 * 60);
  }
  const mine = byUnit[U.department];
  let row = await ok(sess.department.get(`/api/v1/whistle_summons/${mine.id}`));
  assert.deepEqual([clock(row, 'report').due, clock(row, 'report').overdue, clock(row, 'report').state], [row.report_due, false, 'running']);
  assert.deepEqual(row.actions.map((a) => a.action), ['report']);
  assert.equal(row.history[0].action, 'create');

  await advance(31 * 60);
  row = await ok(sess.department.get(`/api/v1/whistle_summons/${mine.id}`));
  assert.equal(clock(row, 'report').overdue, true);
  row = await actOk('department', mine.id, 'report', { report_note: '城管执法队已到场' });
  assert.deepEqual([row.state, row.reported_in_time, row.report_note], ['reported', false, '城管执法队已到场']);
  assert.ok(unixOf(row.reported_at) > unixOf(row.report_due));
  assert.deepEqual([clock(row, 'report').state, clock(row, 'report').overdue], ['stopped', false]);
});

test('攻坚哨: 24 hours to report; reported in time', async () => {
  const w = await raise('officer', { kind: 'tackle', summoned_units: [U.department] });
  const { byUnit } = await summonsOf(w.id);
  const it = byUnit[U.department];
  assert.equal(unixOf(it.report_due) - unixOf(it.summoned_at), 24 * 3600);
  await advance(23 * 3600);
  const row = await actOk('department', it.id, 'report', { report_note: '已派人到场' });
  assert.deepEqual([row.state, row.reported_in_time], ['reported', true]);
});

test('日常哨: 3 working days, counted past a weekend and a holiday', async () => {
  // from a Friday, with the Monday after it a holiday: Tuesday, Wednesday, Thursday
  const ahead = (5 - weekday(today()) + 7) % 7;
  if (ahead) await advance(ahead * DAY);
  assert.equal(weekday(today()), 5);
  const monday = today() + 3;
  assert.equal((await sess.sys.request('PUT', `/api/v1/calendar/${dateOf(monday)}`, { body: { kind: 'holiday', name: '测试假日' } })).status, 200);
  holidays.add(monday);
  const w = await raise('officer', { kind: 'daily', summoned_units: [U.dept2] });
  const { byUnit } = await summonsOf(w.id);
  const due = addWorkingDays(today(), 3);
  assert.equal(due, today() + 6); // Thursday
  assert.equal(byUnit[U.dept2].report_due, endOfDay(due));
  const row = await ok(sess.dept2.get(`/api/v1/whistle_summons/${byUnit[U.dept2].id}`));
  assert.equal(clock(row, 'report').due, endOfDay(due));
});

test('report, finish, rate, redo and accept; accept refused while a unit still works', async () => {
  const w = await raise('officer');
  const { byUnit } = await summonsOf(w.id);
  const a = byUnit[U.department].id, b = byUnit[U.dept2].id;
  await actOk('department', a, 'report', { report_note: '到场' });
  // finishing: the handling note is required, the time may not be in the future
  assertInvalid(await act('department', a, 'finish', {}), [['handling_note', 'required']]);
  const future = new Date((s.serverNow() + 3600) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  assertInvalid(await act('department', a, 'finish', { handling_note: '已补齐井盖', handled_at: future }), [['handled_at', 'whistle_future_time']]);
  let row = await actOk('department', a, 'finish', { handling_note: '已补齐井盖' });
  assert.equal(row.state, 'done');
  assert.ok(row.handled_at);
  // the street cannot accept while 区住建委 is still at work: the message names it
  const refused = assertError(await whistleAct('officer', w.id, 'accept', { result_note: '已解决' }), 409, 'conflict');
  assert.match(refused.message, /区住房城乡建设委员会/);
  assert.equal((await ok(sess.officer.get(`/api/v1/whistle/${w.id}`))).state, 'raised');
  await actOk('dept2', b, 'report', { report_note: '到场' });
  await actOk('dept2', b, 'finish', { handling_note: '管线已修复' });
  // the street sends 区住建委's result back once, then it finishes again
  assertInvalid(await act('officer', b, 'redo', {}), [['comment', 'required']]);
  row = await actOk('officer', b, 'redo', { comment: '路面未恢复' });
  assert.deepEqual([row.state, row.handled_at], ['reported', null]);
  await actOk('dept2', b, 'finish', { handling_note: '路面已恢复' });
  // ratings 1..5 each
  assertInvalid(await act('officer', a, 'rate', { rating_timeliness: 6, rating_effect: 0, rating_attitude: 5 }),
    [['rating_timeliness', 'out_of_range'], ['rating_effect', 'out_of_range']]);
  row = await actOk('officer', a, 'rate', { rating_timeliness: 5, rating_effect: 4, rating_attitude: 5, rating_comment: '响应迅速' });
  assert.deepEqual([row.state, row.rating_timeliness, row.rating_effect, row.rating_attitude], ['rated', 5, 4, 5]);
  assert.ok(row.rated_at);
  // accepted: needs a note; then the record is kept as it was
  assertInvalid(await whistleAct('officer', w.id, 'accept', {}), [['result_note', 'required']]);
  const done = await ok(whistleAct('officer', w.id, 'accept', { result_note: '井盖补齐，路面恢复' }));
  assert.deepEqual([done.state, done.result_note], ['accepted', '井盖补齐，路面恢复']);
  assert.ok(done.accepted_at);
  assertError(await act('officer', b, 'redo', { comment: '再看看' }), 409, 'conflict');
  await actOk('officer', b, 'rate', { rating_timeliness: 3, rating_effect: 3, rating_attitude: 4 });
  assertError(await sess.officer.patch(`/api/v1/whistle/${w.id}`, { version: done.version, title: '改' }), 409, 'conflict');
});

test('cancel withdraws the units still working and stops their clocks; a unit withdrawn alone', async () => {
  const w = await raise('officer');
  let { byUnit } = await summonsOf(w.id);
  await actOk('department', byUnit[U.department].id, 'report', { report_note: '到场' });
  assertInvalid(await whistleAct('officer', w.id, 'cancel', {}), [['cancel_reason', 'required']]);
  const c = await ok(whistleAct('officer', w.id, 'cancel', { cancel_reason: '重复吹哨' }));
  assert.deepEqual([c.state, c.cancel_reason], ['cancelled', '重复吹哨']);
  ({ byUnit } = await summonsOf(w.id));
  for (const u of [U.department, U.dept2]) {
    const row = await ok(sess.officer.get(`/api/v1/whistle_summons/${byUnit[u].id}`));
    assert.equal(row.state, 'withdrawn');
    assert.equal(clock(row, 'report').state, 'stopped');
    assert.equal(row.history.at(-1).action, 'withdraw');
  }
  assertError(await act('dept2', byUnit[U.dept2].id, 'report', { report_note: '到场' }), 409, 'conflict');

  const w2 = await raise('officer');
  ({ byUnit } = await summonsOf(w2.id));
  const row = await actOk('officer', byUnit[U.dept2].id, 'withdraw', { comment: '不属其职责' });
  assert.deepEqual([row.state, clock(row, 'report').state], ['withdrawn', 'stopped']);
  await actOk('department', byUnit[U.department].id, 'report', { report_note: '到场' });
  await actOk('department', byUnit[U.department].id, 'finish', { handling_note: '完成' });
  assert.equal((await ok(whistleAct('officer', w2.id, 'accept', { result_note: '完成' }))).state, 'accepted');
});

test('who sees what: a summoned unit its own summons only; the raising street all of its whistle', async () => {
  const w = await raise('officer');
  const { byUnit } = await summonsOf(w.id);
  const a = byUnit[U.department].id, b = byUnit[U.dept2].id;
  // 区住建委 lists only its own summons, and another unit's does not exist for it
  const own = await ok(sess.dept2.get(`/api/v1/whistle_summons?whistle_id=${w.id}`));
  assert.deepEqual(own.items.map((x) => x.id), [b]);
  const all = await ok(sess.dept2.get('/api/v1/whistle_summons?size=200'));
  assert.ok(all.items.length > 0 && all.items.every((x) => x.unit_id === U.dept2));
  assertError(await sess.dept2.get(`/api/v1/whistle_summons/${a}`), 404, 'not_found');
  assertError(await act('dept2', a, 'report', { report_note: '代报' }), 404, 'not_found');
  // it sees the whistle that summons it; the other street sees neither
  assert.equal((await ok(sess.dept2.get(`/api/v1/whistle/${w.id}`))).id, w.id);
  assertError(await sess.officer_b.get(`/api/v1/whistle/${w.id}`), 404, 'not_found');
  assert.ok(!(await ok(sess.officer_b.get('/api/v1/whistle?size=200'))).items.some((x) => x.id === w.id));
  assertError(await whistleAct('officer_b', w.id, 'cancel', { cancel_reason: '越权' }), 404, 'not_found');
  assertError(await sess.sibling.get(`/api/v1/whistle_summons/${a}`), 404, 'not_found');
  // the raising street's handler sees every summons of its whistle but reports for none
  const street = await ok(sess.street.get(`/api/v1/whistle_summons?whistle_id=${w.id}`));
  assert.equal(street.total, 2);
  assertError(await act('street', a, 'report', { report_note: '代报' }), 403, 'forbidden');
  // a unit that holds whistle.raise does not rate itself; a handler does not accept
  await actOk('department', a, 'report', { report_note: '到场' });
  await actOk('department', a, 'finish', { handling_note: '完成' });
  const self = assertError(await act('officer_dept', a, 'rate', { rating_timeliness: 5, rating_effect: 5, rating_attitude: 5 }), 403, 'forbidden');
  assert.match(self.message, /吹哨单位/);
  assertError(await whistleAct('department', w.id, 'accept', { result_note: '完成' }), 403, 'forbidden');
  // the district reads by region: everything
  assert.equal((await ok(sess.leader.get(`/api/v1/whistle_summons?whistle_id=${w.id}`))).total, 2);
  assert.equal((await ok(sess.leader.get(`/api/v1/whistle/${w.id}`))).id, w.id);
  // 区城管委's to-do list has nothing of 区住建委's
  const todo = JSON.stringify(await ok(sess.department.get('/api/v1/todo')));
  assert.ok(!todo.includes(b));
});

test('a work order becomes a whistle in one step, once', async () => {
  const o = await dispatchedOrder(ctx, { location: { lng: 116.46, lat: 39.91 } });
  assert.equal(o.unit_id, U.street);
  const body = { kind: 'tackle', summoned_units: [U.department] };
  // not yet signed by the street
  let r = await sess.officer.post(`/api/v1/work_order/${o.id}/whistle`, body);
  assert.match(assertError(r, 409, 'conflict').message, /已派单|当前状态/);
  await moveOrderOk(ctx.sess.street, o.id, 'sign');
  // another street's officer: not its order
  assertError(await sess.officer_b.post(`/api/v1/work_order/${o.id}/whistle`, body), 403, 'forbidden');
  // bad input: every mistake named, nothing written
  const before = count('SELECT COUNT(*) FROM whistle');
  assertInvalid(await sess.officer.post(`/api/v1/work_order/${o.id}/whistle`, { kind: 'loud', summoned_units: [], extra: 1 }),
    [['extra', 'unknown_field'], ['kind', 'invalid_enum'], ['summoned_units', 'required']]);
  assert.equal(count('SELECT COUNT(*) FROM whistle'), before);
  assert.equal(count(`SELECT COUNT(*) FROM work_order WHERE id = ${o.id} AND whistle_id IS NULL`), 1);

  r = await sess.officer.post(`/api/v1/work_order/${o.id}/whistle`, body);
  assert.equal(r.status, 201, r.text);
  const w = r.body;
  assert.equal(r.headers.get('location'), `/api/v1/whistle/${w.id}`);
  assert.deepEqual([w.work_order_id, w.problem, w.address, w.region_code, w.unit_id, w.kind, w.state],
    [o.id, o.content, o.address, o.region_code, U.street, 'tackle', 'raised']);
  assert.equal(w.title, [...o.content].slice(0, 30).join(''));
  assert.deepEqual(w.location, { lng: 116.46, lat: 39.91 });
  assert.equal((await summonsOf(w.id)).list.total, 1);
  const order = await ok(sess.officer.get(`/api/v1/work_order/${o.id}`));
  assert.equal(order.whistle_id, w.id);
  // twice: 409
  assert.match(assertError(await sess.officer.post(`/api/v1/work_order/${o.id}/whistle`, body), 409, 'conflict').message, /已转为吹哨/);
  // an explicit title
  const o2 = await dispatchedOrder(ctx);
  await moveOrderOk(ctx.sess.street, o2.id, 'sign');
  const w2 = await ok(sess.officer.post(`/api/v1/work_order/${o2.id}/whistle`, { ...body, title: '占道经营综合整治' }), 201);
  assert.equal(w2.title, '占道经营综合整治');
});

test('a whistle spawns a work order, received for the 12345 centre to dispatch', async () => {
  const w = await raise('officer');
  const before = count('SELECT COUNT(*) FROM work_order');
  assertInvalid(await sess.officer.post(`/api/v1/whistle/${w.id}/orders`, { type: 'shout', note: 1 }),
    [['note', 'unknown_field'], ['category_id', 'required'], ['type', 'invalid_enum']]);
  assert.equal(count('SELECT COUNT(*) FROM work_order'), before);
  assertError(await sess.department.post(`/api/v1/whistle/${w.id}/orders`, { category_id: ctx.categories.general, type: 'report' }), 403, 'forbidden');
  const r = await sess.officer.post(`/api/v1/whistle/${w.id}/orders`, { category_id: ctx.categories.general, type: 'report' });
  assert.equal(r.status, 201, r.text);
  const o = r.body;
  assert.equal(r.headers.get('location'), `/api/v1/work_order/${o.id}`);
  assert.deepEqual([o.channel, o.type, o.state, o.source_whistle_id, o.content, o.region_code, o.address, o.category_id],
    ['whistle', 'report', 'received', w.id, w.problem, STREET, w.address, ctx.categories.general]);
  assert.deepEqual(o.location, w.location);
  const o2 = await ok(sess.officer.post(`/api/v1/whistle/${w.id}/orders`, { category_id: ctx.categories.general, type: 'report', content: '辅路井盖补装' }), 201);
  assert.equal(o2.content, '辅路井盖补装');
  assert.equal(count(`SELECT COUNT(*) FROM work_order WHERE source_whistle_id = ${w.id}`), 2);
  // not from a cancelled whistle
  await ok(whistleAct('officer', w.id, 'cancel', { cancel_reason: '已转工单办理' }));
  assertError(await sess.officer.post(`/api/v1/whistle/${w.id}/orders`, { category_id: ctx.categories.general, type: 'report' }), 409, 'conflict');
});

// ---- figures and ranking on a hand-computed month ------------------------------------------

const MONTH = '2025-03';
const T0 = 1741000000; // 2025-03-03

function seedMonth() {
  const w = (id, unit, region, state) =>
    `(${id}, 1, '${state}', 'CS2503${String(id).slice(-6).padStart(8, '0')}', 'tackle', '历史吹哨${id}', '问题', '${region}', ${unit}, '[]', ${T0}, '${MONTH}', ${T0}, ${T0})`;
  const whistles = [
    w(990001, 9102, STREET, 'accepted'), w(990002, 9102, STREET, 'accepted'), w(990003, 9102, STREET, 'accepted'),
    w(990004, 9102, STREET, 'cancelled'),
    ...[990005, 990006, 990007, 990008, 990009].map((id) => w(id, 9107, NO_UNIT_STREET, 'accepted')),
  ];
  let sql = `INSERT INTO whistle (id, version, state, code, kind, title, problem, region_code, unit_id, summoned_units, raised_at, rate_month, created_at, updated_at) VALUES ${whistles.join(', ')};`;
  // work orders dispatched that month: 建外 100, 朝外 25, 三里屯 10
  const orders = [];
  let n = 0;
  for (const [unit, k] of [[9102, 100], [9103, 25], [9107, 10]])
    for (let i = 0; i < k; i++) {
      n++;
      orders.push(`(${980000 + n}, 1, 'closed', '2503${String(n).padStart(8, '0')}', 'hotline', 'complaint', '历史工单', '${STREET}', ${T0}, ${unit}, '${MONTH}', ${T0}, ${T0})`);
    }
  sql += `INSERT INTO work_order (id, version, state, code, channel, type, content, region_code, received_at, unit_id, rate_month, created_at, updated_at) VALUES ${orders.join(', ')};`;
  // summons: id, whistle, unit, region, state, due, reported_at, in_time, ratings
  const sm = (id, whistle, unit, region, state, due, reported, inTime, t, e, a) =>
    `(${id}, 1, '${state}', ${whistle}, ${unit}, '${region}', 'tackle', '${MONTH}', ${T0}, ${due}, ${reported ?? 'NULL'}, ${inTime ?? 'NULL'}, ${t ?? 'NULL'}, ${e ?? 'NULL'}, ${a ?? 'NULL'}, ${T0}, ${T0})`;
  const due = T0 + DAY, far = 4000000000, late = T0 + 2 * DAY, soon = T0 + 3600;
  const summons = [
    // 区城管委: 3 of 4 in time; rated 5,5,5 and 4,4,4 (one summons at 三里屯)
    sm(970001, 990001, 9104, STREET, 'rated', due, soon, 1, 5, 5, 5),
    sm(970002, 990002, 9104, STREET, 'rated', due, soon, 1, 4, 4, 4),
    sm(970003, 990003, 9104, STREET, 'done', due, late, 0),
    sm(970004, 990005, 9104, NO_UNIT_STREET, 'reported', due, soon, 1),
    // 区住建委: 2 of 2 judged in time (one not due yet), rated 3,3,3; one withdrawn (not counted)
    sm(970005, 990001, 9105, STREET, 'rated', due, soon, 1, 3, 3, 3),
    sm(970006, 990002, 9105, STREET, 'reported', due, soon, 1),
    sm(970007, 990003, 9105, STREET, 'withdrawn', due),
    sm(970008, 990006, 9105, NO_UNIT_STREET, 'summoned', far),
    // 区市场监管局: 1 of 1 in time, rated 4,4,3
    sm(970009, 990001, 9106, STREET, 'rated', due, soon, 1, 4, 4, 3),
    // 朝外 (a township): never reported, overdue; 三里屯: not due yet
    sm(970010, 990002, 9103, STREET, 'summoned', due),
    sm(970011, 990003, 9107, STREET, 'summoned', far),
  ];
  sql += `INSERT INTO whistle_summons (id, version, state, whistle_id, unit_id, region_code, kind, rate_month, summoned_at, report_due, reported_at, reported_in_time, rating_timeliness, rating_effect, rating_attitude, created_at, updated_at) VALUES ${summons.join(', ')};`;
  const r = s.sqlite(sql);
  assert.equal(r.status, 0, r.stderr);
}

test('figures: whistles per 100 work orders and per 10,000 residents, with the health flag', async () => {
  seedMonth();
  const f = await ok(sess.leader.get(`/api/v1/whistle/figures?month=${MONTH}&region=${COUNTY}`));
  assert.deepEqual([f.month, f.region, f.thresholds], [MONTH, COUNTY, { min_orders: 20, low_per_100: 1, high_per_100: 20 }]);
  const by = Object.fromEntries(f.units.map((u) => [u.unit_id, u]));
  assert.deepEqual(Object.keys(by).sort(), [U.street, U.sibling, U.sanlitun].sort());
  const pick = (u) => [u.whistles, u.cancelled, u.orders, u.per_100_orders, u.population, u.per_10k_residents, u.health];
  assert.deepEqual(pick(by[U.street]), [3, 1, 100, 3, 60000, 0.5, 'normal']);
  assert.deepEqual(pick(by[U.sibling]), [0, 0, 25, 0, null, null, 'low']);
  assert.deepEqual(pick(by[U.sanlitun]), [5, 0, 10, 50, 20000, 2.5, 'high']);
  assert.deepEqual(pick(f.total), [8, 1, 135, 5.93, 80000, 1, 'normal']);
  // one street; the officer's own scope by default
  const one = await ok(sess.leader.get(`/api/v1/whistle/figures?month=${MONTH}&region=${STREET}`));
  assert.deepEqual(one.units.map((u) => u.unit_id), [U.street]);
  const mine = await ok(sess.officer.get(`/api/v1/whistle/figures?month=${MONTH}`));
  assert.equal(mine.region, COUNTY);
  // this month: the whistles of the tests above
  const now = await ok(sess.leader.get('/api/v1/whistle/figures'));
  assert.equal(now.month, monthOf(s.serverNow()));
  // bad parameters
  assertInvalid(await sess.leader.get('/api/v1/whistle/figures?month=2025-13'), [['month', 'whistle_invalid_month']]);
  assertInvalid(await sess.leader.get('/api/v1/whistle/figures?month=March'), [['month', 'whistle_invalid_month']]);
  assertError(await sess.leader.get(`/api/v1/whistle/figures?region=${OTHER_COUNTY}`), 403, 'forbidden');
  assertError(await sess.department.get('/api/v1/whistle/figures'), 403, 'forbidden');
});

test('ranking: 40 % on-time 报到 and 60 % the ratings, within each kind of unit', async () => {
  const r = await ok(sess.leader.get(`/api/v1/whistle/ranking?month=${MONTH}&region=${COUNTY}`));
  assert.deepEqual(r.weights, { on_time: 40, rating: 60 });
  const pick = (u) => [u.unit_kind, u.summons, u.reported, u.on_time, u.judged, u.rated, u.on_time_rate, u.rating_mean, u.rating_score, u.score, u.rank];
  const by = Object.fromEntries(r.units.map((u) => [u.unit_id, u]));
  // 区城管委: 3/4 = 75 %; (15 + 12) / 6 = 4.5 -> 90; 0.4 * 75 + 0.6 * 90 = 84
  assert.deepEqual(pick(by[U.department]), ['department', 4, 4, 3, 4, 2, 75, 4.5, 90, 84, 1]);
  // 区市场监管局: 100 %; 11 / 3 = 3.67 -> 73.3; 40 + 44 = 84: shares first place
  assert.deepEqual(pick(by[U.dept3]), ['department', 1, 1, 1, 1, 1, 100, 3.67, 73.3, 84, 1]);
  // 区住建委: 2/2 judged in time (one not due); 3 -> 60; 40 + 36 = 76; the withdrawn one left out
  assert.deepEqual(pick(by[U.dept2]), ['department', 3, 2, 2, 2, 1, 100, 3, 60, 76, 3]);
  assert.deepEqual([by[U.dept2].rating_timeliness, by[U.department].rating_timeliness], [3, 4.5]);
  // the townships are ranked among themselves; nothing to judge yet: no score, no rank
  assert.deepEqual(pick(by[U.sibling]), ['township', 1, 0, 0, 1, 0, 0, null, null, 0, 1]);
  assert.deepEqual(pick(by[U.sanlitun]), ['township', 1, 0, 0, 0, 0, null, null, null, null, null]);
  assert.deepEqual(r.units.map((u) => u.unit_kind), ['department', 'department', 'department', 'township', 'township']);
  // the street's own place only: 区城管委's summons at 三里屯 is left out -> 2/3 in time
  const street = await ok(sess.leader.get(`/api/v1/whistle/ranking?month=${MONTH}&region=${STREET}`));
  const d = street.units.find((u) => u.unit_id === U.department);
  assert.deepEqual([d.summons, d.on_time, d.on_time_rate, d.score], [3, 2, 66.7, 80.67]);
  assert.equal((await ok(sess.leader.get(`/api/v1/whistle/ranking?month=${MONTH}&region=${SIBLING}`))).units.length, 0);
  // this month: 区城管委 reported late once above
  const now = await ok(sess.leader.get('/api/v1/whistle/ranking'));
  assert.ok(now.units.find((u) => u.unit_id === U.department).reported >= 1);
  assertInvalid(await sess.leader.get('/api/v1/whistle/ranking?month=2025-1'), [['month', 'whistle_invalid_month']]);
  assertError(await sess.dept2.get('/api/v1/whistle/ranking'), 403, 'forbidden');
});

// ---- bad input -------------------------------------------------------------------------------

test('invalid input: 400 naming each field, nothing written', async () => {
  const whistles = () => count('SELECT COUNT(*) FROM whistle');
  const summons = () => count('SELECT COUNT(*) FROM whistle_summons');
  const w0 = whistles(), s0 = summons();
  const post = (who, body) => sess[who].post('/api/v1/whistle', body);
  assertInvalid(await post('officer', { kind: 'loud', title: '', problem: '问题', region_code: STREET, summoned_units: [] }),
    [['title', 'required'], ['kind', 'invalid_enum'], ['summoned_units', 'required']]);
  assertInvalid(await post('officer', whistleBody({ summoned_units: [U.department, U.department] })), [['summoned_units', 'whistle_units_duplicate']]);
  assertInvalid(await post('officer', whistleBody({ summoned_units: [U.department, U.street] })), [['summoned_units', 'whistle_summon_self']]);
  assertInvalid(await post('officer', whistleBody({ summoned_units: ['123'] })), [['summoned_units', 'not_found']]);
  assertInvalid(await post('officer', whistleBody({ unit_id: U.sibling })), [['unit_id', 'whistle_not_your_unit']]);
  assertInvalid(await post('officer', whistleBody({ region_code: SIBLING })), [['unit_id', 'whistle_unit_not_region']]);
  assertInvalid(await post('officer_dept', whistleBody({ summoned_units: [U.dept2] })), [['unit_id', 'whistle_unit_not_township']]);
  assertInvalid(await post('officer', whistleBody({ code: 'CS1', raised_at: '2025-01-01T00:00:00Z' })), [['code', 'read_only'], ['raised_at', 'read_only']]);
  // more than 20 units
  const many = Array.from({ length: 21 }, (_, i) => 9300 + i);
  const ins = s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES ${many.map((id) => `(${id}, '测试部门${id}', 'department', '${COUNTY}', 0, 0)`).join(', ')}`);
  assert.equal(ins.status, 0, ins.stderr);
  assertInvalid(await post('officer', whistleBody({ summoned_units: many.map(String) })), [['summoned_units', 'whistle_too_many_units']]);
  assertError(await post('department', whistleBody()), 403, 'forbidden');
  assert.deepEqual([whistles(), summons()], [w0, s0]);
  // twenty is fine
  const w = await raise('officer', { summoned_units: many.slice(0, 20).map(String) });
  assert.equal(count(`SELECT COUNT(*) FROM whistle_summons WHERE whistle_id = ${w.id}`), 20);
  // actions
  const { byUnit } = await summonsOf(w.id);
  assertInvalid(await sess.officer.post(`/api/v1/whistle/${w.id}/actions/accept`, { result_note: '', bogus: 1 }),
    [['bogus', 'unknown_field'], ['result_note', 'required']]);
  assertError(await act('officer', byUnit['9300'].id, 'rate', { rating_timeliness: 5, rating_effect: 5, rating_attitude: 5 }), 409, 'conflict');
});

test('edit while raised, search, and import', async () => {
  const w = await raise('officer', { title: '光华路积水点整治' });
  assertInvalid(await sess.officer.patch(`/api/v1/whistle/${w.id}`, { version: w.version, kind: 'daily' }), [['kind', 'read_only']]);
  const p = await ok(sess.officer.patch(`/api/v1/whistle/${w.id}`, { version: w.version, address: '光华路与东三环交叉口' }));
  assert.equal(p.address, '光华路与东三环交叉口');
  const found = await ok(sess.officer.get(`/api/v1/whistle?q=${encodeURIComponent('积水')}`));
  assert.deepEqual(found.items.map((x) => x.id), [w.id]);
  const byKind = await ok(sess.leader.get('/api/v1/whistle?kind=emergency'));
  assert.ok(byKind.items.length >= 1 && byKind.items.every((x) => x.kind === 'emergency'));
  // a CSV of whistles goes through the same checks and writes their summons
  const lines = ['吹哨事项,吹哨类别,问题描述,问题所在区划,报到单位', `导入的吹哨,日常哨,雨后路面塌陷,${STREET},区城市管理委员会`];
  const r = await sess.officer.request('POST', '/api/v1/whistle/import', { raw: lines.join('\r\n') + '\r\n', headers: CSV });
  assert.equal(r.status, 200, r.text);
  const id = r.body.ids[0];
  const imported = await ok(sess.officer.get(`/api/v1/whistle/${id}`));
  assert.deepEqual([imported.unit_id, imported.kind, imported.summoned_units], [U.street, 'daily', [U.department]]);
  assert.equal(count(`SELECT COUNT(*) FROM whistle_summons WHERE whistle_id = ${id} AND state = 'summoned'`), 1);
});
