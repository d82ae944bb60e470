/**
 * The `costs` mode: per-call costs in one process, which separate what a runtime adds
 * (FFI, JIT, Atomics) from what two cores pay to move cache lines in the pair benchmarks.
 * @module
 */
import { detectRuntime } from "../lib/_runtime.ts";
import { clockReadCost, emptyPollCost, publishAndPollCost } from "./_calibration.ts";
import { CpuMeter } from "./_cpu_meter.ts";
import { openChannel } from "./_peer_channels.ts";

export interface CostsOptions {
  channel: string;
  sizes: number[];
  /** Messages per round; the channel must hold them (two terms). */
  messages: number;
}

export interface CostsResult {
  mode: "costs";
  runtime: string;
  clockNs: number;
  emptyPollNs: number;
  bySize: { size: number; publishNs: number; pollNs: number }[];
  /** CPU time / wall time over the whole measurement (bench/_cpu_meter.ts). */
  cpuShare: number;
}

export async function costs(options: CostsOptions): Promise<CostsResult> {
  const channel = await openChannel(options.channel);
  try {
    const meter = new CpuMeter();
    const clockNs = clockReadCost();
    const emptyPollNs = emptyPollCost(channel);
    const bySize = options.sizes.map((size) => ({
      size,
      ...publishAndPollCost(channel, size, options.messages),
    }));
    return { mode: "costs", runtime: detectRuntime(), clockNs, emptyPollNs, bySize, cpuShare: meter.share() };
  } finally {
    channel.close();
  }
}
