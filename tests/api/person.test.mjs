// Personal data: persons with sealed ID and phone numbers, found through blind indexes,
// answered masked unless the reader holds person.identity (and then audited), one record
// per ID number, key rotation, and no plain text in the database, its WAL or the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync, unlinkSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PG, Server, assertError, assertInvalid } from './lib/server.mjs';

const CITY = '110100000000';
const COUNTY = '110105000000'; // 朝阳区
const STREET = '110105001000'; // 建外街道
const SIBLING = '110105002000'; // 朝外街道
const MISSING = '110105999000'; // well-formed, inside the county, not a region

/** An 18-digit citizen ID number with its GB 11643 check character. */
function idcard(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body17[i]) * w[i];
  return body17 + '10X98765432'[sum % 11];
}

const ID_A = idcard('11010519800101123'); // male (3 is odd), born 1980-01-01
const ID_B = idcard('11010519900215234'); // female, 1990-02-15
const ID_C = idcard('11010520000229345'); // leap day
const ID_S = idcard('11010519751111456'); // lives in the sibling street
const PHONE_A = '13812345678';
const PHONE_HOME = '010-65001234'; // shared by a household
const PHONE_S = '13900001111';
const SECRETS = [ID_A, ID_B, ID_C, ID_S, PHONE_A, PHONE_HOME, PHONE_S, '65001234'];

const s = new Server();
const sess = {};
const people = {};

const keyFile = () => join(s.dir, 'shegong.key');
const mode = (p) => statSync(p).mode & 0o777;

before(async () => {
  await s.start();
  s.sqlite(`INSERT INTO region (code, parent_code, level, name, full_name, placeholder, updated_at) VALUES
    ('110000000000', NULL, 1, '北京市', '北京市', 0, 0),
    ('${CITY}', '110000000000', 2, '市辖区', '北京市', 1, 0),
    ('${COUNTY}', '${CITY}', 3, '朝阳区', '北京市/朝阳区', 0, 0),
    ('${STREET}', '${COUNTY}', 4, '建外街道', '北京市/朝阳区/建外街道', 0, 0),
    ('${SIBLING}', '${COUNTY}', 4, '朝外街道', '北京市/朝阳区/朝外街道', 0, 0)`);
  s.addUser('clerk', 'staff', COUNTY);
  s.addUser('officer', 'identity_officer', COUNTY);
  s.addUser('street', 'staff', STREET);
  s.addUser('sibling', 'staff', SIBLING);
  s.addUser('mixed', 'staff', COUNTY); // and the identity role for one street only
  const g = s.cli(['user', 'grant', 'mixed', '--role', 'identity_officer', '--region', STREET]);
  assert.equal(g.status, 0, g.stderr);
  s.addUser('aud', 'auditor', '110000000000');
  for (const name of ['clerk', 'officer', 'street', 'sibling', 'mixed', 'aud']) sess[name] = await s.login(name);

  const make = async (who, body) => {
    const r = await sess[who].post('/api/v1/person', body);
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  people.a = await make('clerk', { name: '张三', id_number: ID_A.toLowerCase(), phone: '+86 138-1234-5678', region_code: STREET, address: '建国门外大街1号' });
  people.b = await make('street', { name: '欧阳娜娜', id_number: ID_B, gender: 'female', birth_date: '1990-02-15', phone: PHONE_HOME, region_code: STREET });
  people.c = await make('clerk', { name: '李四', id_number: ID_C, phone: '(010) 65001234', region_code: COUNTY });
  people.s = await make('sibling', { name: '王五', id_number: ID_S, phone: PHONE_S, region_code: SIBLING });
  people.noid = await make('clerk', { name: '赵六', region_code: STREET });
});
after(async () => { await s.stop(); s.cleanup(); });

const masked = (id) => id.slice(0, 6) + '********' + id.slice(14);

test('the key file is made on the first start with mode 0600', () => {
  assert.equal(mode(keyFile()), 0o600);
  assert.match(readFileSync(keyFile(), 'utf8'), /^[0-9a-f]{64}\n$/);
});

test('staff get the person masked; gender and birth date follow from the ID number', async () => {
  const a = people.a;
  assert.equal(a.name, '张三'); // names are shown to person.read holders
  assert.equal(a.masked, true);
  assert.equal(a.id_number, masked(ID_A));
  assert.equal(a.phone, '138****5678');
  assert.equal(a.gender, 'male');
  assert.equal(a.birth_date, '1980-**-**'); // the full date would give the ID's middle away
  assert.equal(a.address, '建国门外大街1号');
  assert.equal(a.region_code, STREET);
  const r = await sess.clerk.get(`/api/v1/person/${a.id}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, a);
  assert.equal(people.b.phone, '010-****1234');
  assert.equal(people.b.gender, 'female');
  assert.equal(people.noid.id_number, null);
  assert.equal(people.noid.phone, null);
  assert.equal(people.noid.gender, null);
});

test('no request parameter turns masking off', async () => {
  for (const q of ['?masked=false', '?unmask=1', '?full=true&identity=1', '?id_number=' + ID_A]) {
    const r = await sess.clerk.get(`/api/v1/person/${people.a.id}${q}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id_number, masked(ID_A));
    assert.equal(r.body.masked, true);
  }
});

