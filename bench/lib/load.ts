/**
 * The paired load: two servers compared at the same time on the same CPU core. Both are pinned
 * to one core, the load generator (this process) to the other, and both are loaded at once by
 * autocannon with the same settings. The kernel gives two busy processes on one core equal time,
 * so the ratio of their req/s is the ratio of their costs per request, and whatever the machine
 * does meanwhile (other tenants, memory contention that comes and goes in phases of a second or
 * two) falls on both alike. Linux only (taskset, /proc), and needs two cores.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import type { TestIssuer } from 'sessionguard/testing';
import { startServer, type ServerProcess } from './server.js';
import { median, settings } from './config.js';

/** A server of a comparison: a kind of bench/http-server.ts, optionally from another build. */
export interface PairedServer {
  kind: string;
  dist?: string;
}

/**
 * One fresh pair: each burst's ratio (second server's req/s over the first's), each server's share
 * of the shared core, the load generator's of its own, and each server's CPU time per request
 * over all bursts (µs).
 */
interface PairMeasure {
  ratios: number[];
  cpuShares: [number, number];
  loaderShare: number;
  cpuPerRequest: [number, number];
}

/**
 * A comparison over its pairs: the median ratio over every burst, each pair's median, the least
 * core share and the load generator's highest; and the CPU reading, which holds when the load
 * generator is the limit: the first server's CPU time per request over the second's (median of
 * the pairs), with each server's median CPU µs per request.
 */
export interface PairedSummary {
  ratio: number;
  pairMedians: number[];
  minCpuShare: number;
  maxLoaderShare: number;
  cpuRatio: number;
  cpuPerRequest: [number, number];
}

const SERVER_CORE = '1';
const LOADER_CORE = '0';

/** Why paired runs cannot run here, or undefined when they can. */
export function pairedUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux (taskset and /proc)';
  if (availableParallelism() < 2) return 'needs two CPU cores';
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return 'needs taskset (util-linux)';
  }
  return undefined;
}

/** User plus system CPU time of a process in seconds, from /proc (clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function pin(pid: number, core: string): void {
  execFileSync('taskset', ['-apc', core, String(pid)], { stdio: 'ignore' });
}

/** `seconds` of the benchmark's load on `url`, every request carrying `token`. */
function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: settings.httpConnections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
}

/**
 * One fresh pair: both started, checked and pinned, warmed up together, then loaded in
 * `settings.pairedBursts` bursts of `settings.pairedSeconds`. `swap` starts and loads the second
 * server first (alternated between pairs, so that neither side always goes first).
 */
async function measurePair(first: PairedServer, second: PairedServer, issuer: TestIssuer, token: string, swap: boolean): Promise<PairMeasure> {
  pin(process.pid, LOADER_CORE);
  const servers: ServerProcess[] = [];
  try {
    for (const server of swap ? [second, first] : [first, second]) servers.push(await startServer(server.kind, issuer, { dist: server.dist }));
    const [a, b] = swap ? [servers[1]!, servers[0]!] : [servers[0]!, servers[1]!];
    for (const server of [a, b]) {
      const check = await fetch(server.url, { headers: { authorization: `Bearer ${token}` } });
      if (check.status !== 200) throw new Error(`a paired server answered ${check.status}: ${await check.text()}`);
      pin(server.pid, SERVER_CORE);
    }
    // Loaded in the order they were started; the results come back as [first, second] of the comparison.
    const loadBoth = async (seconds: number) => {
      const results = await Promise.all(servers.map((server) => load(server.url, token, seconds)));
      return swap ? [results[1]!, results[0]!] : [results[0]!, results[1]!];
    };
    await loadBoth(settings.pairedWarmupSeconds);
    const ratios: number[] = [];
    const totals = { seconds: 0, cpu: [0, 0], requests: [0, 0], loader: 0 };
    for (let burst = 0; burst < settings.pairedBursts; burst++) {
      const cpuBefore = [cpuSeconds(a.pid), cpuSeconds(b.pid)];
      const loaderBefore = process.cpuUsage();
      const wallBefore = process.hrtime.bigint();
      const [ra, rb] = await loadBoth(settings.pairedSeconds);
      for (const result of [ra!, rb!]) {
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`a paired server answered ${result.non2xx} non-2xx and ${result.errors} errors`);
      }
      ratios.push(rb!.requests.total / rb!.duration / (ra!.requests.total / ra!.duration));
      totals.requests[0]! += ra!.requests.total;
      totals.requests[1]! += rb!.requests.total;
      totals.seconds += Number(process.hrtime.bigint() - wallBefore) / 1e9;
      totals.cpu[0]! += cpuSeconds(a.pid) - cpuBefore[0]!;
      totals.cpu[1]! += cpuSeconds(b.pid) - cpuBefore[1]!;
      const loader = process.cpuUsage(loaderBefore);
      totals.loader += (loader.user + loader.system) / 1e6;
    }
    return {
      ratios,
      cpuShares: [totals.cpu[0]! / totals.seconds, totals.cpu[1]! / totals.seconds],
      loaderShare: totals.loader / totals.seconds,
      cpuPerRequest: [(totals.cpu[0]! / totals.requests[0]!) * 1e6, (totals.cpu[1]! / totals.requests[1]!) * 1e6],
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Runs `settings.pairedPairs` fresh pairs of a comparison and summarizes them. */
export async function measureComparison(first: PairedServer, second: PairedServer, issuer: TestIssuer, token: string): Promise<PairedSummary> {
  const pairs: PairMeasure[] = [];
  for (let pair = 0; pair < settings.pairedPairs; pair++) pairs.push(await measurePair(first, second, issuer, token, pair % 2 === 1));
  return {
    ratio: median(pairs.flatMap((pair) => pair.ratios)),
    pairMedians: pairs.map((pair) => median(pair.ratios)),
    minCpuShare: Math.min(...pairs.flatMap((pair) => pair.cpuShares)),
    maxLoaderShare: Math.max(...pairs.map((pair) => pair.loaderShare)),
    cpuRatio: median(pairs.map((pair) => pair.cpuPerRequest[0] / pair.cpuPerRequest[1])),
    cpuPerRequest: [median(pairs.map((pair) => pair.cpuPerRequest[0])), median(pairs.map((pair) => pair.cpuPerRequest[1]))],
  };
}
