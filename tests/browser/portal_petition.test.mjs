// The portal's petition journey on a phone (375 x 812), end to end in Chromium: a citizen
// submits on /portal/petition/new without an account and notes the query code; the petition
// officer routes the item and the unit's handler accepts and replies (through the API); the
// citizen tracks it with the code and the mobile's last four digits, reads the 处理意见书,
// rates it and asks for 复查 — all in the browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, PASSWORD } from '../api/lib/server.mjs';
import { COUNTY, STREET, seedRegions } from '../api/lib/fixture.mjs';
import { WEB_DIR, launch, onPage } from './lib/browser.mjs';

// SHEGONG_TEST_WEB_DIR: a console built elsewhere (a private build while others rebuild web/dist)
const DIST = process.env.SHEGONG_TEST_WEB_DIR || WEB_DIR;
const UNIT = '8001';
const PHONE = '13812345678';
const CONTENT = '我家楼下的烧烤店每天营业到凌晨两点，油烟和噪音严重影响休息，多次向物业反映没有结果，请求有关部门依法处理。';
const REPLY = { reply_kind: 'explain', reply_facts: '经现场核查，该店油烟净化设施运行正常，但夜间室外经营属实。', reply_basis: '《中华人民共和国噪声污染防治法》第六十四条', reply_text: '已责令该店晚十点后停止室外经营，城管部门将持续巡查。' };

let s, browser, officer, handler;
before(async () => {
  s = new Server();
  await s.start({ env: { SHEGONG_WEB_DIR: DIST } });
  seedRegions(s);
  s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES (${UNIT}, '建外街道办事处', 'township', '${STREET}', 0, 0)`);
  s.addUser('xinfang', 'petition_officer', COUNTY);
  const r = s.cli(['user', 'add', 'jingban', '--role', 'unit_handler', '--region', STREET, '--unit', UNIT, '--password-stdin'], PASSWORD + '\n');
  assert.equal(r.status, 0, r.stderr);
  officer = await s.login('xinfang');
  handler = await s.login('jingban');
  browser = await launch({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
});
after(async () => {
  await browser?.close();
  try { await s?.stop(); } finally { s?.cleanup(); }
});

/** Picks an option of the Element Plus select named label. */
async function pick(page, label, option) {
  // the select's own box takes the tap (its placeholder covers the input)
  await page.getByRole('combobox', { name: label }).locator('xpath=ancestor::div[contains(@class, "el-select__wrapper")]').click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: option }).first().click();
}

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the phone`);
}

