/** Benchmark settings (each can be set on its own: BENCH_PAIRED_PAIRS=6 ...); BENCH_QUICK=1 shortens the run. */
import { join } from 'node:path';

export const QUICK = process.env.BENCH_QUICK === '1';

function count(name: string, full: number, quick: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : full;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive whole number.`);
  return value;
}

export const settings = {
  /** Distinct tokens in the "many tokens" verify cases. */
  distinctTokens: count('BENCH_DISTINCT_TOKENS', 10_000, 10_000),
  /** Minimum CPU time mitata spends per case and round, in ms. */
  verifyCpuMs: count('BENCH_VERIFY_MS', 400, 150),
  /** Verify cases run interleaved, this many rounds; each keeps its best (least disturbed) round. */
  rounds: count('BENCH_ROUNDS', 5, 3),
  /** Fresh processes per verify group; each case reports its median over them. */
  verifyProcesses: count('BENCH_VERIFY_PROCESSES', 3, 1),
  /** autocannon connections per server. */
  httpConnections: count('BENCH_HTTP_CONNECTIONS', 50, 50),
  /** Paired HTTP: fresh pairs of processes per comparison, bursts per pair, seconds per burst, warm-up seconds. */
  pairedPairs: count('BENCH_PAIRED_PAIRS', 4, 2),
  pairedBursts: count('BENCH_PAIRED_BURSTS', 6, 3),
  pairedSeconds: count('BENCH_PAIRED_SECONDS', 2, 2),
  pairedWarmupSeconds: count('BENCH_PAIRED_WARMUP_SECONDS', 5, 3),
  /** Concurrent requests hitting a fresh process in the cold-start section. */
  coldRequests: count('BENCH_COLD_REQUESTS', 1000, 1000),
  /** Distinct tokens pushed through the middleware in the memory section, and the cache bound (the default). */
  memoryTokens: count('BENCH_MEMORY_TOKENS', 1_000_000, 100_000),
  memoryCacheMax: count('BENCH_MEMORY_CACHE_MAX', 10_000, 10_000),
};

/** Full runs write bench/results/ (committed); quick runs write bench/results/quick/ (ignored by git). */
export const RESULTS_DIR = join(__dirname, '..', 'results', ...(QUICK ? ['quick'] : []));

/** The median of a list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
