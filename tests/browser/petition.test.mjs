// The petition desk in Chromium: a petition officer (second factor) registers a petition with
// two petitioners through the form, the duplicate panel lists the earlier item of the same
// person with a similar text, it is marked as a repeat, the identity is revealed, the item is
// routed to a unit; the unit's handler finds it among the to-dos, accepts it and replies with
// the 信访处理意见书 editor; the hot-spot dashboard shows the numbers and drills down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD } from '../api/lib/server.mjs';
import { COUNTY, STREET, seedRegions, idcard } from '../api/lib/fixture.mjs';
import { WEB_DIR, launch, onPage, formLogin, menu } from './lib/browser.mjs';

const ID_A = idcard('11010519800101123');
const ID_B = idcard('11010519900202234');
const CONTENT = '建外街道某小区三号楼加装电梯工程停工半年，施工方拆除的楼道设施至今未恢复，老人上下楼十分困难，请求督促施工单位尽快复工并恢复原状。';
const EARLIER_TITLE = '三号楼加装电梯停工（首次反映）';

let s, browser, officer, reader, unitId, earlier;
before(async () => {
  s = new Server();
  await s.start({ env: { SHEGONG_WEB_DIR: WEB_DIR } });
  seedRegions(s);
  s.addUser('zhang', 'staff', COUNTY);
  const staff = await s.login('zhang');
  const u = await staff.post('/api/v1/unit', { name: '朝阳区住房和城乡建设委员会', kind: 'department', region_code: COUNTY });
  assert.equal(u.status, 201, u.text);
  unitId = u.body.id;
  assert.equal((await staff.post('/api/v1/unit', { name: '朝阳区民政局', kind: 'department', region_code: COUNTY })).status, 201);

  s.addUser('xinfang', 'petition_officer', COUNTY);
  officer = await s.login('xinfang'); // enrols the authenticator the browser login then answers
  const r = s.cli(['user', 'add', 'chengban', '--role', 'unit_handler', '--region', COUNTY, '--unit', String(unitId),
    '--display', '住建委经办人', '--password-stdin'], PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);

  // the earlier item of the same petitioner, about the same matter
  const e = await officer.post('/api/v1/petition', {
    title: EARLIER_TITLE, channel: 'letter', class: 'grievance', category: 'urban_construction',
    content: CONTENT, region_code: STREET,
    petitioners: [{ name: '王建国', id_number: ID_A, phone: '13800138000', address: '建外街道某小区3号楼' }],
  });
  assert.equal(e.status, 201, e.text);
  earlier = e.body;
  // API checks read as a leader (no second factor, so the browser logins cannot outlive it)
  s.addUser('lingdao', 'petition_leader', COUNTY);
  reader = await s.login('lingdao');
  browser = await launch();
});
after(async () => {
  await browser?.close();
  try { await s?.stop(); } finally { s?.cleanup(); }
});

const login = (page, w, username) => formLogin(page, w, s, username, PASSWORD);

async function logout(page) {
  await page.locator('.header .who').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.waitForURL(/\/login/);
}

/** Chooses a region in an Element Plus cascader (checkStrictly: a radio per node) by the
 * names of its path from a scope root: the parents are opened, the last is chosen. */
async function chooseRegion(page, cascader, path) {
  await cascader.click();
  const menus = page.locator('.el-cascader__dropdown:visible .el-cascader-menu');
  for (const [i, name] of path.entries()) {
    const node = menus.nth(i).locator('.el-cascader-node').filter({ hasText: name }).first();
    await node.waitFor();
    if (i < path.length - 1) await node.locator('.el-cascader-node__label').click();
    else await node.locator('.el-radio').click();
  }
  await page.keyboard.press('Escape');
}

/** Picks an option of an Element Plus select found by its label. */
async function choose(page, scope, label, option) {
  await scope.getByLabel(label, { exact: true }).click();
  await page.locator('.el-select-dropdown:visible').getByRole('option', { name: option, exact: true }).click();
}

let created; // the petition registered through the form

