// Workflows of the entity engine, on the test-only specimen entity (tests/fixture): the
// transition rules (state, permission, scope, fields), the history, deadline clocks in
// working and calendar days across holidays, roll-forward, extension once, pause and
// resume, the 督办 job writing each notice exactly once (also across a restart), notices
// with read marks, and the to-do list — each within the user's region scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions, specimenUsers, makeSpecimen, PROVINCE, COUNTY, STREET as STREET_A, SIBLING as STREET_B } from './lib/fixture.mjs';

const STREET_C = '110105003000'; // only the to-do test's rows live here
const UNIT = '7001'; // at STREET_A
const UNIT_C = '7003'; // at STREET_C

const DAY = 86400;
const SH = 8 * 3600; // Asia/Shanghai

const s = new Server();
const sess = {};
const users = {
  clerk: ['specimen_clerk', COUNTY],
  officer: ['specimen_officer', STREET_A],
  officer_b: ['specimen_officer', STREET_B],
  reader: ['specimen_reader', COUNTY],
  sup: ['specimen_supervisor', STREET_A],
  sup_b: ['specimen_supervisor', STREET_B],
  sup_county: ['specimen_supervisor', COUNTY],
  mixed: ['specimen_clerk', COUNTY], // and specimen_officer at STREET_B only
  clerk_c: ['specimen_clerk', STREET_C],
  officer_c: ['specimen_officer', STREET_C],
};

// ---- dates as the server counts them (the calendar holds only this file's corrections) --
const holidays = new Set();
const dayOf = (unix) => Math.floor((unix + SH) / DAY);
const dateOf = (day) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
const dayOfDate = (date) => Date.parse(`${date}T00:00:00Z`) / 1000 / DAY;
const weekday = (day) => ((new Date(day * DAY * 1000).getUTCDay() + 6) % 7) + 1;
const isWorkday = (day) => !holidays.has(day) && weekday(day) <= 5;
const endOfDay = (day) => new Date((day * DAY + DAY - 1 - SH) * 1000).toISOString().replace('.000Z', 'Z');
const unixOf = (iso) => Date.parse(iso) / 1000;
function addWorkingDays(from, n) {
  let d = from;
  while (n > 0) if (isWorkday(++d)) n--;
  return d;
}
function rollForward(d) {
  while (!isWorkday(d)) d++;
  return d;
}
function nextWorkday(from) {
  return addWorkingDays(from, 1);
}
const today = () => dayOf(Math.floor(s.serverNow()));

async function holiday(day) {
  const r = await sess.sys.request('PUT', `/api/v1/calendar/${dateOf(day)}`, { body: { kind: 'holiday', name: '测试假日' } });
  assert.equal(r.status, 200, r.text);
  holidays.add(day);
}

async function loginAll() {
  for (const name of Object.keys(users)) sess[name] = await s.login(name);
  sess.sys = await s.login('sys');
}

/** Moves the server's clock and logs everyone in again (sessions expire when idle). */
async function advance(seconds) {
  await s.advance(seconds);
  await loginAll();
}

