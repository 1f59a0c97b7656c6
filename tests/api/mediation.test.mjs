// People's mediation (人民调解, docs/mediation.md): committees with a derived three-year
// term and three to nine members, mediators with masked phones, disputes through every
// transition with its permission and scope refusals, wrong-state 409s, the acceptance,
// mediation and 30-day judicial-confirmation clocks (across a holiday) with their
// reminders, session records only while mediating, bad input answered in Chinese with
// nothing written, export and import, and the figures on a hand-computed fixture whose
// every count is the list its filter yields.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, assertInvalid } from './lib/server.mjs';

const PROVINCE = '110000000000';
const CITY = '110100000000';
const COUNTY = '110105000000'; // 朝阳区
const STREET_A = '110105001000'; // 建外街道
const V1 = '110105001024'; // 南郎家园社区
const V2 = '110105001025'; // 北郎家园社区
const STREET_B = '110105002000'; // 朝外街道
const VB = '110105002024'; // 体东社区
const T = '110105036000'; // 金盏地区: only the figures' fixture lives here
const TV1 = '110105036200'; // 雷庄村
const TV2 = '110105036201'; // 东大队村
const MISSING = '110105036999'; // well-formed, inside T, not a region

const DAY = 86400;
const SH = 8 * 3600; // Asia/Shanghai
const CSV = { 'Content-Type': 'text/csv' };

const s = new Server();
const sess = {};
const users = {
  mgr: ['mediation_manager', COUNTY],
  med: ['mediator', STREET_A],
  med_v1: ['mediator', V1],
  med_b: ['mediator', STREET_B],
  med_t: ['mediator', T],
  med_county: ['mediator', COUNTY],
  reporter: ['dispute_reporter', STREET_A],
  mgr_b: ['mediation_manager', STREET_B],
  mixed: ['dispute_reporter', COUNTY], // and mediator at V2 only
  staff: ['staff', COUNTY],
};

// ---- dates as the server counts them (the calendar holds only this file's corrections) --
const holidays = new Set();
const dayOf = (unix) => Math.floor((unix + SH) / DAY);
const dateOf = (day) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
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
const today = () => dayOf(Math.floor(s.serverNow()));
const todayText = () => dateOf(today());

async function loginAll(names = [...Object.keys(users), 'sys']) {
  for (const name of names) sess[name] = await s.login(name);
}

const ids = {}; // committees and mediators by name
let T0; // the day the clocks of the main tests started

// ---- helpers ---------------------------------------------------------------------------
async function ok(res, status = 200) {
  const r = await res;
  assert.equal(r.status, status, r.text);
  return r.body;
}
const committee = (who, body) => sess[who].post('/api/v1/mediation_committee', body);
const mediator = (who, body) => sess[who].post('/api/v1/mediator', body);
const act = (who, id, action, body = {}) => sess[who].post(`/api/v1/dispute/${id}/actions/${action}`, body);
const actOk = (who, id, action, body) => ok(act(who, id, action, body));
const get = (who, id) => ok(sess[who].get(`/api/v1/dispute/${id}`));
const clock = (row, name) => row.deadlines.find((d) => d.name === name);
const count = (sql) => Number(s.sqlite(sql).stdout.trim());

const DISPUTE = {
  summary: '楼上漏水致楼下受损',
  type: 'neighbor',
  content: '南郎家园5号楼601住户家中水管破裂，楼下501住户房屋吊顶受损，双方就赔偿数额发生争执。',
  region_code: V1,
  source: 'walk_in',
  party_a_name: '张三',
  party_a_phone: '13812345678',
  party_b_name: '李四',
  party_b_phone: '010-65001234',
  amount: '3500.00',
};
async function register(who = 'reporter', body = {}) {
  return ok(sess[who].post('/api/v1/dispute', { ...DISPUTE, ...body }), 201);
}
const AGREEMENT = {
  agreement_content: '李四于协议签订之日起十日内一次性赔偿张三维修费用3000元，张三不再追究其他责任。',
  signed_by: '张三、李四，调解员王调解',
};
/** registered -> accepted -> mediating with the given committee and mediator. */
async function toMediating(who, id, committeeId, mediatorId) {
  await actOk(who, id, 'accept', { committee_id: committeeId, mediator_id: mediatorId });
  return actOk(who, id, 'start');
}
const due = (days) => dateOf(today() + days);

