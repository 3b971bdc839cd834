/** Benchmark settings: BENCH_QUICK=1 shortens everything so a full run fits in a few minutes on 2 cores. */
import { join } from 'node:path';

export const QUICK = process.env.BENCH_QUICK === '1';

function count(name: string, full: number, quick: number): number {
  const raw = process.env[name];
  if (raw !== undefined && raw !== '') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive whole number.`);
    return value;
  }
  return QUICK ? quick : full;
}

export const settings = {
  /** Distinct tokens in the "many tokens" verify cases (issue: 10,000). */
  distinctTokens: count('BENCH_DISTINCT_TOKENS', 10_000, 10_000),
  /** Minimum CPU time mitata spends per case and round, in ms. */
  verifyCpuMs: count('BENCH_VERIFY_MS', 400, 150),
  /**
   * Cases run interleaved, this many rounds, and the best round counts: on a
   * shared machine the best round is the one least disturbed by other processes.
   */
  rounds: count('BENCH_ROUNDS', 5, 3),
  /**
   * HTTP rounds: each starts a fresh process per server, because a server's speed
   * varies more between processes than between rounds of one process.
   */
  httpRounds: count('BENCH_HTTP_ROUNDS', 9, 3),
  /** autocannon: seconds of load per server, after a warm-up of `httpWarmupSeconds`. */
  httpSeconds: count('BENCH_HTTP_SECONDS', 4, 2),
  httpWarmupSeconds: count('BENCH_HTTP_WARMUP_SECONDS', 2, 1),
  httpConnections: count('BENCH_HTTP_CONNECTIONS', 50, 50),
  /**
   * Paired runs (bench/paired.ts): fresh pairs of processes per comparison, bursts per pair,
   * seconds per burst, after a warm-up long enough that the first burst reads like the others.
   */
  pairedPairs: count('BENCH_PAIRED_PAIRS', 4, 2),
  pairedBursts: count('BENCH_PAIRED_BURSTS', 6, 3),
  pairedSeconds: count('BENCH_PAIRED_SECONDS', 2, 2),
  pairedWarmupSeconds: count('BENCH_PAIRED_WARMUP_SECONDS', 5, 3),
  /** Concurrent requests hitting a fresh process in the cold-start case. */
  coldRequests: count('BENCH_COLD_REQUESTS', 1000, 1000),
  /** Distinct tokens pushed through the middleware in the memory case (issue: 1,000,000). */
  memoryTokens: count('BENCH_MEMORY_TOKENS', 1_000_000, 100_000),
  /** The verified-token cache bound used in the memory case (the default). */
  memoryCacheMax: count('BENCH_MEMORY_CACHE_MAX', 10_000, 10_000),
};

export const RESULTS_DIR = join(__dirname, '..', 'results');
