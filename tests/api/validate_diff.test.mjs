// `shegong validate`: its command-line contract, and a differential test of the ID-number
// and credit-code validators against independent npm implementations (installed by
// `make deps`, used only here). Thousands of generated valid and corrupted values go
// through ONE process per kind on stdin; the verdicts must agree on everything the other
// implementation checks.
//
// - stdnum `cn.ric` checks length, digits, a real birth date not after today and the
//   MOD 11-2 check character, but not the province: compared on the whole verdict for
//   18-character inputs with a real province prefix and a birth year from 1900 on.
// - id-validator (without its old GB2260 table) checks only the check character and a
//   plausible month/day: compared on the check character wherever ours got that far.
// - stdnum `cn.uscc` wants digits in positions 1-8 and cannot express a check value of 0
//   (it looks up alphabet[31]): compared on the whole verdict for inputs it can judge;
//   the unit tests cover the rest (letters in 1-2, every check character).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, SANITIZED, cli } from './lib/server.mjs';

const require = createRequire(import.meta.url);
const IDValidator = require('id-validator');
const { stdnum } = require('stdnum');
const ric = stdnum.CN.ric;
const uscc = stdnum.CN.uscc;

// How many values of each kind; the subsets compared must each stay at 10,000 or more.
const N_ID = 12000;
const N_USCC = 16000;
const SEED = Number(process.env.VALIDATE_SEED || 20260115);

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'shegong-validate-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// mulberry32: a small seeded generator, so a failure can be replayed with VALIDATE_SEED.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
const pick = (xs) => xs[int(0, xs.length - 1)];
const pad = (n, w) => String(n).padStart(w, '0');

