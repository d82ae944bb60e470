/**
 * Every count, size and duration the benchmark uses, in one place. `quick` is for checking
 * that the suite works; its numbers are too short to quote.
 * @module
 */

export interface BenchConfig {
  quick: boolean;
  /** Each pair runs `repetitions` times; each run times `count` round trips. */
  pingPong: { size: number; warmup: number; count: number; repetitions: number; termLength: number };
  unixSocket: { size: number; warmup: number; count: number };
  throughput: {
    sizes: number[];
    /** Per run, after the warm-up; each cell runs `repetitions` times. */
    seconds: number;
    warmupSeconds: number;
    repetitions: number;
    termLength: number;
    /** The library's default, for the term-length comparison. */
    defaultTermLength: number;
    pollLimit: number;
  };
  costs: { sizes: number[]; messages: number; termLength: number };
  coldStart: { runs: number; warmupRuns: number; size: number; termLength: number };
}

export const fullConfig: BenchConfig = {
  quick: false,
  // 64 KiB terms keep both channels' three terms in L2 (the frames cycle through them).
  pingPong: { size: 32, warmup: 200_000, count: 1_000_000, repetitions: 3, termLength: 64 * 1024 },
  // ~20-60 us a round trip: 1M would take a minute per runtime, so fewer, stated in the table.
  unixSocket: { size: 64, warmup: 20_000, count: 200_000 },
  // 16 MiB terms let the publisher run far ahead of the subscriber; the 1 MiB default is
  // measured beside it at 64 bytes.
  throughput: {
    sizes: [32, 64, 256, 1024],
    seconds: 1,
    warmupSeconds: 0.2,
    repetitions: 3,
    termLength: 16 << 20,
    defaultTermLength: 1 << 20,
    pollLimit: 256,
  },
  // 5 rounds of 100k messages of up to 1 KiB in flight: 64 MiB terms hold them.
  costs: { sizes: [32, 64, 256, 1024], messages: 100_000, termLength: 64 << 20 },
  // A 1 MiB term holds ~40k of these messages; the driver drains it as well.
  coldStart: { runs: 30, warmupRuns: 3, size: 32, termLength: 1 << 20 },
};

export const quickConfig: BenchConfig = {
  quick: true,
  pingPong: { ...fullConfig.pingPong, warmup: 20_000, count: 100_000, repetitions: 1 },
  unixSocket: { ...fullConfig.unixSocket, warmup: 1_000, count: 5_000 },
  throughput: { ...fullConfig.throughput, sizes: [64], seconds: 0.3, warmupSeconds: 0.1, repetitions: 1 },
  costs: { ...fullConfig.costs, messages: 20_000 },
  coldStart: { ...fullConfig.coldStart, runs: 5, warmupRuns: 1 },
};
