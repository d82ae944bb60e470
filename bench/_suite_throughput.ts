/**
 * One-way throughput between two processes: a publisher and a subscriber on one channel
 * the driver creates. Rows with a Zig subscriber show the TypeScript publishers against the
 * fastest subscriber.
 *
 * Each cell runs `repetitions` times, interleaved with the other cells (so a slow spell of
 * the machine hits every cell a little, not one cell a lot), and reports the median clean
 * run with the range (_quiet.ts, _placement.ts).
 * @module
 */
import { IpcChannel } from "../mod.ts";
import type { BenchConfig } from "./_config.ts";
import { channelName } from "./_channel_names.ts";
import { onCpu } from "./_cpus.ts";
import type { PublishResult, SubscribeResult } from "./_throughput.ts";
import { ipcPeerCommand, type Runtime, runtimeLabel } from "./_runtimes.ts";
import {
  measureUndisturbed,
  medianRun,
  repeatInterleaved,
  type SuiteContext,
  type Undisturbed,
} from "./_quiet.ts";
import { runTogether } from "./_spawn.ts";
import type { Probe } from "./_placement.ts";

export interface ThroughputRun {
  /** At the subscriber, first data message to the end message. */
  messagesPerSecond: number;
  /** At the publisher, first to last publish. */
  publisherMessagesPerSecond: number;
  messages: number;
  seconds: number;
  backPressureSpins: number;
  /** Publisher's and subscriber's CPU shares; attempts; and whether still disturbed. */
  cpuShares: number[];
  /** Placement probes before and after (bench/_placement.ts). */
  probes: (Probe | undefined)[];
  attempts: number;
  preempted: boolean;
  disturbed: boolean;
}

export interface ThroughputRow {
  pair: string;
  publisher: Runtime;
  subscriber: Runtime;
  size: number;
  termLength: number;
  runs: ThroughputRun[];
  /** Of the runs, by subscriber rate; undefined if any run failed. */
  median?: ThroughputRun;
  messagesPerSecond?: number;
  megabytesPerSecond?: number;
  minMessagesPerSecond?: number;
  maxMessagesPerSecond?: number;
  error?: string;
}

type Config = BenchConfig["throughput"];

/** Publisher first. */
export const throughputPairs: readonly [Runtime, Runtime][] = [
  ["zig", "zig"],
  ["bun", "bun"],
  ["deno", "deno"],
  ["bun", "zig"],
  ["deno", "zig"],
];

const cellTimeoutMs = 60_000;

/** Every pair at every size, with the configured term length. */
export function runThroughput(config: Config, context: SuiteContext): Promise<ThroughputRow[]> {
  const rows = throughputPairs.flatMap(([publisher, subscriber]) =>
    config.sizes.map((size) => emptyRow(publisher, subscriber, size, config.termLength))
  );
  return runRows(rows, config, context);
}

/** 64-byte same-runtime pairs with the library's default term, to show what the term changes. */
export function runTermSensitivity(config: Config, context: SuiteContext): Promise<ThroughputRow[]> {
  const rows = throughputPairs.filter(([p, s]) => p === s).map(([p, s]) =>
    emptyRow(p, s, 64, config.defaultTermLength)
  );
  return runRows(rows, config, context);
}

function emptyRow(publisher: Runtime, subscriber: Runtime, size: number, termLength: number): ThroughputRow {
  const pair = `${runtimeLabel[publisher]}->${runtimeLabel[subscriber]}`;
  return { pair, publisher, subscriber, size, termLength, runs: [] };
}

async function runRows(
  rows: ThroughputRow[],
  config: Config,
  context: SuiteContext,
): Promise<ThroughputRow[]> {
  await repeatInterleaved(rows, config.repetitions, async (row, run) => {
    context.log(`throughput ${row.pair} ${row.size} B, term ${row.termLength >> 10} KiB, ${run}`);
    const measured = await measureUndisturbed(
      () => runCell(config, row),
      ([sub, pub]) => [pub.cpuShare, sub.cpuShare],
      context,
    );
    row.runs.push(throughputRun(measured.result, measured));
  });
  summarizeThroughput(rows);
  return rows;
}

/** Picks each row's median run (clean runs first); again once the flags are final. */
export function summarizeThroughput(rows: ThroughputRow[]): void {
  for (const row of rows) {
    if (row.error || row.runs.length === 0) continue;
    const rates = row.runs.map((run) => run.messagesPerSecond);
    row.median = medianRun(row.runs, (run) => run.messagesPerSecond);
    row.messagesPerSecond = row.median!.messagesPerSecond;
    row.megabytesPerSecond = (row.median!.messagesPerSecond * row.size) / 1e6;
    row.minMessagesPerSecond = Math.min(...rates);
    row.maxMessagesPerSecond = Math.max(...rates);
  }
}

async function runCell(config: Config, row: ThroughputRow): Promise<[SubscribeResult, PublishResult]> {
  using channel = IpcChannel.create({ name: channelName("stream"), termLength: row.termLength });
  const [sub, pub] = await runTogether([
    onCpu(0, ipcPeerCommand(row.subscriber, "subscribe", { channel: channel.name, limit: config.pollLimit })),
    onCpu(
      1,
      ipcPeerCommand(row.publisher, "publish", {
        channel: channel.name,
        size: row.size,
        seconds: config.seconds,
        "warmup-seconds": config.warmupSeconds,
      }),
    ),
  ], cellTimeoutMs) as [SubscribeResult, PublishResult];
  if (!sub.ok) {
    throw new Error(`subscriber got ${sub.messages} of ${sub.announced}, ${sub.outOfOrder} out of order`);
  }
  return [sub, pub];
}

function throughputRun(
  [sub, pub]: [SubscribeResult, PublishResult],
  measured: Undisturbed<unknown>,
): ThroughputRun {
  return {
    messagesPerSecond: sub.messages / sub.seconds,
    publisherMessagesPerSecond: pub.messages / pub.seconds,
    messages: sub.messages,
    seconds: sub.seconds,
    backPressureSpins: pub.backPressureSpins,
    cpuShares: measured.cpuShares,
    probes: measured.probes,
    attempts: measured.attempts,
    preempted: measured.preempted,
    disturbed: measured.disturbed,
  };
}
