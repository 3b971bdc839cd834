/**
 * One HTTP round for a group of servers compared with each other: a fresh process
 * each, all started, checked and warmed up, then loaded in short bursts in turn.
 */
import type { TestIssuer } from '../../src/testing/index.js';
import { startServer, type ServerProcess } from './server-process.js';
import { settings } from './config.js';
import { median } from './median.js';
import { cpuTicks, load } from './load.js';

/** What one server did over all its bursts in a round. */
export interface ServerMeasure {
  requestsPerSec: number;
  /** Medians over the bursts of each burst's p50 and p99 latency. */
  p50Ms: number;
  p99Ms: number;
  /** The server's CPU time per request under load, from /proc (null where there is no /proc). */
  cpuMicrosPerRequest: number | null;
}

interface Tally {
  server: ServerProcess;
  requests: number;
  seconds: number;
  cpuTicks: number | null;
  p50s: number[];
  p99s: number[];
}

/**
 * Runs one round for `kinds` (see bench/http.ts; a kind may appear twice, as a noise control)
 * and answers, in the same order, each server's measure or why it cannot run here.
 *
 * Every server is a fresh process: a Node server's speed varies far more from one process to
 * the next than within one. The load comes in 1-second bursts, one server after the other,
 * the order reversed on every pass: the machine's own ups and downs during the round (other
 * tenants, the load generator's state) then fall on every server alike, where loading each
 * server for its whole share in one go had given whichever came later in a round less.
 */
export async function loadFreshGroup(kinds: readonly string[], issuer: TestIssuer, token: string): Promise<(ServerMeasure | { unavailable: string })[]> {
  const started = await Promise.all(kinds.map((kind) => startServer(kind, issuer)));
  const running = started.flatMap((result) => ('server' in result ? [result.server] : []));
  try {
    const tallies = new Map<number, Tally>();
    for (const [index, result] of started.entries()) {
      if (!('server' in result)) continue;
      const { url } = result.server;
      const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (check.status !== 200) throw new Error(`${kinds[index]} answered ${check.status}: ${await check.text()}`);
      await load(url, token, settings.httpWarmupSeconds);
      tallies.set(index, { server: result.server, requests: 0, seconds: 0, cpuTicks: 0, p50s: [], p99s: [] });
    }
    const order = [...tallies.keys()];
    for (let pass = 0; pass < settings.httpSeconds; pass++) {
      for (const index of pass % 2 === 0 ? order : [...order].reverse()) {
        const tally = tallies.get(index)!;
        const before = cpuTicks(tally.server.pid);
        const result = await load(tally.server.url, token, 1);
        const after = cpuTicks(tally.server.pid);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${kinds[index]}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        tally.requests += result.requests.total;
        tally.seconds += result.duration;
        tally.cpuTicks = before === null || after === null || tally.cpuTicks === null ? null : tally.cpuTicks + after - before;
        tally.p50s.push(result.latency.p50);
        tally.p99s.push(result.latency.p99);
      }
    }
    return started.map((result, index) => {
      if (!('server' in result)) return result;
      const tally = tallies.get(index)!;
      return {
        requestsPerSec: tally.requests / tally.seconds,
        p50Ms: median(tally.p50s)!,
        p99Ms: median(tally.p99s)!,
        cpuMicrosPerRequest: tally.cpuTicks === null ? null : (tally.cpuTicks * 10_000) / tally.requests,
      };
    });
  } finally {
    await Promise.all(running.map((server) => server.stop()));
  }
}

/**
 * The order of a group's servers in round `round`: as listed in even rounds, reversed in odd
 * ones, so that no server is always warmed up or loaded first.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}
