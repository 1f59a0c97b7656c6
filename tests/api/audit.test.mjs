// The audit trail: every write is recorded, the list filters and pages, and the hash
// chain shows any change made behind the server's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PG, Server, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
let alice, aud;
const units = [];

before(async () => {
  await s.start();
  seedRegions(s); // direct SQL: writes no audit records
  // the CLI writes records 1-4: user.create and role.grant for each
  s.addUser('alice', 'staff', '110105000000');
  s.addUser('aud', 'auditor', '110000000000');
  alice = await s.login('alice');
  aud = await s.login('aud');
  for (const name of ['甲单位', '乙单位', '丙单位']) {
    const r = await alice.post('/api/v1/unit', { name, kind: 'department', region_code: '110105000000' });
    assert.equal(r.status, 201, r.text);
    units.push(r.body);
  }
});
after(async () => { await s.stop(); s.cleanup(); });

test('a creation is recorded with its actor and object', async () => {
  const r = await aud.get(`/api/v1/audit?action=unit.create&object_id=${units[0].id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.total, 1);
  const rec = r.body.items[0];
  assert.equal(rec.action, 'unit.create');
  assert.equal(rec.object_type, 'unit');
  assert.equal(rec.object_id, units[0].id);
  assert.equal(rec.user_id, alice.user.id);
  assert.equal(rec.username, 'alice');
  assert.equal(rec.result, 'success');
  assert.equal(rec.ip, '127.0.0.1');
  assert.match(rec.request_id, /^[0-9a-f]{24}$/);
  assert.match(rec.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(rec.hash, /^[0-9a-f]{64}$/);
  assert.match(rec.seq, /^\d+$/);
});

test('an update is recorded with the fields it changed', async () => {
  const p = await alice.patch(`/api/v1/unit/${units[1].id}`, { contact: '010-1', version: units[1].version });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.version, units[1].version + 1);
  const r = await aud.get(`/api/v1/audit?action=unit.update&object_type=unit&object_id=${units[1].id}`);
  assert.equal(r.body.total, 1, r.text);
  assert.deepEqual(JSON.parse(r.body.items[0].detail), { fields: ['contact'] });
  assert.equal(r.body.items[0].request_id, p.headers.get('x-request-id'));
});

test('the list filters by user, action, object and result, newest first', async () => {
  const mine = await aud.get(`/api/v1/audit?user_id=${alice.user.id}&action=unit.create`);
  assert.deepEqual(mine.body.items.map((i) => i.object_id), units.map((u) => u.id).reverse());
  const seqs = mine.body.items.map((i) => Number(i.seq));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
  const byType = await aud.get('/api/v1/audit?object_type=unit');
  assert.equal(byType.body.total, 4);
  const cli = await aud.get('/api/v1/audit?action=user.create');
  assert.equal(cli.body.total, 2);
  assert.ok(cli.body.items.every((i) => i.username === '(cli)' && i.user_id === null));
  const none = await aud.get('/api/v1/audit?action=unit.create&result=failure');
  assert.equal(none.body.total, 0);
  assert.deepEqual(none.body.items, []);
  const nobody = await aud.get('/api/v1/audit?user_id=999999');
  assert.equal(nobody.body.total, 0);
});

test('the list pages', async () => {
  const q = `/api/v1/audit?user_id=${alice.user.id}&action=unit.create&page_size=2`;
  const p1 = await aud.get(q);
  assert.equal(p1.body.total, 3);
  assert.equal(p1.body.page, 1);
  assert.equal(p1.body.page_size, 2);
  assert.deepEqual(p1.body.items.map((i) => i.object_id), [units[2].id, units[1].id]);
  const p2 = await aud.get(q + '&page=2');
  assert.equal(p2.body.total, 3);
  assert.deepEqual(p2.body.items.map((i) => i.object_id), [units[0].id]);
  const p3 = await aud.get(q + '&page=3');
  assert.deepEqual(p3.body.items, []);
  assert.equal(p3.body.total, 3);
  const all = await aud.get('/api/v1/audit');
  assert.equal(all.body.page_size, 50);
  assertInvalid(await aud.get('/api/v1/audit?page_size=201'), [['page_size', 'out_of_range']]);
  assertInvalid(await aud.get('/api/v1/audit?user_id=x'), [['user_id', 'type_integer']]);
});

test('the list filters by time (Unix seconds)', async () => {
  const newest = (await aud.get('/api/v1/audit?page_size=1')).body.items[0];
  const at = Math.floor(Date.parse(newest.at) / 1000);
  const from = await aud.get(`/api/v1/audit?from=${at + 3600}`);
  assert.equal(from.body.total, 0, from.text);
  const to = await aud.get(`/api/v1/audit?to=${at - 86400}`);
  assert.equal(to.body.total, 0, to.text);
  const around = await aud.get(`/api/v1/audit?from=${at - 3600}&to=${at + 3600}`);
  assert.ok(around.body.total >= 1, around.text);
});

test('a delete and a restore are recorded', async () => {
  const del = await alice.del(`/api/v1/unit/${units[0].id}`);
  assert.equal(del.status, 204, del.text);
  const res = await alice.post(`/api/v1/unit/${units[0].id}/restore`);
  assert.equal(res.status, 200, res.text);
  const r = await aud.get(`/api/v1/audit?object_type=unit&object_id=${units[0].id}`);
  assert.deepEqual(r.body.items.map((i) => [i.action, i.username, i.result]),
    [['unit.restore', 'alice', 'success'], ['unit.delete', 'alice', 'success'], ['unit.create', 'alice', 'success']], r.text);
  assert.equal(r.body.items[1].request_id, del.headers.get('x-request-id'));
});

test('`shegong check` passes on an intact chain', async () => {
  const r = s.cli(['check']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /database integrity: ok/);
  assert.match(r.stdout, /audit append-only guard: ok/);
  assert.match(r.stdout, /audit chain: ok \(\d+ records\)/);
});

// Last: it stops the server.
test('the database refuses changes to the trail, and `check` finds a forced one', async () => {
  await s.stop();
  const upd = s.sqlite("UPDATE audit_log SET result = 'failure' WHERE seq = 3;");
  assert.notEqual(upd.status, 0);
  assert.match(upd.stderr, /audit_log_append_only/);
  const del = s.sqlite('DELETE FROM audit_log WHERE seq = 3;');
  assert.notEqual(del.status, 0);
  assert.match(del.stderr, /audit_log_append_only/);
  assert.equal(s.cli(['check']).status, 0, 'the refused changes changed nothing');

  const drop = PG ? 'DROP TRIGGER audit_log_no_update ON audit_log;' : 'DROP TRIGGER audit_log_no_update;';
  const tamper = s.sqlite(`${drop} UPDATE audit_log SET result = 'failure' WHERE seq = 3;`);
  assert.equal(tamper.status, 0, tamper.stderr);
  const r = s.cli(['check']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /audit chain: BROKEN at record 3\b/);
  assert.match(r.stdout, /2 records before it are intact/);
  assert.match(r.stdout, /audit append-only guard: FAILED/);
});
