// The command line: usage and exit codes (0 done, 1 failed, 2 bad usage), the demo
// installation, and migrations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, PASSWORD, cli, sqlite } from './lib/server.mjs';

const dirs = [];
function freshDir() {
  const d = mkdtempSync(join(tmpdir(), 'shegong-cli-'));
  dirs.push(d);
  return d;
}
let dir; // one installation shared by the tests that need accounts

before(() => {
  dir = freshDir();
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('no command, or an unknown one, is a usage error (2)', () => {
  const none = cli(dir, []);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^Usage: shegong COMMAND/);
  for (const name of ['serve', 'migrate', 'user', 'check', 'demo', 'version']) assert.match(none.stderr, new RegExp(`\\n  ${name} `));
  const unknown = cli(dir, ['frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const help = cli(dir, ['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: shegong COMMAND/);
});

test('`shegong version` prints the version', () => {
  const r = cli(dir, ['version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^shegong \d+\.\d+\.\d+\n$/);
});

test('every command has --help', () => {
  for (const name of ['serve', 'migrate', 'user', 'check', 'demo']) {
    const r = cli(dir, [name, '--help']);
    assert.equal(r.status, 0, `${name} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: shegong ${name}`));
  }
  const bad = cli(dir, ['check', '--frob']);
  assert.equal(bad.status, 2);
});

test('`user add` checks its arguments', () => {
  const badRegion = cli(dir, ['user', 'add', 'alice', '--role', 'staff', '--region', '12', '--password-stdin'], PASSWORD + '\n');
  assert.equal(badRegion.status, 2);
  assert.match(badRegion.stderr, /--region/);
  const noRole = cli(dir, ['user', 'add', 'alice', '--region', '110105000000', '--password-stdin'], PASSWORD + '\n');
  assert.equal(noRole.status, 2);
  assert.match(noRole.stderr, /--role/);
  const badName = cli(dir, ['user', 'add', '9alice', '--role', 'staff', '--region', '110105000000']);
  assert.equal(badName.status, 2);
  assert.equal(cli(dir, ['user']).status, 2);
  assert.equal(cli(dir, ['user', 'frob', 'alice']).status, 2);
  const weak = cli(dir, ['user', 'add', 'alice', '--role', 'staff', '--region', '110105000000', '--password-stdin'], 'alice-Pass-2026\n');
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /password_contains_username/);
  const badRole = cli(dir, ['user', 'add', 'alice', '--role', 'chief', '--region', '110105000000', '--password-stdin'], PASSWORD + '\n');
  assert.equal(badRole.status, 1);
  assert.match(badRole.stderr, /unknown_role/);
  // nothing of the failed attempts was kept
  assert.doesNotMatch(cli(dir, ['user', 'list']).stdout, /alice/);
});

test('`user add` creates an account once; a duplicate fails (1)', () => {
  const ok = cli(dir, ['user', 'add', 'alice', '--role', 'staff', '--region', '110105000000', '--password-stdin'], PASSWORD + '\n');
  assert.equal(ok.status, 0, ok.stderr);
  const dup = cli(dir, ['user', 'add', 'alice', '--role', 'staff', '--region', '110105000000', '--password-stdin'], PASSWORD + '\n');
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /taken/);
  const gen = cli(dir, ['user', 'add', 'bob', '--role', 'staff', '--region', '110105000000']);
  assert.equal(gen.status, 0, gen.stderr);
  assert.match(gen.stdout, /^password for bob: \S{10,}\n$/);
  const list = cli(dir, ['user', 'list']);
  assert.equal(list.status, 0);
  assert.match(list.stdout, /^alice +active +staff +110105000000$/m);
  assert.equal(cli(dir, ['user', 'lock', 'nobody']).status, 1);
});

test('`migrate` twice is fine', () => {
  const d = freshDir();
  const first = cli(d, ['migrate']);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /applied 0001_accounts\.sql/);
  const second = cli(d, ['migrate']);
  assert.equal(second.status, 0, second.stderr);
  assert.doesNotMatch(second.stderr, /applied/);
  assert.match(second.stderr, /up to date/);
});

