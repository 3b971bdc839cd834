/**
 * A closer look at one HTTP comparison: each round starts a fresh process per
 * server kind, loads it, and reads its CPU time from /proc (Linux only), so the
 * output shows req/s and server CPU per request for every process, and how much
 * they vary between processes. Builds nothing: run `npx tsup` first.
 *
 *   BENCH_KINDS=koa,koa-sessionguard BENCH_HTTP_ROUNDS=8 npx tsx bench/process-cost.ts
 *
 * Kinds are those of bench/http-server.ts; the first is the baseline.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { createTestIssuer } from '../src/testing/index.js';
import { createMinter } from './lib/tokens.js';
import { startServer } from './lib/server-process.js';
import { settings } from './lib/config.js';

/** User plus system CPU time of a process, in clock ticks (1/100 s on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

async function main(): Promise<void> {
  const kinds = (process.env.BENCH_KINDS ?? 'koa,koa-sessionguard').split(',');
  const issuer = await createTestIssuer({ kind: 'workos', alg: 'RS256' });
  const token = createMinter(issuer).mint(1);
  const rows = kinds.map((kind) => ({ kind, rps: [] as number[], cpuMicros: [] as number[] }));
  for (let round = 0; round < settings.httpRounds; round++) {
    for (const row of rows) {
      const started = await startServer(row.kind, issuer);
      if ('unavailable' in started) throw new Error(`${row.kind}: ${started.unavailable}`);
      const { url, pid, stop } = started.server;
      const load = (seconds: number) => autocannon({ url, connections: settings.httpConnections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
      try {
        await load(settings.httpWarmupSeconds);
        const before = cpuTicks(pid);
        const result = await load(settings.httpSeconds);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${row.kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        row.rps.push(result.requests.average);
        row.cpuMicros.push(((cpuTicks(pid) - before) * 10_000) / result.requests.total);
      } finally {
        await stop();
      }
    }
  }
  const base = rows[0]!;
  for (const row of rows) {
    const paired = median(row.rps.map((value, round) => value / base.rps[round]!));
    console.log(
      `${row.kind.padEnd(30)} req/s median ${Math.round(median(row.rps))} (paired ratio ${paired.toFixed(3)}, ratio of medians ${(median(row.rps) / median(base.rps)).toFixed(3)})`,
    );
    console.log(`${''.padEnd(30)} CPU µs per request, per process: ${row.cpuMicros.map((value) => value.toFixed(0)).join(' ')}`);
  }
  await issuer.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
