// The generic entity API on the test-only entity "specimen" (a field of every type):
// create, validation of every type with all errors at once, unique rules, filters, sort,
// paging and keyset paging, full text, versions, soft delete and restore, scope,
// permissions, masking and /meta.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions, specimenUsers, makeSpecimen, idcard, COUNTY, STREET, SIBLING, OTHER_COUNTY } from './lib/fixture.mjs';

const s = new Server();
let sess;
const ID_A = idcard('11010519800101123');

before(async () => {
  await s.start();
  seedRegions(s);
  sess = await specimenUsers(s, {
    clerk: ['specimen_clerk', COUNTY],
    officer: ['specimen_officer', COUNTY],
    reader: ['specimen_reader', COUNTY],
    street: ['specimen_clerk', STREET],
    other: ['specimen_clerk', OTHER_COUNTY],
  });
});
after(() => s.stop());

test('create answers 201 with every type normalised, masked for a clerk', async () => {
  const r = await sess.clerk.post('/api/v1/specimen', {
    title: '全类型', category: 'noise', region_code: STREET, code: 'AA0001', count: 3, amount: 12.5,
    active: true, due_on: '2026-12-01', happened_at: '2026-11-29T08:00:00+08:00', id_number: ID_A,
    phone: '+86 138-1234-5678', uscc: '91110000600037341L', tags: ['夜间', '夜间', 'B'],
    location: { lng: 116.4, lat: 39.9 }, owner_name: '张三丰', body: '第一行\n第二行',
  });
  assert.equal(r.status, 201, r.text);
  const b = r.body;
  assert.match(b.id, /^\d+$/);
  assert.equal(r.headers.get('location'), `/api/v1/specimen/${b.id}`);
  assert.equal(b.version, 1);
  assert.equal(b.state, 'draft');
  assert.equal(b.amount, '12.50');
  assert.equal(b.happened_at, '2026-11-29T00:00:00Z');
  assert.deepEqual(b.tags, ['夜间', 'B']);
  assert.deepEqual(b.location, { lng: 116.4, lat: 39.9 });
  assert.equal(b.id_number, '110105********' + ID_A.slice(14));
  assert.equal(b.phone, '138****5678');
  assert.equal(b.owner_name, '张**');
  assert.equal(b.masked, true);
  assert.equal(b.uscc, '91110000600037341L');
  // the officer holds specimen.identity: clear values, and the read is audited
  const o = await sess.officer.get(`/api/v1/specimen/${b.id}?reveal=1`);
  assert.equal(o.body.id_number, ID_A);
  assert.equal(o.body.phone, '13812345678');
  assert.equal(o.body.masked, false);
  const rows = s.sqlite(`SELECT count(*) FROM audit_log WHERE action = 'specimen.identity_read' AND object_id = '${b.id}'`);
  assert.equal(rows.stdout.trim(), '1');
  // nothing personal in clear in the table
  const raw = s.sqlite(`SELECT id_number_enc || phone_enc FROM specimen WHERE id = ${b.id}`).stdout;
  assert.ok(!raw.includes(ID_A) && !raw.includes('13812345678'));
});

