/**
 * Per-call costs in one process per runtime (bench/_costs.ts, zigbolt-bench costs): the
 * clock, an empty poll, publish and poll per message, with no other core touching the
 * channel. They explain the pair results: what the runtime adds versus what moving cache
 * lines between cores costs.
 * @module
 */
import { IpcChannel } from "../mod.ts";
import type { BenchConfig } from "./_config.ts";
import { channelName } from "./_channel_names.ts";
import type { CostsResult } from "./_costs.ts";
import { onCpu } from "./_cpus.ts";
import { ipcPeerCommand, type Runtime, runtimeLabel } from "./_runtimes.ts";
import { measureUndisturbed, type SuiteContext } from "./_quiet.ts";
import { runTogether } from "./_spawn.ts";

export interface CostsRow {
  runtime: Runtime;
  result?: CostsResult;
  attempts?: number;
  disturbed?: boolean;
  error?: string;
}

const timeoutMs = 120_000;

export async function runCosts(
  config: BenchConfig["costs"],
  context: SuiteContext,
): Promise<CostsRow[]> {
  const { log } = context;
  const rows: CostsRow[] = [];
  for (const runtime of ["zig", "bun", "deno"] as const) {
    log(`per-call costs, ${runtimeLabel[runtime]}`);
    try {
      const measured = await measureUndisturbed(
        () => measureCosts(config, runtime),
        (result) => [result.cpuShare],
        context,
        false,
      );
      rows.push({
        runtime,
        result: measured.result,
        attempts: measured.attempts,
        disturbed: measured.disturbed,
      });
    } catch (error) {
      rows.push({ runtime, error: (error as Error).message });
    }
  }
  return rows;
}

async function measureCosts(config: BenchConfig["costs"], runtime: Runtime): Promise<CostsResult> {
  using channel = IpcChannel.create({ name: channelName("costs"), termLength: config.termLength });
  const command = ipcPeerCommand(runtime, "costs", {
    channel: channel.name,
    sizes: config.sizes.join(","),
    messages: config.messages,
  });
  const [result] = await runTogether([onCpu(0, command)], timeoutMs);
  return result as CostsResult;
}
