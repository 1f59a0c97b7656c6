// Crash safety: eight writers create rows and upload files while the server is killed with
// SIGKILL at a random moment; restarted on the same data directory, every write answered
// 2xx is there with its audit record, `shegong check` passes and the attachment store holds
// no leftovers. CRASH_LOOPS rounds (default 3; `make test-crash` runs 100).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PG, Server } from './lib/server.mjs';
import { seedRegions, COUNTY } from './lib/fixture.mjs';
import { assertPresent, assertStoreClean, startWriters } from './lib/load.mjs';

const LOOPS = Number(process.env.CRASH_LOOPS || 3);
let s;
after(async () => {
  if (s?.proc && s.proc.exitCode === null && s.proc.signalCode === null) await s.stop();
  s?.cleanup();
});

test(`SIGKILL under write load, ${LOOPS} time(s): nothing acknowledged is lost`, {
  skip: PG ? 'the checks read the SQLite file (PostgreSQL durability is its own)' : false,
  timeout: 60000 + LOOPS * 30000,
}, async () => {
  s = new Server();
  await s.start();
  seedRegions(s);
  s.addUser('clerk', 'specimen_officer', COUNTY);
  const clerk = await s.login('clerk'); // sessions live in the database: it outlives each crash
  const db = join(s.dir, 'shegong.db');
  const acked = { specimen: new Set(), attachment: new Set() };
  for (let round = 1; round <= LOOPS; round++) {
    const writers = startWriters(clerk, 8);
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 1200));
    s.proc.kill('SIGKILL');
    const gone = await s.exited;
    assert.equal(gone.signal, 'SIGKILL');
    await writers.stop();
    for (const k of ['specimen', 'attachment']) for (const id of writers.acked[k]) acked[k].add(id);
    assert.ok(writers.acked.specimen.size > 0, `round ${round}: the writers wrote before the kill`);
    if (round === 1) {
      // what a kill between writing and renaming, or between storing and committing, leaves
      const sha = 'ab' + 'cd' + '0'.repeat(60);
      mkdirSync(join(s.dir, 'files', 'ab', 'cd'), { recursive: true });
      writeFileSync(join(s.dir, 'files', 'ab', 'cd', `${sha}.tmp-0123456789abcdef`), 'half');
      writeFileSync(join(s.dir, 'files', 'ab', 'cd', sha), 'never committed');
    }
    await s.start(); // the same data directory; start-up removes what the crash left
    if (round === 1) assert.match(s.log, /removed \d+ unfinished upload\(s\) and \d+ stored file\(s\)/);
    const counts = assertPresent(db, acked);
    assert.ok(counts.specimens >= acked.specimen.size);
    assertStoreClean(s.dir, db);
    const check = s.cli(['check']);
    assert.equal(check.status, 0, `round ${round}: ${check.stdout}${check.stderr}`);
    // the restarted server serves what was acknowledged
    const some = [...writers.acked.specimen].pop();
    assert.equal((await clerk.get(`/api/v1/specimen/${some}`)).status, 200);
  }
  await s.stop();
});
