/**
 * DutyCycleTracker: how long an agent's duty cycles take and how often they find work. The
 * same log-linear histogram as native/src/agent/duty_cycle.zig: exact below 8 ns, then 8
 * buckets per power of two, so a percentile is its bucket's upper bound (<= 12.5% above).
 * @module
 */

const subBucketBits = 3;
const subBuckets = 1 << subBucketBits;
/** Buckets up to 2^53 ns (JavaScript numbers are exact below that). */
const bucketCount = subBuckets + (53 - subBucketBits) * subBuckets;

/** The bucket holding `valueNs` (an integer >= 0). */
export function bucketOf(valueNs: number): number {
  if (valueNs < subBuckets) return valueNs;
  let exponent = Math.floor(Math.log2(valueNs));
  // log2 may round across a power of two for large values: settle it exactly.
  if (2 ** exponent > valueNs) exponent--;
  else if (2 ** (exponent + 1) <= valueNs) exponent++;
  const shift = exponent - subBucketBits;
  const mantissa = Math.floor(valueNs / 2 ** shift) % subBuckets;
  return (exponent - subBucketBits + 1) * subBuckets + mantissa;
}

/** The largest value bucket `index` holds. */
export function bucketUpperNs(index: number): number {
  if (index < subBuckets) return index;
  const exponent = Math.floor(index / subBuckets) + subBucketBits - 1;
  const shift = exponent - subBucketBits;
  const lower = (subBuckets + (index % subBuckets)) * 2 ** shift;
  return lower + 2 ** shift - 1;
}

/** Duty-cycle statistics of an agent since it started (or over a window). */
export interface DutyCycleStats {
  /** Duty cycles: one doWork plus the idle step after it. */
  cycles: number;
  /** Cycles whose doWork returned > 0. */
  busyCycles: number;
  /** Sum of doWork's results. */
  workCount: number;
  /** Time covered by the cycles, ns. */
  totalNs: number;
  /** Time spent in busy cycles, ns. */
  busyNs: number;
  /** Longest cycle, ns. */
  maxCycleNs: number;
  /** Median cycle time, ns (a bucket's upper bound). */
  p50CycleNs: number;
  /** 99th percentile of cycle time, ns (a bucket's upper bound). */
  p99CycleNs: number;
  /** busyCycles / cycles (0 with no cycles). */
  busyRatio: number;
  /** busyNs / totalNs (0 with no time). */
  busyTimeRatio: number;
}

/**
 * Records cycles (one clock reading per cycle) and reports their statistics. The
 * AgentRunner keeps one per agent; use it directly in a hand-written loop.
 *
 * @example
 * ```ts
 * const tracker = new DutyCycleTracker();
 * tracker.start(monotonicNs());
 * for (;;) { const work = agent.doWork(); await idle.idleAsync(work); tracker.record(monotonicNs(), work); }
 * ```
 */
export class DutyCycleTracker {
  #cycles = 0;
  #busyCycles = 0;
  #workCount = 0;
  #totalNs = 0;
  #busyNs = 0;
  #maxCycleNs = 0;
  #cycleStartNs = 0;
  readonly #buckets = new Float64Array(bucketCount);
  #window: Float64Array | undefined;
  #windowBase: DutyCycleStats | undefined;

  /** Marks the start of the first cycle. */
  start(nowNs: number): void {
    this.#cycleStartNs = nowNs;
  }

  /** Ends the cycle begun at the last start/record, which did `work` units. */
  record(nowNs: number, work: number): void {
    const cycleNs = Math.max(0, Math.round(nowNs - this.#cycleStartNs));
    this.#cycleStartNs = nowNs;
    this.#cycles++;
    this.#totalNs += cycleNs;
    this.#buckets[bucketOf(cycleNs)]++;
    if (work > 0) {
      this.#busyCycles++;
      this.#workCount += work;
      this.#busyNs += cycleNs;
    }
    if (cycleNs > this.#maxCycleNs) this.#maxCycleNs = cycleNs;
  }

  /** Cycles recorded so far. */
  get cycles(): number {
    return this.#cycles;
  }

  /** Work counted so far. */
  get workCount(): number {
    return this.#workCount;
  }

  /** Longest cycle so far, ns. */
  get maxCycleNs(): number {
    return this.#maxCycleNs;
  }

  /** Statistics since the tracker started. */
  stats(): DutyCycleStats {
    return {
      cycles: this.#cycles,
      busyCycles: this.#busyCycles,
      workCount: this.#workCount,
      totalNs: this.#totalNs,
      busyNs: this.#busyNs,
      maxCycleNs: this.#maxCycleNs,
      p50CycleNs: percentile(this.#buckets, 0.5, this.#maxCycleNs),
      p99CycleNs: percentile(this.#buckets, 0.99, this.#maxCycleNs),
      busyRatio: this.#cycles === 0 ? 0 : this.#busyCycles / this.#cycles,
      busyTimeRatio: this.#totalNs === 0 ? 0 : this.#busyNs / this.#totalNs,
    };
  }

  /**
   * Statistics since the previous `takeWindow` (or the start): percentiles and max over
   * the window only (max as its bucket's upper bound, never above the lifetime max).
   */
  takeWindow(): DutyCycleStats {
    const previous = this.#window ?? new Float64Array(bucketCount);
    const base = this.#windowBase;
    const now = this.stats();
    const delta = new Float64Array(bucketCount);
    let highest = -1;
    for (let i = 0; i < bucketCount; i++) {
      delta[i] = this.#buckets[i] - previous[i];
      if (delta[i] > 0) highest = i;
    }
    this.#window = this.#buckets.slice();
    this.#windowBase = now;
    const cycles = now.cycles - (base?.cycles ?? 0);
    const busyCycles = now.busyCycles - (base?.busyCycles ?? 0);
    const totalNs = now.totalNs - (base?.totalNs ?? 0);
    const busyNs = now.busyNs - (base?.busyNs ?? 0);
    const maxCycleNs = highest < 0 ? 0 : Math.min(bucketUpperNs(highest), now.maxCycleNs);
    return {
      cycles,
      busyCycles,
      workCount: now.workCount - (base?.workCount ?? 0),
      totalNs,
      busyNs,
      maxCycleNs,
      p50CycleNs: percentile(delta, 0.5, maxCycleNs),
      p99CycleNs: percentile(delta, 0.99, maxCycleNs),
      busyRatio: cycles === 0 ? 0 : busyCycles / cycles,
      busyTimeRatio: totalNs === 0 ? 0 : busyNs / totalNs,
    };
  }
}

function percentile(buckets: Float64Array, quantile: number, maxNs: number): number {
  let count = 0;
  for (let i = 0; i < buckets.length; i++) count += buckets[i];
  if (count === 0) return 0;
  const rank = Math.max(1, Math.ceil(quantile * count));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return Math.min(bucketUpperNs(i), maxNs);
  }
  return maxNs;
}
