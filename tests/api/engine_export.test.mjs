// Export of an entity's list as XLSX and CSV on the test-only entity "specimen": 中文
// headers, labels for enums and refs, typed cells, masking by permission, formulas kept as
// text, the list's filters and region scope applied, the export audited, 403 without the
// export permission. The XLSX is read back with exceljs, an independent reader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { Server, assertError, assertInvalid } from './lib/server.mjs';
import { seedRegions, specimenUsers, makeSpecimen, idcard, COUNTY, STREET, SIBLING, OTHER_COUNTY } from './lib/fixture.mjs';

const s = new Server();
let sess;
const ID_A = idcard('11010519800101123');
const HEADERS = ['系统编号', '标题', '编号', '区内序号', '内容', '数量', '金额', '有效', '到期日', '发生时间',
  '类别', '等级', '其他原因', '所属区划', '责任单位', '相关单位', '当事人', '身份证件号码', '联系电话',
  '统一社会信用代码', '标签', '位置', '答复意见', '状态'];
const rows = {};

/** GET as a session, the body as bytes. */
async function download(session, path) {
  const r = await fetch(s.base + path, { headers: { Cookie: session.cookie } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}

/** The first worksheet of an XLSX as {ws, header, records: [{header: value}]}. */
async function readXlsx(bytes) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes);
  const ws = wb.worksheets[0];
  const header = ws.getRow(1).values.slice(1);
  const records = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const rec = {};
    header.forEach((h, i) => { rec[h] = row.getCell(i + 1).value; });
    records.push(rec);
  });
  return { wb, ws, header, records };
}

/** Parses our CSV (RFC 4180, CRLF) into arrays of strings. */
function parseCsv(text) {
  const out = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); out.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); out.push(row); }
  return out;
}

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
  s.sqlite(`INSERT INTO unit (id, name, kind, region_code, created_at, updated_at) VALUES
    (2001, '建外街道办事处', 'township', '${STREET}', 0, 0),
    (2002, '朝外街道办事处', 'township', '${SIBLING}', 0, 0)`);
  rows.a = await makeSpecimen(sess.clerk, {
    title: '全类型', code: 'AA0001', slot: 7, body: '第一行\n第二行', count: 3, amount: 12.5, active: true,
    due_on: '2026-12-01', happened_at: '2026-11-29T08:00:00+08:00', category: 'noise', level: 'high',
    region_code: STREET, unit_id: '2001', related_units: ['2001', '2002'], owner_name: '张三丰',
    id_number: ID_A, phone: '13812345678', uscc: '91110000600037341L', tags: ['夜间', 'B'],
    location: { lng: 116.397128, lat: 39.916527 },
  });
  rows.f = await makeSpecimen(sess.clerk, { title: '=1+1', category: 'other', reason: '@SUM(A1)', region_code: SIBLING, active: false, count: 0 });
  rows.o = await makeSpecimen(sess.other, { title: '丰台的样本', region_code: OTHER_COUNTY });
});
after(() => s.stop());

