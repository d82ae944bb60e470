/**
 * Where the host has put the two vCPUs. On the development VM it moves them now and then,
 * for seconds to minutes, and the cost of moving a cache line between them changes with it:
 * a Zig round trip is ~250 ns usually, ~950 ns in some placements and ~120 ns in others, and
 * every shared-memory number of that stretch moves the same way. Nothing inside the VM shows
 * it except the measurements themselves, so a probe runs before and after each pair
 * measurement: a short Zig-Zig ping-pong, and a short Zig SPSC stream from CPU 0 to CPU 1
 * (some slow spells show in throughput only: Zig's 2-producer MPSC at 40 instead of 52 M/s
 * and TypeScript cells at a third of their rate, with round trips as usual). The usual
 * placement is the median of each over the run; the driver waits while a probe is off it,
 * and flags what it had to measure off it.
 * @module
 */
import { IpcChannel, SpscRingBuffer } from "../mod.ts";
import { channelName } from "./_channel_names.ts";
import { onCpu, pinningAvailable } from "./_cpus.ts";
import type { PingResult } from "./_ping_pong.ts";
import { ipcPeerCommand, root } from "./_runtimes.ts";
import { runTogether } from "./_spawn.ts";
import { median } from "./_stats.ts";

/** One probe of the placement. */
export interface Probe {
  /** Zig-Zig round trip p50, ns. */
  rttNs: number;
  /** A 100 ms Zig SPSC stream of 32-byte messages from CPU 0 to CPU 1, messages/s. */
  streamRate: number;
}

/** A probe p50 more than this factor above or below the usual one is "off". */
export const offFactor = 1.5;
const probe = { warmup: 5_000, count: 20_000, size: 32, termLength: 64 * 1024 };
const stream = { millis: 100, startMarginMs: 150, capacity: 4 * 1024 * 1024 };
const ringPeer = `${root}/native/zig-out/bin/zigbolt-ring-peer`;
/** Waiting for the usual placement, at most, per measurement and per whole run. */
const waitMs = 60_000;
const waitBudgetMs = 300_000;
const probeTimeoutMs = 30_000;

export class PlacementWatch {
  readonly #probes: Probe[] = [];
  #waitedMs = 0;

  /** The median round-trip probe so far, ns: the usual placement. */
  get usualNs(): number {
    return median(this.#probes.map((probe) => probe.rttNs));
  }

  /** The median stream-rate probe so far, messages/s. */
  get usualStreamRate(): number {
    return median(this.#probes.map((probe) => probe.streamRate));
  }

  get probes(): number {
    return this.#probes.length;
  }

  /** Probes off the usual placement, judged now. */
  get offProbes(): number {
    return this.#probes.filter((probe) => this.isOff(probe)).length;
  }

  /** Whether a probe is off the usual placement (by the medians so far), in either part. */
  isOff(probe: Probe | undefined): boolean {
    if (probe === undefined || this.#probes.length === 0) return false;
    return outside(probe.rttNs, this.usualNs) || outside(probe.streamRate, this.usualStreamRate);
  }

  /** The usual placement, for logs. */
  describeUsual(): string {
    return describe({ rttNs: this.usualNs, streamRate: this.usualStreamRate });
  }

  /** Both probes now; undefined without pinning (a probe would mean nothing). */
  async probe(): Promise<Probe | undefined> {
    if (!pinningAvailable()) return undefined;
    const rttNs = await roundTripOnce();
    const streamRate = await streamRateOnce();
    const probe = { rttNs, streamRate };
    this.#probes.push(probe);
    return probe;
  }

  /** Probes until the placement is the usual one or the wait runs out; returns the last probe. */
  async waitForUsual(log: (line: string) => void): Promise<Probe | undefined> {
    const start = Date.now();
    let probe = await this.probe();
    while (this.isOff(probe) && Date.now() - start < waitMs && this.#waitedMs < waitBudgetMs) {
      log(
        `vCPU placement off the usual one (probe ${
          describe(probe!)
        }, usual ${this.describeUsual()}): waiting`,
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      probe = await this.probe();
      this.#waitedMs += 2000;
    }
    return probe;
  }
}

/** A probe for logs: "250 ns, 22.1 M msg/s". */
export function describe(probe: Probe): string {
  return `${probe.rttNs} ns, ${(probe.streamRate / 1e6).toFixed(1)} M msg/s`;
}

function outside(value: number, usual: number): boolean {
  return value > usual * offFactor || value < usual / offFactor;
}

async function streamRateOnce(): Promise<number> {
  const name = channelName("probe-stream");
  using _ring = SpscRingBuffer.create({ name, capacity: stream.capacity, replace: true });
  const startAt = Date.now() + stream.startMarginMs;
  const produce = ["bench-produce", "spsc", name, "--size", "32", "--millis", `${stream.millis}`];
  const [consumed] = await runTogether([
    onCpu(1, [ringPeer, "bench-consume", "spsc", name, "--producers", "1"]),
    onCpu(0, [ringPeer, ...produce, "--start-at", `${startAt}`]),
  ], probeTimeoutMs);
  return (consumed as { messagesPerSecond: number }).messagesPerSecond;
}

async function roundTripOnce(): Promise<number> {
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
