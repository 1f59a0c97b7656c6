// The working-day calendar: `shegong import holidays` from the chinese-days package,
// `shegong calendar is-workday|deadline`, the /api/v1/calendar routes with their
// permissions and audit records, years without data, and checks against the package's
// own answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, assertError, assertInvalid } from './lib/server.mjs';

const require = createRequire(import.meta.url);
const chineseDays = require('chinese-days');
const PKG_DIR = join(require.resolve('chinese-days/package.json'), '..');
const PKG_FILE = join(PKG_DIR, 'dist', 'chinese-days.json');
const pkg = JSON.parse(readFileSync(PKG_FILE, 'utf8'));
const SOURCE = `chinese-days ${JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8')).version}`;
const NDAYS = Object.keys(pkg.holidays).length + Object.keys(pkg.workdays).length;

const s = new Server();
const tmp = mkdtempSync(join(tmpdir(), 'shegong-cal-'));
let sys, alice, aud;

before(async () => {
  await s.start();
  s.addUser('sys', 'sysadmin', '110000000000');
  s.addUser('alice', 'staff', '110105000000');
  s.addUser('aud', 'auditor', '110000000000');
  sys = await s.login('sys');
  alice = await s.login('alice');
  aud = await s.login('aud');
});
after(async () => {
  await s.stop();
  s.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

const cal = (...args) => s.cli(['calendar', ...args]);
const isoDay = (d) => d.toISOString().slice(0, 10);

/** Every day from first to last (inclusive) as YYYY-MM-DD. */
function days(first, last) {
  const out = [];
  for (let d = new Date(`${first}T00:00:00Z`); isoDay(d) <= last; d.setUTCDate(d.getUTCDate() + 1))
    out.push(isoDay(d));
  return out;
}

/** A deterministic pseudo-random generator (so a failure can be reproduced). */
function rng(seed) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

async function auditOf(action) {
  const r = await aud.get(`/api/v1/audit?action=${action}&page_size=200`);
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

test('before any import every year lacks data: a warning in the API, an error in the CLI', async () => {
  const r = await alice.get('/api/v1/calendar/deadline?from=2025-09-30&days=10&mode=working');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.deadline, '2025-10-14'); // the weekday rule alone: a guess, and it says so
  assert.equal(r.body.warnings.length, 1);
  assert.equal(r.body.warnings[0].code, 'calendar_year_missing');
  assert.equal(r.body.warnings[0].year, 2025);
  const c = cal('is-workday', '2025-10-01');
  assert.equal(c.status, 1);
  assert.equal(c.stdout, '');
  assert.match(c.stderr, /no holiday data for 2025/);
});

test('`import holidays` loads every year of the installed package, idempotently and audited', async () => {
  const first = s.cli(['import', 'holidays']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, new RegExp(`\\(${SOURCE}\\)`));
  assert.match(first.stdout, /years 2004-2026: 23 covered, 23 newly/);
  assert.match(first.stdout, new RegExp(`days: ${NDAYS} added, 0 changed, 0 removed, 0 unchanged`));
  const again = s.cli(['import', 'holidays']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /years 2004-2026: 23 covered, 0 newly/);
  assert.match(again.stdout, new RegExp(`days: 0 added, 0 changed, 0 removed, ${NDAYS} unchanged`));
  // one year's file of the same package changes nothing either
  const one = s.cli(['import', 'holidays', join(PKG_DIR, 'dist', 'years', '2025.json')]);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /years 2025-2025: 1 covered, 0 newly/);
  assert.match(one.stdout, /days: 0 added, 0 changed, 0 removed, 33 unchanged/);
  const recs = await auditOf('calendar.import');
  assert.equal(recs.length, 3);
  assert.ok(recs.every((x) => x.username === '(cli)' && x.result === 'success'));
  assert.deepEqual(JSON.parse(recs[2].detail), {
    source: SOURCE, years: '2004-2026', added: NDAYS, changed: 0, removed: 0, unchanged: 0,
    overruled: 0, years_added: 23,
  });
  // the running server sees the new data at once (its cache follows the database's version)
  const r = await alice.get('/api/v1/calendar/deadline?from=2025-09-30&days=10&mode=working');
  assert.equal(r.body.deadline, '2025-10-21');
  assert.deepEqual(r.body.warnings, []);
  const years = cal('years');
  assert.equal(years.status, 0);
  assert.match(years.stdout, /^2004 chinese-days \S+ \d+ days\n/);
  assert.match(years.stdout, /\n2026 chinese-days \S+ 39 days\n$/);
});

test('the package is found through SHEGONG_REFDATA_DIR, or the import says where it looked', () => {
  const nm = join(PKG_DIR, '..');
  const ok = s.cli(['import', 'holidays'], '', { SHEGONG_REFDATA_DIR: nm });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /0 added, 0 changed, 0 removed/);
  const none = s.cli(['import', 'holidays'], '', { SHEGONG_REFDATA_DIR: tmp });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /chinese-days package was not found.*SHEGONG_REFDATA_DIR/);
  assert.match(none.stderr, /nothing was changed/);
  const dir = s.cli(['import', 'holidays', PKG_DIR]); // the package directory itself
  assert.equal(dir.status, 0, dir.stderr);
  // a dry run of another source reports the change and makes none
  const version = s.sqlite('SELECT version FROM calendar_version').stdout;
  const dry = s.cli(['import', 'holidays', '--dry-run', '--source', 'chinese-days next']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^dry run, nothing changed: holidays from .* \(chinese-days next\)\n/);
  assert.match(dry.stdout, new RegExp(`days: 0 added, ${NDAYS} changed, 0 removed, 0 unchanged`));
  assert.equal(s.sqlite('SELECT version FROM calendar_version').stdout, version);
  assert.equal(s.sqlite("SELECT COUNT(*) FROM calendar_day WHERE source = 'chinese-days next'").stdout, '0\n');
  const help = s.cli(['import', 'holidays', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: shegong import holidays/);
  assert.equal(s.cli(['import', 'holidays', '--frob']).status, 2);
  assert.equal(s.cli(['import', 'holidays', 'a', 'b']).status, 2);
  assert.match(s.cli(['import', '--help']).stdout, /\n {2}holidays /);
});