async function auditOf(action, objectId) {
  const q = objectId ? `&object_id=${objectId}` : '';
  const r = await sess.aud.get(`/api/v1/audit?action=${action}${q}&size=200`);
  assert.equal(r.status, 200, r.text);
  return r.body.items;
}

test('the identity officer reads in clear when asking, and every such read is audited without the values', async () => {
  const before = (await auditOf('person.identity_read', people.a.id)).length;
  await sess.clerk.get(`/api/v1/person/${people.a.id}?reveal=1`); // no permission: masked, not an identity read
  // the officer too sees masked values until asking for them (the console's 显示)
  const plain = await sess.officer.get(`/api/v1/person/${people.a.id}`);
  assert.equal(plain.body.masked, true);
  assert.equal(plain.body.id_number, masked(ID_A));
  assert.equal((await auditOf('person.identity_read', people.a.id)).length, before);

  const r = await sess.officer.get(`/api/v1/person/${people.a.id}?reveal=1`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.masked, false);
  assert.equal(r.body.id_number, ID_A);
  assert.equal(r.body.phone, PHONE_A);
  assert.equal(r.body.birth_date, '1980-01-01');
  const recs = await auditOf('person.identity_read', people.a.id);
  assert.equal(recs.length, before + 1);
  const rec = recs[0];
  assert.equal(rec.username, 'officer');
  assert.equal(rec.object_type, 'person');
  assert.equal(rec.result, 'success');
  assert.deepEqual(JSON.parse(rec.detail), { fields: ['id_number', 'birth_date', 'phone'] });
  for (const x of SECRETS) assert.ok(!JSON.stringify(recs).includes(x), `audit holds ${x}`);
});

test('the identity permission has its own scope', async () => {
  // mixed: staff over the county, identity officer over one street only
  const inStreet = await sess.mixed.get(`/api/v1/person/${people.a.id}?reveal=1`);
  assert.equal(inStreet.body.masked, false);
  assert.equal(inStreet.body.id_number, ID_A);
  const outside = await sess.mixed.get(`/api/v1/person/${people.s.id}?reveal=1`);
  assert.equal(outside.status, 200, outside.text);
  assert.equal(outside.body.masked, true);
  assert.equal(outside.body.id_number, masked(ID_S));
});

