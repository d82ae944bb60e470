/**
 * The baseline: round trips over a Unix-domain socket with node:net, server and client in
 * the same runtime. Measured in two placements, since the kernel treats them differently:
 * one CPU each (as the shared-memory pairs run) and both on one CPU, where a wake-up needs
 * no other CPU and socket round trips are fastest.
 * @module
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import type { BenchConfig } from "./_config.ts";
import { onCpu, pinningAvailable } from "./_cpus.ts";
import type { LatencySummary } from "./_stats.ts";
import { runtimeLabel, unixSocketPeerCommand } from "./_runtimes.ts";
import { measureUndisturbed, type SuiteContext } from "./_quiet.ts";
import { runTogether } from "./_spawn.ts";
import type { Probe } from "./_placement.ts";

export type Placement = "one CPU each" | "both on one CPU" | "unpinned";

export interface UnixSocketRow {
  pair: string;
  runtime: "bun" | "deno";
  placement: Placement;
  result?: { size: number; warmup: number; count: number; rttNs: LatencySummary };
  /** Placement probes before and after (bench/_placement.ts). */
  probes?: (Probe | undefined)[];
  attempts?: number;
  preempted?: boolean;
  disturbed?: boolean;
  error?: string;
}

const pairTimeoutMs = 300_000;

export async function runUnixSockets(
  config: BenchConfig["unixSocket"],
  context: SuiteContext,
): Promise<UnixSocketRow[]> {
  const placements: Placement[] = pinningAvailable() ? ["one CPU each", "both on one CPU"] : ["unpinned"];
  const rows: UnixSocketRow[] = [];
  for (const runtime of ["bun", "deno"] as const) {
    for (const placement of placements) {
      const pair = `${runtimeLabel[runtime]}-${runtimeLabel[runtime]}`;
      context.log(`unix socket ${pair}, ${placement} (${config.count} round trips)`);
      try {
        // The peers sleep in the kernel between messages: no CPU share to check.
        const measured = await measureUndisturbed(
          () => runPair(config, runtime, placement),
          () => [],
          context,
        );
        const { result, probes, attempts, preempted, disturbed } = measured;
        rows.push({ pair, runtime, placement, result, probes, attempts, preempted, disturbed });
      } catch (error) {
        rows.push({ pair, runtime, placement, error: (error as Error).message });
      }
    }
  }
  return rows;
}

async function runPair(
  config: BenchConfig["unixSocket"],
  runtime: "bun" | "deno",
  placement: Placement,
): Promise<UnixSocketRow["result"]> {
  const socketPath = path.join(os.tmpdir(), `zigbolt-bench-${process.pid}-${runtime}.sock`);
  const serverCpu = placement === "both on one CPU" ? 0 : 1;
  const server = unixSocketPeerCommand(runtime, "server", { path: socketPath, size: config.size });
  const client = unixSocketPeerCommand(runtime, "client", {
    path: socketPath,
    size: config.size,
    warmup: config.warmup,
    count: config.count,
  });
  try {
    const pinned = placement !== "unpinned";
    const [, result] = await runTogether([
      pinned ? onCpu(serverCpu, server) : server,
      pinned ? onCpu(0, client) : client,
    ], pairTimeoutMs);
    return result as UnixSocketRow["result"];
  } finally {
    fs.rmSync(socketPath, { force: true });
  }
}
