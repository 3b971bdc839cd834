/**
 * A closer look at one HTTP comparison: each round starts a fresh process per
 * server kind and loads it, and the output shows req/s and server CPU per
 * request (from /proc, Linux only) for every process, and how much they vary
 * between processes. Builds nothing: run `npx tsup` first.
 *
 *   BENCH_KINDS=koa,koa-sessionguard BENCH_HTTP_ROUNDS=8 npx tsx bench/process-cost.ts
 *
 * Kinds are those of bench/http-server.ts; the first is the baseline.
 */
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { loadFreshServer, median, roundOrder } from './lib/fresh-server.js';
import { settings } from './lib/config.js';

async function main(): Promise<void> {
  const kinds = (process.env.BENCH_KINDS ?? 'koa,koa-sessionguard').split(',');
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows = kinds.map((kind) => ({ kind, rps: [] as number[], cpuMicros: [] as (number | null)[] }));
  for (let round = 0; round < settings.httpRounds; round++) {
    for (const row of roundOrder(rows, round)) {
      const fresh = await loadFreshServer(row.kind, issuer, token);
      if ('unavailable' in fresh) throw new Error(`${row.kind}: ${fresh.unavailable}`);
      row.rps.push(fresh.result.requests.average);
      row.cpuMicros.push(fresh.cpuMicrosPerRequest);
    }
  }
  const base = rows[0]!;
  for (const row of rows) {
    const paired = median(row.rps.map((value, round) => value / base.rps[round]!))!;
    console.log(
      `${row.kind.padEnd(30)} req/s median ${Math.round(median(row.rps)!)} (paired ratio ${paired.toFixed(3)}, ratio of medians ${(median(row.rps)! / median(base.rps)!).toFixed(3)})`,
    );
    console.log(`${''.padEnd(30)} CPU µs per request, per process: ${row.cpuMicros.map((value) => (value === null ? 'n/a' : value.toFixed(0))).join(' ')}`);
  }
  await issuer.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