test('the same ID number is the same person: 409 naming the existing one', async () => {
  // the 15-digit legacy form of ID_A converts to ID_A
  const legacy = ID_A.slice(0, 6) + ID_A.slice(8, 17);
  for (const id_number of [ID_A, ID_A.toLowerCase(), legacy]) {
    const r = await sess.clerk.post('/api/v1/person', { name: '张三丰', id_number, region_code: COUNTY });
    const err = assertInvalid(r, [['id_number', 'taken']], 409, 'conflict');
    assert.ok(err.message.includes(people.a.id), err.message);
    assert.equal(r.headers.get('location'), `/api/v1/person/${people.a.id}`);
  }
  // someone who cannot see the existing person learns only that it exists elsewhere
  const r = await sess.sibling.post('/api/v1/person', { name: '张三', id_number: ID_A, region_code: SIBLING });
  const err = assertInvalid(r, [['id_number', 'taken']], 409, 'conflict');
  assert.ok(!err.message.includes(people.a.id), err.message);
  assert.equal(r.headers.get('location'), null);
  const list = await sess.clerk.get('/api/v1/person?q=' + encodeURIComponent('张三'));
  assert.deepEqual(list.body.items.map((p) => p.id), [people.a.id]);
  // people without an ID number are not duplicates of each other
  const n = await sess.clerk.post('/api/v1/person', { name: '赵六', region_code: STREET });
  assert.equal(n.status, 201, n.text);
  people.noid2 = n.body;
});

test('lookup by ID number or phone goes through the blind index, within the scope', async () => {
  const ids = (r) => r.body.items.map((p) => p.id).sort();
  let r = await sess.clerk.get('/api/v1/person?id_number=' + ID_A.toLowerCase());
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(ids(r), [people.a.id]);
  assert.equal(r.body.items[0].id_number, masked(ID_A));
  r = await sess.clerk.get('/api/v1/person?id_number=' + ID_A.slice(0, 6) + ID_A.slice(8, 17));
  assert.deepEqual(ids(r), [people.a.id]);
  r = await sess.clerk.get('/api/v1/person?phone=' + encodeURIComponent('+86 138 1234 5678'));
  assert.deepEqual(ids(r), [people.a.id]);
  // a shared landline finds the household, in whatever form it was typed
  r = await sess.clerk.get('/api/v1/person?phone=' + encodeURIComponent('010-6500 1234'));
  assert.deepEqual(ids(r), [people.b.id, people.c.id].sort());
  assert.equal(r.body.total, 2);
  // outside the scope: nothing, as for a number nobody has
  r = await sess.street.get('/api/v1/person?id_number=' + ID_S);
  assert.deepEqual(r.body.items, []);
  r = await sess.street.get('/api/v1/person?id_number=' + ID_C); // county level, above the street
  assert.deepEqual(r.body.items, []);
  r = await sess.sibling.get('/api/v1/person?id_number=' + ID_S);
  assert.deepEqual(ids(r), [people.s.id]);
  r = await sess.clerk.get('/api/v1/person?id_number=' + idcard('11010519991231999'));
  assert.deepEqual(r.body.items, []);
  // both at once narrow; the identity officer gets them in clear (and audited)
  r = await sess.officer.get(`/api/v1/person?id_number=${ID_B}&phone=${PHONE_HOME}&reveal=1`);
  assert.deepEqual(ids(r), [people.b.id]);
  assert.equal(r.body.items[0].phone, PHONE_HOME);
  assert.equal(r.body.items[0].id_number, ID_B);
  const reads = await auditOf('person.identity_read', people.b.id);
  assert.ok(reads.some((x) => x.username === 'officer'));
  // identifier lookups are recorded (which kind, how many found), never the value
  const lookups = await auditOf('person.lookup');
  assert.ok(lookups.length >= 8, JSON.stringify(lookups));
  assert.deepEqual(JSON.parse(lookups[0].detail), { by: ['id_number', 'phone'], found: 1 });
  for (const x of SECRETS) assert.ok(!JSON.stringify(lookups).includes(x));
  // a malformed identifier is a field error
  assertInvalid(await sess.clerk.get('/api/v1/person?id_number=' + ID_A.slice(0, 17) + (ID_A[17] === '1' ? '2' : '1')),
    [['id_number', 'idcard_check']]);
  assertInvalid(await sess.clerk.get('/api/v1/person?phone=12345'), [['phone', 'phone_invalid']]);
});