test('a citizen submits, tracks, reads the reply, rates it and asks for 复查', async (t) => {
  await onPage(t, browser, 'portal petition journey', async (page, w) => {
    // from the portal's home to the form
    await page.goto(s.base + '/portal');
    await page.getByRole('link', { name: /提交信访事项/ }).click();
    await page.waitForURL(/\/portal\/petition\/new$/);
    await page.getByRole('heading', { level: 1, name: '提交信访事项' }).waitFor();
    assert.match(await page.title(), /提交信访事项/);

    // the form checks before it sends
    await page.getByRole('button', { name: '提交', exact: true }).click();
    await page.getByText('请选择事项类别').waitFor();
    await page.getByText('请填写手机号码').waitFor();

    await page.locator('.pp-classes .el-radio').filter({ hasText: '申诉求决' }).click();
    await pick(page, '内容分类', '城乡建设');
    // 北京市 is the only province: chosen by itself; 市辖区 is not offered
    await pick(page, '问题发生地第2级', '朝阳区');
    await pick(page, '问题发生地第3级', '建外街道');
    assert.equal(await page.getByRole('combobox', { name: '问题发生地第4级' }).count(), 0, 'a street without communities ends the chooser');
    await page.getByRole('textbox', { name: '反映内容' }).fill(CONTENT);
    await page.getByRole('textbox', { name: '姓名' }).fill('赵秀兰');
    await page.getByRole('textbox', { name: '手机号码' }).fill('138-1234-5678');
    await page.getByText('要求对我的身份信息保密').click();
    await noOverflow(page, 'the form');
    await page.getByRole('button', { name: '提交', exact: true }).click();

    const shown = page.locator('[data-test=query-code]');
    await shown.waitFor();
    const code = (await shown.innerText()).replace(/\s+/g, '');
    assert.match(code, /^[2-9A-HJ-NP-Z]{12}$/);
    assert.match(await page.getByRole('status').innerText(), /提交成功/);
    // the receipt link carries the digits and answers a PDF
    const href = await page.getByRole('link', { name: '下载登记回执（PDF）' }).getAttribute('href');
    assert.equal(href, `/api/v1/public/petition/${code}/receipt.pdf?phone_last4=5678`);
    const pdf = await fetch(s.base + href);
    assert.equal(pdf.status, 200);
    assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');

    // the bodies work on it
    const id = s.sqlite(`SELECT id FROM petition WHERE query_code = '${code}'`).stdout.trim();
    const desk = await officer.get(`/api/v1/petition/${id}`);
    assert.equal(desk.body.confidential, true);
    assert.equal(desk.body.channel, 'online');
    for (const [who, action, body] of [[officer, 'route', { unit_id: UNIT }], [handler, 'accept', {}], [handler, 'reply', REPLY]]) {
      const r = await who.post(`/api/v1/petition/${id}/actions/${action}`, body);
      assert.equal(r.status, 200, `${action}: ${r.text}`);
    }

    // the citizen tracks it: the code comes along, the digits are asked for
    await page.getByRole('link', { name: '查询办理进度' }).click();
    await page.waitForURL(/\/portal\/petition\/track\?code=/);
    const codeBox = page.getByRole('textbox', { name: '查询码' });
    assert.equal(await codeBox.inputValue(), code);
    w.allow(/^\/api\/v1\/public\/petition\/[2-9A-Z]+$/, 404);
    await page.getByRole('textbox', { name: '手机号码后四位' }).fill('0000');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.getByText('查询码或手机号码后四位不正确').waitFor();
    await page.getByRole('textbox', { name: '手机号码后四位' }).fill('5678');
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await page.locator('[data-test=state]').filter({ hasText: '已答复' }).waitFor();
    assert.equal(await page.locator('[data-test=reply-text]').innerText(), REPLY.reply_text);
    const main = await page.getByRole('main').innerText();
    for (const want of ['建外街道办事处', '北京市朝阳区建外街道', '申诉求决', '解释说明', REPLY.reply_facts, '已转送、交办有权处理的机关', '已出具处理意见书'])
      assert.ok(main.includes(want), `the page lacks "${want}"`);
    assert.ok(!main.includes('赵秀兰') && !main.includes('jingban') && !main.includes('xinfang'), 'nothing internal');
    assert.match(main, /可以在\d{4}年\d{1,2}月\d{1,2}日前申请复查/);
    await noOverflow(page, 'the tracking page');

    // rates once
    await page.locator('.el-radio').filter({ hasText: '不满意' }).click();
    await page.getByRole('textbox', { name: '评价意见（可不填）' }).fill('晚上十点后仍有噪音');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.locator('[data-test=rating]').filter({ hasText: '不满意' }).waitFor();
    assert.equal(await page.getByRole('button', { name: '提交评价' }).count(), 0, 'rated once');

    // asks for 复查, confirmed
    await page.getByRole('button', { name: '申请复查' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
    await page.locator('[data-test=state]').filter({ hasText: '复查中' }).waitFor();
    await page.getByText('已申请复查').first().waitFor();
    assert.equal(await page.getByRole('button', { name: '申请复查' }).count(), 0);

    // the desk sees what the citizen did
    const after = await officer.get(`/api/v1/petition/${id}`);
    assert.equal(after.body.state, 'reviewing');
    assert.equal(after.body.rating, 'unsatisfied');
    assert.equal(after.body.rating_comment, '晚上十点后仍有噪音');
  });
});