// ---- set-up -------------------------------------------------------------------------------
before(async () => {
  await s.start();
  s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('${PROVINCE}', NULL, 1, '北京市', '北京市', 0, 0),
    ('${CITY}', '${PROVINCE}', 2, '市辖区', '北京市', 1, 0),
    ('${COUNTY}', '${CITY}', 3, '朝阳区', '北京市/朝阳区', 0, 0),
    ('${STREET_A}', '${COUNTY}', 4, '建外街道', '北京市/朝阳区/建外街道', 0, 0),
    ('${V1}', '${STREET_A}', 5, '南郎家园社区', '北京市/朝阳区/建外街道/南郎家园社区', 0, 0),
    ('${V2}', '${STREET_A}', 5, '北郎家园社区', '北京市/朝阳区/建外街道/北郎家园社区', 0, 0),
    ('${STREET_B}', '${COUNTY}', 4, '朝外街道', '北京市/朝阳区/朝外街道', 0, 0),
    ('${VB}', '${STREET_B}', 5, '体东社区', '北京市/朝阳区/朝外街道/体东社区', 0, 0),
    ('${T}', '${COUNTY}', 4, '金盏地区', '北京市/朝阳区/金盏地区', 0, 0),
    ('${TV1}', '${T}', 5, '雷庄村', '北京市/朝阳区/金盏地区/雷庄村', 0, 0),
    ('${TV2}', '${T}', 5, '东大队村', '北京市/朝阳区/金盏地区/东大队村', 0, 0)`);
  for (const [name, [role, region]] of Object.entries(users)) s.addUser(name, role, region);
  const g = s.cli(['user', 'grant', 'mixed', '--role', 'mediator', '--region', V2]);
  assert.equal(g.status, 0, g.stderr);
  s.addUser('sys', 'sysadmin', PROVINCE);
  await loginAll();

  // the day 30 days on (and the next) are holidays: the 30-day clocks roll past them
  T0 = today();
  for (const d of [T0 + 30, T0 + 31]) {
    await ok(sess.sys.request('PUT', `/api/v1/calendar/${dateOf(d)}`, { body: { kind: 'holiday', name: '测试假日' } }));
    holidays.add(d);
  }

  // committees: a street's, a community's, another street's, and the figures' fixture
  const mk = async (key, body) => {
    const c = await ok(committee('mgr', { kind: 'township', term_start: '2024-03-01', ...body }), 201);
    ids[key] = c.id;
    return c;
  };
  await mk('A', { name: '建外街道人民调解委员会', region_code: STREET_A });
  await mk('V1', { name: '南郎家园社区人民调解委员会', kind: 'village', region_code: V1 });
  await mk('B', { name: '朝外街道人民调解委员会', region_code: STREET_B });
  await mk('T', { name: '金盏地区人民调解委员会', region_code: T, term_start: '2019-06-01' });
  await mk('TV1', { name: '雷庄村人民调解委员会', kind: 'village', region_code: TV1 });
  await mk('COUNTY', { name: '朝阳区矛盾纠纷多元调解中心', kind: 'industry', region_code: COUNTY });
  const person = async (key, body) => {
    const m = await ok(mediator('mgr', { post: 'member', ...body }), 201);
    ids[key] = m.id;
    return m;
  };
  await person('wang', { name: '王调解', committee_id: ids.A, post: 'director', region_code: STREET_A, phone: '13900001111' });
  await person('zhao', { name: '赵和平', committee_id: ids.A, region_code: V2 });
  await person('qian', { name: '钱正义', committee_id: ids.A, region_code: STREET_A });
  await person('sun', { name: '孙社区', committee_id: ids.V1, post: 'director', region_code: V1 });
  await person('zhou', { name: '周朝外', committee_id: ids.B, post: 'director', region_code: STREET_B });
  await person('wu', { name: '吴金盏', committee_id: ids.T, post: 'director', region_code: T });
  await person('zheng', { name: '郑金盏', committee_id: ids.T, region_code: TV2 });
  await person('feng', { name: '冯金盏', committee_id: ids.T, region_code: T });
  await person('chen', { name: '陈雷庄', committee_id: ids.TV1, post: 'director', region_code: TV1 });
  await person('chu', { name: '褚区中心', committee_id: ids.COUNTY, post: 'director', region_code: COUNTY });
});
after(async () => {
  await s.stop();
  s.cleanup();
});

// ---- committees and mediators ---------------------------------------------------------
test('a committee: a three-year term derived from its start, the name unique in its region, bad input', async () => {
  const a = await ok(sess.mgr.get(`/api/v1/mediation_committee/${ids.A}`));
  assert.equal(a.term_start, '2024-03-01');
  assert.equal(a.term_end, '2027-02-28'); // the day before the third anniversary
  assert.equal(a.member_count, 3); // 主任 + two 委员
  assert.equal(a.region_code_label, '北京市/朝阳区/建外街道');
  // a term from 29 February ends on the last day of February
  const leap = await ok(committee('mgr', { name: '闰日调委会', kind: 'other', region_code: V2, term_start: '2024-02-29' }), 201);
  assert.equal(leap.term_end, '2027-02-28');
  assert.equal(leap.member_count, 0);
  // PATCH the start: the end follows
  const moved = await ok(sess.mgr.patch(`/api/v1/mediation_committee/${leap.id}`, { version: leap.version, term_start: '2025-07-01' }));
  assert.equal(moved.term_end, '2028-06-30');
  // its area may change while nothing hangs on it; a committee with mediators keeps its own
  const area = await ok(sess.mgr.patch(`/api/v1/mediation_committee/${leap.id}`, { version: moved.version, region_code: V1 }));
  assert.equal(area.region_code, V1);
  const inUse = assertInvalid(await sess.mgr.patch(`/api/v1/mediation_committee/${ids.A}`, { version: a.version, region_code: V1 }),
    [['region_code', 'mediation_committee_in_use']]);
  assert.equal(inUse.details[0].message, '所在区划：该调委会已有调解员或受理的纠纷，不能更改辖区');

  const before_ = count('SELECT COUNT(*) FROM mediation_committee');
  // every mistake at once, in field order, in Chinese
  const bad = assertInvalid(await committee('mgr', {
    name: '', kind: 'club', region_code: V2, term_start: '2024-13-01', term_end: '2030-01-01', member_count: 5, extra: 1,
  }), [
    ['term_end', 'read_only'], ['member_count', 'read_only'], ['extra', 'unknown_field'],
    ['name', 'required'], ['kind', 'invalid_enum'], ['term_start', 'invalid_date'],
  ]);
  assert.equal(bad.details.find((d) => d.field === 'term_end').message, '本届任期届满日期由系统维护，不能填写');
  assertInvalid(await committee('mgr', { name: '未来调委会', kind: 'other', region_code: V2, term_start: dateOf(today() + 400) }),
    [['term_start', 'mediation_term_future']]);
  // the same name in the same region is taken (409); in another region it is fine
  const taken = assertInvalid(await committee('mgr', { name: '建外街道人民调解委员会', kind: 'township', region_code: STREET_A, term_start: '2024-01-01' }),
    [['name', 'taken']], 409, 'conflict');
  assert.equal(taken.details[0].message, '调委会名称已被使用');
  // only managers write committees; out of scope is 403
  assertError(await committee('med', { name: '街道调委会', kind: 'other', region_code: STREET_A, term_start: '2024-01-01' }), 403, 'forbidden');
  assertInvalid(await committee('mgr_b', { name: '越界调委会', kind: 'other', region_code: V1, term_start: '2024-01-01' }),
    [['region_code', 'out_of_scope']], 403, 'forbidden');
  assert.equal(count('SELECT COUNT(*) FROM mediation_committee'), before_);
  // the list is scoped
  const list = await ok(sess.mgr_b.get('/api/v1/mediation_committee'));
  assert.deepEqual(list.items.map((x) => x.id), [ids.B]);
  assertError(await sess.mgr_b.get(`/api/v1/mediation_committee/${ids.A}`), 404, 'not_found');
  assertError(await sess.staff.get('/api/v1/mediation_committee'), 403, 'forbidden');
});

test('three to nine members: a tenth active member is refused, one director, 离任 frees a place', async () => {
  const c = await ok(committee('mgr', { name: '北郎家园社区人民调解委员会', kind: 'village', region_code: V2, term_start: '2024-01-01' }), 201);
  const add = (body) => mediator('mgr', { committee_id: c.id, region_code: V2, post: 'member', ...body });
  const director = await ok(add({ name: '社区主任', post: 'director' }), 201);
  // a second director is refused on the post
  const two = assertInvalid(await add({ name: '第二主任', post: 'director' }), [['post', 'mediation_director_taken']]);
  assert.equal(two.details[0].message, '职务：该调委会已有在任主任（人民调解委员会设主任一人）');
  // below three members the committee shows it
  let shown = await ok(sess.mgr.get(`/api/v1/mediation_committee/${c.id}`));
  assert.equal(shown.member_count, 1);
  const low = await ok(sess.mgr.get(`/api/v1/mediation_committee?member_count_to=2&region=${V2}`));
  assert.ok(low.items.some((x) => x.id === c.id));
  const members = [director];
  for (let i = 2; i <= 9; i++) members.push(await ok(add({ name: `委员${i}`, post: i === 2 ? 'deputy' : 'member' }), 201));
  shown = await ok(sess.mgr.get(`/api/v1/mediation_committee/${c.id}`));
  assert.equal(shown.member_count, 9);
  // the tenth: refused, with the reason, and nothing written
  const before_ = count('SELECT COUNT(*) FROM mediator');
  const full = assertInvalid(await add({ name: '第十位委员' }), [['committee_id', 'mediation_committee_full']]);
  assert.equal(full.details[0].message, '所属调委会已有9名在任委员（人民调解委员会由委员三至九人组成），请先办理离任或选择其他调委会');
  assert.equal(count('SELECT COUNT(*) FROM mediator'), before_);
  // a mediator the committee engages is not a member: fine
  const hired = await ok(add({ name: '专职调解员', post: 'fulltime', status: null }), 201);
  assert.equal(hired.status, 'active');
  // nor may a hired mediator become the tenth member by a change of post
  assertInvalid(await sess.mgr.patch(`/api/v1/mediator/${hired.id}`, { version: hired.version, post: 'member' }),
    [['committee_id', 'mediation_committee_full']]);
  // one member leaves (离任): eight; then the hired one may become a member
  const leaving = members[8];
  const left = await ok(sess.mgr.patch(`/api/v1/mediator/${leaving.id}`, { version: leaving.version, status: 'left' }));
  assert.equal(left.status, 'left');
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation_committee/${c.id}`))).member_count, 8);
  await ok(sess.mgr.patch(`/api/v1/mediator/${hired.id}`, { version: hired.version, post: 'member' }));
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation_committee/${c.id}`))).member_count, 9);
  // a mediator lives and works inside the committee's area
  assertInvalid(await add({ name: '外区调解员', post: 'fulltime', region_code: VB }), [['region_code', 'mediation_outside_committee']]);
  assertInvalid(await mediator('mgr', { name: '越界调解员', committee_id: ids.V1, post: 'fulltime', region_code: V2 }),
    [['region_code', 'mediation_outside_committee']]);
  // moving a member to another committee recounts both
  const mover = members[7];
  await ok(sess.mgr.patch(`/api/v1/mediator/${mover.id}`, { version: mover.version, committee_id: ids.A, region_code: STREET_A }));
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation_committee/${c.id}`))).member_count, 8);
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation_committee/${ids.A}`))).member_count, 4);
  await ok(sess.mgr.patch(`/api/v1/mediator/${mover.id}`, { version: mover.version + 1, status: 'left' }));
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation_committee/${ids.A}`))).member_count, 3);
});

