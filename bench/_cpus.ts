/**
 * Pins each process of a pair to its own CPU with taskset. Without it the scheduler now and
 * then starts both spinning processes on one CPU of two, and a pair measures time slices
 * (milliseconds) instead of round trips. The driver itself mostly sleeps.
 * @module
 */
import { spawnSync } from "node:child_process";
import os from "node:os";

let available: boolean | undefined;

/** Whether commands get pinned: taskset exists and there are at least two CPUs. */
export function pinningAvailable(): boolean {
  available ??= os.cpus().length >= 2 && spawnSync("taskset", ["--version"]).status === 0;
  return available;
}

/** `command` pinned to `cpu` when pinning is available, else unchanged. */
export function onCpu(cpu: number, command: string[]): string[] {
  return pinningAvailable() ? ["taskset", "--cpu-list", String(cpu), ...command] : command;
}
