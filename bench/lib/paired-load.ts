/**
 * Two servers compared at the same time on the same CPU core: both pinned to one core,
 * the load generator (this process) to another, and both loaded at once by autocannon
 * with the same settings. The kernel gives two busy processes on one core equal time,
 * so the ratio of their req/s is the ratio of their costs per request, and whatever the
 * machine does meanwhile (other tenants, memory contention that comes and goes in
 * phases of a second or two) falls on both alike. Loading them in turn, as
 * lib/fresh-server.ts does, lets those phases fall on one server and not the other.
 * Linux only (taskset), and needs two cores.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { TestIssuer } from '../../src/testing/index.js';
import { startServer, type ServerProcess } from './server-process.js';
import { settings } from './config.js';
import { median } from './median.js';
import { cpuTicks, load } from './load.js';

/** A server of a comparison: a kind of bench/http-server.ts, optionally from another build. */
export interface PairedServer {
  kind: string;
  dist?: string;
}

/** One fresh pair of processes: each burst's ratio (second server's req/s over the first's). */
export interface PairMeasure {
  ratios: number[];
  /** Each server's share of the shared core over the bursts, and the load generator's share of its own. */
  cpuShares: [number, number];
  loaderShare: number;
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

/** A server's CPU time in seconds: paired runs need /proc, checked by pairedUnavailable(). */
function cpuSeconds(pid: number): number {
  return cpuTicks(pid)! / 100;
}

function pin(pid: number, core: string): void {
  execFileSync('taskset', ['-apc', core, String(pid)], { stdio: 'ignore' });
}

async function started(server: PairedServer, issuer: TestIssuer): Promise<ServerProcess> {
  const result = await startServer(server.kind, issuer, server.dist === undefined ? {} : { dist: server.dist });
  if (!('server' in result)) throw new Error(`${server.kind}: ${result.unavailable}`);
  return result.server;
}

/**
 * Runs one fresh pair: warms both up together, then `settings.pairedBursts` bursts of
 * `settings.pairedSeconds` each. `swap` starts and loads the second server first (alternated
 * between pairs, so that neither side always goes first).
 */
export async function measurePair(first: PairedServer, second: PairedServer, issuer: TestIssuer, token: string, swap: boolean): Promise<PairMeasure> {
  pin(process.pid, LOADER_CORE);
  const order = swap ? [second, first] : [first, second];
  const servers: ServerProcess[] = [];
  try {
    for (const server of order) servers.push(await started(server, issuer));
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
    const totals = { seconds: 0, cpu: [0, 0], loader: 0 };
    for (let burst = 0; burst < settings.pairedBursts; burst++) {
      const cpuBefore = [cpuSeconds(a.pid), cpuSeconds(b.pid)];
      const loaderBefore = process.cpuUsage();
      const wallBefore = process.hrtime.bigint();
      const [ra, rb] = await loadBoth(settings.pairedSeconds);
      const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9;
      for (const result of [ra!, rb!]) {
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`a paired server answered ${result.non2xx} non-2xx and ${result.errors} errors`);
      }
      ratios.push(rb!.requests.total / rb!.duration / (ra!.requests.total / ra!.duration));
      totals.seconds += wall;
      totals.cpu[0]! += cpuSeconds(a.pid) - cpuBefore[0]!;
      totals.cpu[1]! += cpuSeconds(b.pid) - cpuBefore[1]!;
      const loader = process.cpuUsage(loaderBefore);
      totals.loader += (loader.user + loader.system) / 1e6;
    }
    return {
      ratios,
      cpuShares: [totals.cpu[0]! / totals.seconds, totals.cpu[1]! / totals.seconds],
      loaderShare: totals.loader / totals.seconds,
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** What a comparison measured over its pairs. */
export interface PairedSummary {
  /** Median over every burst of every pair. */
  ratio: number;
  /** Each pair's median burst ratio. */
  pairMedians: number[];
  /** The lowest share of the shared core either server got in any pair, and the load generator's highest share of its core. */
  minCpuShare: number;
  maxLoaderShare: number;
}

export function summarize(pairs: readonly PairMeasure[]): PairedSummary {
  return {
    ratio: median(pairs.flatMap((pair) => pair.ratios))!,
    pairMedians: pairs.map((pair) => median(pair.ratios)!),
    minCpuShare: Math.min(...pairs.flatMap((pair) => pair.cpuShares)),
    maxLoaderShare: Math.max(...pairs.map((pair) => pair.loaderShare)),
  };
}