test('on SQLite every table keyed by a 64-bit id keeps its rows keyed by it (no second index)', async () => {
  const d = freshDir();
  const r = cli(d, ['migrate']);
  assert.equal(r.status, 0, r.stderr);
  if (process.env.SHEGONG_TEST_PG_URL) return; // PostgreSQL keeps BIGINT as written
  // "BIGINT PRIMARY KEY" in a migration is made "INTEGER PRIMARY KEY", SQLite's rowid
  assert.equal(sqlite(d, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%BIGINT PRIMARY KEY%'").stdout.trim(), '');
  assert.match(sqlite(d, "SELECT sql FROM sqlite_master WHERE name = 'petition'").stdout, /id INTEGER PRIMARY KEY/);
  assert.equal(sqlite(d, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_petition_1'").stdout.trim(), '0');
  // a row's id is its rowid
  const made = cli(d, ['user', 'add', 'rowid_check', '--role', 'staff', '--region', '110000000000', '--password-stdin'], `${PASSWORD}\n`);
  assert.equal(made.status, 0, made.stderr);
  assert.equal(sqlite(d, "SELECT count(*) FROM users WHERE rowid = id").stdout.trim(), '1');
});

test('a database from a newer version is refused by serve and migrate', () => {
  const d = freshDir();
  assert.equal(cli(d, ['migrate']).status, 0);
  const ins = sqlite(d, "INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_future.sql', 0);");
  assert.equal(ins.status, 0, ins.stderr);
  for (const args of [['migrate'], ['serve', '--port', '1']]) {
    const r = cli(d, args);
    assert.equal(r.status, 1, `${args[0]}: ${JSON.stringify(r)}`);
    assert.match(r.stderr, /9999_future\.sql/);
    assert.match(r.stderr, /newer version/);
  }
});

test('a malformed setting is a usage error', () => {
  const port = cli(dir, ['serve'], '', { SHEGONG_PORT: 'abc' });
  assert.equal(port.status, 2);
  assert.match(port.stderr, /SHEGONG_PORT=abc/);
  assert.equal(cli(dir, ['serve', '--port', '0']).status, 2);
  assert.equal(cli(dir, ['serve', '--sync', 'fast']).status, 2);
  assert.equal(cli(dir, ['serve', 'extra']).status, 2);
});

test('`demo` loads seven accounts once and keeps their passwords in a private file', async () => {
  const s = new Server();
  dirs.push(s.dir);
  const r = s.cli(['demo']);
  assert.equal(r.status, 0, r.stderr);
  const rows = [...r.stdout.matchAll(/^ {2}(\S+) +(Sg-[0-9a-f]{20}) +(\S+) +(\d{12})$/gm)];
  assert.deepEqual(rows.map((m) => m[1]), ['sysadmin', 'secadmin', 'auditor', 'chaoyang', 'jianwai', 'haidian', 'chengguan']);
  const file = join(s.dir, 'demo-accounts.txt');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const saved = readFileSync(file, 'utf8');
  for (const m of rows) assert.ok(saved.includes(`${m[1]} ${m[2]} ${m[3]} ${m[4]}\n`), saved);

  const again = s.cli(['demo']);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /nothing was added/);
  assert.doesNotMatch(again.stdout, /Sg-/);
  assert.equal(readFileSync(file, 'utf8'), saved, 'the file is left as it was');
  const listed = s.cli(['user', 'list']).stdout.trim().split('\n').slice(1); // a line per post
  assert.deepEqual([...new Set(listed.map((l) => l.split(/\s+/)[0]))].sort(),
    ['auditor', 'chaoyang', 'chengguan', 'haidian', 'jianwai', 'secadmin', 'sysadmin']);

  // the printed password works, and the demo data is there
  await s.start();
  try {
    const chaoyang = rows.find((m) => m[1] === 'chaoyang');
    const sess = await s.login('chaoyang', chaoyang[2]);
    const units = await sess.get('/api/v1/unit');
    assert.equal(units.status, 200);
    assert.ok(units.body.total >= 6, units.text); // the street offices and departments
    const petitions = await sess.get('/api/v1/petition?size=1');
    assert.equal(petitions.status, 200, petitions.text);
    assert.ok(petitions.body.total >= 100, 'the petition desk has something to show');

    // the department's handler: the orders dispatched to its unit and no other, its whistles
    const dept = await sess.get(`/api/v1/unit?q=${encodeURIComponent('朝阳区城市管理委员会')}`);
    const unit = dept.body.items.find((u) => u.name === '朝阳区城市管理委员会');
    assert.ok(unit, dept.text);
    const cg = await s.login('chengguan', rows.find((m) => m[1] === 'chengguan')[2]);
    const orders = await cg.get('/api/v1/work_order?size=100');
    assert.equal(orders.status, 200, orders.text);
    assert.ok(orders.body.total > 0, 'work orders were dispatched to the department');
    assert.ok(orders.body.items.every((o) => [o.unit_id, o.copy_unit_id].map(String).includes(String(unit.id))),
      orders.text.slice(0, 500));
    const all = await sess.get('/api/v1/work_order?size=1');
    assert.ok(all.body.total > orders.body.total, 'the district sees more than one department');
    assert.equal((await cg.get('/api/v1/whistle?size=1')).status, 200);
    assert.equal((await cg.get('/api/v1/petition?size=1')).status, 403, 'no petitions for a work-order post');
  } finally {
    await s.stop();
  }
});

test('`demo` on an installation with accounts adds nothing', () => {
  // dir already has alice and bob
  const r = cli(dir, ['demo']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /nothing was added/);
  assert.equal(existsSync(join(dir, 'demo-accounts.txt')), false);
});
