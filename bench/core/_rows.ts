/**
 * One measured cell of the core-structure benchmarks (bench/core.ts): what every suite in
 * bench/core/_suite_*.ts returns, and what the tables, the targets and core.json are built from.
 * @module
 */
import type { PlacementWatch } from "../_placement.ts";

export type CoreRuntime = "zig" | "bun" | "deno";

export interface CoreRow {
  /** Which structure: "spsc", "mpsc", "broadcast", "log-buffer". */
  readonly structure: string;
  /** The shape of the cell: "1 producer", "4 producers", "3 receivers", "round trip", ... */
  readonly variant: string;
  /** Runtime of the processes measured (producer and consumer alike, unless `pair` says). */
  readonly runtime: CoreRuntime;
  /** For mixed cells, e.g. "bun->deno"; absent when every process runs `runtime`. */
  readonly pair?: string;
  readonly messageBytes: number;
  /** Median of the runs, messages per second (one-way throughput cells). */
  readonly messagesPerSecond?: number;
  /** Round trip in ns (latency cells). */
  readonly roundTripNs?: { readonly p50: number; readonly p99: number };
  /** Every run's result (messages per second, or RTT p50), for the spread. */
  readonly runs: readonly number[];
  /** TypeScript cells: heap growth during the measured loop divided by messages. */
  readonly heapBytesPerMessage?: number;
  /** Runs that never ran on the usual vCPU placement (the median is over the others). */
  readonly disturbedRuns: number;
}

export interface CoreSuiteContext {
  log(line: string): void;
  /** A short smoke run (scripts/bench --quick). */
  readonly quick: boolean;
  /** The vCPU placement watch every cross-CPU run waits on (bench/_placement.ts). */
  readonly placement: PlacementWatch;
}

export type CoreSuite = (context: CoreSuiteContext) => Promise<CoreRow[]>;
