/**
 * Latency samples and their percentiles, the same summary as `Latencies` in
 * native/tools/demo_ticker.zig, so that main.ts prints both side by side.
 * @module
 */

/** Percentiles of one stage, in nanoseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Keeps every sample (preallocated, no allocation per record) so the percentiles are exact.
 *
 * @example
 * ```ts
 * const latencies = new Latencies(1_000_000);
 * latencies.record(receivedNs - sentNs);
 * console.log(latencies.summary().p99);
 * ```
 */
export class Latencies {
  readonly #samples: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
  }

  /** Records one sample; beyond the capacity, samples are dropped. */
  record(ns: number): void {
    if (this.#count < this.#samples.length) this.#samples[this.#count++] = ns;
  }

  summary(): LatencySummary {
    const sorted = this.#samples.subarray(0, this.#count).sort();
    return {
      count: sorted.length,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length === 0 ? 0 : sorted[sorted.length - 1],
    };
  }
}

/** Nearest rank: the smallest sample with at least `p` percent of samples at or below it. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((sorted.length * p) / 100);
  return sorted[Math.max(rank, 1) - 1];
}
