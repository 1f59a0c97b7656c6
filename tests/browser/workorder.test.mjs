// 接诉即办 and 吹哨报到 in Chromium. The street's whistle officer sees a whistle with the
// summoned department's 报到 countdown and blows a new one through the form; the department
// reports on its 报到台. The dispatcher (second factor) finds a new order on the 派单台,
// dispatches it as the catalogue suggests with one click, sees it in progress with its
// countdowns (red once the page's clock is moved past the response limit), and the 三率 page
// draws the month's chart and table and drills down to the order. The dispatcher's test is
// last: it moves the browser context's clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD } from '../api/lib/server.mjs';
import { COUNTY, STREET, seedRegions } from '../api/lib/fixture.mjs';
import { WEB_DIR, launch, onPage, formLogin, menu } from './lib/browser.mjs';

const DISTRICT_UNIT = '朝阳区人民政府';
const STREET_UNIT = '建外街道办事处';
const DEPT_UNIT = '朝阳区城市管理委员会';
const CONTENT = '建外街道某小区门前人行道砖块松动多处，雨天积水，老人多次绊倒，请尽快修复。';
const WHISTLE_TITLE = '光华路地下通道积水';

// the month the server counts today in (Asia/Shanghai)
const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

let s, browser, disp, order, units;
before(async () => {
  s = new Server();
  await s.start({ env: { SHEGONG_WEB_DIR: WEB_DIR } });
  seedRegions(s);
  s.addUser('zhang', 'staff', COUNTY);
  const staff = await s.login('zhang');
  units = {};
  for (const [key, name, kind, region] of [
    ['district', DISTRICT_UNIT, 'district', COUNTY],
    ['street', STREET_UNIT, 'township', STREET],
    ['dept', DEPT_UNIT, 'department', COUNTY],
  ]) {
    const u = await staff.post('/api/v1/unit', { name, kind, region_code: region });
    assert.equal(u.status, 201, u.text);
    units[key] = u.body.id;
  }

  s.addUser('paidan', 'dispatcher', COUNTY);
  disp = await s.login('paidan'); // enrols the authenticator the browser login then answers
  const c = await disp.post('/api/v1/dispatch_category', {
    code: 'SZ01', name: '道路设施损坏', region_code: COUNTY, handler_kind: 'township', urgency: 'general',
    respond_amount: 24, respond_unit: 'hours', limit_amount: 7, limit_unit: 'calendar_days',
  });
  assert.equal(c.status, 201, c.text);
  const o = await disp.post('/api/v1/work_order', {
    channel: 'hotline', type: 'complaint', caller_name: '刘女士', caller_phone: '13900139000',
    content: CONTENT, address: '建外街道某小区南门', region_code: STREET, category_id: c.body.id,
  });
  assert.equal(o.status, 201, o.text);
  order = o.body;

  for (const [name, role, region, unit] of [
    // the officer's post covers the district: summoned departments sit at the district level
    // and a reference must lie in the writer's scope
    ['chuishao', 'whistle_officer', COUNTY, units.street],
    ['chengban', 'workorder_handler', COUNTY, units.dept],
  ]) {
    const r = s.cli(['user', 'add', name, '--role', role, '--region', region, '--unit', String(unit),
      '--password-stdin'], PASSWORD + '\n');
    assert.equal(r.status, 0, r.stderr);
  }
  const officer = await s.login('chuishao');
  const w = await officer.post('/api/v1/whistle', {
    kind: 'emergency', title: WHISTLE_TITLE, problem: '暴雨后通道积水没过脚踝，行人无法通行，需排水和交通疏导。',
    address: '光华路地下通道', region_code: STREET, summoned_units: [units.dept],
  });
  assert.equal(w.status, 201, w.text);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  try { await s?.stop(); } finally { s?.cleanup(); }
});

const login = (page, w, username) => formLogin(page, w, s, username, PASSWORD);

