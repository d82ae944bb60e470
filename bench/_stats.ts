/**
 * Latency percentiles from individual samples, the same way native/tools/bench_ipc.zig
 * computes them (nearest rank on the sorted samples).
 * @module
 */

export interface LatencySummary {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Sorts `samples` in place and summarises them. */
export function summarize(samples: Float64Array): LatencySummary {
  if (samples.length === 0) throw new Error("No samples to summarise");
  samples.sort();
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  return {
    min: samples[0],
    p50: percentile(samples, 0.5),
    p90: percentile(samples, 0.9),
    p99: percentile(samples, 0.99),
    p999: percentile(samples, 0.999),
    max: samples[samples.length - 1],
    mean: Math.round((sum / samples.length) * 10) / 10,
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.max(rank, 1) - 1];
}

/** The median of `values` (the lower one for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
}
