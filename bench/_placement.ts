/**
 * Where the host has put the two vCPUs. On the development VM it moves them now and then,
 * for seconds to minutes, and the cost of moving a cache line between them changes with it:
 * a Zig round trip is ~250 ns usually, ~950 ns in some placements and ~120 ns in others, and
 * every shared-memory number of that stretch moves the same way. Nothing inside the VM shows
 * it except the latency itself, so a short Zig-Zig ping-pong (the probe) runs before and
 * after each pair measurement. The usual placement is the median probe of the run; the
 * driver waits while the probe is off it, and flags what it had to measure off it.
 * @module
 */
import { IpcChannel } from "../mod.ts";
import { channelName } from "./_channel_names.ts";
import { onCpu, pinningAvailable } from "./_cpus.ts";
import type { PingResult } from "./_ping_pong.ts";
import { ipcPeerCommand } from "./_runtimes.ts";
import { runTogether } from "./_spawn.ts";

/** A probe p50 more than this factor above or below the usual one is "off". */
export const offFactor = 1.5;
const probe = { warmup: 5_000, count: 20_000, size: 32, termLength: 64 * 1024 };
/** Waiting for the usual placement, at most, per measurement and per whole run. */
const waitMs = 60_000;
const waitBudgetMs = 300_000;
const probeTimeoutMs = 30_000;

export class PlacementWatch {
  readonly #probes: number[] = [];
  #waitedMs = 0;

  /** The median probe p50 so far, ns: the usual placement. */
  get usualNs(): number {
    const sorted = [...this.#probes].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
  }

  get probes(): number {
    return this.#probes.length;
  }

  /** Probes off the usual placement, judged now. */
  get offProbes(): number {
    return this.#probes.filter((probeNs) => this.isOff(probeNs)).length;
  }

  /** Whether a probe result is off the usual placement (by the median so far). */
  isOff(probeNs: number | undefined): boolean {
    if (probeNs === undefined || this.#probes.length === 0) return false;
    const usual = this.usualNs;
    return probeNs > usual * offFactor || probeNs < usual / offFactor;
  }

  /** Zig-Zig round trip p50 now, ns; undefined without pinning (a probe would mean nothing). */
  async probe(): Promise<number | undefined> {
    if (!pinningAvailable()) return undefined;
    const p50 = await probeOnce();
    this.#probes.push(p50);
    return p50;
  }

  /** Probes until the placement is the usual one or the wait runs out; returns the last probe. */
  async waitForUsual(log: (line: string) => void): Promise<number | undefined> {
    const start = Date.now();
    let probeNs = await this.probe();
    while (this.isOff(probeNs) && Date.now() - start < waitMs && this.#waitedMs < waitBudgetMs) {
      log(`vCPU placement off the usual one (probe ${probeNs} ns, usual ${this.usualNs} ns): waiting`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      probeNs = await this.probe();
      this.#waitedMs += 2000;
    }
    return probeNs;
  }
}

async function probeOnce(): Promise<number> {
  using ping = IpcChannel.create({ name: channelName("probe-ping"), termLength: probe.termLength });
  using pong = IpcChannel.create({ name: channelName("probe-pong"), termLength: probe.termLength });
  const channels = { "ping-channel": ping.name, "pong-channel": pong.name };
  const pingFlags = { ...channels, size: probe.size, warmup: probe.warmup, count: probe.count, calibrate: 0 };
  const [, result] = await runTogether([
    onCpu(1, ipcPeerCommand("zig", "pong", channels)),
    onCpu(0, ipcPeerCommand("zig", "ping", pingFlags)),
  ], probeTimeoutMs);
  return (result as PingResult).rttNs.p50;
}
