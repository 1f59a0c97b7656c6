// Import of rows from XLSX and CSV on the test-only entity "specimen": an export imports
// back unchanged (both formats), labels turn into codes and ids, all or nothing with every
// bad row named by its spreadsheet row and field, dry runs write nothing, unknown headers,
// caps, other encodings and file types, permissions and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { Server, assertError } from './lib/server.mjs';
import { seedRegions, specimenUsers, makeSpecimen, idcard, COUNTY, STREET, SIBLING } from './lib/fixture.mjs';

const s = new Server();
let sess;
const ID_A = idcard('11010519800101123');
const CSV = { 'Content-Type': 'text/csv' };
const XLSX = { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

async function download(session, path) {
  const r = await fetch(s.base + path, { headers: { Cookie: session.cookie } });
  assert.equal(r.status, 200, path);
  return Buffer.from(await r.arrayBuffer());
}

function importFile(session, body, { dry = false, headers = CSV } = {}) {
  return session.request('POST', `/api/v1/specimen/import${dry ? '?dry_run=1' : ''}`, { raw: body, headers });
}

const live = () => Number(s.sqlite('SELECT count(*) FROM specimen WHERE deleted_at IS NULL').stdout);

/** Soft-deletes every live specimen in the county through the API. */
async function deleteAll() {
  const ids = s.sqlite('SELECT id FROM specimen WHERE deleted_at IS NULL').stdout.trim().split('\n').filter(Boolean);
  for (const id of ids) {
    const r = await sess.officer.del(`/api/v1/specimen/${id}`);
    assert.equal(r.status, 204, r.text);
  }
}

/** An export's records without the id column, sorted by title, for comparison. */
async function snapshot() {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await download(sess.officer, '/api/v1/specimen/export?reveal=1'));
  const ws = wb.worksheets[0];
  const header = ws.getRow(1).values.slice(1);
  const out = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const rec = {};
    header.forEach((h, i) => { if (h !== '系统编号') rec[h] = row.getCell(i + 1).value; });
    out.push(rec);
  });
  return out.sort((a, b) => String(a['标题']).localeCompare(String(b['标题'])));
}

