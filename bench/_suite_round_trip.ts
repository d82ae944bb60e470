/**
 * Round-trip latency over shared memory: a pinger and a ponger process, two channels
 * (ping, pong) that the driver creates and holds for the pair's lifetime.
 *
 * Each pair runs `repetitions` times, interleaved with the other pairs, and the run with
 * the median p50 is reported with the range of p50s: on this VM the cost of moving a cache
 * line between the two vCPUs changes now and then for seconds (the host moves them), which
 * shifts every sample of a run, the fastest included.
 * @module
 */
import { IpcChannel } from "../mod.ts";
import type { BenchConfig } from "./_config.ts";
import { channelName } from "./_channel_names.ts";
import { onCpu } from "./_cpus.ts";
import type { PingResult, PongResult } from "./_ping_pong.ts";
import { measureUndisturbed, medianRun, repeatInterleaved, type SuiteContext } from "./_quiet.ts";
import { ipcPeerCommand, type Runtime, runtimeLabel } from "./_runtimes.ts";
import { runTogether } from "./_spawn.ts";
import type { Probe } from "./_placement.ts";

export interface RoundTripRun {
  result: PingResult;
  /** Placement probes before and after (bench/_placement.ts). */
  probes: (Probe | undefined)[];
  /** Attempts made; whether a peer lost CPU time; whether preempted or off placement. */
  attempts: number;
  preempted: boolean;
  disturbed: boolean;
}

export interface RoundTripRow {
  pair: string;
  pinger: Runtime;
  ponger: Runtime;
  runs: RoundTripRun[];
  /** The run with the median p50; undefined if a run failed. */
  median?: RoundTripRun;
  p50Min?: number;
  p50Max?: number;
  error?: string;
}

type Config = BenchConfig["pingPong"];

/** Pinger first: "Bun-Zig" is a Bun pinger with a Zig ponger. */
export const roundTripPairs: readonly [Runtime, Runtime][] = [
  ["zig", "zig"],
  ["bun", "bun"],
  ["deno", "deno"],
  ["bun", "zig"],
  ["deno", "bun"],
];

const pairTimeoutMs = 180_000;

export async function runRoundTrips(config: Config, context: SuiteContext): Promise<RoundTripRow[]> {
  const rows: RoundTripRow[] = roundTripPairs.map(([pinger, ponger]) => ({
    pair: `${runtimeLabel[pinger]}-${runtimeLabel[ponger]}`,
    pinger,
    ponger,
    runs: [],
  }));
  await repeatInterleaved(rows, config.repetitions, async (row, run) => {
    context.log(`round trip ${row.pair}, ${run}`);
    const measured = await measureUndisturbed(
      () => runPair(config, row.pinger, row.ponger),
      ([ping, pong]) => [ping.cpuShare, pong.cpuShare],
      context,
    );
    row.runs.push({ ...measured, result: measured.result[0] });
  });
  summarizeRoundTrips(rows);
  return rows;
}

/** Picks each row's median run (clean runs first); again once the flags are final. */
export function summarizeRoundTrips(rows: RoundTripRow[]): void {
  for (const row of rows) {
    if (row.error || row.runs.length === 0) continue;
    const p50s = row.runs.map((run) => run.result.rttNs.p50);
    row.median = medianRun(row.runs, (run) => run.result.rttNs.p50);
    row.p50Min = Math.min(...p50s);
    row.p50Max = Math.max(...p50s);
  }
}

async function runPair(config: Config, pinger: Runtime, ponger: Runtime): Promise<[PingResult, PongResult]> {
  using ping = IpcChannel.create({ name: channelName("ping"), termLength: config.termLength });
  using pong = IpcChannel.create({ name: channelName("pong"), termLength: config.termLength });
  const channels = { "ping-channel": ping.name, "pong-channel": pong.name };
  const pingFlags = { ...channels, size: config.size, warmup: config.warmup, count: config.count };
  const [pongResult, pingResult] = await runTogether([
    onCpu(1, ipcPeerCommand(ponger, "pong", channels)),
    onCpu(0, ipcPeerCommand(pinger, "ping", pingFlags)),
  ], pairTimeoutMs);
  return [pingResult as PingResult, pongResult as PongResult];
}