test('a mediator\'s phone is sealed and masked; shown in clear only when an identity holder asks', async () => {
  const m = await ok(sess.med.get(`/api/v1/mediator/${ids.wang}`));
  assert.equal(m.phone, '139****1111');
  assert.equal(m.masked, true);
  assert.equal(m.committee_id_label, '建外街道人民调解委员会');
  const clear = await ok(sess.med.get(`/api/v1/mediator/${ids.wang}?reveal=1`));
  assert.equal(clear.phone, '13900001111');
  assert.equal(clear.masked, false);
  // the reporter (no identity permission) stays masked even when asking
  assert.equal((await ok(sess.reporter.get(`/api/v1/mediator/${ids.wang}?reveal=1`))).phone, '139****1111');
  assert.ok(!s.sqlite('SELECT phone_enc FROM mediator').stdout.includes('13900001111'));
  const found = await ok(sess.med.get('/api/v1/mediator?phone=13900001111'));
  assert.deepEqual(found.items.map((x) => x.id), [ids.wang]);
});

// ---- disputes ----------------------------------------------------------------------------
test('registering a dispute: today\'s date, the acceptance clock, masked party phones', async () => {
  const d = await register();
  assert.equal(d.state, 'registered');
  assert.equal(d.state_label, '已登记');
  assert.equal(d.registered_on, todayText());
  assert.equal(d.party_count, 2);
  assert.equal(d.amount, '3500.00');
  assert.equal(d.committee_id, null);
  assert.equal(d.outcome, null);
  assert.equal(d.party_a_name, '张三'); // mediation is done by name; the phones are masked
  assert.equal(d.party_a_phone, '138****5678');
  assert.equal(d.party_b_phone, '010-****1234');
  assert.equal(d.masked, true);
  const accept = clock(d, 'accept');
  assert.equal(accept.label, '受理期限');
  assert.equal(accept.state, 'running');
  assert.equal(accept.due, endOfDay(addWorkingDays(today(), 3)));
  // the reporter registers but does not mediate: no actions for it
  assert.deepEqual(d.actions, []);
  const seen = await get('med', d.id);
  assert.deepEqual(seen.actions.map((a) => a.action), ['accept', 'decline']);
  assert.equal(seen.party_a_phone, '138****5678');
  // the mediator sees the phones in clear when asking, and that is audited
  const clear = await get('med', `${d.id}?reveal=1`);
  assert.deepEqual([clear.party_a_phone, clear.party_b_phone, clear.masked], ['13812345678', '010-65001234', false]);
  const audit = s.sqlite(`SELECT detail FROM audit_log WHERE action = 'dispute.identity_read' AND object_id = '${d.id}'`).stdout.trim();
  assert.equal(audit, '{"fields":["party_a_phone","party_b_phone"]}');
  // the reporter's is ignored: it holds no identity permission
  assert.equal((await get('reporter', `${d.id}?reveal=1`)).party_a_phone, '138****5678');
  // never in clear in the database; found by the blind index
  assert.ok(!s.sqlite(`SELECT party_a_phone_enc || party_b_phone_enc FROM dispute WHERE id = ${d.id}`).stdout.includes('13812345678'));
  const found = await ok(sess.med.get('/api/v1/dispute?party_a_phone=13812345678'));
  assert.ok(found.items.some((x) => x.id === d.id));
  // searchable by its Chinese text
  const q = await ok(sess.med.get(`/api/v1/dispute?q=${encodeURIComponent('吊顶')}`));
  assert.ok(q.items.some((x) => x.id === d.id));
  // the mediator of another street does not see it
  assertError(await sess.med_b.get(`/api/v1/dispute/${d.id}`), 404, 'not_found');
});

test('bad input: every mistake at once, in Chinese, with stable codes, and nothing written', async () => {
  const before_ = count('SELECT COUNT(*) FROM dispute');
  const err = assertInvalid(await sess.reporter.post('/api/v1/dispute', {
    ...DISPUTE, summary: '', type: 'fight', party_a_phone: '12345', amount: '-5', party_count: 1,
    source: 'petition', occurred_on: dateOf(today() + 2), outcome: 'agreed', mood: 'angry',
  }), [
    ['outcome', 'read_only'], ['mood', 'unknown_field'],
    ['summary', 'required'], ['type', 'invalid_enum'], ['amount', 'out_of_range'], ['party_a_phone', 'phone_invalid'],
    ['party_count', 'out_of_range'], ['source_ref', 'required'], ['occurred_on', 'future_date'],
  ]);
  const msg = Object.fromEntries(err.details.map((x) => [x.field, x.message]));
  assert.equal(msg.summary, '纠纷概要不能为空');
  assert.equal(msg.source_ref, '来源事项编号不能为空');
  assert.equal(msg.outcome, '调解结果由系统维护，不能填写');
  assert.equal(msg.party_a_phone, '申请人联系电话不是有效的手机号码或固定电话号码');
  assert.equal(msg.occurred_on, '纠纷发生日期不能晚于今天');
  assert.match(err.message, /^调解结果由系统维护，不能填写；不认识的字段：mood；纠纷概要不能为空等9处错误$/);
  // a work order's referral needs its number too; with it, it is registered
  assertInvalid(await sess.reporter.post('/api/v1/dispute', { ...DISPUTE, source: 'work_order' }), [['source_ref', 'required']]);
  // out of the reporter's region: 403 naming the field
  assertInvalid(await sess.reporter.post('/api/v1/dispute', { ...DISPUTE, region_code: VB }), [['region_code', 'out_of_scope']], 403, 'forbidden');
  // not JSON, or a list: 400 with a Chinese message
  const raw = await sess.reporter.request('POST', '/api/v1/dispute', { raw: '{"summary": ', headers: { 'Content-Type': 'application/json' } });
  assertError(raw, 400, 'malformed_json');
  assert.equal(count('SELECT COUNT(*) FROM dispute'), before_);
  assert.equal(count("SELECT COUNT(*) FROM workflow_history WHERE entity = 'dispute'"), before_);
  const referred = await register('reporter', { source: 'petition', source_ref: 'XF2026000123' });
  assert.equal(referred.source_ref, 'XF2026000123');
  const byRef = await ok(sess.reporter.get('/api/v1/dispute?source=petition&source_ref=XF2026000123'));
  assert.deepEqual(byRef.items.map((x) => x.id), [referred.id]);
  // a filter the list does not know is refused, in Chinese
  assertInvalid(await sess.reporter.get('/api/v1/dispute?content=x'), [['content', 'unknown_filter']]);
});

