// The citizens' portal on a phone (375 x 812): no login, no API request, no failed
// request, honest about what is open, nothing wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../api/lib/server.mjs';
import { WEB_DIR, launch, onPage } from './lib/browser.mjs';

let s, browser;
before(async () => {
  s = new Server();
  await s.start({ env: { SHEGONG_WEB_DIR: WEB_DIR } });
  browser = await launch({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
});
after(async () => {
  await browser?.close();
  try { await s?.stop(); } finally { s?.cleanup(); }
});

test('the portal loads on a phone without an account', async (t) => {
  await onPage(t, browser, 'portal', async (page, w) => {
    const api = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url()); });
    const res = await page.goto(s.base + '/portal', { waitUntil: 'networkidle' });
    assert.equal(res.status(), 200);
    assert.equal(page.url(), s.base + '/portal', 'no redirect to the login page');
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /社会工作部/);
    // nothing open yet, said plainly; the planned services are not offered as links or forms
    await page.getByRole('heading', { name: '可以办理的服务' }).waitFor();
    assert.match(await page.getByRole('status').innerText(), /目前还没有开通的网上服务/);
    const main = page.getByRole('main');
    assert.equal(await main.locator('form, input, textarea, select, button').count(), 0, 'no mocked form');
    assert.equal(await main.getByRole('link').count(), 0, 'no entry to a service that is not open');
    assert.match(await main.innerText(), /尚未开通/);
    // the staff sign-in is the one link, and it works
    const staff = page.getByRole('link', { name: '工作人员登录' });
    assert.equal(await staff.count(), 1);
    // phone layout: no horizontal scrolling, readable text
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.portal-intro')).fontSize));
    assert.ok(size >= 14, `intro text ${size}px`);
    assert.deepEqual(api, [], 'the portal calls no API');
    await staff.click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('用户名').waitFor();
    w.check('portal');
  });
});