test('the list pages through the persons in scope', async () => {
  const r = await sess.street.get('/api/v1/person?size=2');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.total, 4); // a, b, noid, noid2
  assert.equal(r.body.items.length, 2);
  for (const p of r.body.items) assert.equal(p.region_code, STREET);
  const sub = await sess.clerk.get(`/api/v1/person?region_code=${SIBLING}`);
  assert.deepEqual(sub.body.items.map((p) => p.id), [people.s.id]);
  assertError(await sess.aud.get('/api/v1/person'), 403, 'forbidden');
});

test('validation errors are reported per field', async () => {
  const wrongCheck = ID_A.slice(0, 17) + (ID_A[17] === '1' ? '2' : '1');
  let r = await sess.clerk.post('/api/v1/person', {
    name: '', id_number: wrongCheck, phone: '1381234567', region_code: MISSING, nickname: 'x',
  });
  assertInvalid(r, [['nickname', 'unknown_field'], ['name', 'required'], ['id_number', 'idcard_check'],
    ['phone', 'phone_invalid'], ['region_code', 'region_not_found']]);
  r = await sess.clerk.post('/api/v1/person', {
    name: '钱七', id_number: idcard('11010520991231123'), birth_date: '2099-01-01', region_code: STREET,
  });
  assertInvalid(r, [['id_number', 'idcard_future'], ['birth_date', 'future_date']]);
  // gender and birth date, given with an ID number, must agree with it
  r = await sess.clerk.post('/api/v1/person', {
    name: '孙八', id_number: idcard('11010519850505111'), gender: 'female', birth_date: '1985-05-06', region_code: STREET,
  });
  assertInvalid(r, [['gender', 'mismatch_idcard'], ['birth_date', 'mismatch_idcard']]);
  r = await sess.clerk.post('/api/v1/person', {
    name: '周九', gender: 'unknown', birth_date: '1990-02-30', region_code: '1101050010', address: 'x'.repeat(201),
  });
  assertInvalid(r, [['gender', 'invalid_enum'], ['birth_date', 'invalid_date'], ['region_code', 'invalid_region'],
    ['address', 'too_long']]);
  r = await sess.clerk.post('/api/v1/person', { name: 42, id_number: 110105 });
  assertInvalid(r, [['name', 'type_string'], ['id_number', 'type_string'], ['region_code', 'required']]);
  // nothing was stored by any of these
  const all = await sess.clerk.get('/api/v1/person?size=200');
  assert.equal(all.body.total, 6);
});

test('a person outside the scope is not found; creating one there is forbidden', async () => {
  assertError(await sess.sibling.get(`/api/v1/person/${people.a.id}`), 404, 'not_found');
  assertError(await sess.street.get(`/api/v1/person/${people.c.id}`), 404, 'not_found');
  assertError(await sess.street.get(`/api/v1/person/${people.s.id}`), 404, 'not_found');
  assertError(await sess.clerk.get('/api/v1/person/999999'), 404, 'not_found');
  const r = await sess.street.post('/api/v1/person', { name: '越界', region_code: SIBLING });
  assertInvalid(r, [['region_code', 'out_of_scope']], 403, 'forbidden');
  assertError(await sess.aud.get(`/api/v1/person/${people.a.id}`), 403, 'forbidden');
});

test('a change goes through the same checks; gender and birth date follow a new ID number', async () => {
  const p = people.noid2;
  assertInvalid(await sess.clerk.patch(`/api/v1/person/${p.id}`, { id_number: ID_A, version: p.version }),
    [['id_number', 'taken']], 409, 'conflict');
  const id = idcard('11010519951212226'); // female, 1995-12-12
  assertInvalid(await sess.clerk.patch(`/api/v1/person/${p.id}`, { id_number: id, gender: 'male', version: p.version }),
    [['gender', 'mismatch_idcard']]);
  const ok = await sess.officer.patch(`/api/v1/person/${p.id}`, { id_number: id, version: p.version });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.body.gender, ok.body.id_number, ok.body.version], ['female', masked(id), p.version + 1]);
  const shown = await sess.officer.get(`/api/v1/person/${p.id}?reveal=1`);
  assert.deepEqual([shown.body.birth_date, shown.body.id_number], ['1995-12-12', id]);
  const stale = await sess.clerk.patch(`/api/v1/person/${p.id}`, { address: '新地址', version: p.version });
  assertError(stale, 409, 'conflict');
});