test('the whole way: accept, start, reassign, agree, apply for judicial confirmation, perform, close', async () => {
  const d = await register('reporter', { summary: '装修噪音引发纠纷' });
  // refusals: permission, scope, state, fields; none of them changes the row
  assertError(await act('reporter', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang }), 403, 'forbidden');
  const mgr = assertError(await act('mgr', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang }), 403, 'forbidden');
  assert.equal(mgr.message, '您没有执行此操作的权限');
  assertError(await act('med_b', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang }), 404, 'not_found');
  const outside = assertError(await act('mixed', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang }), 403, 'forbidden');
  assert.match(outside.message, /管辖范围/);
  const early = assertError(await act('med', d.id, 'start'), 409, 'conflict');
  assert.equal(early.message, '当前状态下不能执行此操作，当前状态：已登记');
  assertError(await act('med', d.id, 'teleport'), 404, 'not_found');
  assertInvalid(await act('med', d.id, 'accept', {}), [['committee_id', 'required'], ['mediator_id', 'required']]);
  // a mediator of another committee, a committee whose area does not hold the dispute
  assertInvalid(await act('med', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.sun }), [['mediator_id', 'mediation_not_in_committee']]);
  const far = await register('reporter', { summary: '北郎家园车位纠纷', region_code: V2 });
  const region = assertInvalid(await act('med', far.id, 'accept', { committee_id: ids.V1, mediator_id: ids.sun }),
    [['committee_id', 'mediation_committee_out_of_region']]);
  assert.equal(region.details[0].message, '调解组织的辖区不包含纠纷发生地');
  // before acceptance the place may be corrected; a cleared party count is the default two
  const fixed = await ok(sess.reporter.patch(`/api/v1/dispute/${far.id}`, { version: far.version, region_code: V1, party_count: null }));
  assert.deepEqual([fixed.region_code, fixed.party_count], [V1, 2]);
  await ok(sess.reporter.patch(`/api/v1/dispute/${far.id}`, { version: fixed.version, region_code: V2, party_count: 3 }));
  // a committee outside the mediator's scope does not exist for it
  assertInvalid(await act('med', d.id, 'accept', { committee_id: ids.B, mediator_id: ids.zhou }), [['committee_id', 'not_found'], ['mediator_id', 'not_found']]);
  let row = await get('med', d.id);
  assert.equal(row.state, 'registered');
  assert.equal(row.version, d.version);
  assert.equal(row.history.length, 1);

  // accept: the street's committee; the level is the committee's (a street: township)
  row = await actOk('med', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang, comment: '双方同意调解' });
  assert.equal(row.state, 'accepted');
  assert.equal(row.committee_id, ids.A);
  assert.equal(row.committee_id_label, '建外街道人民调解委员会');
  assert.equal(row.mediator_id_label, '王调解');
  assert.equal(row.level, 'township');
  assert.equal(clock(row, 'accept').state, 'stopped');
  const mediate = clock(row, 'mediate');
  assert.equal(mediate.label, '调解期限');
  assert.equal(mediate.due, endOfDay(rollForward(today() + 30))); // past this file's holidays
  assert.deepEqual(row.actions.map((a) => a.action).sort(), ['fail', 'reassign', 'start']);
  // the committee and mediator are the workflow's: not edited directly
  assertInvalid(await sess.reporter.patch(`/api/v1/dispute/${d.id}`, { version: row.version, mediator_id: ids.qian }), [['mediator_id', 'read_only']]);
  // nor is its place moved away from the committee that took it
  assertInvalid(await sess.reporter.patch(`/api/v1/dispute/${d.id}`, { version: row.version, region_code: V2 }),
    [['region_code', 'mediation_region_after_accept']]);
  row = await ok(sess.reporter.patch(`/api/v1/dispute/${d.id}`, { version: row.version, summary: '装修噪音引发邻里纠纷' }));
  assert.equal(row.summary, '装修噪音引发邻里纠纷');

  row = await actOk('med', d.id, 'start');
  assert.equal(row.state, 'mediating');
  assertInvalid(await act('med', d.id, 'reassign', { mediator_id: ids.chen }), [['mediator_id', 'not_found']]);
  row = await actOk('med', d.id, 'reassign', { mediator_id: ids.qian, comment: '当事人申请王调解回避' });
  assert.equal(row.state, 'mediating');
  assert.equal(row.mediator_id_label, '钱正义');

  // agree: the fields, dates checked, the reminder of judicial confirmation starts
  assertInvalid(await act('med', d.id, 'agree', {}), [
    ['agreement_content', 'required'], ['performance_due', 'required'], ['signed_by', 'required'],
  ]);
  assertInvalid(await act('med', d.id, 'agree', { ...AGREEMENT, performance_due: due(-1) }), [['performance_due', 'mediation_before_agreement']]);
  assertInvalid(await act('med', d.id, 'agree', { ...AGREEMENT, performance_due: due(5), agreed_on: due(1) }), [['agreed_on', 'future_date']]);
  assert.equal((await get('med', d.id)).state, 'mediating');
  row = await actOk('med', d.id, 'agree', { ...AGREEMENT, performance_due: due(10) });
  assert.equal(row.state, 'agreed');
  assert.equal(row.outcome, 'agreed');
  assert.equal(row.agreed_on, todayText());
  assert.equal(row.performance_due, due(10));
  assert.equal(row.agreement_content, AGREEMENT.agreement_content);
  assert.equal(clock(row, 'mediate').state, 'stopped');
  const judicial = clock(row, 'judicial');
  assert.equal(judicial.label, '申请司法确认提醒');
  assert.equal(judicial.state, 'running');
  // 30 calendar days; the 30th and 31st are holidays here, so it rolls to the next working day
  assert.ok(holidays.has(today() + 30));
  assert.equal(judicial.due, endOfDay(rollForward(today() + 30)));
  assert.ok(unixOf(judicial.due) - unixOf(endOfDay(today() + 30)) >= 2 * DAY);
  // the agreement is searchable
  const q = await ok(sess.med.get(`/api/v1/dispute?q=${encodeURIComponent('维修费用')}`));
  assert.deepEqual(q.items.map((x) => x.id), [d.id]);

  // the parties apply for judicial confirmation: the reminder stops; only once
  assertInvalid(await act('med', d.id, 'judicial_apply', { judicial_applied_on: due(-3) }), [['judicial_applied_on', 'mediation_before_agreement']]);
  row = await actOk('med', d.id, 'judicial_apply', { judicial_applied_on: todayText(), court: '北京市朝阳区人民法院' });
  assert.equal(row.state, 'agreed');
  assert.equal(row.court, '北京市朝阳区人民法院');
  assert.equal(clock(row, 'judicial').state, 'stopped');
  const twice = assertError(await act('med', d.id, 'judicial_apply', { judicial_applied_on: todayText() }), 409, 'conflict');
  assert.match(twice.message, /申请司法确认提醒未在计时/);

  // performed (the reminder already stopped: no conflict), then closed
  row = await actOk('med', d.id, 'perform');
  assert.equal(row.state, 'performed');
  assert.equal(row.performance, 'performed');
  assert.equal(row.performed_on, todayText());
  row = await actOk('med', d.id, 'close', { comment: '卷宗归档' });
  assert.equal(row.state, 'closed');
  assert.equal(row.state_label, '已结案');
  assert.equal(row.closed_on, todayText());
  assert.deepEqual(row.actions, []);
  assert.ok(row.deadlines.every((x) => x.state === 'stopped'));
  assert.deepEqual(row.history.map((h) => h.label), ['创建', '受理', '开始调解', '更换调解员', '达成协议', '申请司法确认', '履行完毕', '结案']);
  assert.equal(row.summary, '装修噪音引发邻里纠纷');
  assert.deepEqual(row.history.map((h) => h.user), ['reporter', 'med', 'med', 'med', 'med', 'med', 'med', 'med']);
  assert.equal(row.history[1].comment, '双方同意调解');
  assert.deepEqual(row.history[1].fields, { committee_id: ids.A, mediator_id: ids.wang });
  // a closed file is not edited and takes no action
  const edit = assertError(await sess.reporter.patch(`/api/v1/dispute/${d.id}`, { version: row.version, summary: '改' }), 409, 'conflict');
  assert.equal(edit.message, '已结案或不予受理的纠纷不能修改，当前状态：已结案');
  assertError(await act('med', d.id, 'perform'), 409, 'conflict');
  const audit = s.sqlite(`SELECT action FROM audit_log WHERE object_type = 'dispute' AND object_id = '${d.id}' AND result = 'success' ORDER BY seq`).stdout;
  assert.match(audit, /dispute\.create\ndispute\.accept\ndispute\.update\ndispute\.start\ndispute\.reassign\ndispute\.agree\ndispute\.judicial_apply\ndispute\.perform\ndispute\.close/);
});

