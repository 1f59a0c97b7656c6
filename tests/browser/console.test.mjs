// The console in Chromium, against the built web/dist: keyboard login, the menu a role
// allows, the 单位 list with a filter, a create with a Chinese field error then a valid
// one, a workflow action on a specimen, an export download, the region switcher, logout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { Server, PASSWORD } from '../api/lib/server.mjs';
import { COUNTY, STREET, seedRegions, makeSpecimen } from '../api/lib/fixture.mjs';
import { WEB_DIR, launch, onPage, keyboardLogin, menu } from './lib/browser.mjs';

let s, browser;
before(async () => {
  s = new Server();
  await s.start({ env: { SHEGONG_WEB_DIR: WEB_DIR } });
  seedRegions(s);
  s.addUser('zhang', 'staff', COUNTY);
  s.addUser('officer', 'specimen_officer', COUNTY);
  const admin = await s.login('zhang');
  for (const name of ['朝阳区民政局', '朝阳区城管委'])
    assert.equal((await admin.post('/api/v1/unit', { name, kind: 'department', region_code: COUNTY })).status, 201);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  try { await s?.stop(); } finally { s?.cleanup(); }
});


/** Chooses a region by name in an Element Plus cascader (checkStrictly: a radio per node). */
async function chooseRegion(page, cascader, name) {
  await cascader.click();
  const node = page.locator('.el-cascader__dropdown:visible .el-cascader-node').filter({ hasText: name }).first();
  await node.waitFor();
  await node.locator('.el-radio').click();
  await page.keyboard.press('Escape');
}

async function logout(page, w) {
  await page.locator('.header .who').click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await page.waitForURL(/\/login/);
}

test('staff: login, menu, units, filter, create with a field error, logout', async (t) => {
  await onPage(t, browser, 'staff', async (page, w) => {
    w.allow(/^\/api\/v1\/auth\/me$/, 401); // the first visit asks who is signed in
    await keyboardLogin(page, s.base, 'zhang', PASSWORD);
    const nav = menu(page);
    await nav.getByText('工作台').first().waitFor();
    // the business groups come with the entity list (/api/v1/meta), after the fixed items
    await nav.getByText('基层治理').first().waitFor();
    const text = await nav.innerText();
    assert.doesNotMatch(text, /用户管理|角色|审计日志/, 'staff sees no administration page');
    assert.match(text, /基层治理/);
    assert.doesNotMatch(text, /系统管理/, 'no administration area for staff');

    // the 单位 list, filtered by a keyword
    await page.goto(s.base + '/e/unit');
    await page.getByRole('heading', { name: '单位' }).waitFor();
    const rows = page.locator('.el-table__body tr.el-table__row');
    await assert.doesNotReject(rows.nth(1).waitFor());
    assert.equal(await rows.count(), 2);
    await page.getByLabel('关键词').fill('民政');
    await page.getByLabel('关键词').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.el-table__body tr.el-table__row').length === 1);
    assert.match(await rows.first().innerText(), /朝阳区民政局/);

    // create: empty first (errors in Chinese), then valid
    await page.getByRole('button', { name: '新增' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '保存' }).click();
    const err = dialog.locator('.el-form-item__error').first();
    await err.waitFor();
    assert.match(await err.innerText(), /[\u4e00-\u9fff]/);
    await dialog.getByLabel('单位名称').fill('朝阳区社会工作部');
    await dialog.getByLabel('单位类别').click();
    await page.getByRole('option').first().click();
    await chooseRegion(page, dialog.locator('.el-form-item').filter({ hasText: '所属区划' }).locator('.el-cascader'), '朝阳区');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // the new record opens
    await page.waitForURL(/\/e\/unit\/\d+$/);
    await page.getByRole('heading', { name: '朝阳区社会工作部' }).waitFor();
    const id = page.url().split('/').pop();
    const api = await (await s.login('zhang')).get(`/api/v1/unit/${id}`);
    assert.equal(api.body.name, '朝阳区社会工作部');
    assert.equal(api.body.region_code, COUNTY);

    await logout(page, w);
  });
});

test('specimen officer: workflow action, export, region switch', async (t) => {
  const officer = await s.login('officer');
  const row = await makeSpecimen(officer, { title: '浏览器样本', region_code: STREET });
  await onPage(t, browser, 'officer', async (page, w) => {
    w.allow(/^\/api\/v1\/auth\/me$/, 401);
    await keyboardLogin(page, s.base, 'officer', PASSWORD);

    await page.goto(`${s.base}/e/specimen/${row.id}`);
    await page.getByRole('button', { name: '提交', exact: true }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '提交', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => /已提交|待受理/.test(document.querySelector('.workflow .el-tag')?.innerText || ''));
    const api = await officer.get(`/api/v1/specimen/${row.id}`);
    assert.equal(api.body.state, 'submitted');

    // export: the file arrives
    await page.goto(`${s.base}/e/specimen`);
    await page.locator('.el-table__body tr.el-table__row').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 Excel' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const file = await download.path();
    assert.ok(statSync(file).size > 1000, 'an xlsx file of some size');

    // switch region: choose 朝阳区 in the header
    await chooseRegion(page, page.locator('.region-switcher .el-cascader'), '朝阳区');
    await page.waitForFunction(() => /朝阳区/.test(document.querySelector('.region-switcher input')?.value || ''));
    // the list follows the region: still the one specimen, which lies inside it
    await page.locator('.el-table__body tr.el-table__row').first().waitFor();

    await logout(page, w);
  });
});