test('export is masked unless the reader holds the identity permission; import checks every row', async () => {
  const clerk = await sess.clerk.get('/api/v1/person/export?format=csv&id_number=' + ID_A);
  assert.equal(clerk.status, 200, clerk.text);
  assert.ok(clerk.text.includes(masked(ID_A)) && !clerk.text.includes(ID_A), clerk.text);
  const officer = await sess.officer.get('/api/v1/person/export?format=csv&reveal=1&id_number=' + ID_A);
  assert.ok(officer.text.includes(ID_A), officer.text);
  const csv = (text) => ({ raw: Buffer.from(text, 'utf8'), headers: { 'Content-Type': 'text/csv' } });
  const bad = await sess.clerk.request('POST', '/api/v1/person/import',
    csv(`姓名,身份证件号码,联系电话,居住区域\n甲,${idcard('11010519660606333')},13700001111,${STREET}\n乙,,123,${STREET}\n`));
  assertError(bad, 400, 'invalid');
  assert.deepEqual(bad.body.error.details.map((d) => [d.row, d.field, d.code]), [[3, 'phone', 'phone_invalid']]);
  const good = await sess.clerk.request('POST', '/api/v1/person/import',
    csv(`姓名,身份证件号码,居住区域\n甲,${idcard('11010519660606333')},${STREET}\n`));
  assert.equal(good.status, 200, good.text);
  const got = await sess.clerk.get(`/api/v1/person/${good.body.ids[0]}`);
  assert.deepEqual([got.body.name, got.body.gender, got.body.birth_date], ['甲', 'male', '1966-**-**']);
});

test('an altered sealed value is refused, not shown', async () => {
  const row = s.sqlite(`SELECT phone_enc FROM person WHERE id = ${people.noid.id}`);
  assert.equal(row.stdout.trim(), '');
  // give the person without a phone a value that was never sealed with this key
  s.sqlite(`UPDATE person SET phone_enc = 'sm4:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
            phone_idx = '${'0'.repeat(64)}' WHERE id = ${people.noid.id}`);
  const r = await sess.clerk.get(`/api/v1/person/${people.noid.id}`);
  assertError(r, 500, 'internal');
  s.sqlite(`UPDATE person SET phone_enc = NULL, phone_idx = NULL WHERE id = ${people.noid.id}`);
  const ok = await sess.clerk.get(`/api/v1/person/${people.noid.id}`);
  assert.equal(ok.status, 200, ok.text);
});

function findSecrets(bytes, where) {
  for (const x of SECRETS) assert.equal(bytes.indexOf(Buffer.from(x)), -1, `${x} found in ${where}`);
}

test('no ID or phone number in plain text in the database, its WAL or the log', async () => {
  // PostgreSQL: the whole database as pg_dump writes it (its files are the server's)
  const dumpAll = () => {
    if (!PG) return s.sqlite('.dump');
    return spawnSync('/usr/lib/postgresql/15/bin/pg_dump', ['-d', s.dbUrl], { encoding: 'utf8' });
  };
  const db = join(s.dir, 'shegong.db');
  if (!PG) findSecrets(readFileSync(db), 'the database file');
  if (existsSync(db + '-wal')) findSecrets(readFileSync(db + '-wal'), 'the WAL');
  const dump = dumpAll();
  assert.equal(dump.status, 0, dump.stderr);
  assert.match(dump.stdout, /person/);
  findSecrets(Buffer.from(dump.stdout), 'the SQL dump');
  await s.stop();
  if (!PG) findSecrets(readFileSync(db), 'the database file after shutdown');
  if (existsSync(db + '-wal')) findSecrets(readFileSync(db + '-wal'), 'the WAL after shutdown');
  findSecrets(Buffer.from(s.log), 'the server log');
  await s.start();
});