test('declined when a party refuses; failed with where to go; not performed, applied, performed', async () => {
  // decline: the reason is required; a final state
  const a = await register('reporter', { summary: '一方拒绝调解的借款纠纷', type: 'contract' });
  assertInvalid(await act('med', a.id, 'decline', { decline_reason: '' }), [['decline_reason', 'required']]);
  let row = await actOk('med', a.id, 'decline', { decline_reason: '被申请人明确拒绝调解' });
  assert.deepEqual([row.state, row.outcome, row.decline_reason], ['declined', 'declined', '被申请人明确拒绝调解']);
  assert.equal(clock(row, 'accept').state, 'stopped');
  assert.deepEqual(row.actions, []);
  assertError(await act('med', a.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang }), 409, 'conflict');
  const edit = assertError(await sess.reporter.patch(`/api/v1/dispute/${a.id}`, { version: row.version, summary: '改' }), 409, 'conflict');
  assert.match(edit.message, /不予受理$/);

  // fail, straight from acceptance: where to go is required and from the dictionary
  const b = await register('reporter', { summary: '劳动报酬争议', type: 'labor' });
  await actOk('med', b.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang });
  assertInvalid(await act('med', b.id, 'fail', { fail_reason: '双方分歧较大', where_to_go: 'moon' }), [['where_to_go', 'invalid_enum']]);
  assertInvalid(await act('med', b.id, 'fail', {}), [['fail_reason', 'required'], ['where_to_go', 'required']]);
  row = await actOk('med', b.id, 'fail', { fail_reason: '双方分歧较大，无法达成一致', where_to_go: 'arbitration' });
  assert.deepEqual([row.state, row.outcome, row.where_to_go], ['failed', 'failed', 'arbitration']);
  assert.equal(clock(row, 'mediate').state, 'stopped');
  assert.deepEqual(row.actions.map((x) => x.action), ['close']);
  row = await actOk('med', b.id, 'close');
  assert.equal(row.state, 'closed');

  // not performed: the reminder still runs; the parties then apply, and perform later
  const c = await register('reporter', { summary: '赡养费纠纷', type: 'marriage' });
  await toMediating('med', c.id, ids.A, ids.wang);
  await actOk('med', c.id, 'agree', { ...AGREEMENT, performance_due: due(0) });
  assertInvalid(await act('med', c.id, 'not_perform', {}), [['not_performed_reason', 'required']]);
  row = await actOk('med', c.id, 'not_perform', { not_performed_reason: '义务人未按期支付' });
  assert.deepEqual([row.state, row.performance], ['not_performed', 'not_performed']);
  assert.equal(clock(row, 'judicial').state, 'running');
  row = await actOk('med', c.id, 'judicial_apply', { judicial_applied_on: todayText() });
  assert.equal(row.state, 'not_performed');
  assert.equal(clock(row, 'judicial').state, 'stopped');
  assertInvalid(await act('med', c.id, 'perform', { performed_on: due(1) }), [['performed_on', 'future_date']]);
  row = await actOk('med', c.id, 'perform', { performed_on: todayText() });
  assert.deepEqual([row.state, row.performance], ['performed', 'performed']);

  // performed at once: the perform stops the running reminder
  const e = await register('reporter', { summary: '小额买卖纠纷', type: 'contract' });
  await toMediating('med', e.id, ids.A, ids.wang);
  await actOk('med', e.id, 'agree', { ...AGREEMENT, performance_due: due(0) });
  row = await actOk('med', e.id, 'perform');
  assert.equal(clock(row, 'judicial').state, 'stopped');

  // not performed and closed without an application: the close stops the reminder
  const f = await register('reporter', { summary: '宠物伤人赔偿纠纷', type: 'damages' });
  await toMediating('med', f.id, ids.A, ids.wang);
  await actOk('med', f.id, 'agree', { ...AGREEMENT, performance_due: due(3) });
  await actOk('med', f.id, 'not_perform', { not_performed_reason: '已告知当事人可以向人民法院起诉' });
  row = await actOk('med', f.id, 'close');
  assert.deepEqual([row.state, row.performance, clock(row, 'judicial').state], ['closed', 'not_performed', 'stopped']);
});

