/**
 * Section 2: requests per second and p50/p99 latency under the same autocannon
 * load for a hello-world route behind each guard, each server in its own process.
 *
 * Every round starts a fresh process for each server: a Node server's speed varies far
 * more from one process to the next than within one (on the 2-core reference machine
 * bare Express processes ranged from 115 to 214 µs of CPU per request), so one process
 * per server would lock a single draw of that luck into the whole run. Within a round,
 * the servers of one framework run side by side and take the load in 1-second bursts in
 * turn (see loadFreshGroup): loading each for its whole share in one go had let the
 * machine's drift during a round fall on whichever came later. A row's figures are those
 * of its median round; its ratio to the bare framework is the median of per-round ratios.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { loadFreshGroup, median, roundOrder, type ServerMeasure } from './lib/fresh-server.js';
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

/** The framework a server runs on: servers are compared within their framework's group. */
function groupOf(row: HttpResult): string {
  return row.kind.split('-')[0]!;
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows: HttpResult[] = SERVERS.map((server) => ({ ...server, requestsPerSec: null, p50Ms: null, p99Ms: null, rounds: [], ratioToBaseline: null }));
  const measures = new Map<HttpResult, ServerMeasure[]>(rows.map((row) => [row, []]));
  const groups = [...new Set(rows.map(groupOf))].map((group) => rows.filter((row) => groupOf(row) === group));
  for (let round = 0; round < settings.httpRounds; round++) {
    for (const group of groups) {
      const members = roundOrder(group, round).filter((row) => row.note === undefined);
      const results = await loadFreshGroup(members.map((row) => row.kind), issuer, token);
      for (const [index, result] of results.entries()) {
        const row = members[index]!;
        if ('unavailable' in result) {
          row.note = result.unavailable;
          console.log(`${row.name.padEnd(42)} not available: ${result.unavailable}`);
          continue;
        }
        row.rounds.push(result.requestsPerSec);
        measures.get(row)!.push(result);
      }
    }
  }
  for (const row of rows) {
    // The round whose req/s is the median of the row's rounds (the lower middle one for an even count).
    const sorted = [...measures.get(row)!].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
    const middle = sorted[Math.floor((sorted.length - 1) / 2)];
    if (middle === undefined) continue;
    row.requestsPerSec = middle.requestsPerSec;
    row.p50Ms = middle.p50Ms;
    row.p99Ms = middle.p99Ms;
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
