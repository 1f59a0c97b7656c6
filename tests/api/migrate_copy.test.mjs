// shegong migrate --from … --to …: a county's whole database copied into a new one, here
// SQLite into SQLite (the copy to PostgreSQL is in pg_scaleout.test.mjs): references to
// later rows, sealed values, attachments, full text and the audit chain carry over; a target
// holding data is refused; missing attachment files fail the check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from './lib/server.mjs';
import { seedRegions, idcard, COUNTY, STREET } from './lib/fixture.mjs';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const ID = idcard('11010519800101001');
let dir, county;
const ids = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shegong-copy-'));
  county = new Server({ db: `sqlite:${dir}/county.db`, dir });
  await county.start();
  seedRegions(county);
  county.sqlite(`INSERT INTO unit (id, name, kind, region_code, parent_id, created_at, updated_at) VALUES
    (7005, '朝阳区社会工作部', 'gov', '${COUNTY}', NULL, 0, 0),
    (7002, '建外街道办事处', 'gov', '${STREET}', 7005, 0, 0)`);
  county.addUser('clerk', 'specimen_officer', COUNTY);
  const clerk = await county.login('clerk');
  const up = await clerk.request('PUT', '/api/v1/attachment?filename=photo.png',
    { raw: PNG, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(up.status, 201, up.text);
  const made = await clerk.post('/api/v1/specimen', {
    title: '井盖缺失', category: 'noise', region_code: STREET, unit_id: '7002', id_number: ID, files: [up.body.id],
  });
  assert.equal(made.status, 201, made.text);
  ids.specimen = made.body.id;
  const gone = await clerk.post('/api/v1/specimen', { title: '已删除的样本', category: 'noise', region_code: STREET });
  assert.equal((await clerk.del(`/api/v1/specimen/${gone.body.id}`)).status, 204);
  await county.stop();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const migrate = (to, extra = []) => county.cli(['migrate', '--from', `sqlite:${dir}/county.db`, '--to', to, ...extra]);

test('--help explains the copy; a half-given copy or a missing source is refused', () => {
  const help = county.cli(['migrate', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--from URL/);
  assert.equal(county.cli(['migrate', '--from', `sqlite:${dir}/county.db`]).status, 2);
  const none = county.cli(['migrate', '--from', `sqlite:${dir}/nothing.db`, '--to', `sqlite:${dir}/x.db`]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /there is no database at/);
  assert.equal(migrate(`sqlite:${dir}/county.db`).status, 2);
});

test('the copy carries every row, and a server on it finds, opens and serves them', async () => {
  const r = migrate(`sqlite:${dir}/copy.db`);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /MISMATCH/);
  assert.match(r.stdout, /^audit_log +(\d+) +(\d+) +ok/m);
  assert.match(r.stdout, /audit chain: intact/);
  assert.match(r.stdout, /attachments: 1 file\(s\), all present/);
  const copy = new Server({ db: `sqlite:${dir}/copy.db`, dir });
  await copy.start();
  try {
    assert.equal(copy.sqlite('SELECT parent_id FROM unit WHERE id = 7002').stdout.trim(), '7005');
    assert.equal(copy.sqlite('SELECT COUNT(*) FROM specimen_fts_docsize').stdout.trim(), '2'); // the deleted row's too
    const clerk = await copy.login('clerk');
    const found = await clerk.get('/api/v1/specimen?q=井盖&reveal=1');
    assert.deepEqual(found.body.items.map((i) => i.id), [ids.specimen]);
    assert.equal(found.body.items[0].id_number, ID);
    const check = copy.cli(['check']);
    assert.equal(check.status, 0, check.stdout);
  } finally {
    await copy.stop();
  }
  const again = migrate(`sqlite:${dir}/copy.db`);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already holds data, nothing was copied:\n {2}\w+: \d+ row/);
});

test('a target prepared by `shegong migrate --db` is accepted; missing files fail the check', () => {
  const prep = county.cli(['migrate', '--db', `sqlite:${dir}/prepared.db`]);
  assert.equal(prep.status, 0, prep.stderr);
  rmSync(join(dir, 'files'), { recursive: true, force: true });
  const r = migrate(`sqlite:${dir}/prepared.db`);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /MISMATCH/);
  assert.match(r.stdout, /attachments: MISSING attachment \d+: .*\/files\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}/);
  assert.match(r.stdout, /The copy is INCOMPLETE/);
});
