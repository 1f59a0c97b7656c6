// shegong gen (docs/operations.md "Synthetic data"): a small generated set reads back through
// the API like registered petitions (list, one item with its petitioners in clear, full-text
// search, near-duplicate check, the to-do list); the same seed writes the same rows; the
// database stays intact; bad flags answer 2 with a message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Server } from './lib/server.mjs';
import { seedRegions, idcard, COUNTY, STREET, SIBLING } from './lib/fixture.mjs';

const s = new Server();
let officer;
// the data ends the day before UNTIL, the same for every run here
const UNTIL = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const ARGS = ['gen', '--petitions', '500', '--persons', '200', '--seed', '42', '--region', COUNTY, '--until', UNTIL];

const rows = (srv, sql) => srv.sqlite(sql).stdout.trim();
const digest = (srv) => createHash('sha256').update([
  rows(srv, 'SELECT id, version, state, title, channel, class, category, content, region_code, unit_id, repeat_of, created_at, updated_at, closed_at FROM petition ORDER BY id'),
  rows(srv, 'SELECT id, name, gender, birth_date, region_code, address, created_at FROM person ORDER BY id'),
  rows(srv, 'SELECT petition_id, seq, person_id FROM petitioner ORDER BY petition_id, seq'),
  rows(srv, 'SELECT id, row_id, action, from_state, to_state, at, fields FROM workflow_history ORDER BY id'),
  rows(srv, 'SELECT id, row_id, name, started_at, due_at, state, stopped_at FROM deadline ORDER BY id'),
  rows(srv, 'SELECT petition_id, sig, b0, b1, b2, b3 FROM petition_minhash ORDER BY petition_id'),
].join('\n')).digest('hex');

before(async () => {
  await s.start();
  seedRegions(s);
  const r = s.cli(ARGS);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /500 petitions, 200 persons/);
  s.addUser('officer', 'petition_officer', COUNTY);
  officer = await s.login('officer');
});
after(async () => {
  await s.stop();
  s.cleanup();
});

test('the generated rows: units made, petitions under the region, a mix of states, clocks for open items', () => {
  assert.equal(Number(rows(s, 'SELECT count(*) FROM petition')), 500);
  assert.equal(Number(rows(s, 'SELECT count(*) FROM person')), 200);
  assert.ok(Number(rows(s, "SELECT count(*) FROM unit WHERE kind = 'department'")) >= 10);
  assert.deepEqual(rows(s, 'SELECT DISTINCT region_code FROM petition ORDER BY 1').split('\n'), [STREET, SIBLING].sort());
  const states = Object.fromEntries(rows(s, 'SELECT state, count(*) FROM petition GROUP BY state').split('\n').map((l) => l.split('|')));
  for (const st of ['closed', 'not_accepted', 'registered', 'handling', 'replied'])
    assert.ok(Number(states[st]) > 0, `some ${st}: ${JSON.stringify(states)}`);
  assert.ok(Number(states.closed) > 250, 'most are closed');
  // every open item has its running clock; every item its create step first
  assert.equal(Number(rows(s, "SELECT count(*) FROM petition t WHERE state IN ('registered', 'routed', 'handling') AND NOT EXISTS (SELECT 1 FROM deadline d WHERE d.row_id = t.id AND d.state = 'running')")), 0);
  assert.equal(Number(rows(s, "SELECT count(*) FROM workflow_history WHERE action = 'create'")), 500);
  assert.ok(Number(rows(s, 'SELECT count(*) FROM petition WHERE repeat_of IS NOT NULL')) > 0, 'some repeats');
  assert.equal(Number(rows(s, 'SELECT count(*) FROM petition_track')), 500);
  // the audit trail names the run
  assert.match(rows(s, "SELECT detail FROM audit_log WHERE action = 'gen.start'"), /"seed":42/);
});