test('officer: register with two petitioners, the duplicate panel, mark as repeat, reveal, route', async (t) => {
  await onPage(t, browser, 'officer', async (page, w) => {
    await login(page, w, 'xinfang');
    const nav = menu(page);
    await nav.getByText('信访工作').first().click();
    await nav.getByText('信访工作台').first().waitFor();
    assert.match(await nav.innerText(), /登记信访事项/);
    assert.match(await nav.innerText(), /信访热点分析/);

    // the desk: register from there
    await nav.getByText('信访工作台').first().click();
    await page.waitForURL(/\/petition$/);
    await page.getByRole('button', { name: '登记信访事项' }).click();
    await page.waitForURL(/\/petition\/new$/);
    await page.getByRole('heading', { name: '登记信访事项' }).waitFor();

    // an empty submit: Chinese errors on the fields and on the first petitioner's name
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.locator('.el-form-item__error').first().waitFor();
    assert.match(await page.locator('.el-form-item__error').first().innerText(), /[\u4e00-\u9fff]/);
    assert.match(await page.locator('.petitioners .err').first().innerText(), /请填写姓名/);

    await choose(page, page, '信访渠道', '走访');
    await choose(page, page, '事项类别', '申诉求决');
    await choose(page, page, '内容分类', '城乡建设');
    await chooseRegion(page, page.locator('.el-form-item').filter({ hasText: '问题属地' }).locator('.el-cascader'), ['朝阳区', '建外街道']);
    await page.getByLabel('信访内容').fill(CONTENT);

    // two petitioners, the first the same person as the earlier item's
    await page.getByLabel('第 1 位信访人的姓名').fill('王建国');
    await page.getByLabel('第 1 位信访人的身份证件号码').fill(ID_A);
    await page.getByLabel('第 1 位信访人的联系电话').fill('13800138000');
    await page.getByRole('button', { name: '添加信访人' }).click();
    await page.getByLabel('第 2 位信访人的姓名').fill('李秀英');
    await page.getByLabel('第 2 位信访人的身份证件号码').fill(ID_B);
    await page.getByLabel('第 2 位信访人的地址').fill('建外街道某小区3号楼2单元');
    await page.getByLabel('第 2 位信访人的代表').check();

    // the duplicate panel lists the earlier item: same person, similar text
    const panel = page.getByRole('region', { name: '重复件与相似件' });
    const item = panel.locator('.dup-item').filter({ hasText: EARLIER_TITLE });
    await item.waitFor();
    const itemText = await item.innerText();
    assert.match(itemText, /同一信访人/);
    assert.match(itemText, /内容相似/);
    assert.match(itemText, /已登记/);
    await item.getByRole('button', { name: '标记为重复件' }).click();
    await item.getByText('已标记为重复件').waitFor();
    await page.getByText(`已标记为重复件，原事项：${EARLIER_TITLE}`).waitFor();

    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForURL(/\/petition\/\d+$/);
    const id = page.url().split('/').pop();
    created = (await reader.get(`/api/v1/petition/${id}`)).body;
    assert.equal(created.state, 'registered');
    assert.equal(String(created.repeat_of), String(earlier.id), 'marked as a repeat of the earlier item');
    assert.equal(created.petitioners.length, 2);
    assert.equal(created.petitioners[1].representative, true);

    // the detail: state, clock, repeat link, petitioners masked until revealed
    await page.locator('.petition-detail h2').getByText('已登记').waitFor();
    await page.locator('.clocks').getByText('转送交办期限').waitFor();
    assert.match(await page.locator('.clocks').innerText(), /剩 \d+ 天/);
    await page.getByText('本件为重复件，原事项：').waitFor();
    const table = page.locator('.petitioners .el-table__body');
    await table.locator('tr').nth(1).waitFor();
    assert.doesNotMatch(await table.innerText(), new RegExp(ID_A), 'masked before 显示');
    await page.getByRole('button', { name: '显示' }).first().click();
    await page.getByText('已显示明文（已记录审计）').waitFor();
    assert.match(await table.innerText(), new RegExp(ID_A));
    assert.match(await table.innerText(), /李秀英/);

    // route it to the unit through the generic action dialog
    await page.getByRole('button', { name: '转送交办' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('承办单位').click();
    await page.locator('.el-select-dropdown:visible').getByRole('option', { name: '朝阳区住房和城乡建设委员会' }).click();
    await dialog.getByRole('button', { name: '转送交办' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.petition-detail h2').getByText('已转送交办').waitFor();
    assert.equal((await reader.get(`/api/v1/petition/${id}`)).body.state, 'routed');

    await logout(page);
  });
});

test('unit handler: to-do by deadline, accept, reply with the 意见书 editor', async (t) => {
  assert.ok(created, 'the officer test registered a petition');
  await onPage(t, browser, 'handler', async (page, w) => {
    await login(page, w, 'chengban');
    await page.goto(s.base + '/petition');
    const row = page.locator('.todo .el-table__row').filter({ hasText: created.title });
    await row.waitFor();
    assert.match(await row.innerText(), /已转送交办/);
    assert.match(await row.innerText(), /剩 \d+ 天|今日到期/);
    await row.getByRole('link').click();
    await page.waitForURL(new RegExp(`/petition/${created.id}$`));

    // the unit may not see the identity in clear: no 显示
    await page.locator('.petitioners .el-table__body tr').first().waitFor();
    assert.equal(await page.getByRole('button', { name: '显示' }).count(), 0);

    await page.getByRole('button', { name: '受理', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '受理', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.petition-detail h2').getByText('办理中').waitFor();
    await page.locator('.clocks').getByText('办理期限').waitFor();

    // the reply editor: a missing part is named, then the preview and the reply
    await page.getByRole('button', { name: '出具处理意见书' }).click();
    const editor = page.getByRole('dialog', { name: '出具信访处理意见书' });
    await editor.waitFor();
    await editor.getByRole('button', { name: '出具答复' }).click();
    await editor.locator('.el-form-item__error').first().waitFor();
    await editor.getByText('予以支持').click();
    await editor.getByLabel('事实').fill('经现场核查，施工单位因资金问题停工，楼道扶手和照明被拆除未恢复。');
    await editor.getByLabel('依据').fill('《北京市既有多层住宅增设电梯指导意见》及施工合同约定。');
    await editor.getByLabel('处理意见书正文').fill('已责成施工单位于三十日内复工，并在七日内恢复楼道扶手和照明。');
    await editor.getByRole('tab', { name: '预览' }).click();
    const letter = editor.getByRole('article', { name: '信访处理意见书' });
    await letter.waitFor();
    const text = await letter.innerText();
    assert.match(text, /信访处理意见书/);
    assert.match(text, /三十日内复工/);
    assert.match(text, /予以支持/);
    await editor.getByRole('button', { name: '出具答复' }).click();
    await editor.waitFor({ state: 'hidden' });
    await page.locator('.petition-detail h2').getByText('已答复').waitFor();
    await page.getByRole('button', { name: '打印' }).waitFor();

    const got = await reader.get(`/api/v1/petition/${created.id}`);
    assert.equal(got.status, 200, got.text);
    const api = got.body;
    assert.equal(api.state, 'replied');
    assert.equal(api.reply_kind, 'support');
    assert.match(api.reply_text, /三十日内复工/);

    await logout(page);
  });
});

test('officer: the hot-spot dashboard shows numbers and drills down', async (t) => {
  await onPage(t, browser, 'dashboard', async (page, w) => {
    await login(page, w, 'xinfang');
    await page.goto(s.base + '/petition');
    await page.getByRole('button', { name: '热点分析' }).click();
    await page.waitForURL(/\/petition\/dashboard$/);
    await page.getByRole('heading', { name: '信访热点分析' }).waitFor();
    const stat = (name) => page.locator('.stats .el-statistic').filter({ hasText: name }).locator('.el-statistic__content');
    await page.waitForFunction(() => /^\s*2\s*$/.test(document.querySelector('.stats .el-statistic__content')?.innerText || ''));
    assert.equal((await stat('登记总量').innerText()).trim(), '2');
    assert.equal((await stat('重复件').innerText()).trim(), '1', 'the item marked as a repeat');
    assert.equal((await stat('新件').innerText()).trim(), '1');
    // the charts draw
    await page.getByRole('img', { name: '区划 × 类别 分布' }).locator('canvas').first().waitFor();
    await page.getByRole('img', { name: '月度趋势' }).locator('canvas').first().waitFor();

    // the figures by unit: the unit routed to in time, the earlier item not routed
    const figures = page.locator('.fig-table');
    const unitRow = figures.locator('.el-table__row').filter({ hasText: '朝阳区住房和城乡建设委员会' });
    await unitRow.waitFor();
    const unitText = await unitRow.innerText();
    assert.match(unitText, /100%/, 'routed within the 15 days');
    assert.match(await figures.locator('.el-table__row').filter({ hasText: '合计' }).innerText(), /2/);

    // by region: 建外街道 holds both; its count leads to the two items
    await page.getByText('按区划', { exact: true }).click();
    const street = figures.locator('.el-table__row').filter({ hasText: '建外街道' });
    await street.waitFor();
    const count = street.locator('td').nth(1).getByRole('button');
    assert.equal((await count.innerText()).trim(), '2');
    await count.click();
    await page.waitForURL(/\/petition\/figures\/items\?/);
    await page.getByRole('heading', { name: '登记件数' }).waitFor();
    await page.locator('.el-table__body tr.el-table__row').nth(1).waitFor();
    assert.equal(await page.locator('.el-table__body tr.el-table__row').count(), 2);
    assert.match(await page.locator('.scope').innerText(), /建外街道/);
    await page.locator('.el-table__body tr.el-table__row').filter({ hasText: EARLIER_TITLE }).getByRole('link').click();
    await page.waitForURL(new RegExp(`/petition/${earlier.id}$`));
    await page.getByRole('heading', { name: EARLIER_TITLE }).waitFor();

    // the CSV of the table, as the server writes it
    await page.getByRole('button', { name: '← 信访工作台' }).click();
    await page.getByRole('button', { name: '热点分析' }).click();
    await page.waitForURL(/\/petition\/dashboard$/);
    await figures.locator('.el-table__row').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.csv$/);
  });
});
