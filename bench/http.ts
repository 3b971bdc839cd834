/**
 * Section 2: requests per second and p50/p99 latency under the same autocannon
 * load for a hello-world route behind each guard, each server in its own process.
 *
 * Every round starts a fresh process for each server (checked, warmed up, loaded,
 * stopped), in turn, in the listed order in even rounds and the reverse in odd ones (a server
 * loaded later in a round comes out slower). A Node server's speed varies from one process to the next
 * far more than from one round to the next (on the 2-core reference machine bare
 * Express processes ranged from 115 to 214 µs of CPU per request), so a single
 * process per server would lock one draw of that luck into the whole run. A row's
 * figures are those of its median round; its ratio to the bare framework is the
 * median of per-round ratios, each guarded server being loaded right after its
 * baseline in the same round.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { loadFreshServer, median, roundOrder } from './lib/fresh-server.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface HttpResult {
  kind: string;
  name: string;
  baseline: string | null;
  /** req/s of the median round; p50Ms and p99Ms are that round's. */
  requestsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** req/s of each round (a fresh server process each), in order. */
  rounds: number[];
  /** Median over rounds of this row's req/s divided by its baseline's in the same round. */
  ratioToBaseline: number | null;
  /** A second process of the bare framework (a noise control), not a contender. */
  control?: boolean;
  note?: string;
}

export const SERVERS: ReadonlyArray<{ kind: string; name: string; baseline: string | null; control?: boolean }> = [
  { kind: 'express', name: 'Express (bare)', baseline: null },
  { kind: 'express-sessionguard', name: 'Express + sessionguard (cached token)', baseline: 'express' },
  { kind: 'express-sessionguard-nocache', name: 'Express + sessionguard (cache off)', baseline: 'express' },
  { kind: 'express-oauth2-jwt-bearer', name: 'Express + express-oauth2-jwt-bearer', baseline: 'express' },
  { kind: 'express-jwt', name: 'Express + express-jwt + jwks-rsa', baseline: 'express' },
  { kind: 'express-clerk', name: 'Express + @clerk/express (jwtKey)', baseline: 'express' },
  { kind: 'koa', name: 'Koa (bare)', baseline: null },
  { kind: 'koa-sessionguard', name: 'Koa + sessionguard (cached token)', baseline: 'koa' },
  // Noise controls: the bare server again, in another process. Its ratio to the first shows how far
  // apart two identical servers measure on this machine; a smaller difference means nothing.
  { kind: 'express', name: 'Express (bare) again: noise control', baseline: 'express', control: true },
  { kind: 'koa', name: 'Koa (bare) again: noise control', baseline: 'koa', control: true },
];

/** The round whose req/s is the median of the row's rounds (the lower middle one for an even count). */
function medianRound(rounds: autocannon.Result[]): autocannon.Result | undefined {
  const sorted = [...rounds].sort((a, b) => a.requests.average - b.requests.average);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows: HttpResult[] = SERVERS.map((server) => ({ ...server, requestsPerSec: null, p50Ms: null, p99Ms: null, rounds: [], ratioToBaseline: null }));
  const results = new Map<HttpResult, autocannon.Result[]>(rows.map((row) => [row, []]));
  for (let round = 0; round < settings.httpRounds; round++) {
    for (const row of roundOrder(rows, round)) {
      if (row.note !== undefined) continue;
      const fresh = await loadFreshServer(row.kind, issuer, token);
      if ('unavailable' in fresh) {
        row.note = fresh.unavailable;
        console.log(`${row.name.padEnd(42)} not available: ${fresh.unavailable}`);
        continue;
      }
      row.rounds.push(fresh.result.requests.average);
      results.get(row)!.push(fresh.result);
    }
  }
  for (const row of rows) {
    const middle = medianRound(results.get(row)!);
    if (middle === undefined) continue;
    row.requestsPerSec = middle.requests.average;
    row.p50Ms = middle.latency.p50;
    row.p99Ms = middle.latency.p99;
  }
  for (const row of rows) {
    const base = rows.find((candidate) => candidate.kind === row.baseline && candidate.control !== true);
    if (base !== undefined && base.rounds.length === row.rounds.length && row.rounds.length > 0) {
      row.ratioToBaseline = median(row.rounds.map((value, round) => value / base.rounds[round]!));
    }
  }
  for (const row of rows) {
    if (row.requestsPerSec === null) continue;
    console.log(`${row.name.padEnd(42)} ${Math.round(row.requestsPerSec).toLocaleString('en').padStart(8)} req/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms`);
  }
  await issuer.close();
  writeFileSync(join(RESULTS_DIR, 'http.json'), JSON.stringify(rows, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
