// Browser test harness: Debian's Chromium driven by playwright-core, a fresh profile per
// browser, and a page watcher that fails the test on console errors, failed requests and
// answers >= 400 (except those a test provokes on purpose), with a screenshot on failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEB_DIR = join(ROOT, 'web', 'dist');
export const CHROMIUM = process.env.SHEGONG_CHROMIUM || '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts Chromium with a fresh user-data dir; returns {context, close, shots}. */
export async function launch({ viewport = { width: 1366, height: 860 }, ...opts } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'shegong-chromium-'));
  const shots = mkdtempSync(join(tmpdir(), 'shegong-shots-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    ...opts,
  });
  context.setDefaultTimeout(10000);
  return {
    context,
    shots,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Watches a page: collects console errors, failed requests and answers >= 400.
 * allow(pattern, status) permits one kind of answer a test provokes; check() asserts. */
export function watch(page) {
  const problems = [];
  const allowed = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // the console logs a failed load for an answer the test provoked; judged by the response
    if (/Failed to load resource: the server responded with a status of (\d+)/.test(text)
      && allowed.some((a) => text.includes(String(a.status)))) return;
    problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText || '';
    // an aborted request is one the page gave up (a navigation superseded it, or a view
    // left before its data came); an error answer is caught below, as a response
    if (why === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const path = new URL(r.url()).pathname;
    const i = allowed.findIndex((a) => a.status === r.status() && a.pattern.test(path) && a.count > 0);
    if (i >= 0) {
      allowed[i].count--;
      return;
    }
    problems.push(`answer ${r.status()}: ${r.request().method()} ${path}`);
  });
  return {
    problems,
    /** Allows up to count answers with status on a path matching pattern. */
    allow(pattern, status, count = 1) {
      allowed.push({ pattern, status, count });
    },
    check(what = '') {
      assert.deepEqual(problems, [], `${what}: problems on the page`);
    },
  };
}

/** Runs fn(page, watcher) in a new page; on failure saves a screenshot and prints its path. */
export async function onPage(t, browser, name, fn) {
  await browser.context.clearCookies(); // each test starts signed out
  const page = await browser.context.newPage();
  const w = watch(page);
  try {
    await fn(page, w);
    w.check(name);
  } catch (e) {
    const file = join(browser.shots, `${name.replace(/[^\w-]+/g, '_')}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
      console.error(`# screenshot of the failed test "${name}": ${file}`);
      t.diagnostic(`screenshot: ${file}`);
    } catch { /* the page is gone */ }
    if (w.problems.length) e.message += `\nproblems on the page:\n  ${w.problems.join('\n  ')}`;
    throw e;
  } finally {
    await page.close();
  }
}

/** The console's main menu. */
export const menu = (page) => page.getByRole('navigation', { name: '主菜单' });

/** Logs in through the form as username of server s (api/lib/server.mjs), answering the
 * second factor with the harness's authenticator when one is asked for; waits until the
 * landing page (工作台) has its to-dos and both notice requests, which a test navigating away
 * too early would abort. w is the page's watch(). */
export async function formLogin(page, w, s, username, password) {
  w.allow(/^\/api\/v1\/auth\/me$/, 401);
  await page.goto(s.base + '/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  let landed = 0;
  const settled = page.waitForEvent('requestfinished', {
    predicate: (q) => /^\/api\/v1\/(todo|notices)$/.test(new URL(q.url()).pathname) && ++landed === 3,
    timeout: 30000,
  });
  await page.getByLabel('密码').press('Enter');
  const code = page.locator('#login-code');
  const done = page.waitForURL((u) => !u.pathname.startsWith('/login'));
  const asked = code.waitFor().then(() => 'code');
  if ((await Promise.race([done.then(() => 'in'), asked])) === 'code') {
    await code.fill(await s.totpNext(username));
    await code.press('Enter');
    await done;
  }
  await settled;
}

/** Logs in with the keyboard only: the username field has focus, Tab, Enter. */
export async function keyboardLogin(page, base, username, password) {
  await page.goto(base + '/');
  await page.waitForURL(/\/login/);
  const user = page.getByLabel('用户名');
  await user.waitFor();
  await assertFocused(page, 'login-username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await assertFocused(page, 'login-password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

async function assertFocused(page, id) {
  await page.waitForFunction((want) => document.activeElement && document.activeElement.id === want, id,
    { timeout: 5000 });
}
