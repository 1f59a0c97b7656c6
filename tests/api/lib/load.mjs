// Write load and after-the-fact checks for the reliability tests (backup, crash, shutdown):
// writers that create specimen rows and upload attachments and remember what was
// acknowledged; the checks that every acknowledged write is present, audited, and that
// the attachment store holds no leftovers; a logical digest of every table; a reader of
// the backup archive's plain format (docs/operations.md), written from the documentation.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { STREET } from './fixture.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A text attachment with content of its own (so each makes a new stored file). */
export function uniqueText() {
  return Buffer.from(`社会工作部样本附件 ${randomBytes(12).toString('hex')}\n`.repeat(40));
}

/**
 * Starts `n` writers on session `sess`, each sending one request after the other: a new
 * specimen, and every third request an attachment upload. Returns a handle: `acked`
 * (ids answered 2xx: {specimen: Set, attachment: Set}), `statuses` (status -> count;
 * 'refused' for a request the kernel refused, 'reset' for one whose connection was reset
 * before any answer, 'error <code>' for another without answer), `stop()` (resolves when every writer is
 * done), `ackedAt()` (copies of the sets at this moment).
 */
export function startWriters(sess, n = 8) {
  const acked = { specimen: new Set(), attachment: new Set() };
  const statuses = new Map();
  let running = true;
  let seq = 0;
  const count = (k) => statuses.set(k, (statuses.get(k) || 0) + 1);
  const writer = async (w) => {
    while (running) {
      const i = seq++;
      try {
        if (i % 3 === 2) {
          const r = await sess.request('PUT', '/api/v1/attachment?filename=note.txt',
            { raw: uniqueText(), headers: { 'Content-Type': 'application/octet-stream' } });
          count(r.status);
          if (r.status >= 200 && r.status < 300) acked.attachment.add(r.body.id);
        } else {
          const r = await sess.post('/api/v1/specimen',
            { title: `负载样本 ${w}-${i}`, category: 'noise', region_code: STREET });
          count(r.status);
          if (r.status >= 200 && r.status < 300) acked.specimen.add(r.body.id);
        }
      } catch (e) {
        // refused: sent after the listener closed, never received by the server; reset: sent
        // on a kept-alive connection as the server closed it, or waiting in the listener's
        // backlog when it closed — no answer, so nothing the writer was told of
        const code = e.cause?.code || e.code || e.message;
        count(code === 'ECONNREFUSED' ? 'refused' : code === 'ECONNRESET' ? 'reset' : `error ${code}`);
        await sleep(20); // the server is gone: do not spin
      }
    }
  };
  const done = Promise.all(Array.from({ length: n }, (_, w) => writer(w)));
  return {
    acked,
    statuses,
    ackedAt: () => ({ specimen: new Set(acked.specimen), attachment: new Set(acked.attachment) }),
    stop: async () => { running = false; await done; },
  };
}

