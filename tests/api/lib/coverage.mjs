// Fails when a registered route was never exercised by the API suite. Each test server
// appends the routes it answered (from /metrics) to SHEGONG_ROUTE_LOG when it stops.
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const log = process.env.SHEGONG_ROUTE_LOG;
const bin = process.env.SHEGONG_BIN;
if (!log || !existsSync(log)) {
  console.error('route coverage: no route log was written');
  process.exit(1);
}
const hit = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
const all = execFileSync(bin, ['routes'], { encoding: 'utf8' }).split('\n').filter(Boolean)
  .map((l) => l.split(' ').slice(0, 2).join(' '));
const missed = all.filter((r) => !hit.has(r));
if (missed.length) {
  console.error(`route coverage: ${missed.length} route(s) never exercised:\n  ${missed.join('\n  ')}`);
  process.exit(1);
}
console.log(`route coverage: all ${all.length} routes exercised`);
