// The citizens' petition portal (docs/portal.md): submitting without an account (durable,
// audited, field errors named as the portal's fields, nothing written on a mistake), tracking
// by query code and the mobile's last four digits (one 404 for a wrong code or wrong digits,
// nothing internal in the answer), rating once, 复查 and 复核 within their windows, the
// printable receipt, the per-address limits, a kill -9 right after the answer, and the staff
// side's region scope untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, PASSWORD, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions, COUNTY, STREET, SIBLING, OTHER_COUNTY } from './lib/fixture.mjs';

const UNIT_STREET = '8001'; // 建外街道办事处
const UNIT_HOUSING = '8002'; // 区住房城乡建设委
const DAY = 86400;
const CODE = /^[2-9A-HJ-NP-Z]{12}$/;

const s = new Server();
const sess = {};

function user(name, role, region, unit, display) {
  const args = ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'];
  if (unit) args.push('--unit', unit);
  if (display) args.push('--display', display);
  const r = s.cli(args, PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
}

async function loginAll() {
  for (const name of ['officer', 'handler', 'handler_housing', 'officer_other', 'leader'])
    sess[name] = await s.login(name);
}

let seq = 0;
const phone = () => `139${String(10000000 + ++seq * 7919).slice(-8)}`;
const submission = (extra = {}) => ({
  class: 'grievance',
  category: 'urban_construction',
  content: '我家楼下的烧烤店每天营业到凌晨两点，油烟和噪音严重影响休息，多次向物业反映没有结果，请求有关部门依法处理。',
  region_code: STREET,
  contact: { name: '赵秀兰', phone: phone() },
  confidential: false,
  ...extra,
});

const pub = (method, path, body) => s.request(method, '/api/v1/public' + path, body === undefined ? {} : { body });
async function submit(extra) {
  const body = submission(extra);
  const r = await pub('POST', '/petition', body);
  assert.equal(r.status, 201, r.text);
  return { ...r.body, phone: body.contact.phone, last4: body.contact.phone.slice(-4), body };
}
async function track(item, last4 = item.last4) {
  const r = await pub('GET', `/petition/${item.query_code}?phone_last4=${last4}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
}
const idOf = (code) => s.sqlite(`SELECT id FROM petition WHERE query_code = '${code}'`).stdout.trim();
const count = (sql) => Number(s.sqlite(sql).stdout.trim());
const act = (who, id, action, body = {}) => sess[who].post(`/api/v1/petition/${id}/actions/${action}`, body);
async function actOk(who, id, action, body) {
  const r = await act(who, id, action, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body;
}
const REPLY = { reply_kind: 'explain', reply_facts: '经现场核查，该店已办理营业执照，油烟净化设施运行正常。', reply_basis: '《中华人民共和国噪声污染防治法》第六十四条', reply_text: '已责令该店晚十点后停止室外经营，城管部门将持续巡查。' };

/** An item submitted on the portal and taken by the bodies up to its reply. */
async function replied(extra) {
  const item = await submit(extra);
  const id = idOf(item.query_code);
  await actOk('officer', id, 'route', { unit_id: UNIT_STREET });
  await actOk('handler', id, 'accept');
  await actOk('handler', id, 'reply', REPLY);
  return { ...item, id };
}

before(async () => {
  await s.start({ env: { SHEGONG_PORTAL_SUBMIT_RATE: '0', SHEGONG_PORTAL_LOOKUP_RATE: '0' } });
  seedRegions(s);
  s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (${UNIT_STREET}, '建外街道办事处', 'township', '${STREET}', 0, 0),
    (${UNIT_HOUSING}, '区住房城乡建设委', 'department', '${COUNTY}', 0, 0);`);
  user('officer', 'petition_officer', COUNTY, null, '信访科孙主任');
  user('handler', 'unit_handler', STREET, UNIT_STREET, '街道经办人钱晓');
  user('handler_housing', 'unit_handler', COUNTY, UNIT_HOUSING, '住建委经办人李');
  user('officer_other', 'petition_officer', OTHER_COUNTY);
  user('leader', 'petition_leader', COUNTY);
  await loginAll();
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('the form: classes and categories, and the region chooser without placeholder levels', async () => {
  const form = await pub('GET', '/petition');
  assert.equal(form.status, 200, form.text);
  assert.deepEqual(form.body.classes.map((c) => c.code), ['suggestion', 'accusation', 'grievance']);
  assert.ok(form.body.categories.some((c) => c.code === 'other' && c.label === '其他'));
  const top = await pub('GET', '/region');
  assert.deepEqual(top.body.items, [{ code: '110000000000', name: '北京市', leaf: false }]);
  const beijing = await pub('GET', '/region?parent=110000000000');
  assert.deepEqual(beijing.body.items.map((x) => x.name), ['朝阳区', '丰台区'], '市辖区 is skipped');
  const chaoyang = await pub('GET', `/region?parent=${COUNTY}`);
  assert.deepEqual(chaoyang.body.items.map((x) => [x.name, x.leaf]), [['建外街道', true], ['朝外街道', true]]);
  assertInvalid(await pub('GET', '/region?parent=11x'), [['parent', 'invalid_region']]);
});

test('a submission answers a query code after it is durable, and the desk sees it like any other', async () => {
  const auditBefore = count('SELECT count(*) FROM audit_log');
  const item = await submit({ confidential: true, title: '烧烤店油烟噪音扰民' });
  assert.match(item.query_code, CODE);
  assert.equal(item.receipt, `/api/v1/public/petition/${item.query_code}/receipt.pdf`);
  // committed: the row, its petitioner, the person and the tracking key exist
  const row = s.sqlite(`SELECT channel, class, category, region_code, confidential, created_by, state, title FROM petition WHERE query_code = '${item.query_code}'`).stdout.trim();
  assert.equal(row, `online|grievance|urban_construction|${STREET}|1||registered|烧烤店油烟噪音扰民`);
  const id = idOf(item.query_code);
  assert.equal(count(`SELECT count(*) FROM petitioner WHERE petition_id = ${id}`), 1);
  assert.equal(count(`SELECT count(*) FROM petition_track WHERE petition_id = ${id} AND phone_key IS NOT NULL`), 1);
  // audited, without a user
  const audit = s.sqlite(`SELECT user_id, username, action, object_type, object_id, result FROM audit_log WHERE seq > ${auditBefore}`).stdout.trim();
  assert.equal(audit, `||petition.portal_submit|petition|${id}|success`);
  // the officer reads it with its clock, the contact as its petitioner (masked)
  const desk = await sess.officer.get(`/api/v1/petition/${id}`);
  assert.equal(desk.status, 200, desk.text);
  assert.equal(desk.body.channel, 'online');
  assert.equal(desk.body.query_code, item.query_code);
  assert.equal(desk.body.petitioner_name, '赵**');
  assert.equal(desk.body.petitioners.length, 1);
  assert.match(desk.body.petitioners[0].phone, /\*/);
  assert.ok(desk.body.deadlines.some((d) => d.name === 'route' && d.state === 'running'));
  const clear = await sess.officer.get(`/api/v1/petition/${id}?reveal=1`);
  assert.equal(clear.body.petitioners[0].phone, item.phone);
  // the category may be left out: 其他
  const plain = await submit({ category: undefined });
  assert.equal(s.sqlite(`SELECT category FROM petition WHERE query_code = '${plain.query_code}'`).stdout.trim(), 'other');
});

test('mistakes are named as the portal\'s fields, all at once, and nothing is written', async () => {
  const tables = ['petition', 'person', 'petitioner', 'petition_track', 'workflow_history', 'audit_log'];
  const before = tables.map((t) => count(`SELECT count(*) FROM ${t}`));
  let r = await pub('POST', '/petition', { class: 'complaint', content: '', region_code: '999999999999', contact: { phone: '010-12345678', email: 'x@y' }, documents: [] });
  assertInvalid(r, [
    ['documents', 'unknown_field'],
    ['contact.email', 'unknown_field'],
    ['contact.name', 'required'],
    ['contact.phone', 'mobile_invalid'],
    ['class', 'invalid_enum'],
    ['content', 'required'],
    ['region_code', 'region_not_found'],
  ]);
  assert.match(r.body.error.details.find((d) => d.field === 'contact.phone').message, /^联系手机/);
  r = await pub('POST', '/petition', { ...submission(), contact: undefined });
  assertInvalid(r, [['contact.name', 'required'], ['contact.phone', 'required']]);
  r = await pub('POST', '/petition', { ...submission(), contact: 'me' });
  assertInvalid(r, [['contact', 'type_object']]);
  r = await pub('POST', '/petition', submission({ contact: { name: 7, phone: 13900000000 } }));
  assertInvalid(r, [['contact.name', 'type_string'], ['contact.phone', 'type_string']]);
  r = await pub('POST', '/petition', submission({ contact: { name: '名'.repeat(300), phone: '13912340000' } }));
  assert.equal(r.status, 400, r.text);
  assert.deepEqual(r.body.error.details.map((d) => d.field), ['contact.name']);
  r = await pub('POST', '/petition', submission({ confidential: 'yes', content: '字'.repeat(5001) }));
  assertInvalid(r, [['content', 'too_long'], ['confidential', 'type_boolean']]);
  r = await pub('POST', '/petition', submission({ query_code: 'AAAAAAAAAAAA', channel: 'visit' }));
  assertInvalid(r, [['query_code', 'unknown_field'], ['channel', 'unknown_field']]);
  r = await s.request('POST', '/api/v1/public/petition', { raw: '{"class":', headers: { 'Content-Type': 'application/json' } });
  assertError(r, 400, 'malformed_json');
  assert.deepEqual(tables.map((t) => count(`SELECT count(*) FROM ${t}`)), before, 'nothing written');
});

test('tracking: the right code and digits; one 404 for a wrong code, wrong digits or a malformed code', async () => {
  const item = await submit();
  const view = await track(item);
  assert.equal(view.query_code, item.query_code);
  assert.equal(view.state, 'registered');
  assert.equal(view.state_label, '已登记');
  assert.equal(view.class_label, '申诉求决');
  assert.equal(view.category_label, '城乡建设');
  assert.equal(view.region_name, '北京市朝阳区建外街道');
  assert.deepEqual(view.timeline.map((x) => x.label), ['信访事项已登记']);
  assert.deepEqual(view.deadlines.map((d) => d.label), ['转送交办期限']);
  assert.equal(view.can_rate, false);
  assert.equal(view.can_request_review, false);
  // typed loosely: lower case, spaces, dashes
  const loose = item.query_code.toLowerCase().replace(/(....)(....)(....)/, '$1 $2-$3');
  assert.equal((await pub('GET', `/petition/${encodeURIComponent(loose)}?phone_last4=${item.last4}`)).status, 200);
  const wrong = [
    `/petition/${item.query_code}?phone_last4=${String((Number(item.last4) + 1) % 10000).padStart(4, '0')}`,
    `/petition/${item.query_code.slice(0, 11)}${item.query_code[11] === 'Z' ? 'Y' : 'Z'}?phone_last4=${item.last4}`,
    `/petition/not-a-code?phone_last4=${item.last4}`,
    `/petition/${item.query_code}/receipt.pdf?phone_last4=0000`,
  ];
  const answers = [];
  for (const path of wrong) {
    const r = await pub('GET', path);
    assertError(r, 404, 'not_found');
    answers.push(r.body.error.message);
  }
  assert.equal(new Set(answers).size, 1, 'the same message whatever was wrong');
  assert.match(answers[0], /查询码或手机号码后四位不正确/);
  assertInvalid(await pub('GET', `/petition/${item.query_code}`), [['phone_last4', 'required']]);
  assertInvalid(await pub('GET', `/petition/${item.query_code}?phone_last4=12a4`), [['phone_last4', 'portal_last4']]);
});

test('nothing internal: no user, no comment, no objection, no personal data, no internal id', async () => {
  const item = await submit({ contact: { name: '钱卫东', phone: '13911112222' } });
  const id = idOf(item.query_code);
  await actOk('officer', id, 'route', { unit_id: UNIT_HOUSING, comment: '内部备注：请住建委孙科长牵头' });
  await actOk('handler_housing', id, 'object', { objection_reason: '属于街道职责，非本委管辖' });
  await actOk('officer', id, 'uphold_objection', { comment: '异议成立' });
  await actOk('officer', id, 'route', { unit_id: UNIT_STREET });
  await actOk('handler', id, 'accept', { comment: '交执法队办理' });
  const view = await track(item);
  assert.equal(view.state, 'handling');
  assert.equal(view.unit_name, '建外街道办事处');
  assert.deepEqual(view.timeline.map((x) => x.action), ['create', 'route', 'route', 'accept']);
  assert.deepEqual(view.timeline.map((x) => x.note), [null, '承办单位：区住房城乡建设委', '承办单位：建外街道办事处', null]);
  assert.deepEqual(view.deadlines.map((d) => d.label), ['办理期限']);
  const text = JSON.stringify(view);
  for (const secret of ['钱卫东', '13911112222', '1111', 'officer', 'handler', '孙主任', '钱晓', '住建委经办人', '内部备注', '孙科长',
    '异议', '非本委管辖', '交执法队', id, UNIT_STREET, UNIT_HOUSING, 'user', 'created_by', 'person', 'petitioner', 'comment', 'objection'])
    assert.ok(!text.includes(secret), `the citizen's view holds "${secret}": ${text}`);
  // the extension and its reason are the citizen's to know
  const ext = await sess.leader.post(`/api/v1/petition/${id}/actions/extend`, { extension_days: 10, extension_reason: '需委托第三方检测噪声' });
  assert.equal(ext.status, 200, ext.text);
  const later = await track(item);
  assert.deepEqual(later.extension, { days: 10, reason: '需委托第三方检测噪声' });
  assert.equal(later.timeline.at(-1).note, '延期10日，理由：需委托第三方检测噪声');
});

test('the reply, rated once; wrong digits change nothing', async () => {
  const item = await replied();
  let view = await track(item);
  assert.equal(view.state, 'replied');
  assert.deepEqual(view.reply, { kind: 'explain', kind_label: '解释说明', facts: REPLY.reply_facts, basis: REPLY.reply_basis, text: REPLY.reply_text, at: view.reply.at });
  assert.equal(view.can_rate, true);
  assert.equal(view.can_request_review, true);
  assert.ok(Date.parse(view.review_until) - Date.parse(view.reply.at) >= 30 * DAY * 1000);
  let r = await pub('POST', `/petition/${item.query_code}/rate`, { phone_last4: '0000', rating: 'satisfied' });
  assertError(r, 404, 'not_found');
  r = await pub('POST', `/petition/${item.query_code}/rate`, { phone_last4: item.last4, rating: 'great', comment: 5, extra: 1 });
  assertInvalid(r, [['extra', 'unknown_field'], ['comment', 'type_string']]);
  r = await pub('POST', `/petition/${item.query_code}/rate`, { phone_last4: item.last4, rating: 'great' });
  assertInvalid(r, [['rating', 'invalid_enum']]);
  r = await pub('POST', `/petition/${item.query_code}/rate`, { phone_last4: item.last4, comment: '字'.repeat(501), rating: 'basic' });
  assertInvalid(r, [['comment', 'too_long']]);
  assert.equal(s.sqlite(`SELECT rating FROM petition WHERE id = ${item.id}`).stdout.trim(), '');
  r = await pub('POST', `/petition/${item.query_code}/rate`, { phone_last4: item.last4, rating: 'basic', comment: '整改后有所好转' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.rating, { rating: 'basic', label: '基本满意', comment: '整改后有所好转', at: r.body.rating.at });
  assert.equal(r.body.can_rate, false);
  assert.equal(r.body.timeline.at(-1).note, '基本满意');
  r = await pub('POST', `/petition/${item.query_code}/rate`, { phone_last4: item.last4, rating: 'satisfied' });
  assertError(r, 409, 'conflict');
  assert.match(r.body.error.message, /已评价/);
  assert.equal(s.sqlite(`SELECT rating, rating_comment FROM petition WHERE id = ${item.id}`).stdout.trim(), 'basic|整改后有所好转');
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE action = 'petition.portal_rate' AND object_id = '${item.id}' AND user_id IS NULL`), 1);
  // the desk sees the rating
  assert.equal((await sess.officer.get(`/api/v1/petition/${item.id}`)).body.rating, 'basic');
});

test('复查 within 30 days of the reply, then 复核 within 30 days of the review; refused when late', async () => {
  const item = await replied();
  let r = await pub('POST', `/petition/${item.query_code}/review`, { phone_last4: item.last4 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'reviewing');
  assert.equal(r.body.state_label, '复查中');
  assert.equal(r.body.can_rate, false, 'no rating once a review is asked for');
  assert.deepEqual(r.body.deadlines.map((d) => d.label), ['复查期限']);
  r = await pub('POST', `/petition/${item.query_code}/review`, { phone_last4: item.last4 });
  assertError(r, 409, 'conflict');
  assert.match(r.body.error.message, /当前状态：复查中/);
  await actOk('officer', item.id, 'review', { review_decision: 'change', review_text: '变更原处理意见：责令该店安装隔音设施。' });
  let view = await track(item);
  assert.deepEqual(view.review, { decision: 'change', decision_label: '变更', text: '变更原处理意见：责令该店安装隔音设施。', at: view.review.at });
  assert.equal(view.can_request_rereview, true);
  assert.ok(view.rereview_until);
  r = await pub('POST', `/petition/${item.query_code}/review`, { phone_last4: item.last4, why: 'x' });
  assertInvalid(r, [['why', 'unknown_field']]);
  r = await pub('POST', `/petition/${item.query_code}/review`, { phone_last4: item.last4 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'rereviewing');
  await actOk('officer', item.id, 'rereview', { rereview_decision: 'uphold', rereview_text: '维持复查意见。' });
  view = await track(item);
  assert.equal(view.state, 'closed');
  assert.equal(view.rereview.decision_label, '维持');
  assert.ok(view.closed_at);
  assert.deepEqual(view.timeline.map((x) => x.action), ['create', 'route', 'accept', 'reply', 'request_review', 'review', 'request_rereview', 'rereview']);
  assert.equal(count(`SELECT count(*) FROM audit_log WHERE action = 'petition.portal_review' AND object_id = '${item.id}' AND user_id IS NULL`), 2);

  // late: more than 30 days after the reply
  const late = await replied();
  const late2 = await replied();
  await pub('POST', `/petition/${late2.query_code}/review`, { phone_last4: late2.last4 });
  await actOk('officer', late2.id, 'review', { review_decision: 'uphold', review_text: '维持。' });
  await s.advance(32 * DAY);
  await loginAll();
  view = await track(late);
  assert.equal(view.can_request_review, false);
  assert.equal(view.can_rate, true, 'rating has no window');
  r = await pub('POST', `/petition/${late.query_code}/review`, { phone_last4: late.last4 });
  assertError(r, 409, 'conflict');
  assert.match(r.body.error.message, /已超过申请复查的期限/);
  assert.equal((await track(late)).state, 'replied', 'nothing changed');
  r = await pub('POST', `/petition/${late2.query_code}/review`, { phone_last4: late2.last4 });
  assertError(r, 409, 'conflict');
  assert.match(r.body.error.message, /已超过申请复核的期限/);
  // a new item's answer uses the moved clock too
  const fresh = await submit();
  assert.equal((await track(fresh)).state, 'registered');
});

test('the receipt: a one-page PDF with the code, the date, the class and the region, in Chinese', async () => {
  const item = await submit({ class: 'suggestion' });
  const res = await fetch(`${s.base}${item.receipt}?phone_last4=${item.last4}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), new RegExp(`petition-receipt-${item.query_code}\\.pdf`));
  const pdf = Buffer.from(await res.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.match(pdf.subarray(-8).toString(), /%%EOF/);
  assert.match(pdf.toString('latin1'), /\/Count 1\b/, 'one page');
  assert.match(pdf.toString('latin1'), /\/Ordering \(GB1\)/, 'Simplified Chinese CID fonts');
  assert.match(pdf.toString('latin1'), /\/Encoding \/GBK-EUC-H/);
  const text = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' });
  if (text.error) {
    // poppler-utils (scripts/deps.sh) missing: the structure above has to do
    return;
  }
  assert.equal(text.status, 0, text.stderr);
  const flat = text.stdout.replace(/\s+/g, ''); // lines wrap anywhere in Chinese
  for (const want of ['信访事项登记回执', item.query_code, '建议意见', '城乡建设', '北京市朝阳区建外街道', '查询信访事项', '手机号码的后四位', `${s.base}/portal`])
    assert.ok(flat.includes(want), `receipt lacks "${want}":\n${text.stdout}`);
  assert.ok(text.stdout.includes(item.query_code.replace(/(....)(....)(....)/, '$1 $2 $3')), 'the code in groups of four');
  assert.ok(!text.stdout.includes('赵秀兰') && !text.stdout.includes(item.phone), 'nothing of the petitioner');
  assertInvalid(await pub('GET', `/petition/${item.query_code}/receipt.pdf`), [['phone_last4', 'required']]);
});

test('the staff side keeps its region scope', async () => {
  const item = await submit({ region_code: SIBLING });
  const id = idOf(item.query_code);
  assert.equal((await sess.officer_other.get(`/api/v1/petition/${id}`)).status, 404, 'another county');
  const list = await sess.officer_other.get('/api/v1/petition?size=200');
  assert.equal(list.status, 200);
  assert.equal(list.body.items.length, 0);
  assert.equal((await sess.handler.get(`/api/v1/petition/${id}`)).status, 404, 'not routed to the unit');
  const r = await sess.officer_other.post('/api/v1/petition', {
    channel: 'letter', class: 'grievance', category: 'other', content: '测试', region_code: STREET,
    petitioners: [{ name: '张三' }],
  });
  assert.equal(r.status, 403, r.text);
  assert.equal((await sess.officer.get(`/api/v1/petition/${id}`)).status, 200, 'the county officer reads it');
});

test('limits per address an hour: 429 with Retry-After, counted also for wrong guesses', async (t) => {
  const lim = new Server();
  await lim.start({ env: { SHEGONG_PORTAL_SUBMIT_RATE: '2', SHEGONG_PORTAL_LOOKUP_RATE: '3' } });
  t.after(async () => {
    await lim.stop();
    lim.cleanup();
  });
  seedRegions(lim);
  const post = (body) => lim.request('POST', '/api/v1/public/petition', { body });
  const a = await post(submission());
  assert.equal(a.status, 201, a.text);
  assert.equal((await post({ class: 'bad' })).status, 400, 'a mistake counts too');
  let r = await post(submission());
  assertError(r, 429, 'rate_limited');
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 3600, `Retry-After ${retry}`);
  assert.match(r.body.error.message, /过于频繁/);
  const code = a.body.query_code;
  assert.equal((await lim.request('GET', `/api/v1/public/petition/${code}?phone_last4=0000`)).status, 404);
  assert.equal((await lim.request('GET', `/api/v1/public/petition/${code}?phone_last4=0001`)).status, 404);
  assert.equal((await lim.request('POST', `/api/v1/public/petition/${code}/rate`, { body: { phone_last4: '0002', rating: 'satisfied' } })).status, 404);
  r = await lim.request('GET', `/api/v1/public/petition/${code}?phone_last4=0003`);
  assertError(r, 429, 'rate_limited');
  assert.ok(Number(r.headers.get('retry-after')) <= 3600);
  // the next hour opens again
  await lim.advance(3600);
  assert.equal((await post(submission())).status, 201);
  assert.equal((await lim.request('GET', `/api/v1/public/petition/${code}?phone_last4=0004`)).status, 404);
});

test('kill -9 right after the answer: the submission is there after a restart', async (t) => {
  const k = new Server();
  await k.start();
  t.after(async () => {
    await k.stop();
    k.cleanup();
  });
  seedRegions(k);
  const body = submission();
  const r = await k.request('POST', '/api/v1/public/petition', { body });
  assert.equal(r.status, 201, r.text);
  k.proc.kill('SIGKILL');
  await k.exited;
  await k.start();
  const view = await k.request('GET', `/api/v1/public/petition/${r.body.query_code}?phone_last4=${body.contact.phone.slice(-4)}`);
  assert.equal(view.status, 200, view.text);
  assert.equal(view.body.state, 'registered');
});
