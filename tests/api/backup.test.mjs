// shegong backup and restore: an online backup taken while eight writers go on creating
// rows and uploading files; restored into a fresh data directory, the database equals the
// backup table by table, every write acknowledged before the backup began is in it and
// `shegong check` passes. A damaged, foreign-keyed or clobbering restore is refused and
// changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, PG, Server, dbEnv, cli } from './lib/server.mjs';
import { seedRegions, COUNTY } from './lib/fixture.mjs';
import { archiveDatabase, assertPresent, assertStoreClean, readArchive, startWriters, tableDigests } from './lib/load.mjs';

let s, work, plain, sealed, acked;

/** Runs a shegong command without blocking the event loop (the writers go on). */
function cliAsync(dir, args, env = {}) {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { env: { ...process.env, ...dbEnv(dir), ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'shegong-backup-'));
  if (PG) return;
  s = new Server();
  await s.start();
  seedRegions(s);
  s.addUser('clerk', 'specimen_officer', COUNTY);
  const clerk = await s.login('clerk');
  const writers = startWriters(clerk, 8);
  await new Promise((r) => setTimeout(r, 400));
  const early = writers.ackedAt();
  plain = join(work, 'plain.sgb');
  const r = await cliAsync(s.dir, ['backup', plain]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /backup: .*plain\.sgb: \d+ bytes; database \d+ bytes/);
  const during = writers.ackedAt(); // acknowledged before the backup finished
  sealed = join(work, 'sealed.sgb');
  const e = await cliAsync(s.dir, ['backup', '--encrypt', sealed]);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /encrypted with the key file's key [0-9a-f]{32}/);
  await writers.stop();
  assert.ok(early.specimen.size > 0 && early.attachment.size > 0, 'the writers wrote before the backup');
  assert.ok(writers.acked.specimen.size > during.specimen.size, 'the writers went on during and after the backup');
  acked = { early, all: writers.acked, statuses: writers.statuses };
  await s.stop();
});
after(() => {
  s?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const skip = PG ? 'backup and restore work on SQLite; PostgreSQL uses pg_dump' : false;

test('usage: --help, no PATH, an existing PATH, PostgreSQL', { skip }, () => {
  const help = s.cli(['backup', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--encrypt/);
  assert.match(s.cli(['restore', '--help']).stdout, /--force/);
  assert.equal(s.cli(['backup']).status, 2);
  assert.equal(s.cli(['restore']).status, 2);
  const again = s.cli(['backup', plain]);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already; nothing was written/);
  const pg = s.cli(['restore', plain, '--db', 'postgres://nobody@127.0.0.1:1/x']);
  assert.equal(pg.status, 1);
  assert.match(pg.stderr, /pg_restore/);
});

test('the archive is what docs/operations.md says: a manifest, the database, every file', { skip }, () => {
  const entries = readArchive(plain);
  const manifest = JSON.parse(entries.find((e) => e.kind === 'M').data);
  assert.equal(manifest.format, 1);
  assert.equal(manifest.encrypted, false);
  const files = entries.filter((e) => e.kind === 'F');
  assert.equal(files.length, manifest.files);
  for (const f of files) {
    assert.match(f.name, /^files\/([0-9a-f]{2})\/([0-9a-f]{2})\/\1\2[0-9a-f]{60}$/);
  }
  assert.equal(entries.filter((e) => e.kind === 'D').length, 1);
  assert.equal(readFileSync(sealed).subarray(0, 8).toString(), 'SGBACKUE');
});

test('restored into a fresh directory: equal to the backup, every early write, check passes', { skip }, async () => {
  const fresh = mkdtempSync(join(tmpdir(), 'shegong-restored-'));
  try {
    const r = cli(fresh, ['restore', plain]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /checksum ok/);
    assert.match(r.stdout, /audit chain: ok/);
    assert.match(r.stdout, /put that key file at/);
    const backupDb = join(work, 'from-archive.db');
    archiveDatabase(plain, backupDb);
    const restoredDb = join(fresh, 'shegong.db');
    assert.deepEqual(tableDigests(restoredDb), tableDigests(backupDb));
    const counts = assertPresent(restoredDb, acked.early);
    assert.ok(counts.specimens >= acked.early.specimen.size);
    assertStoreClean(fresh, restoredDb);
    copyFileSync(join(s.dir, 'shegong.key'), join(fresh, 'shegong.key'));
    const check = cli(fresh, ['check']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /audit chain: ok/);
    // a server starts on it and serves the restored rows
    const back = new Server({ dir: fresh });
    await back.start();
    try {
      const clerk = await back.login('clerk');
      const some = [...acked.early.specimen][0];
      assert.equal((await clerk.get(`/api/v1/specimen/${some}`)).status, 200);
    } finally {
      await back.stop();
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('an encrypted archive restores with the key file and is refused with another', { skip }, () => {
  const fresh = mkdtempSync(join(tmpdir(), 'shegong-restored-'));
  const other = mkdtempSync(join(tmpdir(), 'shegong-other-'));
  try {
    // another installation's key
    const wrong = cli(other, ['migrate']);
    assert.equal(wrong.status, 0, wrong.stderr);
    const refused = cli(fresh, ['restore', sealed], '', { SHEGONG_KEY_FILE: join(other, 'shegong.key') });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /encrypted with key [0-9a-f]{32}, but the key file .* is key [0-9a-f]{32}/);
    assert.equal(existsSync(join(fresh, 'shegong.db')), false);
    const ok = cli(fresh, ['restore', sealed], '', { SHEGONG_KEY_FILE: join(s.dir, 'shegong.key') });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /the key file .* is the key the database needs/);
    assertPresent(join(fresh, 'shegong.db'), acked.early);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});

test('a damaged or truncated archive is refused and nothing is changed', { skip }, () => {
  const fresh = mkdtempSync(join(tmpdir(), 'shegong-restored-'));
  try {
    for (const [name, src, mangle] of [
      ['flipped.sgb', plain, (b) => { b[Math.floor(b.length / 2)] ^= 1; return b; }],
      ['short.sgb', plain, (b) => b.subarray(0, b.length - 40)],
      ['flipped-sealed.sgb', sealed, (b) => { b[b.length - 100] ^= 1; return b; }],
      ['short-sealed.sgb', sealed, (b) => b.subarray(0, b.length - 5000)],
    ]) {
      const p = join(work, name);
      writeFileSync(p, mangle(Buffer.from(readFileSync(src))));
      const r = cli(fresh, ['restore', p], '', { SHEGONG_KEY_FILE: join(s.dir, 'shegong.key') });
      assert.equal(r.status, 1, `${name}: ${r.stdout}`);
      assert.match(r.stderr, /the database was not changed|not a shegong backup/, name);
      assert.equal(existsSync(join(fresh, 'shegong.db')), false, name);
      assert.deepEqual(readdirSync(fresh).filter((f) => f !== 'files' && f !== 'shegong.key'), [], name);
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('an existing database is replaced only with --force, never under a running server', { skip }, async () => {
  const r = s.cli(['restore', plain]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /a database exists at .* --force/);
  await s.start();
  try {
    const busy = s.cli(['restore', '--force', plain]);
    assert.equal(busy.status, 1, busy.stdout);
    assert.match(busy.stderr, /in use .*stop it first/);
  } finally {
    await s.stop();
  }
  const forced = s.cli(['restore', '--force', plain]);
  assert.equal(forced.status, 0, forced.stdout + forced.stderr);
  assert.match(forced.stdout, /previous database is kept as .*shegong\.db\.before-restore-\d{8}T\d{6}Z/);
  assert.match(forced.stdout, /the key file .* is the key the database needs/);
  assert.deepEqual(tableDigests(join(s.dir, 'shegong.db')), tableDigests(join(work, 'from-archive.db')));
  assert.equal(s.cli(['check']).status, 0);
});
