// 接诉即办 work orders (docs/workorder.md): the dispatch catalogue with its versions and
// checks, registration (code, urgency, category), dispatch by catalogue and region (the
// township suggestion copying the district, the department, the district fallback), every
// state and action, returns with arbitration both ways, limits in minutes, hours, calendar
// and working days across a holiday, the one extension, consultations answered at intake,
// redirects, who reads what (a handler sees only its unit's orders), the masked caller,
// catalogue changes that leave dispatched orders alone, and bad input that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD, assertInvalid, assertError } from './lib/server.mjs';
import { COUNTY, STREET, SIBLING, PROVINCE, OTHER_COUNTY } from './lib/fixture.mjs';
import {
  setupWorkorder, createOrder, moveOrder, moveOrderOk, dispatchedOrder, NO_UNIT_STREET, COMMUNITY,
} from './lib/workorder_fixture.mjs';

const DAY = 86400;
const SH = 8 * 3600;
const s = new Server();
let ctx, sess, units, cats, sys;

// ---- dates as the server counts them (the calendar holds only this file's holidays) ----
const holidays = new Set();
const dayOf = (unix) => Math.floor((unix + SH) / DAY);
const dateOf = (day) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
const weekday = (day) => ((new Date(day * DAY * 1000).getUTCDay() + 6) % 7) + 1;
const isWorkday = (day) => !holidays.has(day) && weekday(day) <= 5;
const endOfDay = (day) => iso(day * DAY + DAY - 1 - SH);
const iso = (unix) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z');
const unix = (text) => Date.parse(text) / 1000;
const rollForward = (d) => {
  while (!isWorkday(d)) d++;
  return d;
};
const addWorkingDays = (from, n) => {
  let d = from;
  while (n > 0) if (isWorkday(++d)) n--;
  return d;
};
const today = () => dayOf(Math.floor(s.serverNow()));
const clock = (row, name) => row.deadlines.find((d) => d.name === name);
const count = (sql) => Number(s.sqlite(sql).stdout.trim());
const shanghaiMonth = (t) => new Date((t + SH) * 1000).toISOString().slice(0, 7);

async function holiday(day) {
  if (holidays.has(day)) return;
  const r = await sys.request('PUT', `/api/v1/calendar/${dateOf(day)}`, { body: { kind: 'holiday', name: '测试假日' } });
  assert.equal(r.status, 200, r.text);
  holidays.add(day);
}

