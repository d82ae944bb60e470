/**
 * How much of the wall time a peer spent on a CPU. Each peer of a pair is pinned and
 * spins, so it should get its CPU all the time; a share below ~0.9 means another process
 * took it, and the driver runs the cell again (bench/_quiet.ts). Counts every thread of the
 * process, so a runtime's own JIT and GC threads do not lower it.
 * @module
 */
import process from "node:process";
import { monotonicNs } from "../mod.ts";

export class CpuMeter {
  readonly #cpuUs: number;
  readonly #wallNs: number;

  constructor() {
    const usage = process.cpuUsage();
    this.#cpuUs = usage.user + usage.system;
    this.#wallNs = monotonicNs();
  }

  /** CPU time / wall time since construction, to 3 decimals. */
  share(): number {
    const usage = process.cpuUsage();
    const cpuNs = (usage.user + usage.system - this.#cpuUs) * 1000;
    return Math.round((cpuNs / (monotonicNs() - this.#wallNs)) * 1000) / 1000;
  }
}