test('XLSX: 中文 bold frozen header, labels, typed cells, clerk sees masked personal data', async () => {
  const r = await download(sess.clerk, '/api/v1/specimen/export?format=xlsx');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(r.headers.get('content-disposition'), /^attachment; .*filename\*=UTF-8''%E6%B5%8B%E8%AF%95%E6%A0%B7%E6%9C%AC-\d{8}\.xlsx$/);
  const { ws, header, records } = await readXlsx(r.bytes);
  assert.equal(ws.name, '测试样本');
  assert.deepEqual(header, HEADERS);
  assert.equal(ws.getRow(1).getCell(1).font?.bold, true);
  assert.equal(ws.views[0].state, 'frozen');
  assert.equal(ws.views[0].ySplit, 1);
  assert.ok(ws.getColumn(2).width >= 10, 'columns have widths');
  assert.equal(records.length, 2, 'the other county\'s row is outside the clerk\'s scope');
  const a = records.find((x) => x['编号'] === 'AA0001');
  assert.equal(a['系统编号'], rows.a.id);
  assert.equal(a['标题'], '全类型');
  assert.equal(a['区内序号'], 7);
  assert.equal(a['内容'], '第一行\n第二行');
  assert.equal(a['数量'], 3);
  assert.equal(a['金额'], 12.5); // a number, not text
  assert.equal(ws.getCell(`G${records.indexOf(a) + 2}`).numFmt, '0.00');
  assert.equal(a['有效'], '是');
  assert.equal(a['到期日'], '2026-12-01');
  assert.equal(a['发生时间'], '2026-11-29 08:00:00'); // Beijing wall-clock time
  assert.equal(a['类别'], '噪音扰民');
  assert.equal(a['等级'], '高');
  assert.equal(a['所属区划'], STREET);
  assert.equal(a['责任单位'], '建外街道办事处');
  assert.equal(a['相关单位'], '2001、2002');
  assert.equal(a['当事人'], '张**');
  assert.equal(a['身份证件号码'], '110105********' + ID_A.slice(14));
  assert.equal(a['联系电话'], '138****5678');
  assert.equal(a['统一社会信用代码'], '91110000600037341L');
  assert.equal(a['标签'], '夜间、B');
  assert.equal(a['位置'], '116.397128,39.916527');
  assert.equal(a['状态'], '草稿');
  assert.equal(a['其他原因'], null);
});

test('XLSX: a title like a formula stays text', async () => {
  const r = await download(sess.clerk, '/api/v1/specimen/export');
  const { ws, records } = await readXlsx(r.bytes);
  const i = records.findIndex((x) => x['类别'] === '其他');
  const cell = ws.getCell(i + 2, 2);
  assert.equal(cell.value, '=1+1');
  assert.equal(cell.type, ExcelJS.ValueType.String);
  assert.equal(ws.getCell(i + 2, 13).value, '@SUM(A1)');
  assert.equal(records[i]['有效'], '否');
  assert.equal(records[i]['数量'], 0);
});

test('XLSX: the officer (specimen.identity) gets clear values, audited by one summary record', async () => {
  const count = (action) => Number(s.sqlite(`SELECT count(*) FROM audit_log WHERE action = '${action}'`).stdout);
  const reads = count('specimen.identity_read');
  const r = await download(sess.officer, '/api/v1/specimen/export?reveal=1');
  assert.equal(r.status, 200);
  const { records } = await readXlsx(r.bytes);
  const a = records.find((x) => x['编号'] === 'AA0001');
  assert.equal(a['身份证件号码'], ID_A);
  assert.equal(a['联系电话'], '13812345678');
  assert.equal(a['当事人'], '张三丰');
  // rows with personal data in clear: only AA0001 has any (the other row's are empty)
  const last = s.sqlite(`SELECT username, object_type, object_id, detail FROM audit_log WHERE action = 'specimen.identity_export' ORDER BY seq DESC LIMIT 1`).stdout.trim();
  assert.equal(last, 'officer|specimen||{"rows":1}');
  assert.equal(count('specimen.identity_read'), reads, 'no record per row');
  // the clerk sees masked values: no identity record at all
  const summaries = count('specimen.identity_export');
  assert.equal((await download(sess.clerk, '/api/v1/specimen/export')).status, 200);
  assert.equal(count('specimen.identity_export'), summaries);
});

