// The citizens' portal on a phone (375 x 812): no login, no API request, no failed
// request, honest about what is open (the petition service; the rest planned), nothing
// wider than the screen. The petition pages have their own test (portal_petition).
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
    // the open service is offered; the planned ones are not offered as links or forms
    await page.getByRole('heading', { name: '可以办理的服务' }).waitFor();
    const main = page.getByRole('main');
    assert.equal(await main.locator('form, input, textarea, select, button').count(), 0, 'no mocked form');
    const links = await main.getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['/portal/petition/new', '/portal/petition/track'], 'entries only to the services that are open');
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
