/**
 * Reading a ring out in a test: every message waiting, as [first u32 of the payload (-1 when
 * shorter), msg type id, payload length].
 * @module
 */
import type { Fragment, MpscRingBuffer, SpscRingBuffer } from "../mod.ts";

export function drain(
  ring: SpscRingBuffer | MpscRingBuffer,
  limit = 10_000,
): Array<[number, number, number]> {
  const got: Array<[number, number, number]> = [];
  ring.readFragments((f: Fragment) => {
    got.push([f.length >= 4 ? f.view.getUint32(f.offset, true) : -1, f.msgTypeId, f.length]);
  }, limit);
  return got;
}
