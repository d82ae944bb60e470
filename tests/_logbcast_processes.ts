/**
 * Starting the log buffer and broadcast peers (native/tools/logbcast_peer.zig,
 * tests/peers/logbcast_peer.ts) in Zig, Bun or Deno.
 * @module
 */
import { bunPath, Child, denoPath, type PeerRuntime, root } from "./_processes.ts";

const peerScript = `${root}/tests/peers/logbcast_peer.ts`;

export function logbcastCommand(
  runtime: PeerRuntime,
  mode: string,
  flags: Record<string, string | number>,
): string[] {
  const args = [mode, ...Object.entries(flags).flatMap(([key, value]) => [`--${key}`, String(value)])];
  switch (runtime) {
    case "zig":
      return [`${root}/native/zig-out/bin/zigbolt-logbcast`, ...args];
    case "bun":
      return [bunPath, peerScript, ...args];
    case "deno":
      return [denoPath, "run", "-A", peerScript, ...args];
  }
}

export function startLogbcast(
  runtime: PeerRuntime,
  mode: string,
  flags: Record<string, string | number>,
): Child {
  return new Child(logbcastCommand(runtime, mode, flags));
}
