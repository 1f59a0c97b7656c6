// Test harness: a throwaway shegong server per test file, and small HTTP helpers.
// Every server gets its own temporary data directory and a free port on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

export const BIN = process.env.SHEGONG_BIN || new URL('../../../build/shegong-test', import.meta.url).pathname;
export const SANITIZED = process.env.SHEGONG_SANITIZED === '1';

/** Set when the suite runs on PostgreSQL (make test-api-pg): a throwaway cluster's URL.
 * Each Server then gets its own database in it; s.sqlite() runs its SQL there with psql,
 * answering in sqlite3's list format (columns joined by '|'). */
export const PG_URL = process.env.SHEGONG_TEST_PG_URL || '';
export const PG = PG_URL !== '';
const PSQL = '/usr/lib/postgresql/15/bin/psql';
const databases = new Map(); // data dir -> its PostgreSQL database URL

function pgDatabase(dir) {
  const name = 'shegong_' + dir.replace(/[^a-zA-Z0-9]/g, '').slice(-12).toLowerCase();
  const r = spawnSync(PSQL, ['-X', '-q', '-d', PG_URL, '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `create database ${name}: ${r.stderr}`);
  const url = new URL(PG_URL);
  url.pathname = '/' + name;
  databases.set(dir, url.toString());
  return url.toString();
}

/** The environment that points shegong at dir's database (SQLite file or PostgreSQL). */
export function dbEnv(dir) {
  return { SHEGONG_DATA_DIR: dir, SHEGONG_DB: databases.get(dir) || `sqlite:${dir}/shegong.db` };
}

/** A password that satisfies the policy. */
export const PASSWORD = 'Shegong-Test-2026';

/** TOTP parameters the server uses (RFC 6238 defaults). */
export const TOTP_STEP = 30;

/** Decodes RFC 4648 base32 (no padding needed, case-insensitive) into a Buffer. */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of text.replace(/[=\s-]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${text}`);
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The TOTP code (HMAC-SHA-1, dynamic truncation) of a base32 secret for time step `step`,
 * computed independently of the server's C code. */
export function totpCode(secret, step, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Runs the shegong CLI against dir's database; returns {status, stdout, stderr}.
 * env is added to the environment; a command still running after 60 s is killed (`demo`
 * registers and moves several hundred petitions through the engine). */
export function cli(dir, args, input, env = {}) {
  const r = spawnSync(BIN, args, {
    input: input ?? '',
    encoding: 'utf8',
    timeout: SANITIZED ? 180000 : 60000,
    env: { ...process.env, ...dbEnv(dir), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Runs SQL on dir's database with the sqlite3 command; returns {status, stdout, stderr}.
 * It waits up to 10 s for the write lock: a server just started runs its background jobs
 * at once, and a write arriving then would otherwise fail with "database is locked". */
export function sqlite(dir, sql) {
  const given = databases.get(dir);
  const url = given && !given.startsWith('sqlite:') ? given : '';
  const file = given?.startsWith('sqlite:') ? given.slice(7) : join(dir, 'shegong.db');
  const r = url
    ? spawnSync(PSQL, ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
      { encoding: 'utf8', timeout: 10000 })
    : spawnSync('sqlite3', ['-cmd', '.timeout 10000', file, sql], { encoding: 'utf8', timeout: 15000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Sends raw bytes to 127.0.0.1:port and reads until the peer closes (or timeoutMs).
 * Returns {status, head, body} when an HTTP answer came, {error} when the connection failed. */
export function rawHttp(port, data, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    const sock = connect(port, '127.0.0.1');
    const done = (extra) => {
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (m) {
        const at = text.indexOf('\r\n\r\n');
        resolve({ status: Number(m[1]), head: text.slice(0, at), body: text.slice(at + 4) });
      } else resolve({ error: extra || 'no answer', text });
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (e) => done(e.code || e.message));
    sock.on('end', () => done());
  });
}

/** Creates a user with a role at a region through the CLI. */
export function addUser(dir, name, role, region, password = PASSWORD) {
  const r = cli(dir, ['user', 'add', name, '--role', role, '--region', region, '--password-stdin'], password + '\n');
  assert.equal(r.status, 0, `user add ${name}: ${r.stderr}`);
}

/** Opens a kept-alive HTTP/1.1 connection to 127.0.0.1:port. send(text) writes one raw
 * request and resolves with the answer {status, head, body}, or {error} when the
 * connection ends without one. */
export function openConnection(port) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let waiter = null;
    let ended = null;
    const answer = (res) => {
      const w = waiter;
      waiter = null;
      if (w) w(res);
    };
    const parse = () => {
      const at = buf.indexOf('\r\n\r\n');
      if (!waiter || at < 0) return;
      const head = buf.subarray(0, at).toString();
      const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < at + 4 + len) return;
      const body = buf.subarray(at + 4, at + 4 + len).toString();
      buf = buf.subarray(at + 4 + len);
      answer({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]), head, body });
    };
    const end = (why) => {
      ended = ended || why;
      answer({ error: ended });
    };
    sock.on('data', (d) => { buf = Buffer.concat([buf, d]); parse(); });
    sock.on('error', (e) => { end(e.code || e.message); reject(e); });
    sock.on('close', () => end('closed without an answer'));
    sock.on('connect', () => resolve({
      send(text) {
        return new Promise((res) => {
          if (ended) return res({ error: ended });
          waiter = res;
          sock.write(text);
        });
      },
      close() { sock.destroy(); },
    }));
  });
}

export class Server {
  /** db: a database URL (postgres://… or sqlite:PATH) to serve instead of a fresh one of
   * its own; dir: an existing data directory (key file, attachments) to share, as several
   * servers on shared storage do. cleanup() removes neither. */
  constructor({ db, dir } = {}) {
    this.dir = dir || mkdtempSync(join(tmpdir(), 'shegong-test-'));
    this.sharedDir = Boolean(dir);
    if (db) databases.set(this.dir, db);
    else if (PG) this.dbUrl = pgDatabase(this.dir);
    this.log = '';
    this.clockOffset = 0; // seconds the server's clock was moved (s.advance)
    this.totp = new Map(); // username -> {secret, last (step used last), recoveryCodes}
  }

  /** Starts `shegong serve --test-mode` (without --test-mode when testMode is false);
   * args and env are added. */
  async start({ args = [], env = {}, testMode = true } = {}) {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.testMode = testMode;
    this.clockOffset = 0; // a new process starts with the real clock
    const mode = testMode ? ['--test-mode'] : [];
    this.proc = spawn(BIN, ['serve', ...mode, '--port', String(this.port), ...args], {
      env: {
        ...process.env,
        ...dbEnv(this.dir),
        SHEGONG_LOGIN_RATE: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout.on('data', (d) => { this.log += d; });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + (SANITIZED ? 30000 : 10000);
    for (;;) {
      try {
        const r = await fetch(`${this.base}/healthz`);
        if (r.status === 200) return this;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) throw new Error(`server did not start:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM, then waits; returns {code, signal}. */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return this.exited;
    await this.recordRoutes();
    this.proc.kill('SIGTERM');
    const res = await this.exited;
    assert.equal(res.code, 0, `server exit ${JSON.stringify(res)}; log:\n${this.log.slice(-4000)}`);
    return res;
  }

  /** Appends the routes this server answered to SHEGONG_ROUTE_LOG (see coverage.mjs). */
  async recordRoutes() {
    const log = process.env.SHEGONG_ROUTE_LOG;
    if (!log) return;
    try {
      const r = await fetch(`${this.base}/metrics`);
      const text = await r.text();
      const seen = new Set();
      for (const m of text.matchAll(/^shegong_http_requests_total\{method="([A-Z]+)",route="([^"]+)"/gm))
        if (m[2] !== '(unmatched)') seen.add(`${m[1]} ${m[2]}`);
      appendFileSync(log, [...seen].map((l) => l + '\n').join(''));
    } catch { /* a server that cannot answer fails its own tests */ }
  }

  /** In a PostgreSQL run, keeps this server on a SQLite file (to compare the two). */
  useSqlite() {
    if (!this.dbUrl) return;
    const name = new URL(this.dbUrl).pathname.slice(1);
    spawnSync(PSQL, ['-X', '-q', '-d', PG_URL, '-c', `DROP DATABASE IF EXISTS ${name}`]);
    databases.delete(this.dir);
    this.dbUrl = undefined;
  }

  cleanup() {
    if (!this.sharedDir) rmSync(this.dir, { recursive: true, force: true });
    if (this.dbUrl) {
      const name = new URL(this.dbUrl).pathname.slice(1);
      spawnSync(PSQL, ['-X', '-q', '-d', PG_URL, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
      databases.delete(this.dir);
    }
  }

  cli(args, input, env) { return cli(this.dir, args, input, env); }
  sqlite(sql) { return sqlite(this.dir, sql); }
  addUser(name, role, region, password) { return addUser(this.dir, name, role, region, password); }

  /** Raw request: returns {status, headers, body (parsed JSON or text), text}. */
  async request(method, path, { body, headers = {}, raw } = {}) {
    const init = { method, headers: { ...headers } };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      if (!Object.keys(init.headers).some((h) => h.toLowerCase() === 'content-type'))
        init.headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(this.base + path, init);
    const text = await r.text();
    let parsed = text;
    if ((r.headers.get('content-type') || '').startsWith('application/json') && text) parsed = JSON.parse(text);
    return { status: r.status, headers: r.headers, body: parsed, text };
  }

  /** Logs in; returns a Session. Asserts success. When the account has or needs a second
   * factor, follows it like the console does: enrols an authenticator on the first login
   * (remembering its secret and recovery codes per username), then answers with computed
   * TOTP codes. */
  async login(username, password = PASSWORD) {
    // a clock moved on after the challenge could outrun it: make a fresh step ready first
    if (this.totp.has(username)) await this.totpReady(username);
    const r = await this.request('POST', '/api/v1/auth/login', { body: { username, password } });
    assert.equal(r.status, 200, `login ${username}: ${r.text}`);
    const fin = r.body.second_factor_required ? await this.secondFactor(username, r.body) : r;
    return this.sessionOf(fin);
  }

  /** The Session a completed login answer opened. */
  sessionOf(r) {
    const cookie = r.headers.get('set-cookie').split(';')[0];
    return new Session(this, cookie, r.body.csrf, r.body.user);
  }

  /** Finishes a login that stopped at {second_factor_required, enrolled, challenge};
   * returns the final answer (asserted 200). */
  async secondFactor(username, state) {
    const { challenge } = state;
    if (!state.enrolled) {
      const en = await this.request('POST', '/api/v1/auth/totp/enroll', { body: { challenge } });
      assert.equal(en.status, 200, `enrol ${username}: ${en.text}`);
      this.totp.set(username, { secret: en.body.secret, last: 0, recoveryCodes: [] });
      const code = await this.totpNext(username);
      const done = await this.request('POST', '/api/v1/auth/totp/confirm', { body: { challenge, code } });
      assert.equal(done.status, 200, `confirm ${username}: ${done.text}`);
      this.totp.get(username).recoveryCodes = done.body.recovery_codes;
      return done;
    }
    assert.ok(this.totp.has(username), `${username} has an authenticator this harness did not enrol`);
    const code = await this.totpNext(username);
    const done = await this.request('POST', '/api/v1/auth/login/totp', { body: { challenge, code } });
    assert.equal(done.status, 200, `second factor ${username}: ${done.text}`);
    return done;
  }

  /** The server's clock (Unix seconds, with the test offset). */
  serverNow() { return Date.now() / 1000 + this.clockOffset; }

  /** The current TOTP step on the server's clock. */
  totpStep() { return Math.floor(this.serverNow() / TOTP_STEP); }

  /** Makes sure username has an unused step within the server's window (now or now + 1),
   * moving the server's clock on (test mode) or waiting; returns its authenticator. */
  async totpReady(username) {
    const t = this.totp.get(username);
    assert.ok(t, `no authenticator for ${username}`);
    const now = this.totpStep();
    if (t.last >= now + 1) {
      const steps = t.last - now; // then the next step is the new now + 1
      if (this.testMode) await this.advance(steps * TOTP_STEP);
      else await new Promise((r) => setTimeout(r, (t.last * TOTP_STEP - this.serverNow()) * 1000 + 50));
    }
    return t;
  }

  /** A TOTP code for username that the server has not seen yet: the current step, else the
   * next one (the server accepts ±1 step); when both are used (or the clock was moved back
   * by a restart), moves the clock on (test mode) or waits. Records the step as used. */
  async totpNext(username) {
    const t = await this.totpReady(username);
    const step = Math.max(this.totpStep(), t.last + 1);
    t.last = step;
    return totpCode(t.secret, step);
  }

  /** A client that authenticates with an API token (no cookie, no CSRF header). */
  bearer(token) { return new TokenClient(this, token); }

  /** The access-log lines (parsed) written so far. */
  accessLog() {
    const out = [];
    for (const line of this.log.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const j = JSON.parse(line);
        if (j.kind === 'access') out.push(j);
      } catch { /* a line still being written */ }
    }
    return out;
  }

  /** Waits until the access log has a line for requestId; returns it. */
  async accessLine(requestId, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.accessLog().find((l) => l.request_id === requestId);
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`no access-log line for ${requestId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Moves the server's clock forward. */
  async advance(seconds) {
    const r = await this.request('POST', '/api/v1/test/clock', { body: { advance_seconds: seconds } });
    assert.equal(r.status, 200, r.text);
    this.clockOffset += seconds;
  }
}

export class Session {
  constructor(server, cookie, csrf, user) {
    this.server = server;
    this.cookie = cookie;
    this.csrf = csrf;
    this.user = user;
  }

  /** Request with the session cookie and, on writes, the CSRF header. */
  request(method, path, opts = {}) {
    const headers = { Cookie: this.cookie, ...(opts.headers || {}) };
    if (method !== 'GET' && method !== 'HEAD' && opts.csrf !== false) headers['X-CSRF-Token'] = this.csrf;
    return this.server.request(method, path, { ...opts, headers });
  }
  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.request('DELETE', path, opts); }
}

export class TokenClient {
  constructor(server, token) {
    this.server = server;
    this.token = token;
  }

  request(method, path, opts = {}) {
    const headers = { Authorization: `Bearer ${this.token}`, ...(opts.headers || {}) };
    return this.server.request(method, path, { ...opts, headers });
  }
  get(path, opts) { return this.request('GET', path, opts); }
  post(path, body, opts = {}) { return this.request('POST', path, { ...opts, body }); }
  patch(path, body, opts = {}) { return this.request('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.request('DELETE', path, opts); }
}

/** Asserts an invalid (400) answer whose details are exactly [[field, code], ...] in order. */
export function assertInvalid(res, expected, status = 400, code = 'invalid') {
  const err = assertError(res, status, code);
  assert.deepEqual(err.details.map((d) => [d.field, d.code]), expected, res.text);
  for (const d of err.details) assert.match(d.message, /[\u4e00-\u9fff]/, 'detail message should be Chinese');
  return err;
}

/** Asserts the error envelope: status, code, a Chinese message, a request id. */
export function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.equal(typeof res.body, 'object', `error body is not JSON: ${res.text}`);
  assert.equal(res.body.error.code, code, res.text);
  assert.match(res.body.error.message, /[\u4e00-\u9fff]/, 'message should be Chinese');
  assert.ok(Array.isArray(res.body.error.details));
  assert.match(res.body.request_id, /^[0-9a-zA-Z._-]+$/);
  return res.body.error;
}

/** Starts a server for a test file and returns it; stops and cleans up after. */
export async function withServer(t, opts) {
  const s = new Server();
  await s.start(opts);
  t.after(async () => {
    try { await s.stop(); } finally { s.cleanup(); }
  });
  return s;
}
