// A write whose audit record cannot be written does not happen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError } from './lib/server.mjs';
import { seedRegions } from './lib/fixture.mjs';

const s = new Server();
before(async () => {
  await s.start();
  seedRegions(s);
  s.addUser('wang', 'staff', '110105000000');
});
after(async () => { await s.stop(); s.cleanup(); });

test('when the audit append fails, the unit is not created and the answer is 500', async () => {
  const sess = await s.login('wang');
  const fail = await s.request('POST', '/api/v1/test/audit-failure', { body: { fail: true } });
  assert.equal(fail.status, 204, fail.text);
  const r = await sess.post('/api/v1/unit', { name: '不应保存的单位', kind: 'department', region_code: '110105000000' });
  assertError(r, 500, 'internal');
  assert.doesNotMatch(r.text, /audit|sqlite|SQL/i, 'a 500 body must not show internals');
  assert.match(s.log, new RegExp(`"request_id":"${r.body.request_id}".*audit record could not be written`));
  await s.request('POST', '/api/v1/test/audit-failure', { body: { fail: false } });
  const list = await sess.get('/api/v1/unit?q=' + encodeURIComponent('不应保存'));
  assert.equal(list.status, 200);
  assert.equal(list.body.total, 0);
  const ok = await sess.post('/api/v1/unit', { name: '应当保存的单位', kind: 'department', region_code: '110105000000' });
  assert.equal(ok.status, 201, ok.text);
  // the search does find a saved unit, so the empty answer above is not a search miss
  const found = await sess.get('/api/v1/unit?q=' + encodeURIComponent('应当保存'));
  assert.deepEqual(found.body.items.map((u) => u.id), [ok.body.id], found.text);
  const all = await sess.get('/api/v1/unit');
  assert.deepEqual(all.body.items.map((u) => u.name), ['应当保存的单位'], all.text);
});
