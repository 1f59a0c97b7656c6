// `shegong demo`'s month of 接诉即办 and 吹哨报到 (docs/workorder.md): every state of a work
// order, a whistle and a summons is there; the columns, clocks and history of each row
// agree with each other as the workflow would have left them; callers' phones are sealed
// and their names stay out of the full-text index; the demo users have their posts; the
// previous month's 三率 rank the streets apart (computed here from the rows and answered
// by the rates route alike); `shegong check` passes afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PG } from './lib/server.mjs';

const COUNTY = '110105000000'; // 朝阳区
const JIANWAI = '110105001000'; // 建外街道
const SH = 8 * 3600;

const s = new Server();
const passwords = {};
let loadedAt = 0; // Unix seconds, when the demo ran

// "YYYY-MM" in Asia/Shanghai of Unix time t, and of the month before it.
const monthOf = (t) => new Date((t + SH) * 1000).toISOString().slice(0, 7);
function previousMonth(t) {
  const d = new Date((t + SH) * 1000);
  const y = d.getUTCFullYear(), m = d.getUTCMonth(); // 0-based: the previous month's number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

function sql(text) {
  const r = s.sqlite(text);
  assert.equal(r.status, 0, `${text}\n${r.stderr}`);
  return r.stdout.trim();
}
const rows = (text) => sql(text).split('\n').filter(Boolean).map((l) => l.split('|'));
const count = (text) => Number(sql(text));
const byState = (table) => Object.fromEntries(rows(`SELECT state, COUNT(*) FROM ${table} GROUP BY state`)
  .map(([k, n]) => [k, Number(n)]));

before(() => {
  loadedAt = Math.floor(Date.now() / 1000);
  const r = s.cli(['demo']);
  assert.equal(r.status, 0, r.stderr);
  for (const m of r.stdout.matchAll(/^ {2}(\S+) +(Sg-[0-9a-f]{20}) /gm)) passwords[m[1]] = m[2];
  assert.ok(passwords.chaoyang && passwords.jianwai, r.stdout);
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('the demo has work orders, whistles and summons in every state', () => {
  const orders = byState('work_order');
  for (const st of ['received', 'dispatched', 'signed', 'contacted', 'handling', 'replied', 'called_back',
    'closed', 'returned', 'redirected'])
    assert.ok(orders[st] > 0, `no work order ${st}: ${JSON.stringify(orders)}`);
  const total = Object.values(orders).reduce((a, b) => a + b, 0);
  assert.ok(total >= 550 && total <= 800, `${total} orders`);
  // most orders older than three weeks are closed; today's calls wait to be dispatched
  const [closed, all] = rows(`SELECT SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END), COUNT(*) FROM work_order
    WHERE dispatched_at < ${loadedAt - 21 * 86400}`)[0].map(Number);
  assert.ok(all > 150 && closed / all > 0.8, `${closed} of ${all} closed`);
  assert.equal(count(`SELECT COUNT(*) FROM work_order WHERE state = 'received' AND received_at < ${loadedAt - 4 * 3600}`), 0);

  const whistles = byState('whistle');
  for (const st of ['raised', 'accepted', 'cancelled']) assert.ok(whistles[st] > 0, JSON.stringify(whistles));
  const n = Object.values(whistles).reduce((a, b) => a + b, 0);
  assert.ok(n >= 20 && n <= 35, `${n} whistles`);
  const summons = byState('whistle_summons');
  for (const st of ['summoned', 'reported', 'done', 'rated', 'withdrawn'])
    assert.ok(summons[st] > 0, JSON.stringify(summons));
  const kinds = rows('SELECT DISTINCT kind FROM whistle').map((r) => r[0]).sort();
  assert.deepEqual(kinds, ['daily', 'emergency', 'tackle']);

  // the catalogue: eight parents, leaves with their limits, one category changed once
  assert.equal(count(`SELECT COUNT(*) FROM dispatch_category WHERE parent_id IS NULL AND region_code = '${COUNTY}'`), 8);
  assert.ok(count('SELECT COUNT(*) FROM dispatch_category WHERE parent_id IS NOT NULL') >= 18);
  assert.deepEqual(rows(`SELECT urgency, respond_amount, respond_unit, limit_amount, limit_unit FROM dispatch_category
    WHERE parent_id IS NOT NULL AND version = 1 GROUP BY urgency, respond_amount, respond_unit, limit_amount, limit_unit
    ORDER BY urgency`), [
    ['complex', '24', 'hours', '15', 'working_days'],
    ['general', '24', 'hours', '7', 'calendar_days'],
    ['urgent', '30', 'minutes', '2', 'hours'],
    ['utility', '2', 'hours', '24', 'hours'],
  ]);
  assert.equal(count(`SELECT COUNT(*) FROM dispatch_category c WHERE (SELECT COUNT(*) FROM dispatch_category_version v
    WHERE v.category_id = c.id) <> c.version`), 0, 'a version row for every version');
  assert.equal(count('SELECT COUNT(*) FROM dispatch_category WHERE version = 2'), 1);
  // orders keep the rules they were dispatched under
  const versions = rows(`SELECT o.category_version, o.limit_amount, COUNT(*) FROM work_order o
    JOIN dispatch_category c ON c.id = o.category_id WHERE c.version = 2 AND o.dispatched_at IS NOT NULL
    GROUP BY o.category_version, o.limit_amount ORDER BY 1`);
  assert.ok(versions.length >= 1 && versions.every(([v, l]) => (v === '1' ? l === '24' : l === '12')), JSON.stringify(versions));
});

test('the columns, clocks and history of every work order agree', () => {
  const none = (what, where) => assert.equal(count(`SELECT COUNT(*) FROM work_order WHERE ${where}`), 0, what);
  none('times out of order', `dispatched_at < received_at OR signed_at < dispatched_at OR contacted_at < signed_at
    OR replied_at < contacted_at OR (state IN ('called_back', 'closed') AND (called_back_at < replied_at
    OR closed_at < called_back_at))`);
  none('in the future', `received_at > ${loadedAt + 120} OR updated_at > ${loadedAt + 120}`);
  none('responded_in_time disagrees with respond_due', `contacted_at IS NOT NULL AND (responded_in_time IS NULL
    OR responded_in_time <> CASE WHEN signed_at <= respond_due AND contacted_at <= respond_due THEN 1 ELSE 0 END)`);
  none('responded_in_time without a contact', 'contacted_at IS NULL AND responded_in_time IS NOT NULL');
  none('a call-back without its answers', `state IN ('called_back', 'closed') AND dispatched_at IS NOT NULL
    AND (solved IS NULL OR satisfaction IS NULL OR called_back_at IS NULL OR replied_at IS NULL OR result IS NULL)`);
  none('a dispatched order without its snapshot', `dispatched_at IS NOT NULL AND (unit_id IS NULL OR rate_month IS NULL
    OR category_version IS NULL OR respond_amount IS NULL OR limit_unit IS NULL OR respond_due IS NULL OR handle_due IS NULL)`);
  none('an order never dispatched with a unit', `dispatched_at IS NULL AND (unit_id IS NOT NULL OR rate_month IS NOT NULL)`);
  none('answered at intake but not a consultation', `state = 'closed' AND dispatched_at IS NULL AND type <> 'consult'`);
  none('redirected without where to', `state = 'redirected' AND (redirect_to IS NULL OR answer IS NULL)`);
  none('returned without a reason', `state = 'returned' AND (return_reason IS NULL OR return_count < 1 OR returned_unit_id IS NULL)`);
  none('a street order not copied to the district', `dispatched_at IS NOT NULL AND copy_unit_id IS NULL
    AND unit_id IN (SELECT id FROM unit WHERE kind = 'township')`);
  // rate_month is the month of the (last) dispatch in Asia/Shanghai
  for (const [id, at, month] of rows('SELECT id, dispatched_at, rate_month FROM work_order WHERE dispatched_at IS NOT NULL'))
    assert.equal(month, monthOf(Number(at)), `order ${id}`);

  // the two clocks say what the row says
  none('clocks disagree with the dues', `dispatched_at IS NOT NULL AND (
    respond_due <> (SELECT d.due_at FROM deadline d WHERE d.entity = 'work_order' AND d.row_id = work_order.id AND d.name = 'respond')
    OR handle_due <> (SELECT d.due_at FROM deadline d WHERE d.entity = 'work_order' AND d.row_id = work_order.id AND d.name = 'handle'))`);
  const clock = (name, state) => `(SELECT d.state FROM deadline d WHERE d.entity = 'work_order' AND d.row_id = work_order.id
    AND d.name = '${name}') ${state}`;
  none('a contacted order whose respond clock runs', `contacted_at IS NOT NULL AND ${clock('respond', "<> 'stopped'")}`);
  none('a replied order whose handle clock runs', `state IN ('replied', 'called_back', 'closed') AND dispatched_at IS NOT NULL
    AND ${clock('handle', "<> 'stopped'")}`);
  none('a returned order whose clocks run', `state = 'returned' AND (${clock('respond', "<> 'paused'")} OR ${clock('handle', "<> 'paused'")})`);
  none('a handled order whose clock stopped', `state IN ('dispatched', 'signed', 'contacted', 'handling') AND ${clock('handle', "<> 'running'")}`);
  assert.equal(count(`SELECT COUNT(*) FROM deadline WHERE entity = 'work_order' AND row_id NOT IN (SELECT id FROM work_order)`), 0);
  // overdue ones, returns arbitrated both ways, extensions
  assert.ok(count(`SELECT COUNT(*) FROM work_order WHERE state = 'handling' AND handle_due < ${loadedAt}`) > 0, 'overdue handling');
  assert.ok(count(`SELECT COUNT(*) FROM work_order WHERE state = 'dispatched' AND respond_due < ${loadedAt}`) > 0, 'overdue signing');
  assert.ok(count("SELECT COUNT(*) FROM work_order WHERE arbitration = 'reassigned' AND unit_id <> returned_unit_id") > 0);
  assert.ok(count("SELECT COUNT(*) FROM work_order WHERE arbitration = 'kept' AND unit_id = returned_unit_id") > 0);
  for (const st of ['pending', 'approved', 'rejected'])
    assert.ok(count(`SELECT COUNT(*) FROM work_order WHERE extension_state = '${st}'`) > 0, `extension ${st}`);
  // (a 重新办理 after it starts the handle clock afresh, without the extension: as the hooks do)
  const notReopened = `NOT EXISTS (SELECT 1 FROM workflow_history h WHERE h.entity = 'work_order'
    AND h.row_id = work_order.id AND h.action = 'reopen')`;
  none('an approved extension not on the clock', `extension_state = 'approved' AND ${clock('handle', 'IS NULL')}
    OR extension_state = 'approved' AND ${notReopened} AND (SELECT d.extended FROM deadline d
      WHERE d.entity = 'work_order' AND d.row_id = work_order.id AND d.name = 'handle') <> 1`);
  assert.ok(count("SELECT COUNT(*) FROM work_order WHERE responded_in_time = 0") > 0, 'some late contacts');

  // one history row per step, the last one where the order is
  none('history and version disagree', `whistle_id IS NULL AND version <> (SELECT COUNT(*) FROM workflow_history h
    WHERE h.entity = 'work_order' AND h.row_id = work_order.id)`);
  none('the last step is not where the order is', `state <> (SELECT h.to_state FROM workflow_history h
    WHERE h.entity = 'work_order' AND h.row_id = work_order.id ORDER BY h.at DESC, h.id DESC LIMIT 1)`);
  assert.ok(count("SELECT COUNT(*) FROM workflow_history WHERE entity = 'work_order' AND action = 'reopen'") > 0);

  // callers: a name, a sealed phone found by its blind index; never in clear
  none('a caller without a sealed phone', `channel <> 'whistle' AND (caller_name IS NULL OR caller_phone_enc IS NULL
    OR length(caller_phone_idx) <> 64)`);
  none('a phone in clear', "caller_phone_enc LIKE '1%'");
  // the full text: every order has its document, the caller's name is not in it
  if (PG) {
    assert.equal(count('SELECT COUNT(*) FROM work_order_fts'), count('SELECT COUNT(*) FROM work_order'));
    assert.equal(count('SELECT COUNT(*) FROM whistle_fts'), count('SELECT COUNT(*) FROM whistle'));
  } else {
    assert.equal(count('SELECT COUNT(*) FROM work_order_fts_content'), count('SELECT COUNT(*) FROM work_order'));
    assert.equal(count('SELECT COUNT(*) FROM whistle_fts_content'), count('SELECT COUNT(*) FROM whistle'));
    assert.equal(count(`SELECT COUNT(*) FROM work_order o JOIN work_order_fts_content f ON f.id = o.id
      WHERE instr(f.c0, o.caller_name) > 0`), 0);
    assert.equal(count(`SELECT COUNT(*) FROM work_order o JOIN work_order_fts_content f ON f.id = o.id
      WHERE instr(f.c0, o.content) = 0`), 0);
  }
});

test('whistles: summons, clocks, ratings and the orders they come from and spawn', () => {
  const none = (what, text) => assert.equal(count(text), 0, what);
  none('an accepted whistle with a unit still at work', `SELECT COUNT(*) FROM whistle_summons s JOIN whistle w
    ON w.id = s.whistle_id WHERE w.state = 'accepted' AND s.state NOT IN ('done', 'rated', 'withdrawn')`);
  none('a cancelled whistle with a unit still summoned', `SELECT COUNT(*) FROM whistle_summons s JOIN whistle w
    ON w.id = s.whistle_id WHERE w.state = 'cancelled' AND s.state <> 'withdrawn'`);
  none('reported_in_time disagrees with report_due', `SELECT COUNT(*) FROM whistle_summons WHERE reported_at IS NOT NULL
    AND reported_in_time <> CASE WHEN reported_at <= report_due THEN 1 ELSE 0 END`);
  none('a rating out of range', `SELECT COUNT(*) FROM whistle_summons WHERE state = 'rated' AND (rating_timeliness IS NULL
    OR rating_effect NOT BETWEEN 1 AND 5 OR rating_attitude NOT BETWEEN 1 AND 5 OR rated_at < handled_at
    OR handled_at < reported_at OR reported_at < summoned_at)`);
  none('a summons clock that disagrees', `SELECT COUNT(*) FROM whistle_summons s JOIN deadline d ON d.entity = 'whistle_summons'
    AND d.row_id = s.id AND d.name = 'report' WHERE d.due_at <> s.report_due
    OR (s.state = 'summoned' AND d.state <> 'running') OR (s.reported_at IS NOT NULL AND d.state <> 'stopped')`);
  assert.equal(count("SELECT COUNT(*) FROM deadline WHERE entity = 'whistle_summons'"), count('SELECT COUNT(*) FROM whistle_summons'));
  none('a summons in another month or place than its whistle', `SELECT COUNT(*) FROM whistle_summons s JOIN whistle w
    ON w.id = s.whistle_id WHERE s.rate_month <> w.rate_month OR s.region_code <> w.region_code OR s.kind <> w.kind
    OR s.summoned_at <> w.raised_at`);
  assert.ok(count(`SELECT COUNT(*) FROM whistle_summons WHERE state = 'summoned' AND report_due < ${loadedAt}`) > 0, 'overdue 报到');
  assert.ok(count('SELECT COUNT(*) FROM whistle_summons WHERE reported_in_time = 0') > 0, 'late 报到');
  // 1..4 summoned units, as the whistle lists them
  for (const [id, units, n] of rows(`SELECT w.id, w.summoned_units, (SELECT COUNT(*) FROM whistle_summons s
    WHERE s.whistle_id = w.id) FROM whistle w`)) {
    const list = JSON.parse(units);
    assert.ok(list.length >= 1 && list.length <= 4, `whistle ${id}: ${units}`);
    assert.equal(list.length, Number(n), `whistle ${id}`);
  }
  none('a whistle raised by other than a street', `SELECT COUNT(*) FROM whistle w JOIN unit u ON u.id = w.unit_id
    WHERE u.kind <> 'township' OR substr(w.region_code, 1, 9) <> substr(u.region_code, 1, 9)`);
  // the departments are rated differently (反向考核)
  const averages = rows(`SELECT unit_id, AVG(rating_timeliness + rating_effect + rating_attitude) FROM whistle_summons
    WHERE state = 'rated' GROUP BY unit_id`).map((r) => Number(r[1]).toFixed(2));
  assert.ok(new Set(averages).size >= 3, JSON.stringify(averages));
  // whistles from work orders and work orders from whistles, linked both ways
  assert.ok(count('SELECT COUNT(*) FROM whistle WHERE work_order_id IS NOT NULL') >= 2);
  none('a link one way only', `SELECT COUNT(*) FROM whistle w LEFT JOIN work_order o ON o.id = w.work_order_id
    WHERE w.work_order_id IS NOT NULL AND (o.whistle_id IS NULL OR o.whistle_id <> w.id)`);
  none('an order made a whistle before contact', `SELECT COUNT(*) FROM whistle w JOIN work_order o ON o.id = w.work_order_id
    WHERE o.contacted_at IS NULL OR w.raised_at < o.contacted_at OR w.unit_id <> o.unit_id`);
  assert.ok(count("SELECT COUNT(*) FROM work_order WHERE channel = 'whistle'") >= 2);
  none('a spawned order without its whistle', `SELECT COUNT(*) FROM work_order o WHERE o.channel = 'whistle' AND NOT EXISTS
    (SELECT 1 FROM whistle w WHERE w.id = o.source_whistle_id AND w.raised_at <= o.received_at)`);
  none('whistle history', `SELECT COUNT(*) FROM whistle w WHERE w.version <> (SELECT COUNT(*) FROM workflow_history h
    WHERE h.entity = 'whistle' AND h.row_id = w.id)`);
  none('summons history', `SELECT COUNT(*) FROM whistle_summons s WHERE s.version <> (SELECT COUNT(*) FROM workflow_history h
    WHERE h.entity = 'whistle_summons' AND h.row_id = s.id)`);
});

test('the demo users hold their work-order posts', () => {
  const posts = rows(`SELECT u.username, r.role, r.region_code, COALESCE(n.name, '') FROM user_role r
    JOIN users u ON u.id = r.user_id LEFT JOIN unit n ON n.id = r.unit_id
    WHERE r.role IN ('dispatcher', 'workorder_leader', 'workorder_handler', 'whistle_officer') ORDER BY 1, 2`);
  assert.deepEqual(posts, [
    ['chaoyang', 'dispatcher', COUNTY, ''],
    ['chaoyang', 'workorder_leader', COUNTY, ''],
    ['chengguan', 'workorder_handler', COUNTY, '朝阳区城市管理委员会'],
    ['jianwai', 'whistle_officer', COUNTY, '建外街道办事处'],
    ['jianwai', 'workorder_handler', JIANWAI, '建外街道办事处'],
  ]);
  // the units: the district government, the departments, an office for every street
  assert.equal(count(`SELECT COUNT(*) FROM unit WHERE kind = 'district' AND region_code = '${COUNTY}'`), 1);
  assert.equal(count(`SELECT COUNT(*) FROM region WHERE parent_code = '${COUNTY}' AND code NOT IN
    (SELECT region_code FROM unit WHERE kind = 'township')`), 0);
  for (const name of ['朝阳区城市管理委员会', '朝阳区水务局', '朝阳区园林绿化局', '北京市公安局朝阳分局'])
    assert.equal(count(`SELECT COUNT(*) FROM unit WHERE name = '${name}' AND kind = 'department'`), 1, name);
});

// The three rates of each street in the previous month, from the rows (docs/workorder.md).
function streetRates(month) {
  return rows(`SELECT u.id, u.name, COUNT(*),
      SUM(CASE WHEN o.responded_in_time = 1 THEN 1 ELSE 0 END),
      SUM(CASE WHEN o.satisfaction IS NOT NULL THEN 1 ELSE 0 END),
      SUM(CASE WHEN o.solved = 1 THEN 1 ELSE 0 END),
      SUM(CASE WHEN o.satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END)
    FROM work_order o JOIN unit u ON u.id = o.unit_id
    WHERE o.rate_month = '${month}' AND u.kind = 'township' GROUP BY u.id, u.name`).map(([id, name, ...n]) => {
    const [orders, responded, calledBack, solved, satisfied] = n.map(Number);
    const rate = (a, b) => (b ? (100 * a) / b : null);
    const parts = [[rate(responded, orders), 300], [rate(solved, calledBack), 350], [rate(satisfied, calledBack), 350]]
      .filter(([v]) => v !== null);
    const weight = parts.reduce((a, [, w]) => a + w, 0);
    return { id, name, orders, response: rate(responded, orders),
      composite: parts.reduce((a, [v, w]) => a + v * w, 0) / weight };
  });
}

test('the previous month ranks the streets apart', () => {
  const month = previousMonth(loadedAt);
  const streets = streetRates(month);
  const busy = streets.filter((u) => u.orders >= 8);
  assert.ok(busy.length >= 5, JSON.stringify(busy));
  const composites = new Set(busy.map((u) => u.composite.toFixed(1)));
  assert.ok(composites.size >= 4, JSON.stringify(busy));
  const of = (name) => streets.find((u) => u.name === name && u.orders >= 5);
  // the demo's best street and its worst one
  assert.ok(of('建外街道办事处') && of('望京街道办事处'), JSON.stringify(busy.map((u) => u.name)));
  assert.ok(of('建外街道办事处').composite > of('望京街道办事处').composite + 15, JSON.stringify(busy));
});

test('the rates route ranks the same figures; a street handler sees its own orders', async () => {
  await s.start();
  const month = previousMonth(loadedAt);
  const leader = await s.login('chaoyang', passwords.chaoyang);
  const r = await leader.get(`/api/v1/workorder/rates?month=${month}&kind=township`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.month, month);
  const ranked = r.body.units.filter((u) => u.rank !== null && u.composite !== null);
  assert.ok(ranked.length >= 3, r.text);
  assert.ok(new Set(ranked.map((u) => u.composite)).size >= 3, r.text);
  const expected = new Map(streetRates(month).map((u) => [u.id, u]));
  for (const u of r.body.units) {
    const e = expected.get(String(u.unit_id));
    assert.ok(e, `unit ${u.unit_id} ${u.unit_name}`);
    assert.equal(u.orders, e.orders, u.unit_name);
    assert.equal(u.response_rate, Math.round(e.response * 10) / 10, u.unit_name);
  }
  const best = r.body.units.find((u) => u.unit_name === '建外街道办事处');
  const worst = r.body.units.find((u) => u.unit_name === '望京街道办事处');
  assert.ok(best.rank < worst.rank, r.text);

  // the dispatch board's lists and its search
  const found = await leader.get(`/api/v1/work_order?q=${encodeURIComponent('物业')}&size=1`);
  assert.equal(found.status, 200, found.text);
  assert.ok(found.body.total > 0 && found.body.total <= count(`SELECT COUNT(*) FROM work_order
    WHERE content LIKE '%物业%' OR address LIKE '%物业%'`), found.text);
  const returned = await leader.get('/api/v1/work_order?state=returned');
  assert.equal(returned.status, 200, returned.text);
  assert.equal(returned.body.total, count("SELECT COUNT(*) FROM work_order WHERE state = 'returned'"));
  const overdue = await leader.get(`/api/v1/work_order?state=handling&handle_due_to=${new Date(loadedAt * 1000).toISOString()}`);
  assert.equal(overdue.status, 200, overdue.text);
  assert.ok(overdue.body.total > 0, overdue.text);

  // 建外街道's handler: only the orders dispatched or copied to its office
  const handler = await s.login('jianwai', passwords.jianwai);
  const office = sql("SELECT id FROM unit WHERE name = '建外街道办事处'");
  const mine = await handler.get('/api/v1/work_order?size=200');
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.body.total > 0, mine.text);
  assert.equal(mine.body.total, count(`SELECT COUNT(*) FROM work_order WHERE unit_id = ${office} OR copy_unit_id = ${office}`));
  for (const o of mine.body.items)
    assert.ok(String(o.unit_id) === office || String(o.copy_unit_id) === office, JSON.stringify(o));
  await s.stop();
});

test('`shegong check` passes after the demo', () => {
  const r = s.cli(['check']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /audit chain: ok/);
});