test('CSV: UTF-8 with BOM, CRLF, 中文 headers, formulas neutralised, numbers plain', async () => {
  const r = await download(sess.clerk, '/api/v1/specimen/export?format=csv');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(r.headers.get('content-disposition'), /-\d{8}\.csv$/);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const table = parseCsv(r.bytes.subarray(3).toString('utf8'));
  assert.deepEqual(table[0], HEADERS);
  assert.equal(table.length, 3);
  const a = table.find((row) => row[2] === 'AA0001');
  assert.equal(a[6], '12.50');
  assert.equal(a[5], '3');
  assert.equal(a[4], '第一行\n第二行');
  assert.equal(a[17], '110105********' + ID_A.slice(14));
  assert.equal(a[18], '138****5678');
  const f = table.find((row) => row[10] === '其他');
  assert.equal(f[1], "'=1+1");
  assert.equal(f[12], "'@SUM(A1)");
});

test('the list\'s filters and the search apply to the export', async () => {
  let { records } = await readXlsx((await download(sess.clerk, '/api/v1/specimen/export?category=other')).bytes);
  assert.deepEqual(records.map((x) => x['标题']), ['=1+1']);
  ({ records } = await readXlsx((await download(sess.clerk, `/api/v1/specimen/export?region_code=${STREET}&active=true`)).bytes));
  assert.deepEqual(records.map((x) => x['编号']), ['AA0001']);
  const csv = await download(sess.clerk, '/api/v1/specimen/export?format=csv&sort=title');
  const table = parseCsv(csv.bytes.subarray(3).toString('utf8'));
  assert.deepEqual(table.slice(1).map((row) => row[1]), ["'=1+1", '全类型']);
  // a bad filter is a 400 like the list's
  assertInvalid(await sess.clerk.get('/api/v1/specimen/export?count=many'), [['count', 'type_integer']]);
});

test('region scope: a street clerk exports only the street\'s rows', async () => {
  const { records } = await readXlsx((await download(sess.street, '/api/v1/specimen/export')).bytes);
  assert.deepEqual(records.map((x) => x['编号']), ['AA0001']);
  const other = await readXlsx((await download(sess.other, '/api/v1/specimen/export')).bytes);
  assert.deepEqual(other.records.map((x) => x['标题']), ['丰台的样本']);
});

test('an empty result is a file with the header only', async () => {
  const r = await download(sess.clerk, '/api/v1/specimen/export?format=csv&category=repair');
  assert.equal(r.status, 200);
  assert.equal(parseCsv(r.bytes.subarray(3).toString('utf8')).length, 1);
  const x = await readXlsx((await download(sess.clerk, '/api/v1/specimen/export?category=repair')).bytes);
  assert.deepEqual(x.header, HEADERS);
  assert.equal(x.records.length, 0);
});

test('every export is audited with format, row count and filters (personal data hidden)', async () => {
  await download(sess.clerk, `/api/v1/specimen/export?format=csv&category=noise&id_number=${ID_A}`);
  const line = s.sqlite(`SELECT username, object_type, result, detail FROM audit_log WHERE action = 'specimen.export' ORDER BY seq DESC LIMIT 1`).stdout.trim();
  const [user, type, result, detail] = line.split('|');
  assert.equal(user, 'clerk');
  assert.equal(type, 'specimen');
  assert.equal(result, 'success');
  const d = JSON.parse(detail);
  assert.equal(d.format, 'csv');
  assert.equal(d.rows, 1);
  assert.deepEqual(d.filters, { category: 'noise', id_number: '***' });
  assert.ok(!detail.includes(ID_A));
});

test('403 without the export permission; 400 for an unknown format; 401 anonymous', async () => {
  const refusals = () => Number(s.sqlite(`SELECT count(*) FROM audit_log WHERE username = 'reader' AND result = 'failure' AND detail LIKE '%GET /api/v1/specimen/export%'`).stdout);
  const before = refusals();
  assertError(await sess.reader.get('/api/v1/specimen/export'), 403, 'forbidden');
  assert.equal(refusals(), before + 1, 'the refusal is audited');
  assertInvalid(await sess.clerk.get('/api/v1/specimen/export?format=pdf'), [['format', 'invalid_enum']]);
  const anon = await s.request('GET', '/api/v1/specimen/export');
  assert.equal(anon.status, 401);
});