test('`calendar is-workday` and `calendar deadline` answer for known dates', () => {
  const yes = cal('is-workday', '2025-10-01', '2025-09-28', '2025-10-11', '2025-10-12', '2025-10-09',
    '2024-02-18', '2026-01-04', '2026-02-23');
  assert.equal(yes.status, 0, yes.stderr);
  assert.equal(yes.stdout, 'no\nyes\nyes\nno\nyes\nyes\nyes\nno\n');
  const one = cal('is-workday', '2025-10-01');
  assert.equal(one.stdout, 'no\n');
  const d = (...a) => {
    const r = cal('deadline', ...a);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  assert.equal(d('2025-09-30', '10', '--working'), '2025-10-21\n');
  assert.equal(d('--working', '2025-09-30', '10'), '2025-10-21\n');
  assert.equal(d('2025-09-30', '10'), '2025-10-10\n');
  assert.equal(d('2025-09-16', '15'), '2025-10-01\n');
  assert.equal(d('2025-09-16', '15', '--roll-forward'), '2025-10-09\n');
  assert.equal(d('2025-01-27', '5', '--working'), '2025-02-10\n');
  assert.equal(d('2025-10-01', '0', '--roll-forward'), '2025-10-09\n');
  assert.equal(d('2026-12-20', '30'), '2027-01-19\n'); // calendar days need no data
});

test('the CLI refuses bad input (2) and years without data (1)', () => {
  for (const args of [
    [], ['frob'], ['is-workday'], ['is-workday', '2025-02-29'], ['is-workday', '2025-10-01', '10/01'],
    ['deadline', '2025-10-01'], ['deadline', 'tomorrow', '3'], ['deadline', '2025-10-01', '-1'],
    ['deadline', '2025-10-01', 'ten'], ['deadline', '2025-10-01', '3', 'x'], ['deadline', '2025-10-01', '3', '--frob'],
    ['is-workday', '2025-10-01', '--working'], ['years', '2025'],
  ]) {
    const r = cal(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
  const help = cal('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: shegong calendar/);
  assert.match(s.cli(['--help']).stdout, /\n {2}calendar /);
  for (const args of [['is-workday', '2027-01-04'], ['is-workday', '2025-10-01', '2027-01-04'],
    ['deadline', '2026-12-25', '10', '--working'], ['deadline', '2026-12-20', '30', '--roll-forward'],
    ['is-workday', '2003-05-01']]) {
    const r = cal(...args);
    assert.equal(r.status, 1, args.join(' '));
    assert.equal(r.stdout, '', 'nothing is printed when any date lacks data');
    assert.match(r.stderr, /no holiday data for (2027|2003)/);
  }
});

test('every day of 2024-2026 and 300 random dates agree with the package\'s isWorkday', () => {
  const all = days('2024-01-01', '2026-12-31');
  const r = cal('is-workday', ...all);
  assert.equal(r.status, 0, r.stderr);
  const ours = r.stdout.trim().split('\n');
  assert.equal(ours.length, all.length);
  const disagree = all.filter((d, i) => (ours[i] === 'yes') !== chineseDays.isWorkday(d));
  assert.deepEqual(disagree, []);
  const rand = rng(20251001);
  const picks = Array.from({ length: 300 }, () => all[Math.floor(rand() * all.length)]);
  const p = cal('is-workday', ...picks);
  assert.equal(p.status, 0, p.stderr);
  const pr = p.stdout.trim().split('\n');
  assert.equal(picks.filter((d, i) => (pr[i] === 'yes') !== chineseDays.isWorkday(d)).length, 0);
  // the exception days typed into the unit test are the package's too
  for (const [date, kind] of [['2024-02-04', 'w'], ['2024-05-11', 'w'], ['2024-10-12', 'w'], ['2025-01-26', 'w'],
    ['2025-02-08', 'w'], ['2025-04-27', 'w'], ['2025-09-28', 'w'], ['2025-10-11', 'w'], ['2026-01-04', 'w'],
    ['2026-02-14', 'w'], ['2026-02-28', 'w'], ['2026-05-09', 'w'], ['2026-09-20', 'w'], ['2026-10-10', 'w'],
    ['2024-02-17', 'h'], ['2025-01-28', 'h'], ['2025-02-04', 'h'], ['2025-05-05', 'h'], ['2025-10-08', 'h'],
    ['2026-02-23', 'h'], ['2026-10-07', 'h']])
    assert.ok(kind === 'w' ? date in pkg.workdays : date in pkg.holidays, date);
});

test('deadlines agree with the package\'s findWorkday, through the API', async () => {
  const rand = rng(7);
  const all = days('2024-01-01', '2026-10-31');
  let checked = 0;
  for (let i = 0; i < 60; i++) {
    const from = all[Math.floor(rand() * all.length)];
    const n = Math.floor(rand() * 30);
    const r = await alice.get(`/api/v1/calendar/deadline?from=${from}&days=${n}&mode=working&roll_forward=true`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.deadline, chineseDays.findWorkday(n, from), `${n} working days after ${from}`);
    assert.deepEqual(r.body.warnings, []);
    assert.equal(r.body.workday, true);
    checked++;
  }
  assert.equal(checked, 60);
});

test('GET /api/v1/calendar lists a year\'s days for any signed-in user', async () => {
  const r = await alice.get('/api/v1/calendar?year=2025');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.year, 2025);
  assert.equal(r.body.covered, true);
  assert.equal(r.body.coverage.source, SOURCE);
  assert.deepEqual(r.body.covered_years, Array.from({ length: 23 }, (_, i) => 2004 + i));
  const want = [...Object.keys(pkg.holidays), ...Object.keys(pkg.workdays)].filter((d) => d.startsWith('2025')).sort();
  assert.deepEqual(r.body.items.map((i) => i.date), want);
  const sun = r.body.items.find((i) => i.date === '2025-09-28');
  assert.deepEqual(sun, {
    date: '2025-09-28', kind: 'workday', name: '国庆节', workday: true, weekday: 7, source: SOURCE,
    updated_at: sun.updated_at, updated_by: null, official: null,
  });
  assert.match(sun.updated_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(r.body.items.find((i) => i.date === '2025-10-06').name, '中秋');
  for (const y of [2024, 2026]) {
    const yr = await aud.get(`/api/v1/calendar?year=${y}`); // an auditor may read it too
    assert.equal(yr.status, 200);
    assert.equal(yr.body.items.length, Object.keys(pkg.holidays).concat(Object.keys(pkg.workdays))
      .filter((d) => d.startsWith(String(y))).length);
  }
  const none = await alice.get('/api/v1/calendar?year=2027');
  assert.equal(none.body.covered, false);
  assert.equal(none.body.coverage, null);
  assert.deepEqual(none.body.items, []);
  const now = await alice.get('/api/v1/calendar');
  assert.equal(now.status, 200);
  assert.equal(now.body.year, Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4)));
  assertInvalid(await alice.get('/api/v1/calendar?year=abc'), [['year', 'type_integer']]);
  assertInvalid(await alice.get('/api/v1/calendar?year=10000'), [['year', 'out_of_range']]);
  assertError(await s.request('GET', '/api/v1/calendar?year=2025'), 401, 'unauthenticated');
  assertError(await s.request('GET', '/api/v1/calendar/deadline?days=1'), 401, 'unauthenticated');
});

test('GET /api/v1/calendar/deadline counts, rolls, warns and checks its parameters', async () => {
  const get = (q) => alice.get(`/api/v1/calendar/deadline?${q}`);
  let r = await get('from=2025-09-30&days=10&mode=working');
  assert.deepEqual(r.body, {
    from: '2025-09-30', days: 10, mode: 'working', roll_forward: false, deadline: '2025-10-21',
    workday: true, warnings: [],
  });
  r = await get('from=2025-09-16&days=15');
  assert.equal(r.body.deadline, '2025-10-01');
  assert.equal(r.body.mode, 'calendar');
  assert.equal(r.body.workday, false);
  r = await get('from=2025-09-16&days=15&roll_forward=true');
  assert.equal(r.body.deadline, '2025-10-09');
  r = await get('from=2025-09-16&days=15&mode=calendar&roll_forward=1');
  assert.equal(r.body.deadline, '2025-10-09');
  // a span into 2027 is answered by the weekday rule, with a warning, not an error
  r = await get('from=2026-12-25&days=10&mode=working');
  assert.equal(r.status, 200);
  assert.equal(r.body.deadline, '2027-01-08');
  assert.equal(r.body.warnings.length, 1);
  assert.equal(r.body.warnings[0].code, 'calendar_year_missing');
  assert.equal(r.body.warnings[0].year, 2027);
  assert.match(r.body.warnings[0].message, /尚无节假日.*2027年/);
  r = await get('from=2026-12-20&days=30');
  assert.deepEqual(r.body.warnings, []); // calendar days do not depend on the year's data
  r = await get('from=2026-12-20&days=30&roll_forward=true');
  assert.equal(r.body.warnings[0].year, 2027);
  r = await get('days=0');
  assert.equal(r.status, 200);
  assert.equal(r.body.from, new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10));
  // every mistake at once
  assertInvalid(await get('from=2025-02-30&mode=weekly'), [['from', 'invalid_date'], ['days', 'required'], ['mode', 'invalid_enum']]);
  assertInvalid(await get('days=-1'), [['days', 'out_of_range']]);
  assertInvalid(await get('days=3651'), [['days', 'out_of_range']]);
  assertInvalid(await get('days=ten'), [['days', 'type_integer']]);
  assertInvalid(await get('days=1&roll_forward=maybe'), [['roll_forward', 'type_boolean']]);
  assertInvalid(await get('from=9999-12-30&days=10'), [['days', 'out_of_range']]);
  const err = assertInvalid(await get('from=2025/10/01&days=1'), [['from', 'invalid_date']]);
  assert.match(err.details[0].message, /起算日期应为 YYYY-MM-DD/);
});

test('only holders of calendar.manage (the system administrator) change the calendar', async () => {
  const body = { kind: 'holiday', name: '元旦' };
  assertError(await alice.request('PUT', '/api/v1/calendar/2027-01-01', { body }), 403, 'forbidden');
  assertError(await aud.request('PUT', '/api/v1/calendar/2027-01-01', { body }), 403, 'forbidden');
  assertError(await alice.del('/api/v1/calendar/2027-01-01'), 403, 'forbidden');
  assertError(await alice.request('PUT', '/api/v1/calendar/years/2027'), 403, 'forbidden');
  assertError(await aud.del('/api/v1/calendar/years/2026'), 403, 'forbidden');
  const refused = (await auditOf('calendar.set')).filter((x) => x.result === 'failure');
  assert.equal(refused.length, 2);
  assert.ok(refused.some((x) => x.username === 'alice'));
  assert.equal((await alice.get('/api/v1/calendar?year=2027')).body.items.length, 0);
  const me = await sys.get('/api/v1/auth/me');
  assert.ok(me.body.user.permissions.includes('calendar.manage'), me.text);
});

test('an administrator adds a new year\'s days and declares the year complete', async () => {
  const put = (date, body) => sys.request('PUT', `/api/v1/calendar/${date}`, { body });
  let r = await put('2027-01-01', { kind: 'holiday', name: '元旦' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.kind, 'holiday');
  assert.equal(r.body.source, 'admin');
  assert.equal(r.body.updated_by, sys.user.id);
  assert.equal(r.body.workday, false);
  assert.equal(r.body.official, null);
  r = await put('2027-01-03', { kind: 'workday', name: '元旦' });
  assert.equal(r.body.workday, true);
  assert.equal(r.body.weekday, 7);
  // the days count now, but the year is still not known to be complete
  assert.equal(cal('is-workday', '2027-01-01').status, 1);
  r = await alice.get('/api/v1/calendar/deadline?from=2026-12-31&days=1&mode=working');
  assert.equal(r.body.deadline, '2027-01-03');
  assert.equal(r.body.warnings[0].year, 2027);
  r = await sys.request('PUT', '/api/v1/calendar/years/2027');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.year, 2027);
  assert.equal(r.body.covered, true);
  assert.equal(r.body.coverage.source, 'admin');
  const again = await sys.request('PUT', '/api/v1/calendar/years/2027');
  assert.equal(again.status, 200);
  const c = cal('is-workday', '2027-01-01', '2027-01-03', '2027-01-04');
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, 'no\nyes\nyes\n');
  r = await alice.get('/api/v1/calendar/deadline?from=2026-12-31&days=1&mode=working');
  assert.deepEqual(r.body.warnings, []);
  const list = await alice.get('/api/v1/calendar?year=2027');
  assert.equal(list.body.covered, true);
  assert.deepEqual(list.body.items.map((i) => [i.date, i.kind, i.source]),
    [['2027-01-01', 'holiday', 'admin'], ['2027-01-03', 'workday', 'admin']]);
  // withdrawn again
  assert.equal((await sys.del('/api/v1/calendar/years/2027')).status, 204);
  assert.equal(cal('is-workday', '2027-01-01').status, 1);
  const gone = assertError(await sys.del('/api/v1/calendar/years/2027'), 404, 'not_found');
  assert.match(gone.message, /未登记/);
  assertInvalid(await sys.request('PUT', '/api/v1/calendar/years/20x7'), [['year', 'invalid_year']]);
  assertInvalid(await sys.del('/api/v1/calendar/years/0'), [['year', 'invalid_year']]);
  for (const date of ['2027-01-01', '2027-01-03']) assert.equal((await sys.del(`/api/v1/calendar/${date}`)).status, 204);
  assert.deepEqual((await alice.get('/api/v1/calendar?year=2027')).body.items, []);
  const recs = await auditOf('calendar.year_cover');
  assert.ok(recs.some((x) => x.object_type === 'calendar_year' && x.object_id === '2027' && x.username === 'sys'));
  assert.equal((await auditOf('calendar.year_uncover')).filter((x) => x.result === 'success').length, 1);
});

