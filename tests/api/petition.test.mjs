// Petitions (信访事项, docs/petition.md): registration with petitioners, every transition
// with its clock (calendar days rolled forward over a holiday, the one extension, the
// hearing pause, the 5-working-day objection window, the citizen's 30-day windows), who may
// do what, confidentiality (the canary crawl as a user of the unit complained about), the
// repeat and near-duplicate check, search, and bad input that changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD } from './lib/server.mjs';
import { seedRegions, idcard, PROVINCE, COUNTY, STREET, SIBLING } from './lib/fixture.mjs';

const UNIT_STREET = '8001'; // 建外街道办事处, at STREET
const UNIT_HOUSING = '8002'; // 区住建委, a county department
const UNIT_OTHER = '8003'; // 朝外街道办事处, at SIBLING
const DAY = 86400;
const SH = 8 * 3600;

const s = new Server();
const sess = {};

// ---- dates as the server counts them -----------------------------------------------
const holidays = new Set();
const dayOf = (unix) => Math.floor((unix + SH) / DAY);
const dateOf = (day) => new Date(day * DAY * 1000).toISOString().slice(0, 10);
const weekday = (day) => ((new Date(day * DAY * 1000).getUTCDay() + 6) % 7) + 1;
const isWorkday = (day) => !holidays.has(day) && weekday(day) <= 5;
const endOfDay = (day) => new Date((day * DAY + DAY - 1 - SH) * 1000).toISOString().replace('.000Z', 'Z');
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

