// Petition figures and hot spots (docs/petition.md "Figures and hot spots"): a hand-computed
// fixture of items registered, routed, accepted, replied and rated — some late by moving
// the server's clock — with the exact figures per unit and per child region, the drill-down
// that answers exactly the items counted, a unit handler who sees only its unit's items,
// the CSV export; then hot spots over three months with a rising category; bad parameters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD } from './lib/server.mjs';
import { seedRegions, idcard, CITY, COUNTY, STREET, SIBLING, OTHER_COUNTY } from './lib/fixture.mjs';

const UNIT_STREET = '8001'; // 建外街道办事处, at STREET
const UNIT_HOUSING = '8002'; // 区住建委, a county department
const YOUAN = '110106001000'; // 丰台区右安门街道
const TAIPING = '110106002000'; // 丰台区太平桥街道
const DAY = 86400;
const SH = 8 * 3600;
const INVALID = 400; // field errors (ERR_INVALID), as every route answers them

const s = new Server();
const sess = {};

const dateOf = (unix) => new Date((unix + SH) * 1000).toISOString().slice(0, 10);
const monthOf = (unix) => new Date((unix + SH) * 1000).toISOString().slice(0, 7);
const nextMonthStart = (unix) => {
  const d = new Date((unix + SH) * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000 - SH;
};

function user(name, role, region, unit) {
  const args = ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'];
  if (unit) args.push('--unit', unit);
  const r = s.cli(args, PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
}

const USERS = ['officer', 'officer_city', 'handler', 'handler_housing', 'leader', 'staff'];
async function loginAll() {
  for (const name of USERS) sess[name] = await s.login(name);
}
async function advanceTo(unix) {
  const by = Math.ceil(unix - s.serverNow());
  assert.ok(by > 0, `advance by ${by}`);
  await s.advance(by);
  await loginAll();
}

let seq = 0;
function person() {
  seq++;
  const body = `1101051975${String(1 + (seq % 12)).padStart(2, '0')}${String(10 + (seq % 18)).padStart(2, '0')}${String(300 + seq).slice(-3)}`;
  return { name: `李${'一二三四五六七八九十'[seq % 10]}华`, id_number: idcard(body), phone: `137${String(20000000 + seq * 7919).slice(-8)}` };
}

const TEXTS = {
  urban_construction: '小区供暖温度长期不达标，请求督促供热单位整改。',
  environment: '附近工地夜间施工噪音扰民，请求有关部门依法查处。',
  labor: '公司拖欠农民工工资三个月未发放，请求帮助追讨。',
  health: '社区卫生服务中心医保报销手续繁琐，请求简化流程。',
};
async function register(who, extra = {}) {
  const category = extra.category || 'urban_construction';
  const r = await sess[who].post('/api/v1/petition', {
    channel: 'letter',
    class: 'grievance',
    category,
    content: `${TEXTS[category]}（编号${++seq}）`,
    region_code: STREET,
    petitioners: [person()],
    ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.body;
}
async function act(who, id, action, body = {}) {
  const r = await sess[who].post(`/api/v1/petition/${id}/actions/${action}`, body);
  assert.equal(r.status, 200, `${action}: ${r.text}`);
  return r.body;
}
async function get(who, path) {
  const r = await sess[who].get(path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.body;
}
const REPLY = { reply_kind: 'explain', reply_facts: '经核查情况属实。', reply_basis: '《信访工作条例》第三十二条', reply_text: '已责成有关单位整改并向信访人说明。' };
const clock = (row, name) => row.deadlines.find((d) => d.name === name);
const dueOf = async (id, name) => Date.parse(clock(await get('officer', `/api/v1/petition/${id}`), name).due) / 1000;

before(async () => {
  await s.start();
  seedRegions(s);
  s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('${YOUAN}', '${OTHER_COUNTY}', 4, '右安门街道', '北京市/丰台区/右安门街道', 0, 0),
    ('${TAIPING}', '${OTHER_COUNTY}', 4, '太平桥街道', '北京市/丰台区/太平桥街道', 0, 0);
    INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (${UNIT_STREET}, '建外街道办事处', 'township', '${STREET}', 0, 0),
    (${UNIT_HOUSING}, '区住房城乡建设委', 'department', '${COUNTY}', 0, 0);`);
  user('officer', 'petition_officer', COUNTY);
  user('officer_city', 'petition_officer', CITY);
  user('handler', 'unit_handler', STREET, UNIT_STREET);
  user('handler_housing', 'unit_handler', COUNTY, UNIT_HOUSING);
  user('leader', 'petition_leader', COUNTY);
  user('staff', 'staff', COUNTY);
  await loginAll();
});
after(async () => {
  await s.stop();
  s.cleanup();
});

// ---- the fixture -----------------------------------------------------------------------
// Registered on day 0 (P1–P8 and P10), P9 two months later (outside the period):
//   P1–P3  建外 → 建外街道办事处, accepted and replied on day 0; P1 满意, P2 不满意, P3 not rated
//   P4     朝外 → 住建委 on day 0, accepted; replied after its 60 days (late), 基本满意
//   P5     朝外 → 住建委 after the 15-day routing clock ran out (late), accepted, still handling
//   P6     建外, not accepted on day 0 (the routing clock stopped in time)
//   P7     建外, never routed (its routing clock overdue)
//   P8     建外 → 建外街道办事处, a repeat of P1, accepted on day 0, never replied (overdue)
//   P10    朝阳区 itself, never routed (overdue)
const P = {};
let period;

const EXPECT_UNIT = {
  [UNIT_STREET]: { registered: 4, timely_accept: [4, 4], on_time: [3, 4], rated: [2, 3], satisfied: [1, 2], repeat: [1, 4] },
  [UNIT_HOUSING]: { registered: 2, timely_accept: [1, 2], on_time: [0, 1], rated: [1, 1], satisfied: [1, 1], repeat: [0, 2] },
  none: { registered: 3, timely_accept: [1, 3], on_time: [0, 0], rated: [0, 0], satisfied: [0, 0], repeat: [0, 3] },
};
const EXPECT_TOTAL = { registered: 9, timely_accept: [6, 9], on_time: [3, 5], rated: [3, 4], satisfied: [2, 3], repeat: [1, 9] };
const EXPECT_REGION = {
  [STREET]: { registered: 6, timely_accept: [5, 6], on_time: [3, 4], rated: [2, 3], satisfied: [1, 2], repeat: [1, 6] },
  [SIBLING]: { registered: 2, timely_accept: [1, 2], on_time: [0, 1], rated: [1, 1], satisfied: [1, 1], repeat: [0, 2] },
  own: { registered: 1, timely_accept: [0, 1], on_time: [0, 0], rated: [0, 0], satisfied: [0, 0], repeat: [0, 1] },
};

function checkFigures(row, want, what) {
  assert.equal(row.registered.count, want.registered, `${what} registered`);
  for (const [name, pair] of Object.entries(want)) {
    if (name === 'registered') continue;
    const [num, den] = pair;
    assert.equal(row[name].numerator, num, `${what} ${name} numerator`);
    assert.equal(row[name].denominator, den, `${what} ${name} denominator`);
    assert.equal(row[name].value, den ? Math.round((num * 10000) / den) / 10000 : null, `${what} ${name} value`);
  }
}

async function drill(who, filter) {
  const q = new URLSearchParams({ ...filter, size: '200' });
  return get(who, `/api/v1/petition/figures/items?${q}`);
}

test('fixture: register, route, accept, reply and rate; some late by moving the clock', async () => {
  const t0 = s.serverNow();
  for (const n of [1, 2, 3, 6, 7]) P[n] = await register('officer');
  for (const n of [4, 5]) P[n] = await register('officer', { region_code: SIBLING, category: 'environment' });
  P[8] = await register('officer', { repeat_of: P[1].id });
  P[10] = await register('officer', { region_code: COUNTY, category: 'labor' });
  const t1 = s.serverNow();
  period = { from: dateOf(t0), to: dateOf(t1) };
  assert.equal(P[8].repeat_of, P[1].id);

  for (const n of [1, 2, 3, 8]) await act('officer', P[n].id, 'route', { unit_id: UNIT_STREET });
  await act('officer', P[4].id, 'route', { unit_id: UNIT_HOUSING });
  await act('officer', P[6].id, 'reject', { reject_reason: 'legal_procedure', reject_guidance: '请依法向人民法院提起诉讼' });
  for (const n of [1, 2, 3, 8]) await act('handler', P[n].id, 'accept');
  await act('handler_housing', P[4].id, 'accept');
  for (const n of [1, 2, 3]) await act('handler', P[n].id, 'reply', REPLY);
  await act('officer', P[1].id, 'rate', { rating: 'satisfied' });
  await act('officer', P[2].id, 'rate', { rating: 'unsatisfied', rating_comment: '仍未解决' });

  // past the 15-day routing clock: P5 is routed late; P7 and P10 stay overdue
  await advanceTo((await dueOf(P[5].id, 'route')) + 3600);
  await act('officer', P[5].id, 'route', { unit_id: UNIT_HOUSING });
  await act('handler_housing', P[5].id, 'accept');
  // past P4's (and P8's) 60-day handling clock: P4 replied late, P8 overdue
  const handleDue = await dueOf(P[4].id, 'handle');
  assert.equal(await dueOf(P[8].id, 'handle'), handleDue);
  await advanceTo(handleDue + 3600);
  assert.ok((await dueOf(P[5].id, 'handle')) > s.serverNow(), 'P5 is not due yet');
  await act('handler_housing', P[4].id, 'reply', REPLY);
  await act('officer', P[4].id, 'rate', { rating: 'basic' });
  P[9] = await register('officer');
  assert.notEqual(dateOf(s.serverNow()), period.to);
});

test('figures by unit: exact rates with their numerators and denominators', async () => {
  const q = new URLSearchParams({ by: 'unit', ...period });
  const body = await get('officer', `/api/v1/petition/figures?${q}`);
  assert.equal(body.by, 'unit');
  assert.equal(body.from, period.from);
  assert.equal(body.items_route, '/api/v1/petition/figures/items');
  assert.deepEqual(body.figures.map((f) => f.name), ['registered', 'timely_accept', 'on_time', 'rated', 'satisfied', 'repeat']);
  assert.deepEqual(body.figures.map((f) => f.label), ['登记件数', '及时受理率', '按期办结率', '参评率', '满意率', '重复信访率']);
  assert.deepEqual(body.rows.map((x) => x.unit_id), [UNIT_STREET, UNIT_HOUSING, null], 'most items first, not routed last');
  assert.deepEqual(body.rows.map((x) => x.label), ['建外街道办事处', '区住房城乡建设委', '未转送交办']);
  for (const row of body.rows) checkFigures(row, EXPECT_UNIT[row.unit_id ?? 'none'], row.label);
  checkFigures(body.total, EXPECT_TOTAL, 'total');
  assert.equal(body.rows[2].on_time.value, null, 'no denominator, no rate');
  // without a period: P9 counts as registered, but its routing clock is not due yet
  const all = await get('officer', '/api/v1/petition/figures');
  assert.equal(all.total.registered.count, 10);
  assert.deepEqual([all.total.timely_accept.numerator, all.total.timely_accept.denominator], [6, 9]);
  // a leader by region reads the same
  const lead = await get('leader', `/api/v1/petition/figures?${q}`);
  checkFigures(lead.total, EXPECT_TOTAL, 'leader total');
});

test('figures by region: the child regions and the region\'s own level', async () => {
  const q = new URLSearchParams({ by: 'region', region: COUNTY, ...period });
  const body = await get('officer', `/api/v1/petition/figures?${q}`);
  assert.equal(body.region.code, COUNTY);
  assert.equal(body.region.name, '北京市/朝阳区');
  assert.deepEqual(body.rows.map((x) => [x.region_code, x.label, x.own]), [
    [STREET, '建外街道', false],
    [SIBLING, '朝外街道', false],
    [COUNTY, '本级', true],
  ]);
  for (const row of body.rows) checkFigures(row, EXPECT_REGION[row.own ? 'own' : row.region_code], row.label);
  checkFigures(body.total, EXPECT_TOTAL, 'total');
  // the default region is the caller's one scope root
  const dflt = await get('officer', `/api/v1/petition/figures?by=region&from=${period.from}&to=${period.to}`);
  assert.equal(dflt.region.code, COUNTY);
  assert.deepEqual(dflt.rows.map((x) => x.region_code), body.rows.map((x) => x.region_code));
});

test('drill-down: each filter answers exactly the items counted', async () => {
  const ids = (list) => list.items.map((x) => x.id).sort();
  const of = (...ns) => ns.map((n) => P[n].id).sort();
  for (const by of ['unit', 'region']) {
    const q = new URLSearchParams({ by, ...period });
    if (by === 'region') q.set('region', COUNTY);
    const body = await get('officer', `/api/v1/petition/figures?${q}`);
    for (const row of [...body.rows, body.total]) {
      for (const f of body.figures) {
        const fig = row[f.name];
        const num = await drill('officer', fig.filter);
        assert.equal(num.total, f.name === 'registered' ? fig.count : fig.numerator, `${by} ${row.label ?? 'total'} ${f.name}`);
        assert.equal(num.items.length, num.total);
        if (f.name === 'registered') continue;
        const den = await drill('officer', fig.denominator_filter);
        assert.equal(den.total, fig.denominator, `${by} ${row.label ?? 'total'} ${f.name} denominator`);
      }
    }
    if (by === 'unit') {
      const street = body.rows.find((x) => x.unit_id === UNIT_STREET);
      assert.deepEqual(ids(await drill('officer', street.on_time.filter)), of(1, 2, 3));
      assert.deepEqual(ids(await drill('officer', street.on_time.denominator_filter)), of(1, 2, 3, 8));
      assert.deepEqual(ids(await drill('officer', street.repeat.filter)), of(8));
      const none = body.rows.find((x) => x.unit_id === null);
      assert.deepEqual(none.timely_accept.denominator_filter, { figure: 'timely_accept', part: 'denominator', unit: 'none', ...period });
      assert.deepEqual(ids(await drill('officer', none.timely_accept.denominator_filter)), of(6, 7, 10));
      assert.deepEqual(ids(await drill('officer', none.timely_accept.filter)), of(6));
      const housing = body.rows.find((x) => x.unit_id === UNIT_HOUSING);
      assert.deepEqual(ids(await drill('officer', housing.timely_accept.filter)), of(4));
      assert.deepEqual(ids(await drill('officer', body.total.satisfied.filter)), of(1, 4));
    } else {
      const own = body.rows.find((x) => x.own);
      assert.deepEqual(own.registered.filter, { figure: 'registered', part: 'numerator', region: COUNTY, exact: 'true', ...period });
      assert.deepEqual(ids(await drill('officer', own.registered.filter)), of(10));
      const street = body.rows.find((x) => x.region_code === STREET);
      assert.deepEqual(ids(await drill('officer', street.timely_accept.denominator_filter)), of(1, 2, 3, 6, 7, 8));
    }
  }
  // the items come as the list shows them, newest first, paged
  const page = await drill('officer', { figure: 'registered', ...period });
  assert.equal(page.total, 9);
  const first = await get('officer', `/api/v1/petition/figures/items?figure=registered&from=${period.from}&to=${period.to}&size=4&page=3`);
  assert.equal(first.items.length, 1);
  assert.equal(first.size, 4);
  assert.equal(first.items[0].id, page.items[8].id);
  assert.equal(page.items[0].id, P[10].id);
  assert.equal(page.items[0].petitioner_name, '李**', 'masked as the list masks it');
});

test('a unit handler\'s figures cover only its unit\'s items', async () => {
  const q = new URLSearchParams({ by: 'unit', ...period });
  const body = await get('handler', `/api/v1/petition/figures?${q}`);
  assert.deepEqual(body.rows.map((x) => x.unit_id), [UNIT_STREET]);
  checkFigures(body.rows[0], EXPECT_UNIT[UNIT_STREET], 'handler unit');
  checkFigures(body.total, EXPECT_UNIT[UNIT_STREET], 'handler total');
  // by region defaults to the handler's street: every item sits at the street itself
  const reg = await get('handler', `/api/v1/petition/figures?by=region&from=${period.from}&to=${period.to}`);
  assert.equal(reg.region.code, STREET);
  assert.deepEqual(reg.rows.map((x) => [x.region_code, x.own]), [[STREET, true]]);
  checkFigures(reg.total, EXPECT_UNIT[UNIT_STREET], 'handler by region');
  // the drill-down keeps the same limits
  const other = await drill('handler', { figure: 'registered', unit: UNIT_HOUSING });
  assert.equal(other.total, 0);
  const mine = await drill('handler', { figure: 'registered', ...period });
  assert.equal(mine.total, 4);
  const housing = await get('handler_housing', `/api/v1/petition/figures?${q}`);
  checkFigures(housing.total, EXPECT_UNIT[UNIT_HOUSING], 'housing handler');
  // without petition.read: 403
  assert.equal((await sess.staff.get('/api/v1/petition/figures')).status, 403);
  assert.equal((await sess.staff.get('/api/v1/petition/figures/items?figure=registered')).status, 403);
  assert.equal((await sess.staff.get('/api/v1/petition/hotspots')).status, 403);
});

test('CSV export: UTF-8 with a BOM, Chinese headers, a total line', async () => {
  const q = new URLSearchParams({ by: 'unit', format: 'csv', ...period });
  const r = await fetch(`${s.base}/api/v1/petition/figures?${q}`, { headers: { Cookie: sess.officer.cookie } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="petition-figures-unit-/);
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
  assert.equal(lines[0], '承办单位,登记件数,及时受理件数,应受理件数,及时受理率（%）,按期办结件数,应办结件数,按期办结率（%）,参评件数,答复件数,参评率（%）,满意件数（含基本满意）,参评件数,满意率（%）,重复件数,登记件数,重复信访率（%）');
  assert.deepEqual(lines.slice(1), [
    '建外街道办事处,4,4,4,100.00,3,4,75.00,2,3,66.67,1,2,50.00,1,4,25.00',
    '区住房城乡建设委,2,1,2,50.00,0,1,0.00,1,1,100.00,1,1,100.00,0,2,0.00',
    '未转送交办,3,1,3,33.33,0,0,,0,0,,0,0,,0,3,0.00',
    '合计,9,6,9,66.67,3,5,60.00,3,4,75.00,2,3,66.67,1,9,11.11',
  ]);
  const reg = await s.request('GET', `/api/v1/petition/figures?by=region&region=${COUNTY}&format=csv&from=${period.from}&to=${period.to}`, { headers: { Cookie: sess.officer.cookie } });
  assert.equal(reg.status, 200);
  assert.match(reg.text, /^区划,/);
  assert.match(reg.text, /\r\n本级,1,0,1,0.00,/);
});

test('hot spots: counts by child region × category × month, new and repeat, overdue, rising', async () => {
  // month 0
  const m0 = monthOf(s.serverNow());
  await register('officer_city', { region_code: YOUAN, category: 'environment' });
  const h = await register('officer_city', { region_code: YOUAN, category: 'health' });
  await register('officer_city', { region_code: YOUAN, category: 'health' });
  await register('officer_city', { region_code: TAIPING, category: 'urban_construction' });
  await act('officer_city', h.id, 'reject', { reject_reason: 'not_in_remit', reject_guidance: '请向区医保局反映' });
  // month 1
  await advanceTo(nextMonthStart(s.serverNow()) + DAY + 1800);
  const m1 = monthOf(s.serverNow());
  await register('officer_city', { region_code: YOUAN, category: 'environment' });
  const labor = [];
  for (let i = 0; i < 3; i++) labor.push(await register('officer_city', { region_code: YOUAN, category: 'labor' }));
  for (let i = 0; i < 2; i++) await register('officer_city', { region_code: YOUAN, category: 'health' });
  // month 2 (now): environment rises in 右安门, 城乡建设 in 太平桥
  await advanceTo(nextMonthStart(s.serverNow()) + DAY + 1800);
  const m2 = monthOf(s.serverNow());
  for (let i = 0; i < 4; i++) await register('officer_city', { region_code: YOUAN, category: 'environment' });
  await register('officer_city', { region_code: YOUAN, category: 'labor', repeat_of: labor[0].id });
  for (let i = 0; i < 2; i++) await register('officer_city', { region_code: YOUAN, category: 'labor' });
  await register('officer_city', { region_code: YOUAN, category: 'health' });
  for (let i = 0; i < 3; i++) await register('officer_city', { region_code: TAIPING, category: 'urban_construction' });

  const body = await get('officer_city', `/api/v1/petition/hotspots?region=${OTHER_COUNTY}&months=3`);
  assert.deepEqual(body.months, [m0, m1, m2]);
  assert.equal(body.region.code, OTHER_COUNTY);
  assert.equal(body.rising_min, 3);
  assert.deepEqual(body.regions.map((x) => [x.region_code, x.label]), [[YOUAN, '右安门街道'], [TAIPING, '太平桥街道']]);
  const [youan, taiping] = body.regions;
  assert.deepEqual({ total: youan.total, new: youan.new, repeat: youan.repeat, overdue: youan.overdue }, { total: 17, new: 16, repeat: 1, overdue: 8 });
  assert.deepEqual(youan.monthly.total, [3, 6, 8]);
  const cell = (area, code) => {
    const c = area.categories.find((x) => x.category === code);
    return { total: c.monthly.total, new: c.monthly.new, repeat: c.monthly.repeat, overdue: c.monthly.overdue };
  };
  assert.deepEqual(youan.categories.map((x) => x.category), ['environment', 'labor', 'health']);
  assert.equal(youan.categories[0].label, '生态环境');
  assert.deepEqual(cell(youan, 'environment'), { total: [1, 1, 4], new: [1, 1, 4], repeat: [0, 0, 0], overdue: [1, 1, 0] });
  assert.deepEqual(cell(youan, 'labor'), { total: [0, 3, 3], new: [0, 3, 2], repeat: [0, 0, 1], overdue: [0, 3, 0] });
  assert.deepEqual(cell(youan, 'health'), { total: [2, 2, 1], new: [2, 2, 1], repeat: [0, 0, 0], overdue: [1, 2, 0] });
  assert.deepEqual(youan.rising, [
    { category: 'environment', label: '生态环境', last: 4, previous_mean: 1, increase: 3 },
    { category: 'labor', label: '劳动和社会保障', last: 3, previous_mean: 1.5, increase: 1.5 },
  ]);
  assert.deepEqual(cell(taiping, 'urban_construction'), { total: [1, 0, 3], new: [1, 0, 3], repeat: [0, 0, 0], overdue: [1, 0, 0] });
  assert.deepEqual(taiping.rising, [{ category: 'urban_construction', label: '城乡建设', last: 3, previous_mean: 0.5, increase: 2.5 }]);
  assert.deepEqual({ total: body.total.total, repeat: body.total.repeat, overdue: body.total.overdue }, { total: 21, repeat: 1, overdue: 9 });
  assert.deepEqual(body.categories.map((x) => [x.category, x.total]), [['environment', 6], ['labor', 6], ['health', 5], ['urban_construction', 4]]);

  // two months: labor is flat (3, 3), so only environment rises in 右安门
  const two = await get('officer_city', `/api/v1/petition/hotspots?region=${OTHER_COUNTY}&months=2`);
  assert.deepEqual(two.months, [m1, m2]);
  assert.deepEqual(two.regions[0].rising.map((x) => [x.category, x.increase]), [['environment', 3]]);
  // one month: nothing to compare with
  const one = await get('officer_city', `/api/v1/petition/hotspots?region=${OTHER_COUNTY}&months=1`);
  assert.deepEqual(one.regions.map((x) => x.rising), [[], []]);
  assert.deepEqual(one.regions[0].monthly.total, [8]);
  // the default: six months of the caller's one scope root; 朝阳区's items are not 丰台区's
  const dflt = await get('officer', '/api/v1/petition/hotspots');
  assert.equal(dflt.region.code, COUNTY);
  assert.equal(dflt.months.length, 6);
  assert.ok(dflt.regions.every((x) => x.region_code.startsWith('110105')));
  // the readable items only: the street's handler sees its unit's items, none of 丰台区
  const mine = await get('handler', '/api/v1/petition/hotspots?months=6');
  assert.equal(mine.region.code, STREET);
  assert.equal(mine.total.total, 4, 'P1–P3 and P8, registered about four months ago');
});

test('bad parameters: 400 naming the field, out of scope 403', async () => {
  const bad = async (who, path, field, code, status = INVALID) => {
    const r = await sess[who].get(path);
    assert.equal(r.status, status, `${path}: ${r.text}`);
    const d = r.body.error.details.find((x) => x.field === field);
    assert.ok(d, `${path}: ${r.text}`);
    if (code) assert.equal(d.code, code, r.text);
  };
  await bad('officer', '/api/v1/petition/figures?by=street', 'by', 'invalid_enum');
  await bad('officer', '/api/v1/petition/figures?format=xml', 'format', 'invalid_enum');
  await bad('officer', '/api/v1/petition/figures?from=2026-02-30', 'from', 'invalid_date');
  await bad('officer', '/api/v1/petition/figures?from=2026-03-01&to=2026-02-01', 'to', 'petition_date_range');
  await bad('officer', '/api/v1/petition/figures?region=12345', 'region', 'invalid_region');
  await bad('officer', '/api/v1/petition/figures?by=region&region=110105099000', 'region', 'region_not_found');
  await bad('officer', `/api/v1/petition/figures?by=region&region=${OTHER_COUNTY}`, 'region', 'out_of_scope', 403);
  await bad('officer_city', '/api/v1/petition/figures?by=region&region=110000000000', 'region', 'out_of_scope', 403);
  await bad('officer', '/api/v1/petition/figures/items', 'figure', 'required');
  await bad('officer', '/api/v1/petition/figures/items?figure=speed', 'figure', 'invalid_enum');
  await bad('officer', '/api/v1/petition/figures/items?figure=rated&part=half', 'part', 'invalid_enum');
  await bad('officer', '/api/v1/petition/figures/items?figure=rated&unit=abc', 'unit', 'type_id');
  await bad('officer', '/api/v1/petition/figures/items?figure=rated&size=500', 'size', 'out_of_range');
  await bad('officer', '/api/v1/petition/hotspots?months=25', 'months', 'out_of_range');
  await bad('officer', '/api/v1/petition/hotspots?months=0', 'months', 'out_of_range');
  await bad('officer', '/api/v1/petition/hotspots?months=six', 'months', 'type_integer');
  await bad('officer', '/api/v1/petition/hotspots?region=110105099000', 'region', 'region_not_found');
  // a message names the field in Chinese
  const r = await sess.officer.get('/api/v1/petition/figures?from=2026-03-01&to=2026-02-01');
  assert.equal(r.body.error.details[0].message, '截止日期不能早于起始日期');
});
