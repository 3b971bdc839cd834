/** One HTTP round on a fresh server process: start it, check it answers 200, warm it up, load it, stop it. */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { TestIssuer } from '../../src/testing/index.js';
import { startServer } from './server-process.js';
import { settings } from './config.js';

export interface FreshRound {
  result: autocannon.Result;
  /** The server's CPU time per request during the measured load, from /proc (null where there is no /proc). */
  cpuMicrosPerRequest: number | null;
}

/** User plus system CPU time of a process in clock ticks (1/100 s on Linux), or null without /proc. */
function cpuTicks(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: settings.httpConnections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
}

/** Runs one round against a new process of `kind` (see bench/http-server.ts); throws on any non-2xx answer. */
export async function loadFreshServer(kind: string, issuer: TestIssuer, token: string): Promise<FreshRound | { unavailable: string }> {
  const started = await startServer(kind, issuer);
  if ('unavailable' in started) return started;
  const { url, pid, stop } = started.server;
  try {
    const check = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`${kind} answered ${check.status}: ${await check.text()}`);
    await load(url, token, settings.httpWarmupSeconds);
    const before = cpuTicks(pid);
    const result = await load(url, token, settings.httpSeconds);
    const after = cpuTicks(pid);
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const cpuMicrosPerRequest = before === null || after === null ? null : ((after - before) * 10_000) / result.requests.total;
    return { result, cpuMicrosPerRequest };
  } finally {
    await stop();
  }
}

/**
 * The order in which to load servers in round `round`: as listed in even rounds, reversed in
 * odd ones. Servers loaded later in a round come out slower (on the 2-core reference machine,
 * a second bare Koa loaded two servers after the first reached 0.86× of it, median of 6
 * rounds), so a fixed order would count position as cost. Alternating gives every server each
 * position equally often.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

/** The median of a list (the mean of the two middle values for an even count), null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