test('session records: only while mediating, by the dispute\'s mediators, in the dispute\'s region', async () => {
  const d = await register('reporter', { summary: '宅基地边界纠纷', type: 'housing' });
  const when = new Date((Math.floor(s.serverNow()) - 3600) * 1000).toISOString().replace('.000Z', 'Z');
  const session = { dispute_id: d.id, held_at: when, mediator_id: ids.wang, participants: '张三、李四、调解员王调解', notes: '双方陈述了各自意见，初步同意以测量结果为准。', next_steps: '下周请测绘人员现场测量' };
  const post = (who, body) => sess[who].post('/api/v1/dispute_session', { ...session, ...body });
  // registered: 409 naming the state, nothing written
  const before_ = count('SELECT COUNT(*) FROM dispute_session');
  let r = assertError(await post('med', {}), 409, 'conflict');
  assert.equal(r.message, '只有调解中的纠纷才能记录调解过程，该纠纷当前状态：已登记');
  assert.deepEqual(r.details.map((x) => [x.field, x.code]), [['dispute_id', 'mediation_dispute_not_mediating']]);
  await actOk('med', d.id, 'accept', { committee_id: ids.A, mediator_id: ids.wang });
  r = assertError(await post('med', {}), 409, 'conflict');
  assert.match(r.message, /已受理$/);
  assert.equal(count('SELECT COUNT(*) FROM dispute_session'), before_);
  await actOk('med', d.id, 'start');

  // mediating: who may write, what it must hold
  assertError(await post('reporter', {}), 403, 'forbidden');
  assertError(await post('mgr', {}), 403, 'forbidden');
  assertInvalid(await post('med_b', {}), [['dispute_id', 'not_found'], ['mediator_id', 'not_found']]);
  assertInvalid(await post('mixed', {}), [['dispute_id', 'out_of_scope']], 403, 'forbidden');
  assertInvalid(await post('med', { held_at: new Date((Math.floor(s.serverNow()) + 7200) * 1000).toISOString(), mediator_id: ids.sun, notes: '', region_code: V1 }), [
    ['region_code', 'read_only'], ['notes', 'required'], ['mediator_id', 'mediation_not_in_committee'], ['held_at', 'mediation_future_time'],
  ]);
  assert.equal(count('SELECT COUNT(*) FROM dispute_session'), before_);
  const rec = await ok(post('med', {}), 201);
  assert.equal(rec.region_code, V1); // the dispute's
  assert.equal(rec.dispute_id, d.id);
  assert.equal(rec.dispute_id_label, '宅基地边界纠纷');
  assert.equal(rec.held_at, when);
  const edited = await ok(sess.med.patch(`/api/v1/dispute_session/${rec.id}`, { version: rec.version, notes: '双方同意以测绘结果为准，并约定测量费用各半承担。' }));
  assert.match(edited.notes, /各半承担/);
  assertInvalid(await sess.med.patch(`/api/v1/dispute_session/${rec.id}`, { version: edited.version, dispute_id: d.id }), [['dispute_id', 'read_only']]);
  // listed by dispute; read by the records permission only
  const list = await ok(sess.med.get(`/api/v1/dispute_session?dispute_id=${d.id}`));
  assert.deepEqual(list.items.map((x) => x.id), [rec.id]);
  assert.equal((await ok(sess.mgr.get(`/api/v1/dispute_session/${rec.id}`))).notes, edited.notes);
  assertError(await sess.reporter.get('/api/v1/dispute_session'), 403, 'forbidden');
  assertError(await sess.med_b.get(`/api/v1/dispute_session/${rec.id}`), 404, 'not_found');
  // an agreement ends the record
  await actOk('med', d.id, 'agree', { ...AGREEMENT, performance_due: due(7) });
  r = assertError(await post('med', {}), 409, 'conflict');
  assert.match(r.message, /达成协议$/);
  assertError(await sess.med.patch(`/api/v1/dispute_session/${rec.id}`, { version: edited.version, next_steps: '无' }), 409, 'conflict');
});