function user(name, role, region, unit) {
  const args = ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'];
  if (unit) args.push('--unit', unit);
  const r = s.cli(args, PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
}

async function loginAll() {
  for (const name of ['officer', 'handler', 'handler_housing', 'handler_other', 'leader', 'staff_street', 'sys', 'auditor', 'med'])
    sess[name] = await s.login(name);
}

async function advance(seconds) {
  await s.advance(seconds);
  await loginAll();
}

let seq = 0;
function person(overrides = {}) {
  seq++;
  const body = `1101051980${String(1 + (seq % 12)).padStart(2, '0')}${String(10 + (seq % 18)).padStart(2, '0')}${String(100 + seq).slice(-3)}`;
  return { name: `王${'一二三四五六七八九十'[seq % 10]}民`, id_number: idcard(body), phone: `139${String(10000000 + seq * 7919).slice(-8)}`, address: '建外街道某小区1号楼', ...overrides };
}

const base = (extra = {}) => ({
  channel: 'letter',
  class: 'grievance',
  category: 'urban_construction',
  content: '我们小区自今年十月起供暖温度一直不达标，室内温度只有十四度，多次向物业和供热公司反映均未解决，请求有关部门督促供热单位尽快整改。',
  region_code: STREET,
  petitioners: [person()],
  ...extra,
});

async function register(extra, who = 'officer') {
  const r = await sess[who].post('/api/v1/petition', base(extra));
  assert.equal(r.status, 201, r.text);
  return r.body;
}
const act = (who, id, action, body = {}) => sess[who].post(`/api/v1/petition/${id}/actions/${action}`, body);
async function actOk(who, id, action, body) {
  const r = await act(who, id, action, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body;
}
async function get(who, id, query = '') {
  const r = await sess[who].get(`/api/v1/petition/${id}${query}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const count = (sql) => Number(s.sqlite(sql).stdout.trim());

const REPLY = { reply_kind: 'support', reply_facts: '经查，供热管网压力不足属实。', reply_basis: '《北京市供热采暖管理办法》第十条', reply_text: '责令供热单位于十日内整改，室温达到18度以上。' };

before(async () => {
  await s.start();
  seedRegions(s);
  s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (${UNIT_STREET}, '建外街道办事处', 'township', '${STREET}', 0, 0),
    (${UNIT_HOUSING}, '区住房城乡建设委', 'department', '${COUNTY}', 0, 0),
    (${UNIT_OTHER}, '朝外街道办事处', 'township', '${SIBLING}', 0, 0);`);
  user('officer', 'petition_officer', COUNTY);
  user('handler', 'unit_handler', STREET, UNIT_STREET);
  user('handler_housing', 'unit_handler', COUNTY, UNIT_HOUSING);
  user('handler_other', 'unit_handler', SIBLING, UNIT_OTHER);
  user('leader', 'petition_leader', STREET, UNIT_STREET);
  user('staff_street', 'staff', STREET, UNIT_STREET);
  user('sys', 'sysadmin', PROVINCE);
  user('auditor', 'auditor', PROVINCE);
  user('med', 'mediator', STREET);
  await loginAll();
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('registration: petitioners become persons, the item gets a query code, a title and its 15-day routing clock', async () => {
  const t0 = today();
  const a = person(), b = person({ representative: true });
  const row = await register({ petitioners: [a, b], title: '' });
  assert.equal(row.state, 'registered');
  assert.equal(row.state_label, '已登记');
  assert.match(row.query_code, /^[2-9A-HJ-NP-Z]{12}$/);
  assert.equal(row.petitioner_count, 2);
  assert.equal(row.petitioner_name, a.name[0] + '*'.repeat([...a.name].length - 1), 'masked by default');
  assert.equal(row.title, [...base().content].slice(0, 30).join(''));
  assert.equal(clock(row, 'route').label, '转送交办期限');
  assert.equal(clock(row, 'route').due, endOfDay(rollForward(t0 + 15)));
  const one = await get('officer', row.id);
  assert.equal(one.petitioners.length, 2);
  assert.equal(one.petitioners[1].representative, true);
  assert.match(one.petitioners[0].id_number, /\*/);
  // the same ID number is the same person
  const again = await register({ petitioners: [{ name: a.name, id_number: a.id_number }] });
  const twice = await get('officer', again.id);
  assert.equal(twice.petitioners[0].person_id, one.petitioners[0].person_id);
  // identity in clear only with ?reveal=1, and audited
  const clear = await get('officer', row.id, '?reveal=1');
  assert.equal(clear.petitioners[0].id_number, a.id_number);
  assert.equal(clear.petitioners[0].phone, a.phone);
  assert.ok(count(`SELECT count(*) FROM audit_log WHERE action = 'person.identity_read'`) >= 2);
});

test('bad registrations answer every field error at once and write nothing', async () => {
  const before = count('SELECT count(*) FROM petition') + count('SELECT count(*) FROM person');
  let r = await sess.officer.post('/api/v1/petition', base({ petitioners: [], channel: 'pigeon' }));
  assert.equal(r.status, 400, r.text);
  const fields = r.body.error.details.map((d) => d.field);
  assert.ok(fields.includes('petitioners') && fields.includes('channel'), r.text);
  r = await sess.officer.post('/api/v1/petition', base({ petitioners: [person(), person({ id_number: '110105198001011234', phone: '12' })] }));
  assert.equal(r.status, 400, r.text);
  const bad = r.body.error.details.map((d) => d.field);
  assert.ok(bad.includes('petitioners[1].id_number'), r.text);
  assert.match(r.body.error.details.find((d) => d.field === 'petitioners[1].id_number').message, /^信访人2/);
  r = await sess.officer.post('/api/v1/petition', base({ collective: true, headcount: 3, petitioners: Array.from({ length: 6 }, () => person({ representative: true })) }));
  assert.equal(r.status, 400, r.text);
  const coll = r.body.error.details.map((d) => d.code);
  assert.ok(coll.includes('collective_headcount') && coll.includes('petition_too_many_representatives'), r.text);
  r = await sess.officer.post('/api/v1/petition', base({ petitioners: [{ name: '李四', nickname: 'x' }] }));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.details[0].field, 'petitioners[0].nickname');
  r = await sess.officer.post('/api/v1/petition', base({ query_code: 'AAAAAAAAAAAA' }));
  assert.equal(r.status, 400, 'the query code is the system\'s');
  assert.equal(count('SELECT count(*) FROM petition') + count('SELECT count(*) FROM person'), before);
  // a unit handler may not register
  r = await sess.handler.post('/api/v1/petition', base());
  assert.equal(r.status, 403);
});

test('the whole statutory path: route, accept, extend once, reply, rate once, 复查, 复核 with a hearing pause', async () => {
  const row = await register();
  // a holiday on the day the 15-day acceptance clock would end: rolled forward
  const t0 = today();
  const holiday = t0 + 15;
  const h = await sess.sys.request('PUT', `/api/v1/calendar/${dateOf(holiday)}`, { body: { kind: 'holiday', name: '测试假日' } });
  assert.equal(h.status, 200, h.text);
  holidays.add(holiday);
  // a handler can neither see nor take an item before it is routed to the unit
  assert.equal((await sess.handler.get(`/api/v1/petition/${row.id}`)).status, 404);
  let r = await act('handler', row.id, 'accept');
  assert.equal(r.status, 404);
  const routed = await actOk('officer', row.id, 'route', { unit_id: UNIT_STREET });
  assert.equal(routed.state, 'routed');
  assert.equal(routed.unit_id, UNIT_STREET);
  assert.ok(routed.routed_at);
  assert.equal(clock(routed, 'route').state, 'stopped');
  assert.equal(clock(routed, 'accept').due, endOfDay(rollForward(t0 + 15)));
  assert.notEqual(clock(routed, 'accept').due, endOfDay(t0 + 15));
  // now the street's handler sees it; the other street's does not
  await get('handler', row.id);
  assert.equal((await sess.handler_other.get(`/api/v1/petition/${row.id}`)).status, 404);
  // PATCH after routing: refused, nothing changed
  r = await sess.officer.patch(`/api/v1/petition/${row.id}`, { content: '改过的内容', version: routed.version });
  assert.equal(r.status, 409, r.text);
  const accepted = await actOk('handler', row.id, 'accept');
  assert.equal(clock(accepted, 'handle').due, endOfDay(rollForward(today() + 60)));
  // the extension needs the leader, at most 30 days, and only once
  r = await act('handler', row.id, 'extend', { extension_days: 10, extension_reason: '需现场勘验' });
  assert.equal(r.status, 403);
  r = await act('leader', row.id, 'extend', { extension_days: 31, extension_reason: '需现场勘验' });
  assert.equal(r.status, 400);
  const before = Date.parse(clock(accepted, 'handle').due) / 1000;
  const ext = await actOk('leader', row.id, 'extend', { extension_days: 10, extension_reason: '需现场勘验' });
  assert.equal(ext.extension_reason, '需现场勘验');
  assert.equal(clock(ext, 'handle').extended, true);
  const after = Date.parse(clock(ext, 'handle').due) / 1000;
  assert.ok(after - before >= 10 * DAY && after - before <= 14 * DAY, `${after - before}`);
  r = await act('leader', row.id, 'extend', { extension_days: 5, extension_reason: '再延' });
  assert.equal(r.status, 409);
  // reply: every part of the 意见书 is required
  r = await act('handler', row.id, 'reply', { reply_kind: 'support' });
  assert.equal(r.status, 400);
  const replied = await actOk('handler', row.id, 'reply', REPLY);
  assert.equal(replied.state, 'replied');
  assert.equal(clock(replied, 'handle').state, 'stopped');
  const rated = await actOk('officer', row.id, 'rate', { rating: 'unsatisfied', rating_comment: '温度仍不达标' });
  assert.equal(rated.rating, 'unsatisfied');
  r = await act('officer', row.id, 'rate', { rating: 'satisfied' });
  assert.equal(r.status, 409, 'rated once');
  assert.equal((await get('officer', row.id)).rating, 'unsatisfied');
  const reviewing = await actOk('officer', row.id, 'request_review');
  assert.equal(clock(reviewing, 'review').due, endOfDay(rollForward(today() + 30)));
  r = await act('handler', row.id, 'review', { review_decision: 'uphold', review_text: '维持' });
  assert.equal(r.status, 403);
  await actOk('officer', row.id, 'review', { review_decision: 'uphold', review_text: '维持原处理意见' });
  const rereviewing = await actOk('officer', row.id, 'request_rereview');
  const due0 = Date.parse(clock(rereviewing, 'rereview').due) / 1000;
  const hearing = await actOk('officer', row.id, 'hearing_start', { comment: '组织听证' });
  assert.equal(hearing.state, 'hearing');
  assert.equal(clock(hearing, 'rereview').state, 'paused');
  await advance(3 * DAY);
  const resumed = await actOk('officer', row.id, 'hearing_end');
  const due1 = Date.parse(clock(resumed, 'rereview').due) / 1000;
  assert.ok(due1 - due0 >= 3 * DAY && due1 - due0 <= 3 * DAY + 300, 'hearing days not counted');
  const closed = await actOk('officer', row.id, 'rereview', { rereview_decision: 'uphold', rereview_text: '维持复查意见' });
  assert.equal(closed.state, 'closed');
  assert.ok(closed.closed_at && closed.rereviewed_at);
  assert.deepEqual(closed.history.map((x) => x.action), ['create', 'route', 'accept', 'extend', 'reply', 'rate', 'request_review', 'review', 'request_rereview', 'hearing_start', 'hearing_end', 'rereview']);
  // the same person, the same facts: flagged for 不予受理 (and listed by the check)
  const first = (await get('officer', row.id, '?reveal=1')).petitioners[0];
  const repeat = await register({ petitioners: [{ name: first.name, id_number: first.id_number }] });
  assert.equal(repeat.after_rereview, true);
  const other = await register({ petitioners: [person()] });
  assert.equal(other.after_rereview, false, 'another person with the same text is not flagged');
  const chk = await sess.officer.post('/api/v1/petition/check', { content: base().content, petitioners: [{ id_number: first.id_number }] });
  assert.equal(chk.status, 200, chk.text);
  assert.equal(chk.body.after_rereview, true);
  assert.ok(chk.body.same_person.some((x) => x.id === row.id && x.state === 'closed'));
  assert.ok(chk.body.similar.some((x) => x.id === row.id && x.distance <= 16));
});

test('the citizen\'s windows: 复查 within 30 days of the reply, 复核 within 30 days of the review', async () => {
  const row = await register();
  await actOk('officer', row.id, 'route', { unit_id: UNIT_STREET });
  await actOk('handler', row.id, 'accept');
  await actOk('handler', row.id, 'reply', REPLY);
  await advance(40 * DAY);
  let r = await act('officer', row.id, 'request_review');
  assert.equal(r.status, 409, r.text);
  assert.match(r.body.error.message, /复查/);
  assert.equal((await get('officer', row.id)).state, 'replied', 'nothing changed');
  await actOk('officer', row.id, 'close');
  const row2 = await register();
  await actOk('officer', row2.id, 'route', { unit_id: UNIT_STREET });
  await actOk('handler', row2.id, 'accept');
  await actOk('handler', row2.id, 'reply', REPLY);
  await actOk('officer', row2.id, 'request_review');
  await actOk('officer', row2.id, 'review', { review_decision: 'change', review_text: '变更处理意见' });
  await advance(31 * DAY + DAY);
  r = await act('officer', row2.id, 'request_rereview');
  assert.equal(r.status, 409);
  assert.match(r.body.error.message, /复核/);
});

test('objection within 5 working days; the routing body upholds or dismisses it', async () => {
  const row = await register();
  await actOk('officer', row.id, 'route', { unit_id: UNIT_HOUSING });
  const obj = await actOk('handler_housing', row.id, 'object', { objection_reason: '属街道职责' });
  assert.equal(obj.state, 'objected');
  assert.equal(clock(obj, 'accept').state, 'paused');
  const back = await actOk('officer', row.id, 'uphold_objection');
  assert.equal(back.state, 'registered');
  assert.equal(back.unit_id, null);
  assert.equal(clock(back, 'route').state, 'running');
  const again = await actOk('officer', row.id, 'route', { unit_id: UNIT_HOUSING });
  assert.equal(again.state, 'routed');
  await actOk('handler_housing', row.id, 'object', { objection_reason: '仍属街道职责' });
  const kept = await actOk('officer', row.id, 'dismiss_objection');
  assert.equal(kept.state, 'routed');
  assert.equal(clock(kept, 'accept').state, 'running');
  // late: more than 5 working days after the routing
  const late = await register();
  await actOk('officer', late.id, 'route', { unit_id: UNIT_HOUSING });
  const t = today();
  await advance((addWorkingDays(t, 5) - t + 1) * DAY);
  const r = await act('handler_housing', late.id, 'object', { objection_reason: '属街道职责' });
  assert.equal(r.status, 409, r.text);
  assert.match(r.body.error.message, /5个工作日/);
  // not accepted, with where to go
  const lit = await register();
  const rej = await actOk('officer', lit.id, 'reject', { reject_reason: 'legal_procedure', reject_guidance: '请依法向人民法院提起诉讼' });
  assert.equal(rej.state, 'not_accepted');
  assert.equal(rej.reject_reason, 'legal_procedure');
  assert.ok(rej.closed_at);
});

// ---- confidentiality -----------------------------------------------------------------

const CANARY = { name: '龘靐齉', id_number: idcard('65010119770707123'), phone: '13977770707', address: '龘靐胡同7号' };
// the name (also masked: the surname stays), the ID number's kept ends, the phone's tail
const leaks = (text) => ['龘', '靐', CANARY.id_number.slice(0, 6), '*' + CANARY.id_number.slice(-4), CANARY.phone, '*0707'].filter((x) => text.includes(x));

test('canary: nothing of a petitioner reaches a user of the unit complained about, on any route', async () => {
  // uploaded material carrying the canary, an accusation and a grievance against the street
  const up = await sess.officer.request('PUT', '/api/v1/attachment?filename=letter.txt', { raw: Buffer.from(`举报人：${CANARY.name} ${CANARY.phone}`), headers: { 'Content-Type': 'text/plain' } });
  assert.equal(up.status, 201, up.text);
  const accusation = await register({ class: 'accusation', category: 'discipline', complained_unit_id: UNIT_STREET, petitioners: [CANARY], documents: [up.body.id], content: '反映街道某干部在拆迁补偿中优亲厚友、收受好处的问题，请求纪检部门调查处理。' });
  const grievance = await register({ complained_unit_id: UNIT_STREET, petitioners: [CANARY], content: '反映街道对老旧小区加装电梯的补贴发放不公，请求重新核查。' });
  // an accusation never goes to the accused unit
  let r = await act('officer', accusation.id, 'route', { unit_id: UNIT_STREET });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.details[0].code, 'petition_accusation_to_accused');
  await actOk('officer', accusation.id, 'route', { unit_id: UNIT_HOUSING });
  // the grievance is handled by the street itself — still without the identity
  await actOk('officer', grievance.id, 'route', { unit_id: UNIT_STREET });
  // the officer (identity holder) sees it masked, and in clear when asked
  assert.deepEqual(leaks(JSON.stringify(await get('officer', grievance.id))).filter((x) => x === '龘'), ['龘'], 'masked keeps the surname');
  assert.equal((await get('officer', grievance.id, '?reveal=1')).petitioners[0].name, CANARY.name);

  const me = sess.handler;
  const seen = await me.get(`/api/v1/petition/${grievance.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.withheld, true);
  assert.equal(seen.body.petitioner_name, null);
  assert.equal(seen.body.petitioners, null);
  assert.equal(seen.body.documents, null);
  assert.equal((await me.get(`/api/v1/petition/${accusation.id}`)).status, 404);
  await actOk('handler', grievance.id, 'accept');

  // crawl every GET route of the API as the street's users
  const spec = (await sess.officer.get('/api/v1/openapi.json')).body;
  const ids = { id: [grievance.id, accusation.id], key: [STREET], action: ['reply'], enum: ['petition_category'] };
  const paths = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    if (!ops.get || path.startsWith('/api/v1/test')) continue;
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    let variants = [path.replace('/api/v1', '')];
    for (const p of params) variants = variants.flatMap((v) => (ids[p] || ['1']).map((x) => v.replace(`{${p}}`, x)));
    for (const v of variants) for (const q of ['', '?reveal=1', '?q=龘靐齉', '?q=拆迁补偿', '?format=csv', '?size=200']) paths.push(v + q);
  }
  paths.push(`/attachment/${up.body.id}`, `/attachment/${up.body.id}/info`, '/todo', '/notices', `/petition?petitioner_name=${encodeURIComponent(CANARY.name)}`);
  let crawled = 0;
  for (const who of ['handler', 'staff_street']) {
    for (const p of paths) {
      const res = await sess[who].get('/api/v1' + p.replace(/^\/api\/v1/, ''));
      crawled++;
      assert.deepEqual(leaks(res.text), [], `${who} GET ${p} → ${res.status}: ${res.text.slice(0, 300)}`);
    }
  }
  assert.ok(crawled > 100, `${crawled}`);
  // and the search does not find the item by the petitioner's name, even for the officer
  const byName = await sess.officer.get(`/api/v1/petition?q=${encodeURIComponent('龘靐齉')}`);
  assert.equal(byName.body.total, 0);
  const byText = await sess.officer.get(`/api/v1/petition?q=${encodeURIComponent('加装电梯')}`);
  assert.ok(byText.body.items.some((x) => x.id === grievance.id));
  // a confidential item is withheld from a handler without petition.identity
  const conf = await register({ confidential: true, petitioners: [person()] });
  await actOk('officer', conf.id, 'route', { unit_id: UNIT_STREET });
  assert.equal((await get('handler', conf.id)).withheld, true);
  assert.equal((await get('officer', conf.id)).withheld, undefined);
});

test('a unit handler lists only the items routed to the unit; the check needs petition.register', async () => {
  const mine = await register({ region_code: SIBLING });
  const far = await register();
  const r0 = await act('officer', far.id, 'route', { unit_id: UNIT_OTHER });
  assert.equal(r0.status, 400, 'a street handles matters of its own area');
  assert.equal(r0.body.error.details[0].code, 'petition_unit_out_of_region');
  await actOk('officer', mine.id, 'route', { unit_id: UNIT_OTHER });
  const list = await sess.handler_other.get('/api/v1/petition?size=200');
  assert.equal(list.status, 200);
  assert.ok(list.body.items.length >= 1);
  assert.ok(list.body.items.every((x) => x.unit_id === UNIT_OTHER), JSON.stringify(list.body.items.map((x) => x.unit_id)));
  const r = await sess.handler.post('/api/v1/petition/check', { content: 'x' });
  assert.equal(r.status, 403);
  const bad = await sess.officer.post('/api/v1/petition/check', { content: 5, petitioners: 'x' });
  assert.equal(bad.status, 400);
});

test('referral to people\'s mediation: a dispute opens in the item\'s area and its outcome comes back', async () => {
  const row = await register();
  await actOk('officer', row.id, 'route', { unit_id: UNIT_STREET });
  await actOk('handler', row.id, 'accept');
  let r = await act('handler', row.id, 'refer_mediation', { dispute_type: 'other' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.details[0].field, 'party_b_name');
  const referred = await actOk('handler', row.id, 'refer_mediation', { dispute_type: 'neighbor', party_b_name: '某供热公司' });
  assert.ok(referred.dispute_id);
  assert.equal(referred.state, 'handling');
  r = await act('handler', row.id, 'refer_mediation', { dispute_type: 'neighbor', party_b_name: '某供热公司' });
  assert.equal(r.status, 409, 'once');
  const d = await sess.med.get(`/api/v1/dispute/${referred.dispute_id}`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.source, 'petition');
  assert.equal(d.body.source_ref, row.id);
  assert.equal(d.body.region_code, STREET);
  assert.equal(d.body.content, base().content);
  const declined = await sess.med.post(`/api/v1/dispute/${referred.dispute_id}/actions/decline`, { decline_reason: '被申请人明确拒绝调解' });
  assert.equal(declined.status, 200, declined.text);
  assert.equal((await get('officer', row.id)).mediation_outcome, 'declined');
  // a confidential item is not passed on by the unit
  const conf = await register({ confidential: true });
  await actOk('officer', conf.id, 'route', { unit_id: UNIT_STREET });
  await actOk('handler', conf.id, 'accept');
  r = await act('handler', conf.id, 'refer_mediation', { dispute_type: 'neighbor', party_b_name: '某公司' });
  assert.equal(r.status, 409, r.text);
  assert.equal(count(`SELECT count(*) FROM dispute WHERE source_ref = '${conf.id}'`), 0);
});