/** Runs one `shegong validate KIND` process over the values; returns its output lines. */
function validate(kind, values) {
  const r = spawnSync(BIN, ['validate', kind], {
    input: values.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: SANITIZED ? 120000 : 20000,
    env: { ...process.env, SHEGONG_DATA_DIR: dir },
  });
  assert.equal(r.signal, null, `validate ${kind} was killed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  assert.equal(lines.pop(), '', 'the output ends with a newline');
  assert.equal(lines.length, values.length, 'one output line per input line');
  assert.equal(r.status, lines.every((l) => l.startsWith('OK ')) ? 0 : 1);
  return lines.map((l) => {
    const f = l.split(' ');
    return f[0] === 'OK' ? { ok: true, value: f[1], rest: f.slice(2) } : { ok: false, code: f[1], text: f.slice(2).join(' ') };
  });
}

// ---- citizen ID numbers ----

const PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83];
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
// Generation only: the verdicts come from the packages.
const idCheck = (d17) => '10X98765432'[[...d17].reduce((s, c, i) => s + Number(c) * W[i], 0) % 11];

const now = new Date();
const ymd = (d) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
const shanghaiToday = ymd(new Date(Date.now() + 8 * 3600e3));
const daysFrom = (yyyymmdd, days) => {
  const t = Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8));
  return ymd(new Date(t + days * 86400e3));
};
// Dates within a day of today depend on the time zone each side uses: not compared.
const nearToday = new Set([-2, -1, 0, 1, 2].map((d) => daysFrom(shanghaiToday, d)));

function randomDate() {
  const lo = Date.UTC(1900, 0, 1);
  const hi = now.getTime() - 3 * 86400e3;
  return ymd(new Date(lo + Math.floor(rand() * (hi - lo))));
}
function body17({ province = pick(PROVINCES), date = randomDate() } = {}) {
  return `${pad(province, 2)}${pad(int(1, 40), 2)}${pad(int(1, 40), 2)}${date}${pad(int(0, 999), 3)}`;
}
const withCheck = (b) => b + idCheck(b);

function generateIds() {
  const out = [];
  const BAD_DATES = ['19900230', '19900231', '19000229', '20010229', '19900431', '19901301', '19900001', '19900100', '19901232', '19000001'];
  while (out.length < N_ID) {
    const kind = int(0, 9);
    const b = body17();
    if (kind <= 2) out.push(withCheck(b)); // valid
    else if (kind === 3) {
      // flipped check character
      const good = idCheck(b);
      out.push(b + pick([...'0123456789X'].filter((c) => c !== good)));
    } else if (kind === 4) {
      // one changed digit, the old check character kept
      const s = [...withCheck(b)];
      const i = int(0, 16);
      s[i] = String((Number(s[i]) + int(1, 9)) % 10);
      out.push(s.join(''));
    } else if (kind === 5) {
      // neighbours swapped
      const s = [...withCheck(b)];
      const i = int(0, 15);
      [s[i], s[i + 1]] = [s[i + 1], s[i]];
      out.push(s.join(''));
    } else if (kind === 6) {
      // an impossible date with a correct check character, or a leap day
      const date = pick([...BAD_DATES, '20000229', '19960229', '20240229']);
      out.push(withCheck(body17({ date })));
    } else if (kind === 7) {
      // lower-case x: search the sequence numbers for a check character of X
      let v;
      do v = withCheck(body17());
      while (!v.endsWith('X'));
      out.push(int(0, 1) ? v.toLowerCase() : v);
    } else if (kind === 8) {
      // a birth in the future (within 30 years), valid otherwise
      out.push(withCheck(body17({ date: daysFrom(shanghaiToday, int(3, 11000)) })));
    } else {
      // 15-digit legacy numbers: YYMMDD of 1900-1999
      const d = ymd(new Date(Date.UTC(1900, 0, 1) + Math.floor(rand() * 100 * 365.24 * 86400e3)));
      const s15 = `${pad(pick(PROVINCES), 2)}${pad(int(1, 40), 4)}${d.slice(2)}${pad(int(0, 999), 3)}`;
      out.push(int(0, 4) ? s15 : s15.slice(0, 8) + '3' + s15.slice(9)); // some with month 3x
    }
  }
  return out;
}

test('differential: citizen ID numbers against stdnum cn.ric and id-validator', (t) => {
  const ids = generateIds();
  const ours = validate('idcard', ids);
  const idv = new IDValidator(); // no GB2260 table: it would refuse newer counties
  const stats = { ric: 0, idv: 0, converted: 0, valid: 0, lower: 0 };
  const disagreements = [];
  const disagree = (what, id, got) => disagreements.length < 20 && disagreements.push(`${what}: ${id} → ${JSON.stringify(got)}`);

  ids.forEach((id, i) => {
    const got = ours[i];
    const upper = id.toUpperCase();
    if (got.ok) stats.valid++;
    if (id.length === 18) {
      if (/x$/.test(id)) stats.lower++;
      if (got.ok && got.value !== upper) disagree('normalised', id, got);
      const year = Number(id.slice(6, 10));
      const comparable = PROVINCES.includes(Number(id.slice(0, 2))) && year >= 1900 && !nearToday.has(id.slice(6, 14));
      // stdnum ric: the whole verdict
      if (comparable) {
        stats.ric++;
        if (ric.validate(upper).isValid !== got.ok) disagree('stdnum ric', id, got);
      }
      // id-validator: the check character, wherever ours judged it
      const mm = Number(id.slice(10, 12));
      const dd = Number(id.slice(12, 14));
      const plausible = mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
      if (comparable && plausible && (got.ok || got.code === 'idcard_check')) {
        stats.idv++;
        if (idv.isValid(id) !== got.ok) disagree('id-validator', id, got);
      }
    } else if (id.length === 15) {
      // converted numbers: both packages must accept what we made of them
      if (got.ok) {
        stats.converted++;
        if (got.value.slice(0, 17) !== id.slice(0, 6) + '19' + id.slice(6)) disagree('conversion', id, got);
        if (!ric.validate(got.value).isValid || !idv.isValid(got.value)) disagree('converted check', id, got);
      } else if (ric.validate(withCheck(id.slice(0, 6) + '19' + id.slice(6))).isValid) {
        disagree('15-digit refused', id, got);
      }
    }
  });
  assert.deepEqual(disagreements, [], `seed ${SEED}`);
  assert.ok(stats.ric >= 10000, `compared with stdnum: ${stats.ric}`);
  assert.ok(stats.idv >= 5000, `compared with id-validator: ${stats.idv}`);
  t.diagnostic(`${ids.length} ID numbers: ${JSON.stringify(stats)}`);
  assert.ok(stats.valid > 3000 && stats.valid < N_ID - 3000, `valid: ${stats.valid}`);
  assert.ok(stats.converted > 500 && stats.lower > 200, JSON.stringify(stats));
});

// ---- unified social credit codes ----

const SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const UW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const usccCheck = (c17) => SET[(31 - ([...c17].reduce((s, c, i) => s + SET.indexOf(c) * UW[i], 0) % 31)) % 31];
const PAIRS = ['11', '12', '13', '19', '51', '52', '53', '59', '91', '92', '93', '31', '71', '81', '94', '99', 'A1', 'N1', 'Y1'];

function usccBody() {
  let s = pick(PAIRS) + pad(int(110000, 659999), 6);
  for (let i = 0; i < 9; i++) s += SET[int(0, 30)];
  return s;
}

function generateUsccs() {
  const out = [];
  while (out.length < N_USCC) {
    const kind = int(0, 7);
    const b = usccBody();
    const good = b + usccCheck(b);
    if (kind <= 2) out.push(good);
    else if (kind === 3) out.push(b + pick([...SET].filter((c) => c !== usccCheck(b))));
    else if (kind === 4) {
      // one changed character
      const s = [...good];
      const i = int(0, 16);
      s[i] = i >= 2 && i < 8 ? String((Number(s[i]) + int(1, 9)) % 10) : pick([...SET].filter((c) => c !== s[i]));
      out.push(s.join(''));
    } else if (kind === 5) {
      // a forbidden letter, anywhere
      const s = [...good];
      s[int(0, 17)] = pick([...'IOSVZ']);
      out.push(s.join(''));
    } else if (kind === 6) out.push(good.toLowerCase());
    else {
      // a letter among the region digits
      const s = [...good];
      s[int(2, 7)] = pick([...'ABCXY']);
      out.push(s.join(''));
    }
  }
  return out;
}

test('differential: unified social credit codes against stdnum cn.uscc', (t) => {
  const codes = generateUsccs();
  const ours = validate('uscc', codes);
  let compared = 0;
  let valid = 0;
  const disagreements = [];
  codes.forEach((code, i) => {
    const got = ours[i];
    const upper = code.toUpperCase();
    if (got.ok) {
      valid++;
      if (got.value !== upper) disagreements.push(`normalised: ${code} → ${got.value}`);
      if (got.rest.length === 0) disagreements.push(`no category: ${code}`);
    }
    if (/^\d{8}/.test(upper) && !upper.endsWith('0')) {
      compared++;
      if (uscc.validate(upper).isValid !== got.ok) disagreements.push(`stdnum uscc: ${code} → ${JSON.stringify(got)}`);
    }
  });
  assert.deepEqual(disagreements.slice(0, 20), [], `seed ${SEED}`);
  assert.ok(compared >= 10000, `compared with stdnum: ${compared}`);
  t.diagnostic(`${codes.length} credit codes: ${valid} valid, ${compared} compared with stdnum`);
  assert.ok(valid > 3000 && valid < N_USCC - 3000, `valid: ${valid}`);
});

// ---- the command-line contract ----

test('`shegong validate` answers one line per value, exit 0 / 1 / 2', () => {
  const ok = cli(dir, ['validate', 'idcard', '11010519491231002x', '110105491231002']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, 'OK 11010519491231002X\nOK 11010519491231002X\n');

  const mixed = cli(dir, ['validate', 'idcard'], '11010519491231002X\r\n\n11010519491231002Y\n' + '1'.repeat(5000) + '\n11010519491231001X');
  assert.equal(mixed.status, 1);
  assert.deepEqual(mixed.stdout.split('\n'), [
    'OK 11010519491231002X',
    'ERR required 身份证号码不能为空',
    'ERR idcard_chars 身份证号码只能由数字组成，18位号码的最后一位可以是X',
    'ERR idcard_length 身份证号码应为18位（或15位旧号码）',
    'ERR idcard_check 身份证号码的校验码（最后一位）不正确',
    '',
  ]);

  const org = cli(dir, ['validate', 'uscc', '51110000MJ0000000X', '91350100M000100Y43', '99110105MA00000019']);
  assert.equal(org.status, 1);
  const [bad, known, unknown] = org.stdout.trim().split('\n');
  assert.match(bad, /^ERR uscc_check /);
  assert.equal(known, 'OK 91350100M000100Y43 企业');
  assert.match(unknown, /^OK 99110105MA00000019 WARN uscc_unknown_kind \S+/);

  const phone = cli(dir, ['validate', 'phone'], '+86 138-1234-5678\n0755-1234567\n12345\n');
  assert.equal(phone.status, 1);
  assert.equal(phone.stdout, 'OK 13812345678\nOK 0755-1234567\nERR phone_invalid 电话号码不是有效的手机号码或固定电话号码\n');

  const region = cli(dir, ['validate', 'region', '110105000000', '110005001000']);
  assert.equal(region.status, 1, region.stderr);
  assert.match(region.stdout, /^ERR region_not_found \S+\nERR invalid_region \S+\n$/);

  for (const args of [['validate'], ['validate', 'passport', '123'], ['validate', 'idcard', '--frob']]) {
    const r = cli(dir, args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
  }
  const help = cli(dir, ['validate', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: shegong validate KIND/);
  assert.equal(cli(dir, ['validate', 'uscc', '--help']).status, 0);
});