test('export and import: masked phones out, rows in through the same checks', async () => {
  // disputes out as CSV, phones masked; committees, mediators, sessions too
  let r = await sess.mgr.get(`/api/v1/dispute/export?format=csv&region=${V1}&state=registered`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /纠纷概要/);
  assert.match(r.text, /138\*\*\*\*5678/);
  assert.ok(!r.text.includes('13812345678'));
  assertError(await sess.med.get('/api/v1/dispute/export'), 403, 'forbidden');
  for (const e of ['mediation_committee', 'mediator', 'dispute_session']) {
    r = await sess.mgr.get(`/api/v1/${e}/export?format=csv`);
    assert.equal(r.status, 200, `${e}: ${r.text}`);
  }
  assert.match((await sess.mgr.get('/api/v1/mediator/export?format=csv')).text, /139\*\*\*\*1111/);

  const imp = (who, entity, lines) => sess[who].request('POST', `/api/v1/${entity}/import`, { raw: lines.join('\r\n') + '\r\n', headers: CSV });
  // disputes: a good file imports; a bad row fails the whole file
  r = await imp('reporter', 'dispute', [
    '纠纷概要,纠纷类型,纠纷详情,纠纷发生地,纠纷来源,申请人,申请人联系电话,被申请人',
    `物业费纠纷,物业纠纷,业主拒交物业费,${V1},网格排查,刘一,13700001234,某物业公司`,
  ]);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.imported, 1);
  const imported = await get('med', r.body.ids[0]);
  assert.deepEqual([imported.state, imported.source, imported.registered_on, imported.party_a_phone], ['registered', 'grid_patrol', todayText(), '137****1234']);
  r = await imp('reporter', 'dispute', [
    '纠纷概要,纠纷类型,纠纷详情,纠纷发生地,纠纷来源,申请人,被申请人',
    `信访转来的纠纷,邻里纠纷,内容,${V1},信访转入,甲,乙`,
  ]);
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body.error.details.map((x) => [x.row, x.field, x.code]), [[2, 'source_ref', 'required']]);
  assert.match(r.body.error.details[0].message, /^第2行：来源事项编号不能为空$/);
  // a committee and its mediator
  r = await imp('mgr', 'mediation_committee', ['调委会名称,调委会类别,所在区划,本届任期起始日期', `朝外导入调委会,other,${VB},2025-01-01`]);
  assert.equal(r.status, 200, r.text);
  const imported_c = await ok(sess.mgr.get(`/api/v1/mediation_committee/${r.body.ids[0]}`));
  assert.equal(imported_c.term_end, '2027-12-31');
  r = await imp('mgr', 'mediator', ['姓名,所属调委会,职务,所在区划', `导入调解员,朝外导入调委会,主任,${VB}`]);
  assert.equal(r.status, 200, r.text);
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation_committee/${imported_c.id}`))).member_count, 1);
  // a session: only for a dispute being mediated
  const d = await register('reporter', { summary: '导入调解记录的纠纷' });
  const when = new Date((Math.floor(s.serverNow()) - 7200 + SH) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const lines = ['所属纠纷,调解时间,主持调解员,参加人员,调解情况', `${d.id},${when},${ids.wang},张三、李四,双方同意继续协商`];
  r = await imp('med', 'dispute_session', lines);
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body.error.details.map((x) => [x.row, x.field, x.code]), [[2, 'dispute_id', 'mediation_dispute_not_mediating']]);
  assert.equal(count(`SELECT COUNT(*) FROM dispute_session WHERE dispute_id = ${d.id}`), 0);
  await toMediating('med', d.id, ids.A, ids.wang);
  r = await imp('med', 'dispute_session', lines);
  assert.equal(r.status, 200, r.text);
  assert.equal((await ok(sess.med.get(`/api/v1/dispute_session/${r.body.ids[0]}`))).region_code, V1);
});

// ---- figures -------------------------------------------------------------------------------
test('figures on a hand-computed fixture: counts, rates, levels, children, and each count\'s list', async () => {
  // 金盏地区 (T): 雷庄村 (TV1) with its village committee, 东大队村 (TV2), the area's committee,
  // and the district's centre (county level)
  const mk = (region, summary) => register('med_t', { region_code: region, summary, party_b_phone: undefined });
  const walk = async (who, d, committeeId, mediatorId, steps) => {
    await toMediating(who, d.id, committeeId, mediatorId);
    for (const [action, body] of steps) await actOk(who, d.id, action, body);
  };
  const agree = ['agree', { ...AGREEMENT, performance_due: due(5) }];
  const d1 = await mk(TV1, '雷庄村土地承包纠纷');
  await walk('med_t', d1, ids.TV1, ids.chen, [agree, ['perform', {}]]); // village, performed
  const d2 = await mk(TV1, '雷庄村邻里排水纠纷');
  await walk('med_t', d2, ids.TV1, ids.chen, [agree]); // village, awaiting performance
  const d3 = await mk(TV1, '雷庄村合同纠纷');
  await walk('med_t', d3, ids.T, ids.wu, [['fail', { fail_reason: '分歧大', where_to_go: 'court' }]]); // township, failed
  await mk(TV1, '雷庄村待受理纠纷'); // pending
  const d5 = await mk(TV2, '东大队村借贷纠纷');
  await walk('med_t', d5, ids.T, ids.zheng, [agree, ['not_perform', { not_performed_reason: '未按期履行' }]]); // township
  const d6 = await mk(TV2, '东大队村拒绝调解纠纷');
  await actOk('med_t', d6.id, 'decline', { decline_reason: '一方拒绝调解' });
  const d7 = await mk(TV2, '东大队村工伤赔偿纠纷');
  await walk('med_county', d7, ids.COUNTY, ids.chu, [['fail', { fail_reason: '需劳动仲裁', where_to_go: 'arbitration' }]]); // county, failed
  const d8 = await mk(T, '金盏地区拆迁补偿纠纷');
  await walk('med_county', d8, ids.COUNTY, ids.chu, [agree, ['perform', {}], ['close', {}]]); // county, performed, closed
  const d9 = await mk(T, '金盏地区物业纠纷');
  await toMediating('med_t', d9.id, ids.T, ids.feng); // in progress

  const r = await ok(sess.mgr.get(`/api/v1/mediation/figures?region=${T}&from=${todayText()}&to=${todayText()}`));
  assert.equal(r.region, T);
  assert.equal(r.region_name, '北京市/朝阳区/金盏地区');
  assert.deepEqual([r.from, r.to], [todayText(), todayText()]);
  const counts = (o, keys) => Object.fromEntries(keys.map((k) => [k, o[k].count]));
  const KEYS = ['disputes', 'pending', 'declined', 'accepted', 'in_progress', 'agreements', 'failed', 'awaiting_performance', 'performed', 'not_performed', 'closed'];
  assert.deepEqual(counts(r, KEYS), {
    disputes: 9, pending: 1, declined: 1, accepted: 7, in_progress: 1, agreements: 4, failed: 2,
    awaiting_performance: 1, performed: 2, not_performed: 1, closed: 1,
  });
  assert.deepEqual(r.resolution_rate, {
    value: 0.6667, numerator: 4, denominator: 6, entity: 'dispute',
    filter: { region: T, registered_on_from: todayText(), registered_on_to: todayText(), outcome: 'agreed' },
    denominator_filter: { region: T, registered_on_from: todayText(), registered_on_to: todayText(), outcome: 'agreed,failed' },
  });
  assert.deepEqual([r.performance_rate.value, r.performance_rate.numerator, r.performance_rate.denominator], [0.5, 2, 4]);
  assert.deepEqual(Object.fromEntries(Object.entries(r.levels).map(([k, v]) => [k, [v.count, v.share, v.label]])), {
    village: [2, 0.5, '村（社区）'], township: [1, 0.25, '乡镇（街道）'], county: [1, 0.25, '县（区）'], above: [0, 0, '县级以上'],
  });
  assert.deepEqual(Object.fromEntries(Object.entries(r.ladder).map(([k, v]) => [k, [v.motto, v.count, v.share]])), {
    village: ['小事不出村', 2, 0.5], township: ['大事不出镇', 3, 0.75], county: ['矛盾不上交', 4, 1],
  });
  assert.deepEqual(Object.fromEntries(Object.entries(r.failed_where_to_go).map(([k, v]) => [k, v.count])), {
    arbitration: 1, administrative: 0, court: 1, petition: 0, other: 0,
  });
  // committees in T: the area's (3 members, its term from 2019 has ended) and 雷庄村's (1 member)
  assert.deepEqual([r.committees.total.count, r.committees.understaffed.count, r.committees.term_expired.count], [2, 1, 1]);
  assert.equal(r.mediators.active.count, 4);
  // per child: 雷庄村 and 东大队村 (d8 and d9 lie at the area itself)
  assert.deepEqual(r.children.map((c) => [c.region, c.name]), [[TV1, '雷庄村'], [TV2, '东大队村']]);
  const [c1, c2] = r.children;
  assert.deepEqual(counts(c1, ['disputes', 'pending', 'agreements', 'failed', 'performed']), { disputes: 4, pending: 1, agreements: 2, failed: 1, performed: 1 });
  assert.deepEqual([c1.resolution_rate.value, c1.performance_rate.value, c1.levels.village.count, c1.ladder.village.share], [0.6667, 0.5, 2, 1]);
  assert.deepEqual(counts(c2, ['disputes', 'declined', 'agreements', 'failed', 'not_performed']), { disputes: 3, declined: 1, agreements: 1, failed: 1, not_performed: 1 });
  assert.deepEqual([c2.resolution_rate.value, c2.performance_rate.value, c2.levels.township.share, c2.ladder.village.share], [0.5, 0, 1, 0]);

  // drill-down: each figure's filter, given to its entity's list, yields exactly its rows
  const figures = [];
  const collect = (o) => {
    if (o && typeof o === 'object' && 'filter' in o && 'entity' in o) {
      figures.push([o.entity, o.filter, 'count' in o ? o.count : o.numerator]);
      if (o.denominator_filter) figures.push([o.entity, o.denominator_filter, o.denominator]);
      return;
    }
    if (o && typeof o === 'object') for (const v of Object.values(o)) collect(v);
  };
  collect(r);
  assert.ok(figures.length > 80, `${figures.length} figures`);
  for (const [entity, filter, n] of figures) {
    const res = await sess.mgr.get(`/api/v1/${entity}?size=1&${new URLSearchParams(filter)}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.total, n, `${entity} ${JSON.stringify(filter)}`);
  }

  // the period: nothing registered tomorrow; without dates, all time (the same here)
  const tomorrow = dateOf(today() + 1);
  assert.equal((await ok(sess.mgr.get(`/api/v1/mediation/figures?region=${T}&from=${tomorrow}`))).disputes.count, 0);
  const all = await ok(sess.mgr.get(`/api/v1/mediation/figures?region=${T}`));
  assert.equal(all.disputes.count, 9);
  assert.deepEqual(all.disputes.filter, { region: T });
  assert.equal(all.from, null);
  // the region defaults to the caller's one scope root
  const own = await ok(sess.mgr.get('/api/v1/mediation/figures'));
  assert.equal(own.region, COUNTY);
  assert.ok(own.disputes.count >= 9 + 10);
  assert.ok(own.children.some((c) => c.region === T && c.disputes.count === 9));

  // refusals: permission, scope, bad parameters (all reported at once)
  assertError(await sess.med_t.get(`/api/v1/mediation/figures?region=${T}`), 403, 'forbidden');
  assertInvalid(await sess.mgr_b.get(`/api/v1/mediation/figures?region=${T}`), [['region', 'out_of_scope']], 403, 'forbidden');
  assertInvalid(await sess.mgr.get('/api/v1/mediation/figures?region=1101'), [['region', 'invalid_region']]);
  assertInvalid(await sess.mgr.get(`/api/v1/mediation/figures?region=${MISSING}`), [['region', 'region_not_found']]);
  const bad = assertInvalid(await sess.mgr.get('/api/v1/mediation/figures?from=2026-02-30&to=yesterday'), [['from', 'invalid_date'], ['to', 'invalid_date']]);
  assert.equal(bad.details[0].message, '起始日期应为 YYYY-MM-DD 格式的有效日期，如 2026-10-08');
  const range = assertInvalid(await sess.mgr.get('/api/v1/mediation/figures?from=2026-02-01&to=2026-01-01'), [['to', 'mediation_date_range']]);
  assert.equal(range.details[0].message, '截止日期不能早于起始日期');
});

