/**
 * What the numbers were measured on: machine, kernel, tool versions, and how busy the CPUs
 * were before we started (another process spinning on one of two cores ruins every number).
 * @module
 */
import fs from "node:fs";
import os from "node:os";
import { bindingVersion, libraryVersion } from "../mod.ts";
import { pinningAvailable } from "./_cpus.ts";
import { busyShare } from "./_quiet.ts";
import { root, tools } from "./_runtimes.ts";
import { runForOutput } from "./_spawn.ts";

export interface MachineInfo {
  date: string;
  cpuModel: string;
  cpuCount: number;
  kernel: string;
  memoryGiB: number;
  clocksource: string;
  /** Whether the processes of a pair were pinned to CPUs (bench/_cpus.ts). */
  pinned: boolean;
  /** Share of all CPUs busy with other work during a 1 s sample before the run (0..1). */
  busyBeforeRun: number;
  versions: Record<string, string>;
  git: string;
}

export async function describeMachine(): Promise<MachineInfo> {
  const library = libraryVersion();
  return {
    date: new Date().toISOString(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cpuCount: os.cpus().length,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    clocksource: readOr("/sys/devices/system/clocksource/clocksource0/current_clocksource", "unknown"),
    pinned: pinningAvailable(),
    busyBeforeRun: await busyShare(1000),
    versions: {
      zig: await outputOr([tools.zig, "version"]),
      bun: await outputOr([tools.bun, "--version"]),
      deno: (await outputOr([tools.deno, "--version"])).split("\n")[0].replace(/^deno /, ""),
      hyperfine: (await outputOr(["hyperfine", "--version"])).replace(/^hyperfine /, ""),
      libzigbolt: `${library.major}.${library.minor}.${library.patch}`,
      binding: bindingVersion,
    },
    git: await gitDescription(),
  };
}

async function gitDescription(): Promise<string> {
  const commit = await outputOr(["git", "-C", root, "rev-parse", "--short", "HEAD"]);
  const changes = await outputOr(["git", "-C", root, "status", "--porcelain"]);
  return changes === "" || changes === "unknown" ? commit : `${commit} + uncommitted changes`;
}

async function outputOr(command: string[]): Promise<string> {
  try {
    return (await runForOutput(command, 10_000)).trim();
  } catch {
    return "unknown";
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return fallback;
  }
}