function sealed() {
  const r = s.sqlite('SELECT id, id_number_enc, id_number_idx, phone_enc, phone_idx FROM person ORDER BY id');
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('key rotation re-encrypts everything in one go; values, lookups, logins and the audit chain survive', async () => {
  const beforeKey = readFileSync(keyFile(), 'utf8');
  const beforeRows = sealed();
  const totpBefore = s.sqlite('SELECT secret FROM user_totp ORDER BY user_id').stdout;
  assert.match(totpBefore, /^(sm4|aes):/m); // the 2FA secrets (aud, officer, mixed) are sealed too
  await s.stop();
  const r = s.cli(['key', 'rotate']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /key rotate: \d+ values re-encrypted under key [0-9a-f]{32} \(sm4\)/);
  assert.notEqual(readFileSync(keyFile(), 'utf8'), beforeKey);
  assert.equal(mode(keyFile()), 0o600);
  const olds = readdirSync(s.dir).filter((f) => f.startsWith('shegong.key.old-'));
  assert.equal(olds.length, 1);
  assert.equal(readFileSync(join(s.dir, olds[0]), 'utf8'), beforeKey);
  assert.equal(mode(join(s.dir, olds[0])), 0o600);
  assert.ok(!existsSync(keyFile() + '.new'));
  const afterRows = sealed();
  assert.notEqual(afterRows, beforeRows);
  assert.equal(afterRows.split('\n').length, beforeRows.split('\n').length);
  assert.notEqual(s.sqlite('SELECT secret FROM user_totp ORDER BY user_id').stdout, totpBefore);
  const check = s.cli(['check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /audit chain: ok/);

  await s.start();
  // a 2FA login opens its re-sealed TOTP secret
  sess.officer = await s.login('officer');
  const p = await sess.officer.get(`/api/v1/person/${people.a.id}?reveal=1`);
  assert.equal(p.body.id_number, ID_A);
  assert.equal(p.body.phone, PHONE_A);
  const found = await sess.clerk.get('/api/v1/person?id_number=' + ID_B);
  assert.deepEqual(found.body.items.map((x) => x.id), [people.b.id]);
  const dup = await sess.clerk.post('/api/v1/person', { name: '张三', id_number: ID_A, region_code: STREET });
  assertInvalid(dup, [['id_number', 'taken']], 409, 'conflict');
  sess.aud = await s.login('aud');
  const rec = await auditOf('key.rotate');
  assert.equal(rec.length, 1);
  assert.equal(rec[0].username, '(cli)');
});

test('rotating to AES-256-GCM converts every value; both algorithms stay readable', async () => {
  await s.stop();
  const r = s.cli(['key', 'rotate'], '', { SHEGONG_CIPHER: 'aes256gcm' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\(aes256gcm\)/);
  const prefixes = s.sqlite("SELECT DISTINCT substr(id_number_enc, 1, 4) FROM person WHERE id_number_enc IS NOT NULL").stdout.trim();
  assert.equal(prefixes, 'aes:');
  await s.start(); // configured for the default, SM4
  const d = await sess.clerk.post('/api/v1/person', { name: '吴十', id_number: idcard('11010519660606666'), phone: '13700000000', region_code: STREET });
  assert.equal(d.status, 201, d.text);
  const both = s.sqlite('SELECT DISTINCT substr(id_number_enc, 1, 4) FROM person WHERE id_number_enc IS NOT NULL ORDER BY 1').stdout.trim();
  assert.deepEqual(both.split('\n'), ['aes:', 'sm4:']);
  const a = await sess.officer.get(`/api/v1/person/${people.a.id}?reveal=1`);
  assert.equal(a.body.id_number, ID_A);
  const n = await sess.officer.get(`/api/v1/person/${d.body.id}?reveal=1`);
  assert.equal(n.body.phone, '13700000000');
});

test('a rotation that meets a damaged value changes nothing', async () => {
  await s.stop();
  const key = readFileSync(keyFile(), 'utf8');
  const files = readdirSync(s.dir).sort();
  const good = s.sqlite(`SELECT phone_enc FROM person WHERE id = ${people.s.id}`).stdout.trim();
  const bad = good.slice(0, 10) + (good[10] === 'A' ? 'B' : 'A') + good.slice(11);
  s.sqlite(`UPDATE person SET phone_enc = '${bad}' WHERE id = ${people.s.id}`);
  const rows = sealed();
  const r = s.cli(['key', 'rotate']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`person \\(row ${people.s.id}\\).*nothing was changed`));
  assert.equal(readFileSync(keyFile(), 'utf8'), key);
  assert.deepEqual(readdirSync(s.dir).sort(), files);
  assert.equal(sealed(), rows);
  s.sqlite(`UPDATE person SET phone_enc = '${good}' WHERE id = ${people.s.id}`);
  await s.start();
});

test('start-up refuses a missing, foreign or readable key file, and finishes an interrupted rotation', async () => {
  await s.stop();
  const key = readFileSync(keyFile());
  // a key file that belongs to another database
  unlinkSync(keyFile());
  writeFileSync(keyFile(), 'ab'.repeat(32) + '\n', { mode: 0o600 });
  let r = s.cli(['check']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is not the key|sealed under key/);
  // none at all: never silently replaced by a new one
  unlinkSync(keyFile());
  r = s.cli(['check']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing/);
  assert.ok(!existsSync(keyFile()));
  // readable by others
  writeFileSync(keyFile(), key, { mode: 0o600 });
  chmodSync(keyFile(), 0o644);
  r = s.cli(['check']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /chmod 600/);
  chmodSync(keyFile(), 0o600);

  // a rotation that committed but died before moving its key into place
  r = s.cli(['key', 'rotate']);
  assert.equal(r.status, 0, r.stderr);
  const rotated = readFileSync(keyFile());
  renameSync(keyFile(), keyFile() + '.new');
  writeFileSync(keyFile(), key, { mode: 0o600 });
  r = s.cli(['check']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /finished an interrupted key rotation/);
  assert.deepEqual(readFileSync(keyFile()), rotated);
  assert.ok(!existsSync(keyFile() + '.new'));
  await s.start();
  sess.mixed = await s.login('mixed'); // its TOTP secret opens under the recovered key
  const p = await sess.mixed.get(`/api/v1/person/${people.a.id}?reveal=1`);
  assert.equal(p.body.phone, PHONE_A);
  const q = await sess.officer.get(`/api/v1/person/${people.s.id}?reveal=1`);
  assert.equal(q.body.phone, PHONE_S);
});

test('a server still running on the old key refuses to seal or show values after a rotation', async () => {
  const r = s.cli(['key', 'rotate']); // the server is running: the operator forgot to stop it
  assert.equal(r.status, 0, r.stderr);
  const w = await sess.clerk.post('/api/v1/person', { name: '郑十一', phone: '13600000000', region_code: STREET });
  assertError(w, 503, 'unavailable');
  assert.match(w.body.error.message, /密钥已轮换/);
  assertError(await sess.clerk.get(`/api/v1/person/${people.a.id}`), 503, 'unavailable');
  await s.stop();
  await s.start();
  const ok = await sess.clerk.post('/api/v1/person', { name: '郑十一', phone: '13600000000', region_code: STREET });
  assert.equal(ok.status, 201, ok.text);
  assert.equal((await sess.clerk.get(`/api/v1/person/${people.a.id}`)).body.phone, '138****5678');
});

test('shegong key: usage', () => {
  let r = s.cli(['key', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /shegong key rotate/);
  r = s.cli(['key']);
  assert.equal(r.status, 2);
  r = s.cli(['key', 'spin']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown subcommand 'spin'/);
  r = s.cli(['key', 'rotate', 'extra']);
  assert.equal(r.status, 2);
  r = s.cli(['check'], '', { SHEGONG_CIPHER: 'sm4gcm' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /SHEGONG_CIPHER/);
});