test('through the API: the list, one item with its petitioners (masked, and in clear), search, duplicates, to-do', async () => {
  let r = await officer.get('/api/v1/petition?size=50');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.total, 500);
  const listed = r.body.items.find((x) => x.petitioner_count >= 1);
  assert.match(listed.petitioner_name, /\*/, 'masked in the list');

  const id = rows(s, 'SELECT id FROM petition WHERE petitioner_count >= 2 ORDER BY id LIMIT 1');
  r = await officer.get(`/api/v1/petition/${id}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.petitioners.length >= 2);
  assert.match(r.body.petitioners[0].id_number, /\*/);
  assert.ok(r.body.history.length >= 1 && r.body.history[0].action === 'create', JSON.stringify(r.body.history));
  r = await officer.get(`/api/v1/petition/${id}?reveal=1`);
  assert.equal(r.status, 200, r.text);
  for (const p of r.body.petitioners) {
    assert.match(p.id_number, /^\d{17}[\dX]$/);
    assert.equal(idcard(p.id_number.slice(0, 17)), p.id_number, 'a valid check character');
    assert.equal(p.id_number.slice(0, 6), '110105', 'born in the county');
    if (p.phone) assert.match(p.phone, /^1[3-9]\d{9}$/);
  }
  // a person found again by the blind index of their ID number, as registration finds them
  r = await officer.post('/api/v1/petition/check', { petitioners: [{ id_number: r.body.petitioners[0].id_number }] });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.same_person.some((x) => x.id === id), r.text);

  // full-text search finds an item by a run of its words
  const content = rows(s, `SELECT content FROM petition WHERE id = ${id}`);
  const words = content.match(/[\u4e00-\u9fff]{6,}/)[0].slice(0, 10);
  r = await officer.get(`/api/v1/petition?q=${encodeURIComponent(words)}&size=200`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.items.some((x) => x.id === id), `search ${words}: ${r.body.total}`);

  // the near-duplicate check finds the item from its own text
  r = await officer.post('/api/v1/petition/check', { content });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.similar.some((x) => x.id === id), r.text);

  r = await officer.get('/api/v1/todo');
  assert.equal(r.status, 200, r.text);
  assert.ok(r.body.counts.petition > 0, r.text);
  assert.ok(r.body.items.some((x) => x.entity === 'petition' && x.due), r.text);
});

test('the same seed writes the same rows; twice into one database is refused', () => {
  const other = new Server();
  try {
    let r = other.cli(['migrate']);
    assert.equal(r.status, 0, r.stderr);
    seedRegions(other);
    r = other.cli(ARGS);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(digest(other), digest(s));
  } finally {
    other.cleanup();
  }
  const again = s.cli(ARGS);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /seed 42 was used on this database already/);
  assert.equal(Number(rows(s, 'SELECT count(*) FROM petition')), 500);
});

test('shegong check passes after a run', () => {
  const r = s.cli(['check']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /audit chain: ok/);
});

test('bad flags answer 2 with a message; an empty region table answers 1', () => {
  const cases = [
    [['gen'], /nothing to write/],
    [['gen', '--petitions', 'many'], /--petitions must be a whole number/],
    [['gen', '--petitions', '-5'], /--petitions must be a whole number/],
    [['gen', '--petitions', '10', '--months', '0'], /--months must be/],
    [['gen', '--petitions', '10', '--region', '1101'], /--region must be a 12-digit region code/],
    [['gen', '--petitions', '10', '--region', '110105999000'], /not in the region table/],
    [['gen', '--petitions', '10', '--until', '2999-01-01'], /--until must be a date/],
    [['gen', '--petitions', '10', '--months', '120'], /before 2024-01-01/],
    [['gen', '--petitions', '10', '--persons', '0'], /--persons must be at least 1/],
    [['gen', '--bogus'], /Usage: shegong gen/],
    [['gen', 'extra'], /unexpected argument/],
  ];
  for (const [args, message] of cases) {
    const r = s.cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  assert.equal(s.cli(['gen', '--help']).status, 0);
  const empty = new Server();
  try {
    assert.equal(empty.cli(['migrate']).status, 0);
    const r = empty.cli(['gen', '--petitions', '10']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /region table is empty.*shegong import regions/);
  } finally {
    empty.cleanup();
  }
});
