/**
 * One measured cell of the codec benchmarks (bench/codecs.ts). Every rate program (a Zig
 * tool, or a TypeScript script run under Bun and under Deno) prints one JSON line per cell
 * in this shape; the driver collects them into tables, targets and bench/results/codecs.json.
 * @module
 */

export type CodecRuntime = "zig" | "bun" | "deno";

export interface CodecRow {
  /** "wire", "sbe", "json", "msgpackr", "aeron". */
  readonly codec: string;
  /** "TickMessage", "NewOrderSingle", "MassQuote", ... */
  readonly message: string;
  /** "encode", "decode", "checked-decode", "encode+decode", "batch-encode", ... */
  readonly operation: string;
  readonly runtime: CodecRuntime;
  /** Median of the runs. */
  readonly perSecond: number;
  readonly runs: readonly number[];
  /** Encoded size of one message in bytes. */
  readonly encodedBytes: number;
  /** TypeScript cells: heap growth during the measured loop divided by operations. */
  readonly heapBytesPerOp?: number;
}
