/**
 * Test helper: moves a fresh channel's head and tail to `position` (a channel with a long
 * history, pretended), before anyone takes a role, through a mapping of our own.
 * @module
 */
import { native } from "../lib/_native.ts";

export function startPositionsAt(name: string, position: bigint): void {
  const { symbols, view } = native();
  const handle = symbols.zigbolt_ipc_open_ex(new TextEncoder().encode(`${name}\0`), 0, 0);
  if (native().isNull(handle)) throw new Error(`cannot open ${name}`);
  try {
    const header = new BigInt64Array(view(symbols.zigbolt_ipc_segment(handle), 0, 4096));
    Atomics.store(header, 128 / 8, position); // tail (docs/ipc.md)
    Atomics.store(header, 256 / 8, position); // head
  } finally {
    symbols.zigbolt_ipc_close(handle);
  }
}
