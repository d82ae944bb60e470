/**
 * Command lines of the log buffer and broadcast benchmark peers: native/tools/
 * logbcast_peer.zig (zigbolt-logbcast) and its Bun/Deno twin tests/peers/logbcast_peer.ts,
 * which share modes, flags and the one-line JSON result.
 * @module
 */
import { root, type Runtime, tools } from "../_runtimes.ts";

const peerScript = `${root}/tests/peers/logbcast_peer.ts`;

export function logbcastCommand(
  runtime: Runtime,
  mode: string,
  flags: Record<string, string | number>,
): string[] {
  const args = [mode, ...Object.entries(flags).flatMap(([key, value]) => [`--${key}`, String(value)])];
  if (runtime === "zig") return [`${root}/native/zig-out/bin/zigbolt-logbcast`, ...args];
  if (runtime === "bun") return [tools.bun, peerScript, ...args];
  return [tools.deno, "run", "-A", peerScript, ...args];
}
