/**
 * A closer look at one HTTP comparison: each round starts a fresh process per
 * server kind and loads them in turn (as bench/http.ts does), and the output shows req/s and server CPU per
 * request (from /proc, Linux only) for every process, and how much they vary
 * between processes. Builds nothing: run `npx tsup` first.
 *
 *   BENCH_KINDS=koa,koa-sessionguard BENCH_HTTP_ROUNDS=8 npx tsx bench/process-cost.ts
 *
 * Kinds are those of bench/http-server.ts; the first is the baseline. List a kind more than once
 * to run that many processes of it per round: the output then also compares kinds pooled (see
 * lib/pooled.ts). BENCH_SERVER_NODE_ARGS passes flags to the server processes, for example
 * `BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles"` for a CPU profile of each server under load.
 */
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { loadFreshGroup, roundOrder } from './lib/fresh-server.js';
import { median } from './lib/median.js';
import { pooledRatio } from './lib/pooled.js';
import { settings } from './lib/config.js';

async function main(): Promise<void> {
  const kinds = (process.env.BENCH_KINDS ?? 'koa,koa-sessionguard').split(',');
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows = kinds.map((kind) => ({ kind, rps: [] as number[], cpuMicros: [] as (number | null)[] }));
  for (let round = 0; round < settings.httpRounds; round++) {
    const members = roundOrder(rows, round);
    const results = await loadFreshGroup(members.map((row) => row.kind), issuer, token);
    for (const [index, result] of results.entries()) {
      if ('unavailable' in result) throw new Error(`${members[index]!.kind}: ${result.unavailable}`);
      members[index]!.rps.push(result.requestsPerSec);
      members[index]!.cpuMicros.push(result.cpuMicrosPerRequest);
    }
  }
  const base = rows[0]!;
  for (const row of rows) {
    const paired = median(row.rps.map((value, round) => value / base.rps[round]!))!;
    console.log(
      `${row.kind.padEnd(30)} req/s median ${Math.round(median(row.rps)!)} (paired ratio ${paired.toFixed(3)}, ratio of medians ${(median(row.rps)! / median(base.rps)!).toFixed(3)})`,
    );
    console.log(`${''.padEnd(30)} req/s, per process: ${row.rps.map((value) => value.toFixed(0)).join(' ')}`);
    console.log(`${''.padEnd(30)} CPU µs per request, per process: ${row.cpuMicros.map((value) => (value === null ? 'n/a' : value.toFixed(0))).join(' ')}`);
  }
  // A kind listed more than once runs that many processes per round: compare them pooled.
  const kindNames = [...new Set(kinds)];
  if (kindNames.length < kinds.length) {
    const seriesOf = (kind: string) => rows.filter((row) => row.kind === kind).map((row) => row.rps);
    console.log(`\npooled against ${base.kind} (per round, the mean req/s of each kind's processes):`);
    for (const kind of kindNames) {
      const pooled = pooledRatio(seriesOf(kind), seriesOf(base.kind));
      console.log(
        `${kind.padEnd(30)} median ${pooled.median.toFixed(3)} (95% interval ${pooled.interval.map((value) => value.toFixed(3)).join(' to ')}), all rounds ${pooled.overall.toFixed(3)}; per round ${pooled.perRound.map((value) => value.toFixed(2)).join(' ')}`,
      );
    }
  }
  await issuer.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