test('every field error of one request is reported together, and nothing is written', async () => {
  const before = s.sqlite('SELECT count(*) FROM specimen').stdout.trim();
  const r = await sess.clerk.post('/api/v1/specimen', {
    title: 'x'.repeat(51), category: 'nope', region_code: STREET, code: 'ab12', count: 1001,
    amount: '1.234', active: 'yes', due_on: '2026-02-30', happened_at: '2026-11-29 08:00',
    id_number: '110105198001011230', phone: '12345', uscc: 'X', tags: ['a,b'],
    location: { lng: 200, lat: 0 }, unit_id: '999', related_units: 'x', level: 'mid',
    reply: 'no', colour: 'red',
  });
  const got = assertError(r, 400, 'invalid').details.map((d) => `${d.field}:${d.code}`).sort();
  for (const want of ['title:too_long', 'category:invalid_enum', 'code:pattern_mismatch', 'count:out_of_range',
    'amount:too_many_decimals', 'active:type_boolean', 'due_on:invalid_date', 'happened_at:invalid_datetime',
    'phone:phone_invalid', 'tags:invalid_tag', 'location:invalid_geo', 'unit_id:not_found',
    'related_units:type_array', 'level:invalid_enum', 'reply:read_only', 'colour:unknown_field']) {
    assert.ok(got.includes(want), `${want} missing from ${got}`);
  }
  assert.ok(got.some((g) => g.startsWith('id_number:')), got.join());
  assert.ok(got.some((g) => g.startsWith('uscc:')), got.join());
  assert.equal(s.sqlite('SELECT count(*) FROM specimen').stdout.trim(), before);
});

test('required and required-when', async () => {
  assertInvalid(await sess.clerk.post('/api/v1/specimen', { region_code: STREET }),
    [['title', 'required'], ['category', 'required']]);
  assertInvalid(await sess.clerk.post('/api/v1/specimen', { title: 'x', category: 'other', region_code: STREET }),
    [['reason', 'required']]);
  await makeSpecimen(sess.clerk, { category: 'other', reason: '其他原因' });
});

test('unique globally and within a region', async () => {
  await makeSpecimen(sess.clerk, { code: 'UQ0001', slot: 7 });
  const dup = await sess.clerk.post('/api/v1/specimen', { title: 'x', category: 'noise', region_code: SIBLING, code: 'UQ0001' });
  assertInvalid(dup, [['code', 'taken']], 409, 'conflict');
  assertInvalid(await sess.clerk.post('/api/v1/specimen', { title: 'x', category: 'noise', region_code: STREET, slot: 7 }),
    [['slot', 'taken']], 409, 'conflict');
  await makeSpecimen(sess.clerk, { region_code: SIBLING, slot: 7 }); // another region: fine
});

