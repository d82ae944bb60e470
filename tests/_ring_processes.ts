/**
 * Starting the ring peers (native/tools/ring_peer.zig, tests/peers/ring_peer.ts) from a test.
 * @module
 */
import { bunPath, Child, denoPath, type PeerRuntime, root } from "./_processes.ts";

const ringPeerScript = `${root}/tests/peers/ring_peer.ts`;

/** argv for running the ring peer in `runtime`. */
export function ringPeerCommand(runtime: PeerRuntime, args: string[]): string[] {
  switch (runtime) {
    case "zig":
      return [`${root}/native/zig-out/bin/zigbolt-ring-peer`, ...args];
    case "bun":
      return [bunPath, ringPeerScript, ...args];
    case "deno":
      return [denoPath, "run", "-A", ringPeerScript, ...args];
  }
}

export function startRingPeer(runtime: PeerRuntime, args: string[]): Child {
  return new Child(ringPeerCommand(runtime, args));
}
