/**
 * Log buffer throughput (docs/log-buffer.md): one writer process claiming, filling and
 * committing 64-byte frames flat out (the claim/commit path, back-pressured by the consumer),
 * one consumer process reading them, for each runtime and for mixed pairs. The rate is the
 * consumer's: data messages from the first to the end message. TypeScript cells also report
 * the heap growth of both processes during the measured stream, per message.
 *
 * Runs are interleaved across cells, so a slow spell of the shared machine hits every cell
 * a little rather than one cell a lot.
 * @module
 */
import { LogBuffer } from "../../mod.ts";
import { channelName } from "../_channel_names.ts";
import { onCpu } from "../_cpus.ts";
import { runTogether } from "../_spawn.ts";
import type { Runtime } from "../_runtimes.ts";
import type { CoreRow, CoreSuite } from "./_rows.ts";
import { logbcastCommand } from "./_logbcast_peers.ts";
import { type CellRun, disturbedCount, keptResults, measureCell } from "./_clean_runs.ts";
import { median } from "../_stats.ts";

const messageBytes = 64;
const termLength = 1 << 20;

interface WriteResult {
  messages: number;
  seconds: number;
  backPressure: number;
  heapBytesPerMessage?: number;
}

interface ReadResult {
  ok: boolean;
  messages: number;
  seconds: number;
  heapBytesPerMessage?: number;
}

const cells: Array<[Runtime, Runtime]> = [
  ["zig", "zig"],
  ["bun", "bun"],
  ["deno", "deno"],
  ["zig", "bun"],
  ["bun", "zig"],
];

async function runOnce(
  writer: Runtime,
  consumer: Runtime,
  seconds: number,
): Promise<[WriteResult, ReadResult]> {
  const name = channelName("log-buffer");
  using _log = LogBuffer.create({ name, termLength });
  const results = await runTogether([
    onCpu(1, logbcastCommand(consumer, "bench-log-read", { name })),
    onCpu(0, logbcastCommand(writer, "bench-log-write", { name, size: messageBytes, seconds })),
  ], 60_000);
  const read = results[0] as ReadResult;
  if (!read.ok) {
    throw new Error(`log buffer ${writer}->${consumer}: the consumer saw messages out of order or missing`);
  }
  return [results[1] as WriteResult, read];
}

export const logBufferSuite: CoreSuite = async (context) => {
  const repetitions = context.quick ? 1 : 3;
  const seconds = context.quick ? 0.3 : 1.0;
  const runs = cells.map(() => [] as Array<CellRun<[WriteResult, ReadResult]>>);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [index, [writer, consumer]] of cells.entries()) {
      const run = await measureCell(context, () => runOnce(writer, consumer, seconds));
      runs[index].push(run);
      const rate = run.result[1].messages / run.result[1].seconds;
      context.log(`log buffer ${writer}->${consumer}: ${(rate / 1e6).toFixed(2)} M msg/s`);
    }
  }
  return cells.map(([writer, consumer], index): CoreRow => {
    const kept = keptResults(runs[index]);
    const rates = kept.map(([, read]) => read.messages / read.seconds);
    const heap = kept.map(([write, read]) =>
      (write.heapBytesPerMessage ?? 0) + (read.heapBytesPerMessage ?? 0)
    );
    const typescript = writer !== "zig" || consumer !== "zig";
    return {
      structure: "log-buffer",
      variant: "1 writer -> 1 consumer, claim/commit",
      runtime: writer === consumer ? writer : (writer === "zig" ? consumer : writer),
      ...(writer === consumer ? {} : { pair: `${writer}->${consumer}` }),
      messageBytes,
      messagesPerSecond: median(rates),
      runs: rates,
      disturbedRuns: disturbedCount(runs[index]),
      ...(typescript ? { heapBytesPerMessage: median(heap) } : {}),
    };
  });
};

export default logBufferSuite;