function csv(lines) {
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

before(async () => {
  await s.start();
  seedRegions(s);
  sess = await specimenUsers(s, {
    clerk: ['specimen_clerk', COUNTY],
    officer: ['specimen_officer', COUNTY],
    reader: ['specimen_reader', COUNTY],
    street: ['specimen_clerk', STREET],
  });
  s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (2001, '建外街道办事处', 'township', '${STREET}', 0, 0),
    (2002, '朝外街道办事处', 'township', '${SIBLING}', 0, 0),
    (2003, '同名单位', 'other', '${STREET}', 0, 0),
    (2004, '同名单位', 'other', '${SIBLING}', 0, 0)`);
});
after(() => s.stop());

async function seedRows() {
  await makeSpecimen(sess.clerk, {
    title: '全类型', code: 'AA0001', slot: 7, body: '第一行\n第二行', count: 3, amount: 12.5, active: true,
    due_on: '2026-12-01', happened_at: '2026-11-29T08:00:00+08:00', category: 'noise', level: 'high',
    region_code: STREET, unit_id: '2001', related_units: ['2001', '2002'], owner_name: '张三丰',
    id_number: ID_A, phone: '13812345678', uscc: '91110000600037341L', tags: ['夜间', 'B'],
    location: { lng: 116.397128, lat: 39.916527 },
  });
  await makeSpecimen(sess.clerk, { title: '=1+1', category: 'other', reason: '-2', region_code: SIBLING, active: false, count: 0 });
  await makeSpecimen(sess.clerk, { title: '空的样本', category: 'repair' });
}

test('CSV round trip: an exported file imports back to the same rows', async () => {
  await seedRows();
  const before = await snapshot();
  const file = await download(sess.officer, '/api/v1/specimen/export?format=csv&reveal=1');
  await deleteAll();
  const r = await importFile(sess.officer, file);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.imported, 3);
  assert.equal(r.body.ids.length, 3);
  assert.match(r.body.ids[0], /^\d+$/);
  assert.deepEqual(await snapshot(), before);
  const audit = s.sqlite(`SELECT username, object_type, detail FROM audit_log WHERE action = 'specimen.import' ORDER BY seq DESC LIMIT 1`).stdout.trim();
  assert.equal(audit, 'officer|specimen|{"format":"csv","rows":3}');
});

test('XLSX round trip: an exported workbook imports back to the same rows', async () => {
  const before = await snapshot();
  assert.equal(before.length, 3);
  const file = await download(sess.officer, '/api/v1/specimen/export?format=xlsx&reveal=1');
  await deleteAll();
  const r = await importFile(sess.officer, file, { headers: XLSX });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.imported, 3);
  assert.deepEqual(await snapshot(), before);
  await deleteAll();
});

test('a workbook from another program: shared strings, numbers, dates, booleans, gaps', async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入');
  ws.addRow(['标题', '类别', 'region_code', '数量', '金额', '有效', '发生时间', '到期日', '联系电话', null, '责任单位']);
  ws.addRow(['外部一', '设施报修', STREET, 5, 0.3, true, new Date(Date.UTC(2026, 10, 29, 8, 30, 0)), new Date(Date.UTC(2026, 11, 1)), 13812345678, null, '建外街道办事处']);
  ws.addRow([]); // a blank row is skipped
  ws.addRow(['外部二', 'repair', STREET, '6', '1.25', '否', '2026-11-30 09:00', '2026/12/02', null, null, 2002]);
  const r = await importFile(sess.officer, Buffer.from(await wb.xlsx.writeBuffer()), { headers: XLSX });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.imported, 2);
  const [a, b] = await Promise.all(r.body.ids.map(async (id) => (await sess.officer.get(`/api/v1/specimen/${id}?reveal=1`)).body));
  assert.equal(a.title, '外部一');
  assert.equal(a.category, 'repair');
  assert.equal(a.count, 5);
  assert.equal(a.amount, '0.30');
  assert.equal(a.active, true);
  assert.equal(a.happened_at, '2026-11-29T00:30:00Z'); // spreadsheet times are Beijing time
  assert.equal(a.due_on, '2026-12-01');
  assert.equal(a.phone, '13812345678');
  assert.equal(a.unit_id, '2001');
  assert.equal(b.count, 6);
  assert.equal(b.amount, '1.25');
  assert.equal(b.active, false);
  assert.equal(b.happened_at, '2026-11-30T01:00:00Z');
  assert.equal(b.due_on, '2026-12-02');
  assert.equal(b.unit_id, '2002');
  await deleteAll();
});

test('labels and names: enums by label or code, 是/否, refs by unique name, tags split', async () => {
  const r = await importFile(sess.clerk, csv([
    ['标题', '类别', '等级', '所属区划', '有效', '责任单位', '相关单位', '标签'],
    ['甲', '噪音扰民', 'high', STREET, '是', '朝外街道办事处', '建外街道办事处、2002', '夜间，噪音、B'],
  ]));
  assert.equal(r.status, 200, r.text);
  const row = (await sess.clerk.get(`/api/v1/specimen/${r.body.ids[0]}`)).body;
  assert.equal(row.category, 'noise');
  assert.equal(row.level, 'high');
  assert.equal(row.active, true);
  assert.equal(row.unit_id, '2002');
  assert.deepEqual(row.related_units, ['2001', '2002']);
  assert.deepEqual(row.tags, ['夜间', '噪音', 'B']);
  await deleteAll();
});

test('a bad last row: nothing is written and the report names every row and field', async () => {
  const before = live();
  const r = await importFile(sess.clerk, csv([
    ['标题', '类别', '所属区划', '数量', '责任单位', '到期日'],
    ['好的一行', '噪音扰民', STREET, '1', '', ''],
    ['', '噪音扰民', STREET, '2', '', ''],
    ['好的另一行', '设施报修', STREET, '3', '', ''],
    ['坏的', '不存在的类别', STREET, '很多', '同名单位', '2026-02-30'],
  ]));
  const err = assertError(r, 400, 'invalid');
  const got = err.details.map((d) => `${d.row}:${d.field}:${d.code}`).sort();
  assert.deepEqual(got, ['3:title:required', '5:category:invalid_enum', '5:count:type_integer', '5:due_on:invalid_date', '5:unit_id:ambiguous_ref']);
  for (const d of err.details) assert.match(d.message, new RegExp(`^第${d.row}行：`));
  assert.match(err.message, /未导入任何数据/);
  assert.equal(live(), before, 'nothing was written');
});

test('numbers past 64 bits and unreadable cells are errors, not clamped values', async () => {
  const r = await importFile(sess.clerk, csv([
    ['标题', '类别', '所属区划', '数量', '有效', '位置'],
    ['大数', '噪音扰民', STREET, '99999999999999999999', '也许', '东经116'],
  ]), { dry: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.errors.map((d) => `${d.row}:${d.field}:${d.code}`).sort(),
    ['2:active:import_boolean', '2:count:type_integer', '2:location:import_geo']);
});

test('dry run: checks everything and writes nothing', async () => {
  const before = live();
  const audits = () => s.sqlite(`SELECT count(*) FROM audit_log WHERE action = 'specimen.import'`).stdout.trim();
  const audited = audits();
  const file = csv([['标题', '类别', '所属区划'], ['试一试', '其他', STREET], ['二', '噪音扰民', STREET]]);
  let r = await importFile(sess.clerk, file, { dry: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { rows: 2, valid: false, error_count: 1, errors: [{ row: 2, field: 'reason', code: 'required', message: '第2行：其他原因不能为空' }] });
  r = await importFile(sess.clerk, csv([['标题', '类别', '所属区划'], ['二', '噪音扰民', STREET]]), { dry: true });
  assert.deepEqual(r.body, { rows: 1, valid: true, error_count: 0, errors: [] });
  assert.equal(live(), before);
  assert.equal(audits(), audited, 'a dry run leaves no audit record');
});

test('an unknown or repeated header is refused before any row', async () => {
  const r = await importFile(sess.clerk, csv([['标题', '颜色', '类别', 'category', '所属区划'], ['甲', '红', '噪音扰民', 'noise', STREET]]));
  const err = assertError(r, 400, 'invalid');
  assert.deepEqual(err.details.map((d) => [d.row, d.field, d.code]), [[1, '颜色', 'unknown_column'], [1, 'category', 'duplicate_column']]);
  assert.equal(err.details[0].message, '第1行：不认识的列标题：颜色');
});

test('scope: a street clerk cannot import rows of another street', async () => {
  const before = live();
  const r = await importFile(sess.street, csv([['标题', '类别', '所属区划'], ['本街道', '噪音扰民', STREET], ['别的街道', '噪音扰民', SIBLING]]));
  const err = assertError(r, 400, 'invalid');
  assert.deepEqual(err.details.map((d) => [d.row, d.field, d.code]), [[3, 'region_code', 'out_of_scope']]);
  assert.equal(live(), before);
});

test('files: GB18030 CSV is read, other types are refused, empty files and caps', async () => {
  const text = csv([['标题', '类别', '所属区划'], ['国标编码', '噪音扰民', STREET]]);
  const gb = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });
  assert.equal(gb.status, 0);
  let r = await importFile(sess.clerk, gb.stdout, { dry: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.valid, true);

  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  assertError(await importFile(sess.clerk, png, { headers: { 'Content-Type': 'image/png' } }), 415, 'unsupported_media_type');
  assertError(await importFile(sess.clerk, Buffer.from('PK\x03\x04garbage')), 415, 'unsupported_media_type');
  assertError(await importFile(sess.clerk, '标题,类别,所属区划\r\n'), 400, 'invalid');
  assertError(await importFile(sess.clerk, ''), 400, 'invalid');
  assertError(await importFile(sess.clerk, '标题,类别\r\n"未闭合,x\r\n'), 400, 'invalid');

  const many = [['标题', '类别', '所属区划']];
  for (let i = 0; i < 10001; i++) many.push([`第${i}`, 'noise', STREET]);
  r = await importFile(sess.clerk, csv(many));
  assertError(r, 413, 'too_large');
  assert.match(r.body.error.message, /10000行/);
});

test('403 without the write permission', async () => {
  assertError(await importFile(sess.reader, csv([['标题'], ['x']])), 403, 'forbidden');
});
