/**
 * Pooled ratios for bench/process-cost.ts: when a kind runs several processes per round, each round
 * compares the mean req/s of its processes with the mean req/s of the baseline kind's processes,
 * which evens out single processes' luck (identical processes measure up to about ±30% apart here).
 */
import { median } from './median.js';

export interface PooledRatio {
  /** Median over rounds of (mean req/s of the kind's processes) / (mean req/s of the baseline's). */
  median: number;
  /** The same division over all rounds at once. */
  overall: number;
  /** 95% interval of the median, from 2,000 bootstrap resamples of the rounds. */
  interval: [number, number];
  perRound: number[];
}

function meanByRound(series: readonly (readonly number[])[]): number[] {
  return series[0]!.map((_, round) => series.reduce((total, values) => total + values[round]!, 0) / series.length);
}

function bootstrapMedian(values: readonly number[], resamples = 2000): [number, number] {
  const medians: number[] = [];
  for (let i = 0; i < resamples; i++) {
    medians.push(median(values.map(() => values[Math.floor(Math.random() * values.length)]!))!);
  }
  medians.sort((a, b) => a - b);
  return [medians[Math.floor(resamples * 0.025)]!, medians[Math.ceil(resamples * 0.975) - 1]!];
}

/** Each argument: one req/s series (one value per round) per process of that kind in a round. */
export function pooledRatio(kind: readonly (readonly number[])[], baseline: readonly (readonly number[])[]): PooledRatio {
  const kindMeans = meanByRound(kind);
  const baseMeans = meanByRound(baseline);
  const perRound = kindMeans.map((value, round) => value / baseMeans[round]!);
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  return { median: median(perRound)!, overall: total(kindMeans) / total(baseMeans), interval: bootstrapMedian(perRound), perRound };
}