test('PATCH needs the current version; a stale one is 409 and changes nothing', async () => {
  const row = await makeSpecimen(sess.clerk, { title: '原标题' });
  assertInvalid(await sess.clerk.patch(`/api/v1/specimen/${row.id}`, { title: '新' }), [['version', 'required']]);
  const ok = await sess.clerk.patch(`/api/v1/specimen/${row.id}`, { title: '新标题', version: 1 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.version, 2);
  assert.equal(ok.body.title, '新标题');
  const stale = await sess.clerk.patch(`/api/v1/specimen/${row.id}`, { title: '旧版本的修改', version: 1 });
  assertError(stale, 409, 'conflict');
  const now = await sess.clerk.get(`/api/v1/specimen/${row.id}`);
  assert.equal(now.body.title, '新标题');
  assert.equal(now.body.version, 2);
  // clearing a required field is refused; an absent field keeps its value
  assertInvalid(await sess.clerk.patch(`/api/v1/specimen/${row.id}`, { title: '', version: 2 }), [['title', 'required']]);
  const audit = s.sqlite(`SELECT detail FROM audit_log WHERE action = 'specimen.update' AND object_id = '${row.id}'`);
  assert.match(audit.stdout, /"title"/);
});

test('filters, ranges, lists of values, region subtree and unknown names', async () => {
  const tag = `f${Date.now() % 1000}`;
  const a = await makeSpecimen(sess.clerk, { title: '筛选甲', count: 5, amount: '10', active: true, due_on: '2026-12-10', tags: [tag], category: 'repair' });
  const b = await makeSpecimen(sess.clerk, { title: '筛选乙', count: 50, amount: '99.99', active: false, due_on: '2027-01-10', tags: [tag], region_code: SIBLING });
  const ids = async (q) => {
    const r = await sess.clerk.get(`/api/v1/specimen?tags=${tag}&${q}`);
    assert.equal(r.status, 200, r.text);
    return r.body.items.map((i) => i.id).sort();
  };
  assert.deepEqual(await ids(''), [a.id, b.id].sort());
  assert.deepEqual(await ids('count_from=6'), [b.id]);
  assert.deepEqual(await ids('count_to=5'), [a.id]);
  assert.deepEqual(await ids('amount_from=50.5'), [b.id]);
  assert.deepEqual(await ids('active=true'), [a.id]);
  assert.deepEqual(await ids('due_on_from=2027-01-01'), [b.id]);
  assert.deepEqual(await ids('category=repair,other'), [a.id]);
  assert.deepEqual(await ids(`region=${SIBLING}`), [b.id]);
  assert.deepEqual(await ids(`region_code=${COUNTY}`), [a.id, b.id].sort());
  assert.deepEqual(await ids('state=draft'), [a.id, b.id].sort());
  const r = await sess.clerk.get('/api/v1/specimen?colour=red&count_from=x&sort=colour&body=x');
  assert.deepEqual(assertError(r, 400, 'invalid').details.map((d) => [d.field, d.code]),
    [['colour', 'unknown_filter'], ['count_from', 'type_integer'], ['body', 'unknown_filter'], ['sort', 'unknown_sort']]);
  assertInvalid(await sess.clerk.get('/api/v1/specimen?size=201'), [['size', 'out_of_range']]);
  assertInvalid(await sess.clerk.get('/api/v1/specimen?page=0'), [['page', 'out_of_range']]);
});

test('lookup by ID number goes through the blind index and is audited', async () => {
  const id = idcard('11010519900215234');
  const row = await makeSpecimen(sess.clerk, { id_number: id });
  const lookups = () => s.sqlite("SELECT detail FROM audit_log WHERE action = 'specimen.lookup' ORDER BY seq").stdout.trim().split('\n').filter(Boolean);
  const before = lookups().length;
  const r = await sess.clerk.get(`/api/v1/specimen?id_number=${id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.items.map((i) => i.id), [row.id]);
  assert.equal(r.body.items[0].id_number, '110105********' + id.slice(14));
  const after = lookups();
  assert.equal(after.length, before + 1);
  assert.deepEqual(JSON.parse(after.at(-1)), { by: ['id_number'], found: 1 });
  assert.ok(!after.at(-1).includes(id));
  // a list without an identifier filter is not a lookup
  await sess.clerk.get('/api/v1/specimen?category=noise');
  assert.equal(lookups().length, before + 1);
});

test('sort and keyset paging agree with offset paging', async () => {
  const tag = 'page';
  for (let i = 0; i < 7; i++) await makeSpecimen(sess.clerk, { title: `翻页${i}`, count: i, tags: [tag] });
  const all = (await sess.clerk.get(`/api/v1/specimen?tags=${tag}&sort=-count&size=200`)).body.items.map((i) => i.count);
  assert.deepEqual(all, [6, 5, 4, 3, 2, 1, 0]);
  const seen = [];
  let url = `/api/v1/specimen?tags=${tag}&sort=-created_at&size=3`;
  for (let k = 0; k < 5; k++) {
    const r = await sess.clerk.get(url);
    assert.equal(r.status, 200, r.text);
    seen.push(...r.body.items.map((i) => i.id));
    if (!r.body.next) break;
    url = `/api/v1/specimen?tags=${tag}&sort=-created_at&size=3&after=${r.body.next}`;
  }
  const byOffset = [];
  for (let p = 1; p <= 3; p++) {
    byOffset.push(...(await sess.clerk.get(`/api/v1/specimen?tags=${tag}&sort=-created_at&size=3&page=${p}`)).body.items.map((i) => i.id));
  }
  assert.equal(seen.length, 7);
  assert.deepEqual(seen, byOffset);
  assertInvalid(await sess.clerk.get(`/api/v1/specimen?sort=title&after=5`), [['after', 'keyset_sort']]);
});

test('full-text search: two-character words exactly, mixed Chinese and Latin, scope', async () => {
  const noise = await makeSpecimen(sess.clerk, { title: '楼上噪音扰民', body: '夜间施工 ABC公司' });
  const other = await makeSpecimen(sess.clerk, { title: '噪声监测点位', body: '音响' });
  await makeSpecimen(sess.other, { title: '丰台噪音', region_code: OTHER_COUNTY });
  const q = async (text) => (await sess.clerk.get(`/api/v1/specimen?q=${encodeURIComponent(text)}`)).body.items.map((i) => i.id);
  assert.deepEqual(await q('噪音'), [noise.id]);
  assert.deepEqual(await q('噪声'), [other.id]);
  assert.deepEqual(await q('abc 施工'), [noise.id]);
  assert.deepEqual(await q('ＡＢＣ'), [noise.id]);
  assert.deepEqual((await q('噪')).sort(), [noise.id, other.id].sort());
  assert.equal((await q('" OR 1=1 --')).length, 0);
});

test('soft delete hides a row; restore brings it back; only with the delete permission', async () => {
  const row = await makeSpecimen(sess.clerk, { title: '将被删除' });
  assertError(await sess.reader.del(`/api/v1/specimen/${row.id}`), 403, 'forbidden');
  assert.equal((await sess.clerk.del(`/api/v1/specimen/${row.id}`)).status, 204);
  assertError(await sess.clerk.get(`/api/v1/specimen/${row.id}`), 404, 'not_found');
  assertError(await sess.clerk.del(`/api/v1/specimen/${row.id}`), 404, 'not_found');
  assert.ok(!(await sess.clerk.get('/api/v1/specimen?size=200')).body.items.some((i) => i.id === row.id));
  const bin = await sess.clerk.get('/api/v1/specimen?deleted=1');
  assert.ok(bin.body.items.some((i) => i.id === row.id && i.deleted_at));
  assertError(await sess.reader.get('/api/v1/specimen?deleted=1'), 403, 'forbidden');
  const back = await sess.clerk.post(`/api/v1/specimen/${row.id}/restore`);
  assert.equal(back.status, 200, back.text);
  assert.equal(back.body.title, '将被删除');
  assert.equal(back.body.version, 3);
  assertError(await sess.clerk.post(`/api/v1/specimen/${row.id}/restore`), 404, 'not_found');
});

test('region scope on every route; permissions by role', async () => {
  const sib = await makeSpecimen(sess.clerk, { title: '朝外', region_code: SIBLING });
  assertError(await sess.street.get(`/api/v1/specimen/${sib.id}`), 404, 'not_found');
  assertError(await sess.street.patch(`/api/v1/specimen/${sib.id}`, { title: 'x', version: 1 }), 404, 'not_found');
  assertError(await sess.street.del(`/api/v1/specimen/${sib.id}`), 404, 'not_found');
  assertError(await sess.street.post('/api/v1/specimen', { title: 'x', category: 'noise', region_code: SIBLING }), 403, 'forbidden');
  const mine = (await sess.street.get('/api/v1/specimen?size=200')).body.items;
  assert.ok(mine.length > 0 && mine.every((i) => i.region_code === STREET));
  assertError(await sess.reader.post('/api/v1/specimen', { title: 'x', category: 'noise', region_code: STREET }), 403, 'forbidden');
  assert.equal((await sess.reader.get('/api/v1/specimen')).status, 200);
  // a reference outside the reader's scope does not exist for them
  s.addUser('unitadmin', 'staff', COUNTY);
  const unitAdmin = await s.login('unitadmin');
  const unit = await unitAdmin.post('/api/v1/unit', { name: '朝外街道办', kind: 'township', region_code: SIBLING });
  assert.equal(unit.status, 201, unit.text);
  assertInvalid(await sess.street.post('/api/v1/specimen', { title: 'x', category: 'noise', region_code: STREET, unit_id: unit.body.id }),
    [['unit_id', 'not_found']]);
  const withUnit = await makeSpecimen(sess.clerk, { unit_id: unit.body.id, related_units: [unit.body.id] });
  assert.equal(withUnit.unit_id_label, '朝外街道办');
  assert.deepEqual(withUnit.related_units, [unit.body.id]);
});

test('meta describes entities, fields, enums, workflow and what the user may do', async () => {
  const m = await sess.clerk.get('/api/v1/meta');
  assert.equal(m.status, 200, m.text);
  const spec = m.body.entities.find((e) => e.name === 'specimen');
  assert.equal(spec.label, '测试样本');
  assert.deepEqual(spec.can, { read: true, create: true, update: true, delete: true, export: true, import: true, identity: false });
  const title = spec.fields.find((f) => f.name === 'title');
  assert.equal(title.required, true);
  assert.equal(title.max, 50);
  assert.equal(spec.fields.find((f) => f.name === 'id_number').pii, 'idcard');
  assert.equal(m.body.enums.specimen_category.items[0].label, '噪音扰民');
  assert.ok(spec.workflow.states.some((st) => st.name === 'draft'));
  const r = await sess.reader.get('/api/v1/meta');
  assert.deepEqual(r.body.entities.find((e) => e.name === 'specimen').can.create, false);
  assert.ok(!r.body.entities.some((e) => e.name === 'unit'), 'the reader may not read units');
});

test('administrators extend an extendable dictionary; the new code is then valid', async () => {
  s.addUser('sys', 'sysadmin', '110000000000');
  const admin = await s.login('sys');
  const bad = await admin.post('/api/v1/dictionary/specimen_level', { code: 'mid', label: '中' });
  assertError(bad, 409, 'conflict');
  assertInvalid(await admin.post('/api/v1/dictionary/specimen_category', { code: 'Bad Code', label: '' }),
    [['label', 'required'], ['code', 'invalid_code']]);
  assertInvalid(await admin.post('/api/v1/dictionary/specimen_category', { code: 'noise', label: '重复' }), [['code', 'taken']]);
  const ok = await admin.post('/api/v1/dictionary/specimen_category', { code: 'light', label: '光污染' });
  assert.equal(ok.status, 201, ok.text);
  await makeSpecimen(sess.clerk, { category: 'light' });
  const m = await sess.clerk.get('/api/v1/meta');
  assert.ok(m.body.enums.specimen_category.items.some((i) => i.code === 'light' && !i.builtin));
  assertError(await sess.clerk.post('/api/v1/dictionary/specimen_category', { code: 'x', label: 'x' }), 403, 'forbidden');
  assertError(await admin.post('/api/v1/dictionary/nothing', { code: 'x', label: 'x' }), 404, 'not_found');
});

test('key rotation re-seals the ID and phone fields of every entity', async () => {
  const id = idcard('11010519700707345');
  const row = await makeSpecimen(sess.clerk, { id_number: id, phone: '13900007777' });
  const sealedBefore = s.sqlite(`SELECT id_number_enc, phone_enc FROM specimen WHERE id = ${row.id}`).stdout;
  await s.stop();
  const r = s.cli(['key', 'rotate']);
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(s.sqlite(`SELECT id_number_enc, phone_enc FROM specimen WHERE id = ${row.id}`).stdout, sealedBefore);
  const check = s.cli(['check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  await s.start();
  const officer = await s.login('officer');
  const got = await officer.get(`/api/v1/specimen/${row.id}?reveal=1`);
  assert.equal(got.body.id_number, id);
  assert.equal(got.body.phone, '13900007777');
  const clerk = await s.login('clerk');
  const found = await clerk.get(`/api/v1/specimen?phone=13900007777`);
  assert.deepEqual(found.body.items.map((i) => i.id), [row.id]);
});