async function get(who, id, query = '') {
  const r = await sess[who].get(`/api/v1/work_order/${id}${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

async function advance(seconds) {
  await s.advance(seconds);
  await ctx.relogin();
  sys = await s.login('wo_sys');
}

before(async () => {
  await s.start();
  ctx = await setupWorkorder(s);
  ({ sess, units } = ctx);
  cats = ctx.categories;
  s.addUser('wo_sys', 'sysadmin', PROVINCE);
  sys = await s.login('wo_sys');
});
after(async () => {
  await s.stop();
  s.cleanup();
});

// ---- the catalogue ---------------------------------------------------------------------

test('catalogue: each category has its first rules version; changes of the rules add versions, other edits do not', async () => {
  for (const id of Object.values(cats))
    assert.equal(count(`SELECT count(*) FROM dispatch_category_version WHERE category_id = ${id}`), 1, `category ${id}`);
  const rules = JSON.parse(s.sqlite(`SELECT rules FROM dispatch_category_version WHERE category_id = ${cats.utility}`).stdout.trim());
  assert.deepEqual(rules, { handler_kind: 'department', handler_unit_id: units.department, urgency: 'utility', respond_amount: 2, respond_unit: 'hours', limit_amount: 24, limit_unit: 'hours' });
  const c = (await sess.dispatcher.post('/api/v1/dispatch_category', { code: 'TMP.01', name: '临时类别', region_code: COUNTY, handler_kind: 'township', urgency: 'general', respond_amount: 1, respond_unit: 'hours', limit_amount: 3, limit_unit: 'calendar_days' })).body;
  let r = await sess.dispatcher.patch(`/api/v1/dispatch_category/${c.id}`, { name: '临时类别（改名）', version: c.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(count(`SELECT count(*) FROM dispatch_category_version WHERE category_id = ${c.id}`), 1, 'a new name is not a new rule');
  r = await sess.dispatcher.patch(`/api/v1/dispatch_category/${c.id}`, { limit_amount: 5, version: r.body.version });
  assert.equal(r.status, 200, r.text);
  const versions = s.sqlite(`SELECT version, rules FROM dispatch_category_version WHERE category_id = ${c.id} ORDER BY version`).stdout.trim().split('\n');
  assert.equal(versions.length, 2);
  assert.equal(Number(versions[1].split('|')[0]), r.body.version, 'the version row carries the row version');
  assert.equal(JSON.parse(versions[1].split('|').slice(1).join('|')).limit_amount, 5);
  // a handler cannot edit the catalogue
  r = await sess.department.patch(`/api/v1/dispatch_category/${c.id}`, { limit_amount: 6, version: r.body.version });
  assert.equal(r.status, 403, r.text);
});

test('catalogue: a department needs its unit, parents stay in the catalogue, no cycles; nothing written on a mistake', async () => {
  const before = count('SELECT count(*) FROM dispatch_category') + count('SELECT count(*) FROM dispatch_category_version');
  const base = { name: '测试', region_code: COUNTY, urgency: 'general', respond_amount: 1, respond_unit: 'hours', limit_amount: 1, limit_unit: 'hours' };
  let r = await sess.dispatcher.post('/api/v1/dispatch_category', { ...base, code: 'D.01', handler_kind: 'department' });
  assertInvalid(r, [['handler_unit_id', 'required']]);
  r = await sess.dispatcher.post('/api/v1/dispatch_category', { ...base, code: 'D.02', handler_kind: 'department', handler_unit_id: units.street });
  assertInvalid(r, [['handler_unit_id', 'workorder_unit_not_department']]);
  r = await sess.dispatcher.post('/api/v1/dispatch_category', { ...base, code: 'D.05', handler_kind: 'township', region_code: STREET, handler_unit_id: units.sibling });
  assertInvalid(r, [['handler_unit_id', 'workorder_unit_outside_catalogue']]);
  r = await sess.dispatcher.post('/api/v1/dispatch_category', { ...base, code: 'D.03', handler_kind: 'township', region_code: STREET, parent_id: cats.parent });
  assertInvalid(r, [['parent_id', 'workorder_parent_other_catalogue']]);
  r = await sess.dispatcher.post('/api/v1/dispatch_category', { ...base, code: 'CG.01', handler_kind: 'township' });
  assertInvalid(r, [['code', 'taken']], 409, 'conflict');
  r = await sess.dispatcher.post('/api/v1/dispatch_category', { ...base, code: 'D.04', handler_kind: 'nobody', respond_unit: 'weeks', respond_amount: 0 });
  assert.equal(r.status, 400, r.text);
  const fields = r.body.error.details.map((d) => d.field).sort();
  assert.deepEqual(fields, ['handler_kind', 'respond_amount', 'respond_unit']);
  // a cycle: the parent under its own child, or a category under itself
  const parent = (await sess.dispatcher.get(`/api/v1/dispatch_category/${cats.parent}`)).body;
  r = await sess.dispatcher.patch(`/api/v1/dispatch_category/${cats.parent}`, { parent_id: cats.general, version: parent.version });
  assertInvalid(r, [['parent_id', 'workorder_parent_cycle']]);
  r = await sess.dispatcher.patch(`/api/v1/dispatch_category/${cats.parent}`, { parent_id: cats.parent, version: parent.version });
  assertInvalid(r, [['parent_id', 'workorder_parent_cycle']]);
  // the region of a category with children stays
  r = await sess.dispatcher.patch(`/api/v1/dispatch_category/${cats.parent}`, { region_code: STREET, version: parent.version });
  assertInvalid(r, [['region_code', 'workorder_category_has_children']]);
  assert.equal(count('SELECT count(*) FROM dispatch_category') + count('SELECT count(*) FROM dispatch_category_version'), before);
  assert.equal((await sess.dispatcher.get(`/api/v1/dispatch_category/${cats.parent}`)).body.version, parent.version);
});

// ---- registration ------------------------------------------------------------------------

test('registration: a 12-digit code from the date, received_at, the category\'s urgency, no clocks yet', async () => {
  const row = await createOrder(sess.dispatcher);
  const d = new Date((unix(row.received_at) + SH) * 1000).toISOString();
  assert.match(row.code, /^\d{12}$/);
  assert.equal(row.code.slice(0, 6), d.slice(2, 4) + d.slice(5, 7) + d.slice(8, 10));
  assert.ok(Math.abs(unix(row.received_at) - s.serverNow()) < 5);
  assert.equal(row.state, 'received');
  assert.equal(row.state_label, '已登记');
  assert.equal(row.urgency, 'general');
  assert.equal(row.category_id, cats.general);
  assert.equal(row.unit_id, null);
  assert.deepEqual(row.deadlines, []);
  // an explicit urgency stays
  const urgent = await createOrder(sess.dispatcher, { urgency: 'urgent' });
  assert.equal(urgent.urgency, 'urgent');
  // codes are unique
  const codes = new Set();
  for (let i = 0; i < 5; i++) codes.add((await createOrder(sess.dispatcher)).code);
  assert.equal(codes.size, 5);
  // corrected while received
  const r = await sess.dispatcher.patch(`/api/v1/work_order/${row.id}`, { address: '建国门外大街2号', version: row.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.address, '建国门外大街2号');
  // a handler does not register
  assert.equal((await sess.street.post('/api/v1/work_order', { channel: 'hotline', type: 'help', content: '求助', region_code: STREET })).status, 403);
});

test('registration: the category must be an active leaf of a catalogue covering the place; mistakes write nothing', async () => {
  const before = count('SELECT count(*) FROM work_order');
  const local = (await sess.dispatcher.post('/api/v1/dispatch_category', { code: 'JW.01', name: '建外专项', region_code: STREET, handler_kind: 'township', urgency: 'general', respond_amount: 1, respond_unit: 'hours', limit_amount: 1, limit_unit: 'calendar_days' })).body;
  const off = (await sess.dispatcher.post('/api/v1/dispatch_category', { code: 'OFF.01', name: '已停用', region_code: COUNTY, handler_kind: 'township', urgency: 'general', respond_amount: 1, respond_unit: 'hours', limit_amount: 1, limit_unit: 'calendar_days', active: false })).body;
  const post = (body) => sess.dispatcher.post('/api/v1/work_order', { channel: 'hotline', type: 'complaint', content: '测试诉求', region_code: STREET, ...body });
  assertInvalid(await post({ category_id: cats.parent }), [['category_id', 'workorder_category_not_leaf']]);
  assertInvalid(await post({ category_id: off.id }), [['category_id', 'workorder_category_inactive']]);
  assertInvalid(await post({ category_id: local.id, region_code: SIBLING }), [['category_id', 'workorder_category_out_of_region']]);
  assertInvalid(await post({ category_id: '999999' }), [['category_id', 'not_found']]);
  let r = await sess.dispatcher.post('/api/v1/work_order', { channel: 'pigeon', caller_phone: '12', code: '123' });
  assert.equal(r.status, 400, r.text);
  const fields = r.body.error.details.map((d) => d.field).sort();
  assert.deepEqual(fields, ['caller_phone', 'channel', 'code', 'content', 'region_code', 'type']);
  assert.equal(count('SELECT count(*) FROM work_order'), before);
  // the local catalogue's leaf is fine where it applies
  const ok = await createOrder(sess.dispatcher, { category_id: local.id });
  assert.equal(ok.category_id, local.id);
  // once dispatched, the registration is a record
  const sent = await moveOrderOk(sess.dispatcher, ok.id, 'dispatch');
  r = await sess.dispatcher.patch(`/api/v1/work_order/${ok.id}`, { address: '改', version: sent.version });
  assertError(r, 409, 'conflict');
});

// ---- dispatch --------------------------------------------------------------------------

test('dispatch: a township category goes to the street unit of the place, copied to the district, with the snapshot and clocks', async () => {
  const row = await createOrder(sess.dispatcher, { region_code: COMMUNITY });
  const sug = await sess.dispatcher.get(`/api/v1/work_order/${row.id}/suggestion`);
  assert.equal(sug.status, 200, sug.text);
  assert.equal(sug.body.unit_id, units.street);
  assert.equal(sug.body.unit_label, '建外街道办事处');
  assert.equal(sug.body.copy_unit_id, units.district);
  assert.equal(sug.body.copy_unit_label, '朝阳区人民政府');
  assert.match(sug.body.reason, /属地/);
  assert.equal(sug.body.category.code, 'CG.01');
  assert.equal(sug.body.category.limit_amount, 7);
  // a handler may not ask
  assert.equal((await sess.street.get(`/api/v1/work_order/${row.id}/suggestion`)).status, 403);
  const t0 = today();
  const sent = await moveOrderOk(sess.dispatcher, row.id, 'dispatch');
  assert.equal(sent.state, 'dispatched');
  assert.equal(sent.unit_id, units.street);
  assert.equal(sent.copy_unit_id, units.district);
  assert.equal(sent.respond_amount, 24);
  assert.equal(sent.respond_unit, 'hours');
  assert.equal(sent.limit_amount, 7);
  assert.equal(sent.limit_unit, 'calendar_days');
  assert.equal(sent.category_version, Number(s.sqlite(`SELECT max(version) FROM dispatch_category_version WHERE category_id = ${cats.general}`).stdout.trim()));
  assert.equal(sent.rate_month, shanghaiMonth(unix(sent.dispatched_at)));
  assert.equal(clock(sent, 'respond').label, '签收并先行联系期限');
  assert.equal(clock(sent, 'handle').label, '办理反馈期限');
  assert.equal(unix(clock(sent, 'respond').due) - unix(sent.dispatched_at), 24 * 3600);
  assert.equal(clock(sent, 'handle').due, endOfDay(rollForward(t0 + 7)));
  assert.equal(sent.respond_due, clock(sent, 'respond').due);
  assert.equal(sent.handle_due, clock(sent, 'handle').due);
});

test('dispatch: a department category goes to its unit; a district one and a place without a street unit to the district', async () => {
  const heat = await dispatchedOrder(ctx, { category_id: cats.utility, content: '家里暖气不热，室温只有15度。' });
  assert.equal(heat.unit_id, units.department);
  assert.equal(heat.copy_unit_id, null);
  assert.equal(heat.urgency, 'utility');
  const old = await createOrder(sess.dispatcher, { category_id: cats.complex, region_code: SIBLING });
  const sug = (await sess.dispatcher.get(`/api/v1/work_order/${old.id}/suggestion`)).body;
  assert.equal(sug.unit_id, units.district);
  assert.equal(sug.copy_unit_id, null);
  assert.match(sug.reason, /区政府承办/);
  assert.equal((await moveOrderOk(sess.dispatcher, old.id, 'dispatch')).unit_id, units.district);
  const far = await createOrder(sess.dispatcher, { region_code: NO_UNIT_STREET });
  const fb = (await sess.dispatcher.get(`/api/v1/work_order/${far.id}/suggestion`)).body;
  assert.equal(fb.unit_id, units.district);
  assert.equal(fb.copy_unit_id, null);
  assert.match(fb.reason, /兜底/);
  const farSent = await moveOrderOk(sess.dispatcher, far.id, 'dispatch');
  assert.equal(farSent.unit_id, units.district);
  // the dispatcher may choose: the sibling street does not cover 建外; the department does
  const mine = await createOrder(sess.dispatcher);
  const before = count(`SELECT count(*) FROM deadline WHERE entity = 'work_order' AND row_id = ${mine.id}`);
  let r = await moveOrder(sess.dispatcher, mine.id, 'dispatch', { unit_id: units.sibling });
  assertInvalid(r, [['unit_id', 'workorder_unit_out_of_region']]);
  r = await moveOrder(sess.dispatcher, mine.id, 'dispatch', { unit_id: units.street, copy_unit_id: units.street });
  assertInvalid(r, [['copy_unit_id', 'workorder_copy_same']]);
  r = await moveOrder(sess.dispatcher, mine.id, 'dispatch', { unit_id: 'abc' });
  assertInvalid(r, [['unit_id', 'type_id']]);
  const again = await get('dispatcher', mine.id);
  assert.equal(again.state, 'received');
  assert.equal(again.unit_id, null);
  assert.equal(count(`SELECT count(*) FROM deadline WHERE entity = 'work_order' AND row_id = ${mine.id}`), before);
  const alone = await createOrder(sess.dispatcher);
  const uncopied = await moveOrderOk(sess.dispatcher, alone.id, 'dispatch', { copy_unit_id: null });
  assert.equal(uncopied.unit_id, units.street);
  assert.equal(uncopied.copy_unit_id, null, 'copy_unit_id null: nobody copied');
  const dept = await moveOrderOk(sess.dispatcher, mine.id, 'dispatch', { unit_id: units.department });
  assert.equal(dept.unit_id, units.department);
  assert.equal(dept.copy_unit_id, null, 'a department is not copied to the district');
  // an order without a category is not dispatched
  const bare = await createOrder(sess.dispatcher, { category_id: null });
  assertInvalid(await moveOrder(sess.dispatcher, bare.id, 'dispatch'), [['category_id', 'workorder_category_required']]);
  const nocat = (await sess.dispatcher.get(`/api/v1/work_order/${bare.id}/suggestion`)).body;
  assert.equal(nocat.unit_id, units.district);
  assert.equal(nocat.category, null);
});

// ---- the whole way -----------------------------------------------------------------------

test('every state: sign, contact in time, start, reply, callback unsolved, reopen, reply, callback, close', async () => {
  const sent = await dispatchedOrder(ctx);
  const id = sent.id;
  // the copied district sees it but does not handle it; the other street sees nothing
  assert.equal((await get('district', id)).id, id);
  assertError(await moveOrder(sess.district, id, 'sign'), 403, 'forbidden');
  assert.equal((await moveOrder(sess.sibling, id, 'sign')).status, 404);
  assert.equal((await moveOrder(sess.dispatcher, id, 'sign')).status, 403);
  const signed = await moveOrderOk(sess.street, id, 'sign');
  assert.equal(signed.state, 'signed');
  assert.ok(signed.signed_at);
  assertInvalid(await moveOrder(sess.street, id, 'contact', {}), [['contact_note', 'required']]);
  assert.equal((await get('street', id)).state, 'signed');
  const contacted = await moveOrderOk(sess.street, id, 'contact', { contact_note: '已电话联系诉求人，约定现场查看' });
  assert.equal(contacted.state, 'contacted');
  assert.equal(contacted.responded_in_time, true);
  assert.equal(clock(contacted, 'respond').state, 'stopped');
  assert.equal(contacted.contact_note, '已电话联系诉求人，约定现场查看');
  const handling = await moveOrderOk(sess.street, id, 'start');
  assert.equal(handling.state, 'handling');
  // reply needs its fields
  assertInvalid(await moveOrder(sess.street, id, 'reply', { result: 'maybe' }), [['reply', 'required'], ['result', 'invalid_enum']]);
  const replied = await moveOrderOk(sess.street, id, 'reply', { reply: '已协调城管清理占道摊位', result: 'solved' });
  assert.equal(replied.state, 'replied');
  assert.equal(clock(replied, 'handle').state, 'stopped');
  assert.ok(replied.replied_at);
  assertInvalid(await moveOrder(sess.dispatcher, id, 'callback', { satisfaction: 'satisfied' }), [['solved', 'required']]);
  const back = await moveOrderOk(sess.dispatcher, id, 'callback', { solved: false, satisfaction: 'unsatisfied', callback_note: '诉求人称摊贩晚上又回来了' });
  assert.equal(back.state, 'called_back');
  assert.equal(back.solved, false);
  assert.equal(back.satisfaction, 'unsatisfied');
  const t0 = today();
  const again = await moveOrderOk(sess.dispatcher, id, 'reopen', { callback_note: '重新办理' });
  assert.equal(again.state, 'handling');
  assert.equal(clock(again, 'handle').state, 'running');
  assert.equal(clock(again, 'handle').due, endOfDay(rollForward(t0 + 7)));
  assert.equal(again.handle_due, clock(again, 'handle').due);
  await moveOrderOk(sess.street, id, 'reply', { reply: '夜间加强巡查', result: 'solved' });
  const done = await moveOrderOk(sess.dispatcher, id, 'callback', { solved: true, satisfaction: 'basic' });
  assertError(await moveOrder(sess.dispatcher, id, 'reopen'), 409, 'conflict');
  const closed = await moveOrderOk(sess.dispatcher, id, 'close');
  assert.equal(closed.state, 'closed');
  assert.ok(closed.closed_at);
  assert.equal(done.solved, true);
  assert.deepEqual(closed.actions, []);
  const actions = closed.history.map((h) => h.action);
  assert.deepEqual(actions, ['create', 'dispatch', 'sign', 'contact', 'start', 'reply', 'callback', 'reopen', 'reply', 'callback', 'close']);
});

test('extension: at most the limit, one pending at a time, the leader decides, approved once; handle_due follows', async () => {
  const sent = await dispatchedOrder(ctx);
  const id = sent.id;
  await moveOrderOk(sess.street, id, 'sign');
  await moveOrderOk(sess.street, id, 'contact', { contact_note: '已联系' });
  assertError(await moveOrder(sess.leader, id, 'approve_extension'), 409, 'conflict');
  assertInvalid(await moveOrder(sess.street, id, 'request_extension', { extension_amount: 8, extension_reason: '需协调' }), [['extension_amount', 'workorder_extension_too_long']]);
  assertInvalid(await moveOrder(sess.street, id, 'request_extension', { extension_amount: 0 }), [['extension_amount', 'out_of_range'], ['extension_reason', 'required']]);
  assert.equal((await get('street', id)).extension_state, null);
  let row = await moveOrderOk(sess.street, id, 'request_extension', { extension_amount: 2, extension_reason: '需协调多个部门' });
  assert.equal(row.extension_state, 'pending');
  assertError(await moveOrder(sess.street, id, 'request_extension', { extension_amount: 1, extension_reason: '再申请' }), 409, 'conflict');
  assert.equal((await moveOrder(sess.street, id, 'approve_extension')).status, 403);
  row = await moveOrderOk(sess.leader, id, 'reject_extension');
  assert.equal(row.extension_state, 'rejected');
  assert.equal(row.handle_due, sent.handle_due);
  await moveOrderOk(sess.street, id, 'start');
  row = await moveOrderOk(sess.street, id, 'request_extension', { extension_amount: 3, extension_reason: '需协调多个部门' });
  const due = dayOf(unix(sent.handle_due));
  await holiday(due + 3);
  row = await moveOrderOk(sess.leader, id, 'approve_extension');
  assert.equal(row.extension_state, 'approved');
  assert.equal(row.state, 'handling');
  assert.equal(clock(row, 'handle').extended, true);
  assert.equal(clock(row, 'handle').due, endOfDay(rollForward(due + 3)));
  assert.equal(row.handle_due, clock(row, 'handle').due);
  assertError(await moveOrder(sess.street, id, 'request_extension', { extension_amount: 1, extension_reason: '再申请' }), 409, 'conflict');
});

test('returns: paused clocks, kept by the dispatcher (the paused time is not counted), reassigned afresh to another unit', async () => {
  const sent = await dispatchedOrder(ctx);
  const id = sent.id;
  await moveOrderOk(sess.street, id, 'sign');
  assertInvalid(await moveOrder(sess.street, id, 'return', { return_reason: 'bored' }), [['return_reason', 'invalid_enum'], ['return_note', 'required']]);
  let row = await moveOrderOk(sess.street, id, 'return', { return_reason: 'not_our_duty', return_note: '属供热企业职责' });
  assert.equal(row.state, 'returned');
  assert.equal(row.return_count, 1);
  assert.equal(row.returned_unit_id, units.street);
  assert.equal(clock(row, 'respond').state, 'paused');
  assert.equal(clock(row, 'handle').state, 'paused');
  await advance(3600);
  assertInvalid(await moveOrder(sess.dispatcher, id, 'keep', {}), [['arbitration_note', 'required']]);
  row = await moveOrderOk(sess.dispatcher, id, 'keep', { arbitration_note: '属于街道属地管理职责' });
  assert.equal(row.state, 'dispatched');
  assert.equal(row.arbitration, 'kept');
  assert.equal(clock(row, 'respond').state, 'running');
  const moved = unix(row.respond_due) - unix(sent.respond_due);
  assert.ok(moved >= 3600 && moved <= 3660, `respond moved by the pause: ${moved}`);
  assert.equal(row.respond_due, clock(row, 'respond').due);
  assert.equal(unix(row.handle_due) - unix(sent.handle_due), moved);
  assert.ok(row.signed_at, 'kept: still signed');
  // returned again, now before signing: reassigned to the department
  row = await moveOrderOk(sess.street, id, 'return', { return_reason: 'not_our_duty', return_note: '再次退单' });
  assert.equal(row.return_count, 2);
  assertInvalid(await moveOrder(sess.dispatcher, id, 'reassign', {}), [['unit_id', 'required']]);
  assertInvalid(await moveOrder(sess.dispatcher, id, 'reassign', { unit_id: units.street }), [['unit_id', 'workorder_unit_same']]);
  assertInvalid(await moveOrder(sess.dispatcher, id, 'reassign', { unit_id: units.sibling }), [['unit_id', 'workorder_unit_out_of_region']]);
  assert.equal((await get('dispatcher', id)).state, 'returned');
  const t0 = today();
  row = await moveOrderOk(sess.dispatcher, id, 'reassign', { unit_id: units.department, arbitration_note: '改派区城管委' });
  assert.equal(row.state, 'dispatched');
  assert.equal(row.unit_id, units.department);
  assert.equal(row.copy_unit_id, null);
  assert.equal(row.arbitration, 'reassigned');
  assert.equal(row.signed_at, null);
  assert.equal(row.rate_month, shanghaiMonth(unix(row.dispatched_at)));
  assert.equal(clock(row, 'respond').state, 'running');
  assert.equal(unix(row.respond_due) - unix(row.dispatched_at), 24 * 3600);
  assert.equal(row.handle_due, endOfDay(rollForward(t0 + 7)));
  // the street no longer sees it; the department does and handles it
  assert.equal((await sess.street.get(`/api/v1/work_order/${id}`)).status, 404);
  assert.equal((await moveOrderOk(sess.department, id, 'sign')).state, 'signed');
});

// ---- limits ------------------------------------------------------------------------------

test('limits: minutes and hours count elapsed time; a late contact is not in time', async () => {
  const urgent = await dispatchedOrder(ctx, { category_id: cats.urgent, content: '路口井盖丢失，有行人跌落危险' });
  assert.equal(urgent.urgency, 'urgent');
  assert.equal(unix(urgent.respond_due) - unix(urgent.dispatched_at), 30 * 60);
  assert.equal(unix(urgent.handle_due) - unix(urgent.dispatched_at), 2 * 3600);
  const heat = await dispatchedOrder(ctx, { category_id: cats.utility });
  assert.equal(unix(heat.respond_due) - unix(heat.dispatched_at), 2 * 3600);
  assert.equal(unix(heat.handle_due) - unix(heat.dispatched_at), 24 * 3600);
  await advance(31 * 60);
  await moveOrderOk(sess.street, urgent.id, 'sign');
  const late = await moveOrderOk(sess.street, urgent.id, 'contact', { contact_note: '已联系' });
  assert.equal(late.responded_in_time, false);
  // the overdue list of the dispatch board
  const now = iso(Math.floor(s.serverNow()));
  const list = await sess.dispatcher.get(`/api/v1/work_order?respond_due_to=${encodeURIComponent(now)}&state=dispatched`);
  assert.equal(list.status, 200, list.text);
  assert.ok(!list.body.items.some((o) => o.id === urgent.id), 'contacted: not on the dispatched list');
  const inTime = await moveOrderOk(sess.department, heat.id, 'sign');
  assert.equal((await moveOrderOk(sess.department, heat.id, 'contact', { contact_note: '已联系' })).responded_in_time, true);
  assert.equal(inTime.state, 'signed');
});

test('limits: calendar days roll past a holiday, working days skip it', async () => {
  const t0 = today();
  await holiday(rollForward(t0 + 7)); // the 7th day (or the workday it rolls to) is a holiday now
  const general = await dispatchedOrder(ctx);
  assert.equal(general.handle_due, endOfDay(rollForward(t0 + 7)));
  assert.ok(dayOf(unix(general.handle_due)) > t0 + 7);
  await holiday(addWorkingDays(t0, 3));
  const complex = await dispatchedOrder(ctx, { category_id: cats.complex, content: '小区历史遗留的产权问题' });
  assert.equal(complex.limit_unit, 'working_days');
  assert.equal(complex.handle_due, endOfDay(addWorkingDays(t0, 15)));
  assert.equal(clock(complex, 'handle').due, complex.handle_due);
});

// ---- at intake ---------------------------------------------------------------------------

test('a consultation is answered at intake; other types are not; redirects end the order', async () => {
  const q = await createOrder(sess.dispatcher, { type: 'consult', content: '请问居住证怎么办理？', category_id: null });
  assertInvalid(await moveOrder(sess.dispatcher, q.id, 'answer', {}), [['answer', 'required']]);
  const answered = await moveOrderOk(sess.dispatcher, q.id, 'answer', { answer: '携带身份证和租房合同到社区服务站办理' });
  assert.equal(answered.state, 'closed');
  assert.ok(answered.closed_at);
  assert.equal(answered.dispatched_at, null);
  assert.equal(answered.rate_month, null);
  const c = await createOrder(sess.dispatcher);
  assertError(await moveOrder(sess.dispatcher, c.id, 'answer', { answer: '已答复' }), 409, 'conflict');
  assert.equal((await get('dispatcher', c.id)).state, 'received');
  assertInvalid(await moveOrder(sess.dispatcher, c.id, 'redirect', { redirect_to: 'police_999', answer: '请报警' }), [['redirect_to', 'invalid_enum']]);
  const red = await moveOrderOk(sess.dispatcher, c.id, 'redirect', { redirect_to: 'litigation', answer: '合同纠纷请向人民法院起诉' });
  assert.equal(red.state, 'redirected');
  assert.equal(red.redirect_to, 'litigation');
  assert.deepEqual(red.actions, []);
  assert.equal((await moveOrder(sess.dispatcher, c.id, 'dispatch')).status, 409);
  // the leader may not answer at intake
  const other = await createOrder(sess.dispatcher, { type: 'consult' });
  assert.equal((await moveOrder(sess.leader, other.id, 'answer', { answer: 'x' })).status, 403);
});

// ---- who reads ----------------------------------------------------------------------------

test('a handler sees only its unit\'s orders (and those copied to it); lists are filtered; callers are masked', async () => {
  const a = await dispatchedOrder(ctx, { content: '建外街道噪声扰民' });
  const b = await dispatchedOrder(ctx, { region_code: SIBLING, content: '朝外街道噪声扰民' });
  const c = await dispatchedOrder(ctx, { category_id: cats.utility, content: '暖气不热' });
  const ids = (r) => r.body.items.map((o) => o.id);
  const list = async (who, q = '?size=200') => {
    const r = await sess[who].get(`/api/v1/work_order${q}`);
    assert.equal(r.status, 200, r.text);
    return ids(r);
  };
  const street = await list('street');
  assert.ok(street.includes(a.id) && !street.includes(b.id) && !street.includes(c.id));
  const sibling = await list('sibling');
  assert.ok(sibling.includes(b.id) && !sibling.includes(a.id) && !sibling.includes(c.id));
  const dept = await list('department');
  assert.ok(dept.includes(c.id) && !dept.includes(a.id) && !dept.includes(b.id));
  const district = await list('district'); // copied on the township orders
  assert.ok(district.includes(a.id) && district.includes(b.id) && !district.includes(c.id));
  const whistle = await list('whistle');
  assert.ok(whistle.includes(a.id) && !whistle.includes(b.id));
  const all = await list('dispatcher');
  assert.ok(all.includes(a.id) && all.includes(b.id) && all.includes(c.id));
  assert.equal((await sess.street.get(`/api/v1/work_order/${b.id}`)).status, 404);
  assert.equal((await sess.street.get(`/api/v1/work_order/${c.id}`)).status, 404);
  assert.equal((await moveOrder(sess.street, c.id, 'sign')).status, 404);
  // an undispatched order is nobody's unit's
  const fresh = await createOrder(sess.dispatcher);
  assert.equal((await sess.street.get(`/api/v1/work_order/${fresh.id}`)).status, 404);
  // the caller: masked for the leader (no workorder.identity), in clear for the dispatcher who asks
  const leader = await get('leader', a.id, '?reveal=1');
  assert.notEqual(leader.caller_phone, '13812345678');
  assert.match(leader.caller_phone, /\*/);
  assert.notEqual(leader.caller_name, '张建国');
  const handler = await get('street', a.id, '?reveal=1');
  assert.match(handler.caller_phone, /\*/);
  assert.match((await get('dispatcher', a.id)).caller_phone, /\*/, 'masked unless asked');
  const clear = await get('dispatcher', a.id, '?reveal=1');
  assert.equal(clear.caller_phone, '13812345678');
  assert.equal(clear.caller_name, '张建国');
  // the phone is sealed in the table
  assert.doesNotMatch(s.sqlite(`SELECT caller_phone_enc FROM work_order WHERE id = ${a.id}`).stdout, /13812345678/);
  // full text: content and address, never the caller's name
  const byText = await sess.dispatcher.get(`/api/v1/work_order?q=${encodeURIComponent('噪声扰民')}`);
  assert.ok(ids(byText).includes(a.id) && ids(byText).includes(b.id));
  const byName = await sess.dispatcher.get(`/api/v1/work_order?q=${encodeURIComponent('张建国')}`);
  assert.equal(byName.status, 200, byName.text);
  assert.deepEqual(ids(byName), []);
  assert.equal(count(`SELECT count(*) FROM work_order_fts WHERE body LIKE '%张建国%'`), 0);
});

// ---- the catalogue changes later ---------------------------------------------------------

test('a later catalogue change leaves dispatched orders alone and writes a new version; new dispatches take it', async () => {
  const old = await dispatchedOrder(ctx, { category_id: cats.utility });
  const cat = (await sess.dispatcher.get(`/api/v1/dispatch_category/${cats.utility}`)).body;
  const versions = count(`SELECT count(*) FROM dispatch_category_version WHERE category_id = ${cats.utility}`);
  const r = await sess.dispatcher.patch(`/api/v1/dispatch_category/${cats.utility}`, { limit_amount: 12, respond_amount: 1, version: cat.version });
  assert.equal(r.status, 200, r.text);
  assert.equal(count(`SELECT count(*) FROM dispatch_category_version WHERE category_id = ${cats.utility}`), versions + 1);
  const still = await get('dispatcher', old.id);
  assert.equal(still.limit_amount, 24);
  assert.equal(still.respond_amount, 2);
  assert.equal(still.handle_due, old.handle_due);
  assert.equal(still.category_version, old.category_version);
  const fresh = await dispatchedOrder(ctx, { category_id: cats.utility });
  assert.equal(fresh.limit_amount, 12);
  assert.equal(fresh.respond_amount, 1);
  assert.equal(fresh.category_version, r.body.version);
  assert.ok(fresh.category_version > old.category_version);
  assert.equal(unix(fresh.handle_due) - unix(fresh.dispatched_at), 12 * 3600);
  // the old order's limit also governs its reopening
  await moveOrderOk(sess.department, old.id, 'sign');
  await moveOrderOk(sess.department, old.id, 'contact', { contact_note: '已联系' });
  await moveOrderOk(sess.department, old.id, 'start');
  await moveOrderOk(sess.department, old.id, 'reply', { reply: '已维修', result: 'explained' });
  await moveOrderOk(sess.dispatcher, old.id, 'callback', { solved: false, satisfaction: 'basic' });
  const re = await moveOrderOk(sess.dispatcher, old.id, 'reopen');
  assert.equal(unix(re.handle_due) - unix(clock(re, 'handle').started), 24 * 3600);
});

test('no unit covers the place: the suggestion answers 404 and dispatch asks for a unit', async () => {
  s.addUser('wo_city', 'dispatcher', '110100000000');
  const city = await s.login('wo_city');
  const cat = (await city.post('/api/v1/dispatch_category', { code: 'CITY.01', name: '全市通用', region_code: '110100000000', handler_kind: 'township', urgency: 'general', respond_amount: 1, respond_unit: 'hours', limit_amount: 3, limit_unit: 'working_days' })).body;
  const row = await createOrder(city, { region_code: OTHER_COUNTY, category_id: cat.id });
  const sug = await city.get(`/api/v1/work_order/${row.id}/suggestion`);
  assertError(sug, 404, 'not_found');
  assert.match(sug.body.error.message, /区政府/);
  assertInvalid(await moveOrder(city, row.id, 'dispatch'), [['unit_id', 'workorder_no_suggestion']]);
  assert.equal((await city.get(`/api/v1/work_order/${row.id}`)).body.state, 'received');
  // a department of 朝阳区 does not cover 丰台区
  assertInvalid(await moveOrder(city, row.id, 'dispatch', { unit_id: units.department }), [['unit_id', 'workorder_unit_out_of_region']]);
  // the county dispatcher does not see it at all
  assert.equal((await sess.dispatcher.get(`/api/v1/work_order/${row.id}/suggestion`)).status, 404);
});

// A 12345 platform's batch and a catalogue kept in a spreadsheet come in by CSV import:
// each row through the same checks and hooks as the API, nothing written on any mistake.
test('import: a batch of orders is registered as received with codes; a catalogue sheet adds versioned categories', async () => {
  const imp = (path, lines, dry = false) => sess.dispatcher.request('POST', `${path}/import${dry ? '?dry_run=1' : ''}`, {
    raw: lines.join('\r\n') + '\r\n', headers: { 'Content-Type': 'text/csv' },
  });
  const before = count('SELECT count(*) FROM work_order');
  const head = 'channel,type,content,region_code,category_id,address';
  const good = [head, `hotline,complaint,夜间施工噪音扰民,${STREET},${cats.general},建国门外大街1号`,
    `web,help,楼道灯不亮,${STREET},${cats.general},`];
  let r = await imp('/api/v1/work_order', good, true);
  assert.equal(r.status, 200, r.text);
  assert.equal(count('SELECT count(*) FROM work_order'), before, 'a dry run writes nothing');
  // one bad row (an unknown channel, a place outside the county) fails the whole file
  r = await imp('/api/v1/work_order', [...good, `fax,help,传真来件,${OTHER_COUNTY},${cats.general},`]);
  assert.equal(r.status, 400, r.text);
  assert.ok(r.body.error.details.every((d) => d.row === 4), r.text);
  assert.equal(count('SELECT count(*) FROM work_order'), before);
  r = await imp('/api/v1/work_order', good);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.ids.length, 2);
  for (const id of r.body.ids) {
    const row = await get('dispatcher', id);
    assert.equal(row.state, 'received');
    assert.match(row.code, /^\d{12}$/);
    assert.equal(row.urgency, 'general');
  }
  // handlers do not import orders
  assert.equal((await sess.street.request('POST', '/api/v1/work_order/import', {
    raw: good.join('\r\n') + '\r\n', headers: { 'Content-Type': 'text/csv' } })).status, 403);

  const catHead = 'code,name,region_code,handler_kind,urgency,respond_amount,respond_unit,limit_amount,limit_unit';
  r = await imp('/api/v1/dispatch_category', [catHead, `IMP.01,共享单车乱停放,${COUNTY},township,general,24,hours,7,calendar_days`,
    `IMP.02,桥梁隐患,${COUNTY},department,complex,24,hours,15,working_days`]);
  assert.equal(r.status, 400, r.text); // a department category needs its unit
  assert.deepEqual(r.body.error.details.map((d) => d.row), [3]);
  r = await imp('/api/v1/dispatch_category', [catHead, `IMP.01,共享单车乱停放,${COUNTY},township,general,24,hours,7,calendar_days`]);
  assert.equal(r.status, 200, r.text);
  assert.equal(count(`SELECT count(*) FROM dispatch_category_version WHERE category_id = ${r.body.ids[0]}`), 1);
});
