/**
 * The targets of the IPC channel (issue, section 6), checked against numbers measured in
 * this run only. Each target is a ratio compared with a limit; a target whose inputs were
 * measured in a disturbed run (flagged (!) in the tables) says so.
 * @module
 */
import type { LatencySummary } from "./_stats.ts";
import type { RoundTripRow } from "./_suite_round_trip.ts";
import type { ThroughputRow } from "./_suite_throughput.ts";
import type { UnixSocketRow } from "./_suite_unix_socket.ts";

export interface TargetResult {
  target: string;
  /** The measured ratio; null when a number it needs is missing (a failed cell). */
  ratio: number | null;
  limit: number;
  /** "at most" the limit, or "at least". */
  direction: "at most" | "at least";
  pass: boolean;
  /** An input comes from a run flagged as disturbed. */
  flagged: boolean;
  detail: string;
}

export interface Measured {
  roundTrips: RoundTripRow[];
  unixSockets: UnixSocketRow[];
  throughput: ThroughputRow[];
}

/** A measured number and whether its run was disturbed. */
interface Input {
  value: number | undefined;
  flagged: boolean;
}

/** Targets whose section did not run (--only) are left out; a failed cell is a MISS. */
export function checkTargets(m: Measured): TargetResult[] {
  return [...roundTripTargets(m), ...throughputTargets(m), ...socketTargets(m)];
}

function roundTripTargets(m: Measured): TargetResult[] {
  if (m.roundTrips.length === 0) return [];
  const results: TargetResult[] = [];
  for (const pair of ["Bun-Bun", "Deno-Deno"]) {
    results.push(
      atMost(
        `${pair} RTT p50 within 1.3x of Zig-Zig`,
        rtt(m, pair, "p50"),
        rtt(m, "Zig-Zig", "p50"),
        1.3,
        "ns",
      ),
      atMost(`${pair} RTT p99 within 2x of Zig-Zig`, rtt(m, pair, "p99"), rtt(m, "Zig-Zig", "p99"), 2, "ns"),
    );
  }
  return results;
}

function throughputTargets(m: Measured): TargetResult[] {
  if (m.throughput.length === 0) return [];
  const results: TargetResult[] = [];
  const tenMillion: Input = { value: 10e6, flagged: false };
  for (const publisher of ["bun", "deno"] as const) {
    for (const subscriber of [publisher, "zig"] as const) {
      const r = rate(m, publisher, subscriber, 64);
      const label = `${cap(publisher)}->${cap(subscriber)} 64 B throughput`;
      results.push(
        atLeast(`${label} >= 10 M msg/s`, r, tenMillion, 1, "msg/s"),
        atLeast(`${label} >= half of Zig->Zig`, r, rate(m, "zig", "zig", 64), 0.5, "msg/s"),
      );
    }
  }
  return results;
}

function socketTargets(m: Measured): TargetResult[] {
  if (m.roundTrips.length === 0 || m.unixSockets.length === 0) return [];
  const results: TargetResult[] = [];
  for (const [runtime, pair] of [["bun", "Bun-Bun"], ["deno", "Deno-Deno"]] as const) {
    for (const row of m.unixSockets.filter((row) => row.runtime === runtime)) {
      const target = `${pair} RTT p50 >= 100x lower than its Unix socket (${row.placement})`;
      const socket = { value: row.result?.rttNs.p50, flagged: row.disturbed ?? false };
      results.push(atLeast(target, socket, rtt(m, pair, "p50"), 100, "ns"));
    }
  }
  return results;
}

function rtt(m: Measured, pair: string, key: keyof LatencySummary): Input {
  const median = m.roundTrips.find((row) => row.pair === pair)?.median;
  return { value: median?.result.rttNs[key], flagged: median?.disturbed ?? false };
}

function rate(m: Measured, publisher: string, subscriber: string, size: number): Input {
  const row = m.throughput.find((row) =>
    row.publisher === publisher && row.subscriber === subscriber && row.size === size
  );
  return { value: row?.messagesPerSecond, flagged: row?.median?.disturbed ?? false };
}

/** measured / reference <= limit */
function atMost(
  target: string,
  measured: Input,
  reference: Input,
  limit: number,
  unit: string,
): TargetResult {
  return ratioTarget(target, measured, reference, limit, "at most", unit);
}

/** measured / reference >= limit */
function atLeast(
  target: string,
  measured: Input,
  reference: Input,
  limit: number,
  unit: string,
): TargetResult {
  return ratioTarget(target, measured, reference, limit, "at least", unit);
}

function ratioTarget(
  target: string,
  measured: Input,
  reference: Input,
  limit: number,
  direction: TargetResult["direction"],
  unit: string,
): TargetResult {
  const flagged = measured.flagged || reference.flagged;
  if (measured.value === undefined || reference.value === undefined || reference.value === 0) {
    return {
      target,
      ratio: null,
      limit,
      direction,
      pass: false,
      flagged,
      detail: "not measured: a cell failed",
    };
  }
  const ratio = measured.value / reference.value;
  const pass = direction === "at most" ? ratio <= limit : ratio >= limit;
  const detail = `${fmt(measured.value, unit)} / ${fmt(reference.value, unit)}${
    flagged ? "; input flagged (!)" : ""
  }`;
  return { target, ratio, limit, direction, pass, flagged, detail };
}

function fmt(value: number, unit: string): string {
  return unit === "msg/s" ? `${(value / 1e6).toFixed(2)} M msg/s` : `${Math.round(value)} ${unit}`;
}

function cap(runtime: string): string {
  return runtime[0].toUpperCase() + runtime.slice(1);
}
