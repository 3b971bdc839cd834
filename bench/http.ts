/**
 * Section 2: requests per second and p50/p99 latency under the same autocannon
 * load for a hello-world route behind each guard, each server in its own process.
 *
 * Every round starts a fresh process for each server: a Node server's speed varies far
 * more from one process to the next than within one (on the 2-core reference machine two
 * bare Express processes of one round measured from 0.77× to 1.45× of each other), so one process per server
 * would lock a single draw of that luck into the whole run. The rows of the cached-path targets
 * (the bare frameworks and sessionguard's cached path) run two processes each per round and
 * count their mean, which halves that luck's weight (bench/paired.ts measures those comparisons
 * more tightly, and the report reads the targets from it when it ran); the two bare processes' ratio is the
 * noise control. Within a round, the servers of one framework run side by side and take the
 * load in 1-second bursts in turn (see loadFreshGroup): loading each for its whole share in
 * one go had let the machine's drift during a round fall on whichever came later. A row's
 * figures are those of its median round; its ratio to the bare framework is the median of
 * per-round ratios.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { loadFreshGroup, roundOrder, type ServerMeasure } from './lib/fresh-server.js';
import { median } from './lib/median.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface HttpResult {
  kind: string;
  name: string;
  baseline: string | null;
  /** req/s of the median round; p50Ms and p99Ms are that round's. */
  requestsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** req/s of each round (a fresh server process each; the mean of its processes for a row with two), in order. */
  rounds: number[];
  /** For a row with two processes: each process's req/s, round by round. */
  processRounds?: number[][];
  /** Median over rounds of this row's req/s divided by its baseline's in the same round. */
  ratioToBaseline: number | null;
  /** A reference row, not a contender: what the framework costs with a middleware that only sets the principal. */
  reference?: boolean;
  note?: string;
}

interface ServerRow {
  kind: string;
  name: string;
  baseline: string | null;
  /** Processes per round (default 1). */
  processes?: 2;
  reference?: boolean;
}

export const SERVERS: readonly ServerRow[] = [
  { kind: 'express', name: 'Express (bare)', baseline: null, processes: 2 },
  { kind: 'express-sessionguard', name: 'Express + sessionguard (cached token)', baseline: 'express', processes: 2 },
  {
    kind: 'express-sessionguard-declared',
    name: 'Express + sessionguard (cached token, SessionIncomingMessage)',
    baseline: 'express',
    processes: 2,
  },
  { kind: 'express-sessionguard-nocache', name: 'Express + sessionguard (cache off)', baseline: 'express' },
  { kind: 'express-oauth2-jwt-bearer', name: 'Express + express-oauth2-jwt-bearer', baseline: 'express' },
  { kind: 'express-jwt', name: 'Express + express-jwt + jwks-rsa', baseline: 'express' },
  { kind: 'express-clerk', name: 'Express + @clerk/express (jwtKey)', baseline: 'express' },
  // The floor of the req.auth convention: Express gives every request a new prototype, so any
  // middleware that adds req.auth pays for a new hidden class (README: "Express: declare req.auth up front").
  { kind: 'express-set-auth', name: 'Express + a middleware that only sets req.auth (reference)', baseline: 'express', reference: true },
  { kind: 'koa', name: 'Koa (bare)', baseline: null, processes: 2 },
  { kind: 'koa-sessionguard', name: 'Koa + sessionguard (cached token)', baseline: 'koa', processes: 2 },
  { kind: 'koa-set-auth', name: 'Koa + a middleware that only sets ctx.state.auth (reference)', baseline: 'koa', reference: true },
];

/** The framework a server kind runs on (its first part: `express-jwt` is an Express server); servers are compared within it. */
function frameworkOf(kind: string): string {
  return kind.split('-')[0]!;
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows: HttpResult[] = SERVERS.map(({ processes, ...server }) => ({
    ...server,
    requestsPerSec: null,
    p50Ms: null,
    p99Ms: null,
    rounds: [],
    ...(processes === 2 ? { processRounds: [[], []] } : {}),
    ratioToBaseline: null,
  }));
  const measures = new Map<HttpResult, ServerMeasure[]>(rows.map((row) => [row, []]));
  const groups = [...new Set(rows.map((row) => frameworkOf(row.kind)))].map((group) => rows.filter((row) => frameworkOf(row.kind) === group));
  for (let round = 0; round < settings.httpRounds; round++) {
    for (const group of groups) {
      const members = group.filter((row) => row.note === undefined);
      // One slot per process: the second processes after all the first ones, so a row's two are never next to each other in the order.
      const slots = roundOrder([...members.map((row) => ({ row, process: 0 })), ...members.filter((row) => row.processRounds !== undefined).map((row) => ({ row, process: 1 }))], round);
      const results = await loadFreshGroup(slots.map((slot) => slot.row.kind), issuer, token);
      const perRow = new Map<HttpResult, ServerMeasure[]>();
      for (const [index, result] of results.entries()) {
        const { row, process } = slots[index]!;
        if ('unavailable' in result) {
          row.note = result.unavailable;
          console.log(`${row.name.padEnd(42)} not available: ${result.unavailable}`);
          continue;
        }
        row.processRounds?.[process]!.push(result.requestsPerSec);
        perRow.set(row, [...(perRow.get(row) ?? []), result]);
      }
      for (const [row, results] of perRow) {
        if (row.note !== undefined) continue;
        const mean = (pick: (measure: ServerMeasure) => number): number => results.reduce((sum, measure) => sum + pick(measure), 0) / results.length;
        const pooled: ServerMeasure = { requestsPerSec: mean((m) => m.requestsPerSec), p50Ms: mean((m) => m.p50Ms), p99Ms: mean((m) => m.p99Ms), cpuMicrosPerRequest: null };
        row.rounds.push(pooled.requestsPerSec);
        measures.get(row)!.push(pooled);
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
    const base = rows.find((candidate) => candidate.kind === row.baseline);
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
