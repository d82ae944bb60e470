/**
 * The clock ZigBolt processes share for latency: CLOCK_MONOTONIC read by libzigbolt.
 * @module
 */
import { native } from "./_native.ts";

/**
 * Nanoseconds of CLOCK_MONOTONIC, comparable with timestamps taken by Zig, C, Bun or Deno
 * processes on the same machine (~27 ns a call). Exact to the nanosecond for 104 days of
 * uptime.
 *
 * @example
 * ```ts
 * const sentNs = monotonicNs();
 * ```
 */
export function monotonicNs(): number {
  return (clockNs ??= native().symbols.zigbolt_clock_ns)();
}

/** The FFI symbol itself, once loaded: each sample then costs only the call (~27 ns). */
let clockNs: (() => number) | undefined;
