// Group commit (docs/group-commit.md): a write waits for its batch's commit with its
// connection suspended, not holding a server thread, so one thread carries many writes into
// one batch; each write still gets its own answer, a failing one rolls back alone, and
// /metrics shows the batches. SQLite only: PostgreSQL has no writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PG, withServer } from './lib/server.mjs';
import { seedRegions, COUNTY } from './lib/fixture.mjs';

const metric = (text, name) => {
  const m = text.match(new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm'));
  return m ? Number(m[1]) : null;
};

test('one server thread carries concurrent writes into shared batches', { skip: PG }, async (t) => {
  const s = await withServer(t, { args: ['--threads', '1'] });
  seedRegions(s);
  s.addUser('alice', 'staff', COUNTY);
  const sess = await s.login('alice');
  const before = (await s.request('GET', '/metrics')).text;
  const writesBefore = metric(before, 'shegong_writer_batch_size_sum');
  assert.notEqual(writesBefore, null, 'the writer is on /metrics');

  const N = 40;
  const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
    sess.post('/api/v1/unit', { name: `并发单位${i}`, kind: 'other', region_code: COUNTY })));
  // one of them fails on its own: a duplicate-free name table would not do, so a bad kind
  const bad = sess.post('/api/v1/unit', { name: '坏单位', kind: 'no-such-kind', region_code: COUNTY });
  const more = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    sess.post('/api/v1/unit', { name: `并发单位b${i}`, kind: 'other', region_code: COUNTY })));
  const badAnswer = await bad;

  for (const a of [...answers, ...more]) assert.equal(a.status, 201, a.text);
  assert.equal(badAnswer.status, 400, badAnswer.text);
  const ids = new Set([...answers, ...more].map((a) => a.body.id));
  assert.equal(ids.size, N + 10, 'every write has its own row');
  const stored = Number(s.sqlite("SELECT count(*) FROM unit WHERE name LIKE '并发单位%'").stdout.trim());
  assert.equal(stored, N + 10, 'every acknowledged write is stored');
  assert.equal(Number(s.sqlite("SELECT count(*) FROM unit WHERE name = '坏单位'").stdout.trim()), 0);

  const after = (await s.request('GET', '/metrics')).text;
  assert.ok(metric(after, 'shegong_writer_batch_size_sum') - writesBefore >= N + 11);
  // with one thread that waited for each commit no batch could hold two writes
  assert.ok(metric(after, 'shegong_writer_batch_max') >= 2,
    `batches grew past the thread count:\n${after.match(/^shegong_writer.*$/gm).join('\n')}`);
  assert.match(after, /^shegong_writer_batch_size_bucket\{le="\+Inf"\} [1-9]\d*$/m);
  assert.match(after, /^shegong_writer_commit_seconds_total \d+\.\d+$/m);
  assert.equal(metric(after, 'shegong_writer_failed_commits_total'), 0);
});
