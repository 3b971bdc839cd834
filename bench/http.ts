/**
 * Section 2: requests per second and p50/p99 latency under the same autocannon
 * load for a hello-world route behind each guard, each server in its own process;
 * servers are loaded in turn for several rounds and each keeps its best round.
 * The ratio to the bare framework is the median of per-round ratios: each guarded
 * server is loaded right after its baseline in the same round, so both see the
 * same machine; best rounds of the two can come from different moments.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { startServer } from './lib/server-process.js';
import { RESULTS_DIR, settings } from './lib/config.js';

export interface HttpResult {
  kind: string;
  name: string;
  baseline: string | null;
  requestsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  /** req/s of each round, in order. */
  rounds: number[];
  /** Median over rounds of this row's req/s divided by its baseline's in the same round. */
  ratioToBaseline: number | null;
  note?: string;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const SERVERS: ReadonlyArray<{ kind: string; name: string; baseline: string | null }> = [
  { kind: 'express', name: 'Express (bare)', baseline: null },
  { kind: 'express-sessionguard', name: 'Express + sessionguard (cached token)', baseline: 'express' },
  { kind: 'express-sessionguard-nocache', name: 'Express + sessionguard (cache off)', baseline: 'express' },
  { kind: 'express-oauth2-jwt-bearer', name: 'Express + express-oauth2-jwt-bearer', baseline: 'express' },
  { kind: 'express-jwt', name: 'Express + express-jwt + jwks-rsa', baseline: 'express' },
  { kind: 'express-clerk', name: 'Express + @clerk/express (jwtKey)', baseline: 'express' },
  { kind: 'koa', name: 'Koa (bare)', baseline: null },
  { kind: 'koa-sessionguard', name: 'Koa + sessionguard (cached token)', baseline: 'koa' },
];

function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: settings.httpConnections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
}

async function main(): Promise<void> {
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows: HttpResult[] = SERVERS.map((server) => ({ ...server, requestsPerSec: null, p50Ms: null, p99Ms: null, rounds: [], ratioToBaseline: null }));
  // Every server runs from the start (idle when not under load); rounds go through them in turn.
  const running: { row: HttpResult; url: string; stop: () => Promise<void> }[] = [];
  try {
    for (const row of rows) {
      const started = await startServer(row.kind, issuer);
      if ('unavailable' in started) {
        row.note = started.unavailable;
        console.log(`${row.name.padEnd(42)} not available: ${started.unavailable}`);
        continue;
      }
      running.push({ row, ...started.server });
      const check = await fetch(started.server.url, { headers: { authorization: `Bearer ${token}` } });
      if (check.status !== 200) throw new Error(`${row.name} answered ${check.status}: ${await check.text()}`);
      await load(started.server.url, token, settings.httpWarmupSeconds);
    }
    for (let round = 0; round < settings.rounds; round++) {
      for (const { row, url } of running) {
        const result = await load(url, token, settings.httpSeconds);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${row.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        row.rounds.push(result.requests.average);
        if (result.requests.average > (row.requestsPerSec ?? 0)) {
          row.requestsPerSec = result.requests.average;
          row.p50Ms = result.latency.p50;
          row.p99Ms = result.latency.p99;
        }
      }
    }
  } finally {
    await Promise.all(running.map((server) => server.stop()));
  }
  for (const row of rows) {
    const base = rows.find((candidate) => candidate.kind === row.baseline);
    if (base !== undefined && base.rounds.length === row.rounds.length) {
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