const create = (who, body) => makeSpecimen(sess[who], body);
const act = (who, id, action, body = {}) => sess[who].post(`/api/v1/specimen/${id}/actions/${action}`, body);
async function actOk(who, id, action, body) {
  const r = await act(who, id, action, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body;
}
async function get(who, id) {
  const r = await sess[who].get(`/api/v1/specimen/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const clock = (row, name) => row.deadlines.find((d) => d.name === name);
const runJobs = async () => {
  const r = await s.request('POST', '/api/v1/test/jobs');
  assert.equal(r.status, 200, r.text);
  return r.body;
};
async function notices(who, query = '') {
  const r = await sess[who].get(`/api/v1/notices?size=200${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

before(async () => {
  await s.start();
  seedRegions(s);
  s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('${STREET_C}', '${COUNTY}', 4, '呼家楼街道', '北京市/朝阳区/呼家楼街道', 0, 0);
    INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (${UNIT}, '建外街道办事处', 'gov', '${STREET_A}', 0, 0),
    (${UNIT_C}, '呼家楼街道办事处', 'gov', '${STREET_C}', 0, 0);`);
  Object.assign(sess, await specimenUsers(s, users));
  const g = s.cli(['user', 'grant', 'mixed', '--role', 'specimen_officer', '--region', STREET_B]);
  assert.equal(g.status, 0, g.stderr);
  sess.mixed = await s.login('mixed'); // a grant ends the user's sessions
  s.addUser('sys', 'sysadmin', PROVINCE);
  sess.sys = await s.login('sys');
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('a new row starts in the initial state with its history and a working-day clock across a holiday', async () => {
  const t0 = today();
  const h = nextWorkday(t0); // the first working day that would count
  const without = addWorkingDays(t0, 3);
  await holiday(h);
  const row = await create('clerk', { title: '楼上噪音' });
  assert.equal(row.state, 'draft');
  assert.equal(row.state_label, '草稿');
  assert.equal(row.history.length, 1);
  const [created] = row.history;
  assert.deepEqual(
    { action: created.action, label: created.label, from: created.from, to: created.to, user: created.user, comment: created.comment },
    { action: 'create', label: '创建', from: null, to: 'draft', user: 'clerk', comment: null },
  );
  assert.match(created.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const submit = clock(row, 'submit');
  assert.equal(submit.label, '提交期限');
  assert.equal(submit.state, 'running');
  assert.equal(submit.extended, false);
  assert.equal(submit.overdue, false);
  // 3 working days counted from the day after today, the holiday skipped, due 23:59:59 +08
  const due = addWorkingDays(t0, 3);
  assert.ok(due > without);
  assert.equal(submit.due, endOfDay(due));
  assert.match(submit.due, /T15:59:59Z$/);
  // the clerk may submit; nothing else from a draft
  assert.deepEqual(row.actions.map((a) => a.action), ['submit']);
  assert.deepEqual(row.actions[0], { action: 'submit', label: '提交', to: 'submitted', to_label: '已提交', fields: [] });
  // a reader sees the same row but may take no action
  const seen = await get('reader', row.id);
  assert.deepEqual(seen.actions, []);
  assert.equal(seen.history.length, 1);
});

test('transition rules: unknown action, permission, scope, state, fields, version', async () => {
  const row = await create('clerk', { title: '路灯不亮', category: 'repair' });
  // unknown action
  const unknown = assertError(await act('clerk', row.id, 'teleport'), 404, 'not_found');
  assert.equal(unknown.message, '该记录没有此操作');
  // the reader lacks specimen.write
  assertError(await act('reader', row.id, 'submit'), 403, 'forbidden');
  // officer_b cannot even see a row of another street
  assertError(await act('officer_b', row.id, 'submit'), 404, 'not_found');
  // wrong state: accept needs a submitted row; the message names the current state
  const wrong = assertError(await act('officer', row.id, 'accept', { unit_id: UNIT }), 409, 'conflict');
  assert.match(wrong.message, /草稿/);
  // a stale version is refused; the current one is accepted
  assertError(await act('clerk', row.id, 'submit', { version: row.version + 5 }), 409, 'conflict');
  // unknown keys and every bad field at once
  assertInvalid(await act('clerk', row.id, 'submit', { note: 1, comment: 5 }), [['note', 'unknown_field'], ['comment', 'type_string']]);
  assertInvalid(await act('clerk', row.id, 'submit', { comment: '长'.repeat(501) }), [['comment', 'too_long']]);
  const submitted = await actOk('clerk', row.id, 'submit', { version: row.version, comment: '请尽快处理' });
  assert.equal(submitted.state, 'submitted');
  assert.equal(submitted.state_label, '已提交');
  assert.equal(submitted.version, row.version + 1);
  assert.equal(clock(submitted, 'submit').state, 'stopped');
  assert.equal(clock(submitted, 'review').state, 'running');
  assert.equal(clock(submitted, 'review').label, '审核期限');
  // the clerk cannot accept (specimen.approve), the officer can, with a required unit
  assertError(await act('clerk', row.id, 'accept', { unit_id: UNIT }), 403, 'forbidden');
  assertInvalid(await act('officer', row.id, 'accept', {}), [['unit_id', 'required']]);
  assertInvalid(await act('officer', row.id, 'accept', { unit_id: 'x', comment: [], extra: true }), [
    ['extra', 'unknown_field'], ['comment', 'type_string'], ['unit_id', 'type_id'],
  ]);
  assertInvalid(await act('officer', row.id, 'accept', { unit_id: '999999' }), [['unit_id', 'not_found']]);
  // a ref is checked as on create: a unit outside the officer's scope is not found
  assertInvalid(await act('officer', row.id, 'accept', { unit_id: UNIT_C }), [['unit_id', 'not_found']]);
  assertInvalid(await act('officer', row.id, 'reject', { reason: '' }), [['reason', 'required']]);
  assertInvalid(await act('officer', row.id, 'reject', { reason: '理'.repeat(101) }), [['reason', 'too_long']]);
  // mixed holds specimen.approve, but only for another street: 403 (it can read the row)
  const other = assertError(await act('mixed', row.id, 'accept', { unit_id: UNIT }), 403, 'forbidden');
  assert.match(other.message, /管辖范围/);
  assert.deepEqual((await get('mixed', row.id)).actions, []);
  // nothing of those refusals changed the row
  const still = await get('clerk', row.id);
  assert.equal(still.state, 'submitted');
  assert.equal(still.version, submitted.version);
  assert.equal(still.history.length, 2);

  // reject writes the entity's reason column and ends the workflow
  const rejected = await actOk('officer', row.id, 'reject', { reason: '不属于受理范围' });
  assert.equal(rejected.state, 'rejected');
  assert.equal(rejected.reason, '不属于受理范围');
  assert.deepEqual(rejected.actions, []);
  assert.equal(clock(rejected, 'review').state, 'stopped');
  const again = assertError(await act('officer', row.id, 'reject', { reason: '再次' }), 409, 'conflict');
  assert.match(again.message, /不予受理/);
  // a deleted row has no actions
  const gone = await create('clerk', { title: '误录' });
  assert.equal((await sess.clerk.del(`/api/v1/specimen/${gone.id}`)).status, 204);
  assertError(await act('clerk', gone.id, 'submit'), 404, 'not_found');
});

test('the whole way: history, calendar days rolled past a holiday, extension once, pause and resume, hours', async () => {
  const row = await create('clerk', { title: '排水不畅' });
  await actOk('clerk', row.id, 'submit');
  // make the 10th calendar day (and the next day) a holiday: the due day rolls forward
  const t0 = today();
  await holiday(t0 + 10);
  await holiday(t0 + 11);
  const accepted = await actOk('officer', row.id, 'accept', { unit_id: UNIT, comment: '转建外街道办理' });
  assert.equal(accepted.state, 'handling');
  assert.equal(String(accepted.unit_id), UNIT); // the action's field is also the entity's
  const handle = clock(accepted, 'handle');
  const rolled = rollForward(t0 + 10);
  assert.ok(rolled >= t0 + 12);
  assert.equal(handle.due, endOfDay(rolled));
  assert.equal(handle.label, '办理期限');
  assert.equal(clock(accepted, 'review').state, 'stopped');
  assert.deepEqual(accepted.actions.map((a) => a.action).sort(), ['extend', 'hold', 'reply']);
  const extendAction = accepted.actions.find((a) => a.action === 'extend');
  assert.deepEqual(extendAction.fields.map((f) => [f.name, f.type, f.required]), [['comment', 'text', true]]);

  // extension: the comment is the action's required field; once only
  assertInvalid(await act('officer', row.id, 'extend', {}), [['comment', 'required']]);
  assertError(await act('clerk', row.id, 'extend', { comment: '需要协调' }), 403, 'forbidden');
  const extended = await actOk('officer', row.id, 'extend', { comment: '需要协调多个部门' });
  assert.equal(extended.state, 'handling');
  assert.equal(clock(extended, 'handle').extended, true);
  assert.equal(unixOf(clock(extended, 'handle').due) - unixOf(handle.due), 5 * DAY);
  const twice = assertError(await act('officer', row.id, 'extend', { comment: '再延' }), 409, 'conflict');
  assert.match(twice.message, /已延期过一次/);
  assert.equal(clock(await get('clerk', row.id), 'handle').due, clock(extended, 'handle').due);

  // pause for two days: the due time moves by the paused time
  const held = await actOk('clerk', row.id, 'hold', { comment: '等待当事人补充材料' });
  assert.equal(held.state, 'on_hold');
  assert.equal(clock(held, 'handle').state, 'paused');
  assertError(await act('clerk', row.id, 'hold'), 409, 'conflict');
  await advance(2 * DAY);
  const released = await actOk('clerk', row.id, 'release');
  assert.equal(released.state, 'handling');
  assert.equal(clock(released, 'handle').state, 'running');
  const moved = unixOf(clock(released, 'handle').due) - unixOf(clock(extended, 'handle').due);
  assert.ok(moved >= 2 * DAY && moved < 2 * DAY + 60, `moved by ${moved} s`);

  // a clock that is not running cannot be extended, nor can a stopped one be paused
  s.sqlite(`UPDATE deadline SET state = 'stopped' WHERE entity = 'specimen' AND row_id = ${row.id} AND name = 'handle'`);
  s.sqlite(`UPDATE deadline SET extended = 0 WHERE entity = 'specimen' AND row_id = ${row.id} AND name = 'handle'`);
  const stopped = assertError(await act('officer', row.id, 'extend', { comment: '再延' }), 409, 'conflict');
  assert.match(stopped.message, /办理期限未在计时/);
  assertError(await act('clerk', row.id, 'hold'), 409, 'conflict');
  s.sqlite(`UPDATE deadline SET state = 'running', extended = 1 WHERE entity = 'specimen' AND row_id = ${row.id} AND name = 'handle'`);

  // reply: the longtext field goes into the row; a 48-hour clock starts
  assertInvalid(await act('clerk', row.id, 'reply', { reply: 7 }), [['reply', 'type_string']]);
  // an action's fields of any type are checked as on create, all mistakes at once
  assertInvalid(await act('clerk', row.id, 'reply', {
    reply: '答复', amount: '1.234', happened_at: '昨天', phone: '123', tags: ['a,b'], visit_on: '2026-02-30',
  }), [['amount', 'too_many_decimals'], ['happened_at', 'invalid_datetime'], ['phone', 'phone_invalid'],
    ['tags', 'invalid_tag'], ['visit_on', 'invalid_date']]);
  const before = Math.floor(s.serverNow());
  const replied = await actOk('clerk', row.id, 'reply', {
    reply: '已疏通排水管道', amount: 12.5, happened_at: '2026-11-29T08:00:00+08:00', phone: '13800138000',
    tags: ['排水'], visit_on: '2026-12-01',
  });
  assert.equal(replied.state, 'replied');
  assert.equal(replied.reply, '已疏通排水管道');
  // fields of the entity are written, normalised; the phone sealed and masked for the clerk
  assert.deepEqual([replied.amount, replied.happened_at, replied.phone, replied.tags],
    ['12.50', '2026-11-29T00:00:00Z', '138****8000', ['排水']]);
  assert.equal(replied.visit_on, undefined);
  const sealed = s.sqlite(`SELECT phone_enc FROM specimen WHERE id = ${row.id}`).stdout;
  assert.ok(sealed.trim().length > 0 && !sealed.includes('13800138000'));
  const found = await sess.clerk.get('/api/v1/specimen?phone=13800138000');
  assert.deepEqual(found.body.items.map((x) => x.id), [row.id]);
  assert.equal(clock(replied, 'handle').state, 'stopped');
  const urgent = unixOf(clock(replied, 'urgent').due) - before;
  assert.ok(urgent >= 48 * 3600 - 5 && urgent <= 48 * 3600 + 30, `urgent in ${urgent} s`);
  const closed = await actOk('clerk', row.id, 'close');
  assert.equal(closed.state, 'closed');
  assert.equal(closed.state_label, '已办结');
  assert.deepEqual(closed.actions, []);
  assert.ok(closed.deadlines.every((d) => d.state === 'stopped'));

  // the history, oldest first, with who, what and the fields given
  const h = closed.history;
  assert.deepEqual(h.map((x) => [x.action, x.from, x.to]), [
    ['create', null, 'draft'], ['submit', 'draft', 'submitted'], ['accept', 'submitted', 'handling'],
    ['extend', 'handling', 'handling'], ['hold', 'handling', 'on_hold'], ['release', 'on_hold', 'handling'],
    ['reply', 'handling', 'replied'], ['close', 'replied', 'closed'],
  ]);
  assert.deepEqual(h.map((x) => x.label), ['创建', '提交', '受理', '延期', '中止', '恢复', '答复', '办结']);
  assert.deepEqual(h.map((x) => x.user), ['clerk', 'clerk', 'officer', 'officer', 'clerk', 'clerk', 'clerk', 'clerk']);
  assert.equal(h[2].comment, '转建外街道办理');
  assert.deepEqual(h[2].fields, { unit_id: UNIT });
  assert.equal(h[3].comment, '需要协调多个部门');
  assert.equal(h[4].comment, '等待当事人补充材料');
  assert.deepEqual(h[6].fields, {
    reply: '已疏通排水管道', amount: '12.50', happened_at: '2026-11-29T00:00:00Z', phone: '138****8000',
    tags: ['排水'], visit_on: '2026-12-01',
  });
  assert.ok(!s.sqlite('SELECT fields FROM workflow_history').stdout.includes('13800138000'));
  assert.ok(h.every((x, i) => i === 0 || x.at >= h[i - 1].at));

  // every transition is audited as entity.action with from and to
  const audit = s.sqlite(`SELECT action, detail FROM audit_log WHERE object_type = 'specimen' AND object_id = '${row.id}' AND result = 'success' ORDER BY seq`);
  assert.equal(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, /specimen\.accept\|\{"from":"submitted","to":"handling"\}/);
  assert.match(audit.stdout, /specimen\.close\|\{"from":"replied","to":"closed"\}/);
});

test('the to-do list: what each user may act on now, within scope, nearest due first', async () => {
  const mk = (title) => create('clerk_c', { title, region_code: STREET_C });
  const a = await mk('待办甲'); // draft: clerk_c and officer_c (write)
  const b = await mk('待办乙');
  await actOk('clerk_c', b.id, 'submit'); // submitted: officer_c only (approve)
  const c = await mk('待办丙');
  await actOk('clerk_c', c.id, 'submit');
  await actOk('officer_c', c.id, 'accept', { unit_id: UNIT_C }); // handling: both
  const d = await mk('待办丁');
  await actOk('clerk_c', d.id, 'submit');
  await actOk('officer_c', d.id, 'reject', { reason: '重复' }); // rejected: nobody
  const e = await mk('待办戊');
  assert.equal((await sess.clerk_c.del(`/api/v1/specimen/${e.id}`)).status, 204); // deleted: nobody

  const todo = async (who) => {
    const r = await sess[who].get('/api/v1/todo');
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const clerkC = await todo('clerk_c');
  assert.deepEqual(clerkC.items.map((i) => i.label).sort(), ['待办丙', '待办甲'].sort());
  assert.deepEqual(clerkC.counts, { specimen: 2 });
  assert.equal(clerkC.total, 2);
  const officerC = await todo('officer_c');
  assert.deepEqual(officerC.items.map((i) => i.label).sort(), ['待办丙', '待办乙', '待办甲'].sort());
  assert.equal(officerC.total, 3);
  const item = officerC.items.find((i) => i.id === c.id);
  assert.deepEqual({ ...item, due: undefined }, {
    entity: 'specimen', entity_label: '测试样本', id: c.id, label: '待办丙', state: 'handling',
    state_label: '办理中', due: undefined, overdue: false, due_soon: false,
  });
  assert.equal(item.due, clock(await get('officer_c', c.id), 'handle').due);
  // nearest due first: the submit clock (3 working days) and review (5) before handle (10+)
  const dues = officerC.items.map((i) => i.due);
  assert.ok(dues.every((x) => x !== null));
  assert.deepEqual(dues, [...dues].sort(), JSON.stringify(dues));
  // a rejected or deleted row is on nobody's list; other streets see none of these
  for (const list of [clerkC, officerC]) assert.ok(!list.items.some((i) => [d.id, e.id].includes(i.id)));
  const officerA = await todo('officer');
  assert.ok(!officerA.items.some((i) => [a.id, b.id, c.id].includes(i.id)));
  // the county clerk sees STREET_C's drafts and handling rows too (specimen.write at the county)
  const clerk = await todo('clerk');
  assert.ok(clerk.items.some((i) => i.id === a.id) && clerk.items.some((i) => i.id === c.id));
  assert.ok(!clerk.items.some((i) => i.id === b.id));
  // a row without a running clock still counts and comes after those with one, due null
  s.sqlite(`UPDATE deadline SET state = 'stopped' WHERE entity = 'specimen' AND row_id = ${a.id} AND state = 'running'`);
  const unclocked = await todo('officer_c');
  assert.equal(unclocked.total, 3);
  assert.deepEqual(unclocked.items.map((i) => i.id), [...officerC.items.filter((i) => i.id !== a.id).map((i) => i.id), a.id]);
  assert.equal(unclocked.items.at(-1).due, null);
  s.sqlite(`UPDATE deadline SET state = 'running' WHERE entity = 'specimen' AND row_id = ${a.id} AND state = 'stopped' AND stopped_at IS NULL`);
  // a row with two running clocks is listed once, by the nearer
  s.sqlite(`INSERT INTO deadline (id, entity, row_id, region_code, name, label, started_at, due_at, state)
    SELECT id + 1000000, entity, row_id, region_code, 'extra', label, started_at, due_at - 86400, 'running'
    FROM deadline WHERE entity = 'specimen' AND row_id = ${c.id} AND name = 'handle'`);
  const two = await todo('officer_c');
  assert.deepEqual(two.items.map((i) => i.id).sort(), officerC.items.map((i) => i.id).sort());
  assert.equal(new Date(two.items.find((i) => i.id === c.id).due).getTime(), new Date(item.due).getTime() - 86400000);
  s.sqlite(`DELETE FROM deadline WHERE entity = 'specimen' AND row_id = ${c.id} AND name = 'extra'`);
  // readers and supervisors have nothing to do
  assert.deepEqual(await todo('reader'), { items: [], counts: { specimen: 0 }, total: 0 });
  assert.deepEqual(await todo('sup'), { items: [], counts: { specimen: 0 }, total: 0 });
});

test('the job writes each due-soon and overdue notice exactly once, also across a restart', async () => {
  const row = await create('clerk', { title: '井盖缺失' });
  const rowB = await create('clerk', { title: '朝外占道', region_code: STREET_B });
  const due = unixOf(clock(row, 'submit').due);
  const mine = (list) => list.items.filter((n) => n.row_id === row.id);

  // within a day of the due time (due_soon_days = 1): one due-soon notice
  const now = (await s.request('POST', '/api/v1/test/clock', { body: { advance_seconds: 0 } })).body.now;
  await advance(due - 12 * 3600 - now);
  // what the job reports is what it wrote (other tests' rows may fall due too); once only
  const all = () => Number(s.sqlite('SELECT COUNT(*) FROM notice').stdout.trim());
  // the server's own job may wake at the moved clock first: both write through the same
  // exactly-once key, so the notices written are counted, not who wrote them
  let before = all();
  const first = await runJobs();
  assert.ok(all() - before >= 1);
  assert.ok(first.notices <= all() - before);
  let list = await notices('sup');
  assert.deepEqual(mine(list).map((n) => n.kind), ['due_soon']);
  const soon = mine(list)[0];
  assert.equal(soon.title, '测试样本「井盖缺失」提交期限即将到期');
  assert.equal(soon.due, clock(row, 'submit').due);
  assert.equal(soon.entity, 'specimen');
  assert.equal(soon.read, false);
  assert.equal(clock(await get('clerk', row.id), 'submit').due_soon, true);
  assert.equal((await runJobs()).notices, 0);
  assert.equal(mine(await notices('sup')).length, 1);

  // past the due time: one overdue notice, however often the job runs
  await advance(13 * 3600);
  before = all();
  const ran = await runJobs();
  assert.ok(all() - before >= 1);
  assert.ok(ran.notices <= all() - before);
  assert.equal((await runJobs()).notices, 0);
  list = await notices('sup');
  assert.deepEqual(mine(list).map((n) => n.kind), ['overdue', 'due_soon']);
  assert.equal(mine(list)[0].title, '测试样本「井盖缺失」提交期限已超期');
  const shown = await get('clerk', row.id);
  assert.equal(clock(shown, 'submit').overdue, true);
  assert.equal(clock(shown, 'submit').due_soon, false);
  const todo = (await sess.clerk.get('/api/v1/todo')).body;
  assert.equal(todo.items.find((i) => i.id === row.id).overdue, true);
  const count = () => Number(s.sqlite(`SELECT COUNT(*) FROM notice WHERE row_id = ${row.id}`).stdout.trim());
  assert.equal(count(), 2);

  // a restart (the clock starts real again) and the same moment: still two
  const offset = s.clockOffset;
  await s.stop();
  await s.start();
  await advance(offset);
  await runJobs();
  await runJobs();
  assert.equal(count(), 2);
  assert.equal(mine(await notices('sup')).length, 2);

  // scope: the other street's supervisor sees its own notices only; the county sees both
  const b = await notices('sup_b');
  assert.equal(mine(b).length, 0);
  assert.ok(b.items.some((n) => n.row_id === rowB.id));
  assert.ok(b.items.every((n) => n.region_code === STREET_B));
  const county = await notices('sup_county');
  assert.equal(mine(county).length, 2);
  assert.ok(county.items.some((n) => n.row_id === rowB.id));
  // holders of no supervise permission get none
  assert.equal((await notices('clerk')).total, 0);
  assert.equal((await notices('officer')).total, 0);

  // read marks are per user
  const [overdue] = mine(await notices('sup'));
  assert.equal((await sess.sup.post(`/api/v1/notices/${overdue.id}/read`)).status, 204);
  assert.equal((await sess.sup.post(`/api/v1/notices/${overdue.id}/read`)).status, 204); // again: fine
  const after = await notices('sup');
  assert.equal(mine(after).find((n) => n.id === overdue.id).read, true);
  const unread = await notices('sup', '&unread=1');
  assert.ok(!unread.items.some((n) => n.id === overdue.id));
  assert.equal(unread.total, after.total - 1);
  assert.ok((await notices('sup_county', '&unread=1')).items.some((n) => n.id === overdue.id));
  assertError(await sess.sup_b.post(`/api/v1/notices/${overdue.id}/read`), 404, 'not_found');
  assertError(await sess.clerk.post(`/api/v1/notices/${overdue.id}/read`), 404, 'not_found');
  assertError(await sess.sup.post('/api/v1/notices/12345/read'), 404, 'not_found');
  // paging
  const page = await sess.sup_county.get('/api/v1/notices?page=1&size=1');
  assert.equal(page.status, 200);
  assert.equal(page.body.items.length, 1);
  assert.equal(page.body.total, county.total);
  assertInvalid(await sess.sup.get('/api/v1/notices?size=0'), [['size', 'out_of_range']]);

  // a stopped clock gets no further notices; the review clock the submission started does
  await actOk('clerk', row.id, 'submit');
  await advance(30 * DAY);
  await runJobs();
  await runJobs();
  const kinds = s.sqlite(`SELECT d.name || ':' || n.kind FROM notice n JOIN deadline d ON d.id = n.deadline_id WHERE n.row_id = ${row.id} ORDER BY n.id`);
  assert.deepEqual(kinds.stdout.trim().split('\n'), ['submit:due_soon', 'submit:overdue', 'review:overdue']);
  assert.equal(mine(await notices('sup'))[0].title, '测试样本「井盖缺失」审核期限已超期');
});

test('the job thread wakes for the nearest due-soon time, without waiting for its minute', async () => {
  const row = await create('clerk', { title: '电梯故障' });
  await s.stop();
  // the restarted server counts on the real clock: due-soon (1 day before due) in 3 seconds
  const due = Math.floor(Date.now() / 1000) + DAY + 3;
  const u = s.sqlite(`UPDATE deadline SET due_at = ${due} WHERE row_id = ${row.id} AND name = 'submit'`);
  assert.equal(u.status, 0, u.stderr);
  await s.start();
  sess.sup = await s.login('sup'); // (not the 2FA admin: its login may move the clock on)
  const deadline = Date.now() + 20000;
  let found;
  while (!found && Date.now() < deadline) {
    found = (await notices('sup')).items.find((n) => n.row_id === row.id);
    if (!found) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(found, 'no notice without the test route');
  assert.equal(found.kind, 'due_soon');
  assert.ok(Date.now() / 1000 >= due - DAY - 1);
});