/** Rows of a query on the SQLite file at path, split into columns. */
export function sqliteRows(path, sql) {
  const r = spawnSync('sqlite3', [path, sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

/** Asserts that every acknowledged id is in the database at dbPath, and that each
 * specimen row has its audit record (no row was written without one). */
export function assertPresent(dbPath, acked) {
  const have = (sql) => new Set(sqliteRows(dbPath, sql).map((r) => r[0]));
  const specimens = have('SELECT id FROM specimen');
  const attachments = have('SELECT id FROM attachment');
  const missing = [...acked.specimen].filter((id) => !specimens.has(id));
  assert.deepEqual(missing, [], 'acknowledged specimens missing');
  const lostFiles = [...acked.attachment].filter((id) => !attachments.has(id));
  assert.deepEqual(lostFiles, [], 'acknowledged attachments missing');
  const unaudited = sqliteRows(dbPath, `SELECT id FROM specimen WHERE CAST(id AS TEXT) NOT IN
    (SELECT object_id FROM audit_log WHERE object_type = 'specimen' AND object_id IS NOT NULL)`);
  assert.deepEqual(unaudited, [], 'specimen rows without their audit record');
  const unauditedFiles = sqliteRows(dbPath, `SELECT id FROM attachment WHERE CAST(id AS TEXT) NOT IN
    (SELECT object_id FROM audit_log WHERE object_type = 'attachment' AND object_id IS NOT NULL)`);
  assert.deepEqual(unauditedFiles, [], 'attachment rows without their audit record');
  return { specimens: specimens.size, attachments: attachments.size };
}

/** Every file under dir/files: temporary ones, stored ones (by hash). */
function storeFiles(dir) {
  const out = [];
  const walk = (d) => {
    let names;
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(join(dir, 'files'));
  return out;
}

/** Asserts the attachment store under dir holds exactly the files the attachment rows of
 * dbPath name: no temporary upload files, no unreferenced files, none missing. */
export function assertStoreClean(dir, dbPath) {
  const files = storeFiles(dir);
  const tmp = files.filter((f) => f.includes('.tmp-'));
  assert.deepEqual(tmp, [], 'temporary upload files left behind');
  const named = new Set(sqliteRows(dbPath, 'SELECT DISTINCT sha256 FROM attachment').map((r) => r[0]));
  const stored = new Set(files.map((f) => f.split('/').pop()));
  assert.deepEqual([...stored].filter((s) => !named.has(s)), [], 'stored files no attachment names');
  assert.deepEqual([...named].filter((s) => !stored.has(s)), [], 'attachments without their file');
}

/** A digest per table of the SQLite file at path: every row of every ordinary table,
 * ordered by all its columns, hashed (the full-text virtual tables are covered by their
 * shadow tables). */
export function tableDigests(path) {
  const tables = sqliteRows(path,
    "SELECT m.name, COUNT(*) FROM sqlite_master m, pragma_table_info(m.name) " +
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE VIRTUAL%' " +
    'GROUP BY m.name ORDER BY m.name');
  const marker = `-- table ${randomBytes(8).toString('hex')} `;
  // one sqlite3 run for all tables: a marker line before each table's rows
  const script = tables.map(([t, cols]) => {
    const order = Array.from({ length: Number(cols) }, (_, i) => i + 1).join(', ');
    return `SELECT '${marker}${t}';\nSELECT * FROM "${t}" ORDER BY ${order};\n`;
  }).join('');
  const r = spawnSync('sqlite3', ['-quote', path], { input: script, encoding: 'utf8', maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `digests: ${r.stderr}`);
  const out = {};
  for (const part of r.stdout.split(`'${marker}`).slice(1)) {
    const nl = part.indexOf('\n');
    const name = part.slice(0, nl - 1); // without the closing quote
    out[name] = createHash('sha256').update(part.slice(nl + 1)).digest('hex');
  }
  assert.deepEqual(Object.keys(out), tables.map((t) => t[0]));
  return out;
}

/** Reads a plain (unencrypted) backup archive; checks its SHA-256; returns its entries
 * [{kind, name, data}]. */
export function readArchive(file) {
  const buf = readFileSync(file);
  assert.equal(buf.subarray(0, 8).toString(), 'SGBACKUP');
  assert.equal(buf.readUInt32BE(8), 1);
  const entries = [];
  let at = 12;
  for (;;) {
    const kind = String.fromCharCode(buf[at]);
    const nlen = buf.readUInt16BE(at + 1);
    const name = buf.subarray(at + 3, at + 3 + nlen).toString();
    const size = Number(buf.readBigUInt64BE(at + 3 + nlen));
    const start = at + 11 + nlen;
    if (kind === 'Z') {
      assert.equal(size, 32);
      const want = createHash('sha256').update(buf.subarray(0, start)).digest('hex');
      assert.equal(buf.subarray(start, start + 32).toString('hex'), want, 'archive checksum');
      assert.equal(start + 32, buf.length, 'bytes after the end entry');
      return entries;
    }
    entries.push({ kind, name, data: buf.subarray(start, start + size) });
    at = start + size;
  }
}

/** Writes the database of a plain archive to dest. */
export function archiveDatabase(file, dest) {
  const db = readArchive(file).find((e) => e.kind === 'D');
  assert.ok(db, 'the archive holds a database');
  writeFileSync(dest, db.data);
}