test('a correction overrules the official day, survives a re-import, and can be removed', async () => {
  // 2025-10-08 (a Wednesday) was an official holiday; the administrator makes it ordinary
  let r = await sys.request('PUT', '/api/v1/calendar/2025-10-08', { body: { kind: 'ordinary', name: '更正测试' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.body.kind, r.body.workday, r.body.source], ['ordinary', true, 'admin']);
  assert.deepEqual(r.body.official, { kind: 'holiday', name: '国庆节', source: SOURCE });
  assert.equal(cal('is-workday', '2025-10-08').stdout, 'yes\n');
  const rec = (await auditOf('calendar.set')).find((x) => x.object_id === '2025-10-08');
  assert.equal(rec.object_type, 'calendar_day');
  assert.deepEqual(JSON.parse(rec.detail), { kind: 'ordinary', name: '更正测试', previous: { kind: 'holiday', source: SOURCE } });
  // a re-import keeps it and says so
  const imp = s.cli(['import', 'holidays']);
  assert.equal(imp.status, 0, imp.stderr);
  assert.match(imp.stdout, /1 day\(s\) overruled by administrators' corrections, which were kept/);
  assert.equal(cal('is-workday', '2025-10-08').stdout, 'yes\n');
  r = await alice.get('/api/v1/calendar/deadline?from=2025-09-30&days=1&mode=working');
  assert.equal(r.body.deadline, '2025-10-08');
  // a second PUT replaces the first
  r = await sys.request('PUT', '/api/v1/calendar/2025-10-08', { body: { kind: 'holiday' } });
  assert.deepEqual([r.body.kind, r.body.name, r.body.workday], ['holiday', '', false]);
  // removing the correction brings the official day back
  assert.equal((await sys.del('/api/v1/calendar/2025-10-08')).status, 204);
  r = await alice.get('/api/v1/calendar?year=2025');
  const back = r.body.items.find((i) => i.date === '2025-10-08');
  assert.deepEqual([back.kind, back.name, back.source, back.official], ['holiday', '国庆节', SOURCE, null]);
  const del = (await auditOf('calendar.delete')).find((x) => x.object_id === '2025-10-08' && x.result === 'success');
  assert.deepEqual(JSON.parse(del.detail), { kind: 'holiday' });
  // an official day without a correction cannot be deleted: it says how to overrule it
  const no = assertError(await sys.del('/api/v1/calendar/2025-10-09'), 404, 'not_found');
  assert.match(no.message, /ordinary/);
  // bad input, all reported at once
  assertInvalid(await sys.request('PUT', '/api/v1/calendar/2025-13-01', { body: { kind: 'holiday' } }), [['date', 'invalid_date']]);
  assertInvalid(await sys.request('PUT', '/api/v1/calendar/2025-10-10', { body: { kind: 'rest', name: 'x'.repeat(51), when: 1 } }),
    [['when', 'unknown_field'], ['name', 'too_long'], ['kind', 'invalid_enum']]);
  assertInvalid(await sys.request('PUT', '/api/v1/calendar/2025-10-10', { body: { name: '国庆' } }), [['kind', 'required']]);
  assertInvalid(await sys.del('/api/v1/calendar/today'), [['date', 'invalid_date']]);
  assertError(await sys.request('PUT', '/api/v1/calendar/2025-10-10', { raw: 'kind=holiday', headers: { 'Content-Type': 'text/plain' } }), 415, 'unsupported_media_type');
});

test('a damaged or foreign import file changes nothing', async () => {
  const before = (await alice.get('/api/v1/calendar?year=2025')).body.items;
  const version = s.sqlite('SELECT version FROM calendar_version').stdout;
  const audits = (await auditOf('calendar.import')).length;
  const good = readFileSync(PKG_FILE, 'utf8');
  const cases = {
    'truncated.json': good.slice(0, Math.floor(good.length / 2)),
    'notjson.json': 'holidays: 2025-10-01',
    'baddate.json': good.replace('"2025-10-01"', '"2025-10-32"'),
    'both.json': good.replace('"workdays":{', '"workdays":{"2025-10-02":"National Day,国庆节,3",'),
    'layout.json': JSON.stringify({ days: pkg.holidays }),
    'empty.json': '{"holidays":{},"workdays":{}}',
    'binary.json': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  };
  for (const [name, text] of Object.entries(cases)) {
    const path = join(tmp, name);
    writeFileSync(path, text);
    const r = s.cli(['import', 'holidays', path]);
    assert.equal(r.status, 1, `${name}: ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr, /nothing was changed/, name);
    assert.equal(r.stdout, '');
  }
  assert.match(s.cli(['import', 'holidays', join(tmp, 'baddate.json')]).stderr, /2025-10-32/);
  assert.match(s.cli(['import', 'holidays', join(tmp, 'both.json')]).stderr, /2025-10-02 is both a holiday and a working day/);
  const missing = s.cli(['import', 'holidays', join(tmp, 'nope.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot open/);
  const emptyDir = s.cli(['import', 'holidays', tmp]);
  assert.equal(emptyDir.status, 1);
  assert.match(emptyDir.stderr, /holds no chinese-days.json/);
  assert.equal(s.sqlite('SELECT version FROM calendar_version').stdout, version);
  assert.deepEqual((await alice.get('/api/v1/calendar?year=2025')).body.items, before);
  assert.equal((await auditOf('calendar.import')).length, audits);
});