test('whistle officer: the board with the 报到 countdown, blowing a whistle', async (t) => {
  await onPage(t, browser, 'whistle', async (page, w) => {
    await login(page, w, 'chuishao');
    await menu(page).getByText('接诉即办').first().click();
    await menu(page).getByText('吹哨台').first().click();
    await page.waitForURL(/\/whistle$/);
    await page.getByRole('heading', { name: '街乡吹哨' }).waitFor();

    const card = page.locator('article.whistle').filter({ hasText: WHISTLE_TITLE });
    await card.waitFor();
    assert.match(await card.innerText(), /应急哨/);
    const summons = card.locator('.summons .el-table__row').filter({ hasText: DEPT_UNIT });
    await summons.waitFor();
    assert.match(await summons.innerText(), /待报到/);
    // an emergency whistle: 30 minutes to report, amber (within the hour)
    await summons.locator('.countdown.due-soon').getByText(/^剩 \d+分\d+秒$/).waitFor();

    // blow a new one through the form
    await page.getByRole('button', { name: '吹哨', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: '吹哨' });
    await dialog.waitFor();
    await dialog.getByLabel('吹哨事项').fill('建外街道违规占道经营');
    // the region starts as the raising street's own
    const place = dialog.locator('.el-form-item').filter({ hasText: '问题所在区划' }).locator('input');
    await page.waitForFunction((el) => /建外街道/.test(el.value), await place.elementHandle());
    await dialog.getByLabel('问题描述').fill('早市摊贩占用消防通道，街道多次劝导无效，需城管执法到场。');
    await dialog.locator('.el-form-item').filter({ hasText: '报到单位' }).locator('.el-select').click();
    await page.locator('.el-select-dropdown:visible').getByRole('option', { name: DEPT_UNIT }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: '吹哨', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const fresh = page.locator('article.whistle').filter({ hasText: '建外街道违规占道经营' });
    await fresh.waitFor();
    assert.match(await fresh.innerText(), /日常哨/);
    await fresh.locator('.summons .el-table__row').filter({ hasText: DEPT_UNIT }).locator('.countdown').getByText(/^剩 /).waitFor();
  });
});

test('summoned department: 报到 on the 报到台', async (t) => {
  await onPage(t, browser, 'summons', async (page, w) => {
    await login(page, w, 'chengban');
    await menu(page).getByText('接诉即办').first().click();
    await menu(page).getByText('报到台').first().click();
    await page.waitForURL(/\/whistle\/summons$/);
    const row = page.locator('.desk-table .el-table__row').filter({ hasText: WHISTLE_TITLE });
    await row.waitFor();
    await row.locator('.countdown').getByText(/^剩 /).waitFor();
    await row.getByRole('button', { name: '报到' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('报到情况').fill('城管委排水队两人已到场，抽排设备已就位。');
    await dialog.getByRole('button', { name: '报到' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('已报到').waitFor();
    await row.getByRole('button', { name: '反馈办结' }).waitFor();
  });
});

test('dispatcher: dispatch by the catalogue, the countdowns, the 三率 page', async (t) => {
  await onPage(t, browser, 'dispatcher', async (page, w) => {
    // the page's clock runs as usual until the test moves it on (the context's: this test is last)
    await page.clock.install();
    await login(page, w, 'paidan');
    const nav = menu(page);
    await nav.getByText('接诉即办').first().click();
    await nav.getByText('三率排名').first().waitFor();
    await nav.getByText('派单台').first().click();
    await page.waitForURL(/\/workorder$/);
    await page.getByRole('heading', { name: '派单台' }).waitFor();

    // 待派单: the order with the time it has waited
    const row = page.locator('.received .el-table__row').filter({ hasText: order.code });
    await row.waitFor();
    assert.match(await row.innerText(), /投诉/);
    assert.match(await row.innerText(), /道路设施损坏/);
    assert.match(await row.innerText(), /已等 \d+分\d+秒/);

    // 按目录派单: the suggestion (the street, copied to the district), dispatched as it is
    await row.getByRole('button', { name: '按目录派单' }).click();
    const dialog = page.getByRole('dialog', { name: `派单：工单 ${order.code}` });
    await dialog.locator('.suggested-unit').getByText(STREET_UNIT).waitFor();
    assert.equal(await dialog.locator('.suggested-copy').innerText(), DISTRICT_UNIT);
    await dialog.getByRole('button', { name: '确认派单' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const got = (await disp.get(`/api/v1/work_order/${order.id}`)).body;
    assert.equal(got.state, 'dispatched');
    assert.equal(String(got.unit_id), String(units.street));
    assert.equal(String(got.copy_unit_id), String(units.district));

    // 办理中: with the countdowns to respond_due and handle_due
    await page.getByRole('tab', { name: /办理中/ }).click();
    const moving = page.locator('.progress .el-table__row').filter({ hasText: order.code });
    await moving.waitFor();
    const text = await moving.innerText();
    assert.match(text, /已派单/);
    assert.match(text, new RegExp(STREET_UNIT));
    await moving.locator('.countdown.respond').getByText(/^剩 (\d+小时\d+分|\d+天\d+小时)$/).waitFor();
    assert.match(await moving.locator('.countdown.handle').innerText(), /^剩 \d+天\d+小时$/);
    assert.equal(await moving.locator('.countdown.overdue').count(), 0);
    assert.equal(await page.locator('.received .el-table__row').filter({ hasText: order.code }).count(), 0);
    // a day later (the page's clock): the 24-hour response is overdue, in red
    await page.clock.fastForward('25:00:00');
    await moving.locator('.countdown.respond.overdue').getByText(/^超时 \d+分\d+秒|^超时 \d+小时\d+分$/).waitFor();
    assert.equal(await moving.locator('.countdown.handle.overdue').count(), 0);
    await page.getByText('超期 1 件').waitFor();

    // the row opens the order's page
    await moving.click();
    await page.waitForURL(new RegExp(`/e/work_order/${order.id}$`));

    // 三率排名 of this month: the street's bar and line, the drill-down to the order
    await page.goto(`${s.base}/workorder/rates?month=${thisMonth()}&kind=township`);
    await page.getByRole('heading', { name: /三率考评排名/ }).waitFor();
    await page.locator('.rates-chart canvas').first().waitFor();
    const line = page.locator('.rates-table .el-table__body tr').filter({ hasText: STREET_UNIT });
    await line.waitFor();
    assert.match(await line.innerText(), /\b1\b/);
    await page.getByText('未发布').first().waitFor();
    await page.getByText('综合得分权重').waitFor();
    await line.locator('.rate-response').click();
    const drill = page.getByRole('dialog').filter({ hasText: `${STREET_UNIT} · ${thisMonth()} · 响应率` });
    await drill.waitFor();
    await drill.getByText('全部', { exact: true }).click();
    await drill.getByRole('link', { name: order.code }).waitFor();
    await page.keyboard.press('Escape');
    await drill.waitFor({ state: 'hidden' });

    // the other kinds answer too
    await page.getByRole('tab', { name: '部门' }).click();
    await page.getByText('本月暂无考评数据').first().waitFor();
  });
});