test('meta describes the entities, the workflow and its clocks for the console', async () => {
  const m = await ok(sess.med.get('/api/v1/meta'));
  const byName = Object.fromEntries(m.entities.map((e) => [e.name, e]));
  for (const name of ['mediation_committee', 'mediator', 'dispute', 'dispute_session']) assert.equal(byName[name].module, 'mediation', name);
  const d = byName.dispute;
  assert.equal(d.label, '矛盾纠纷');
  assert.equal(d.workflow.initial, 'registered');
  assert.equal(d.workflow.supervise_perm, 'mediation.notice');
  assert.deepEqual(d.workflow.states.filter((x) => x.final).map((x) => x.name), ['declined', 'closed']);
  const agree = d.workflow.transitions.find((t) => t.action === 'agree');
  assert.deepEqual(agree.deadlines.map((x) => [x.name, x.op, x.amount, x.unit, x.roll_forward]), [
    ['mediate', 'stop', undefined, undefined, undefined], ['judicial', 'start', 30, 'calendar_days', true],
  ]);
  assert.deepEqual(d.workflow.on_create.map((x) => [x.name, x.amount, x.unit]), [['accept', 3, 'working_days']]);
  assert.equal(byName.mediation_committee.fields.find((f) => f.name === 'member_count').help, '在任的主任、副主任和委员人数，应为3至9人；少于3人的调委会需补选');
  assert.equal(m.enums.dispute_type.extendable, true);
  assert.equal(m.enums.dispute_type.items.length, 9);
  assert.equal(m.enums.mediator_post.extendable, false);
  assert.equal(byName.dispute.can.update, true);
  assert.equal(byName.mediation_committee.can.create, false);
  // and OpenAPI describes the routes and the action bodies
  const api = await ok(sess.med.get('/api/v1/openapi.json'));
  assert.equal(api.paths['/api/v1/mediation/figures'].get['x-permission'], 'mediation.figures');
  assert.ok(api.paths['/api/v1/dispute/{id}/actions/{action}']);
  assert.deepEqual(api.components.schemas.dispute_action_agree.required.sort(), ['agreement_content', 'performance_due', 'signed_by']);
  // staff hold no mediation permission: none of it is in their meta
  const staff = await ok(sess.staff.get('/api/v1/meta'));
  assert.ok(!staff.entities.some((e) => e.module === 'mediation'));
});

// ---- the clocks over time (moves the server's clock: last) --------------------------------
test('the 30-day reminder of judicial confirmation: due soon, then overdue, to the mediators in scope', async () => {
  const d = await register('reporter', { summary: '相邻通行纠纷' });
  await toMediating('med', d.id, ids.A, ids.wang);
  const row = await actOk('med', d.id, 'agree', { ...AGREEMENT, performance_due: due(20) });
  const dueAt = unixOf(clock(row, 'judicial').due);
  const mine = async (who) => (await ok(sess[who].get('/api/v1/notices?size=200'))).items.filter((n) => n.row_id === d.id && /申请司法确认提醒/.test(n.title));
  const runJobs = () => ok(s.request('POST', '/api/v1/test/jobs'));
  const NOTICED = ['med', 'mgr', 'med_v1', 'med_b', 'reporter'];

  // two days before the due time: one due-soon notice, for the mediators and managers in scope
  const now = (await ok(s.request('POST', '/api/v1/test/clock', { body: { advance_seconds: 0 } }))).now;
  await s.advance(dueAt - 2 * DAY - now);
  await loginAll(NOTICED);
  await runJobs();
  await runJobs();
  let list = await mine('med');
  assert.deepEqual(list.map((n) => n.kind), ['due_soon']);
  assert.equal(list[0].title, '矛盾纠纷「相邻通行纠纷」申请司法确认提醒即将到期');
  assert.equal(list[0].due, clock(row, 'judicial').due);
  assert.equal((await mine('mgr')).length, 1);
  assert.equal((await mine('med_v1')).length, 1); // the dispute lies in 南郎家园社区
  assert.equal((await mine('med_b')).length, 0);
  assert.equal((await mine('reporter')).length, 0);
  assert.equal(clock(await get('med', d.id), 'judicial').due_soon, true);

  // past the due time: overdue, once
  await s.advance(2 * DAY + 60);
  await loginAll(NOTICED);
  await runJobs();
  await runJobs();
  list = await mine('med');
  assert.deepEqual(list.map((n) => n.kind), ['overdue', 'due_soon']);
  assert.equal(list[0].title, '矛盾纠纷「相邻通行纠纷」申请司法确认提醒已超期');
  const shown = await get('med', d.id);
  assert.equal(clock(shown, 'judicial').overdue, true);
  const todo = await ok(sess.med.get('/api/v1/todo'));
  assert.equal(todo.items.find((i) => i.id === d.id).overdue, true);
  // a late application still stops it; nothing more is noticed
  await actOk('med', d.id, 'judicial_apply', { judicial_applied_on: todayText() });
  await runJobs();
  assert.equal((await mine('med')).length, 2);
});
