/**
 * The zigbolt-ring-v2 layout as seen from TypeScript (docs/spsc-ring.md, docs/mpsc-ring.md;
 * native/src/ring/layout.zig is the Zig side). Offsets are in bytes; `*Word` are indices into
 * an Int32Array over the segment. Positions are u32 byte counts that wrap at 2^32: JS keeps
 * them as numbers in [0, 2^32) and takes every difference with `>>> 0`.
 * @module
 */

export const headerLength = 4096;
export const capacityMin = 1024;
export const capacityMax = 1 << 30;
export const capacityDefault = 64 * 1024;
export const recordHeaderLength = 8;
export const producerSlotCount = 64;
export const producerSlotLength = 128;
export const spscDataOffset = headerLength;
export const mpscDataOffset = headerLength + producerSlotCount * producerSlotLength;

export const typePadding = -1;
export const typeLost = -2;

export const tailWord = 256 / 4;
export const headWord = 384 / 4;
export const readPositionWord = 388 / 4;
/** MPSC: how often the head crossed a multiple of 2^headEpochShift (layout.zig head_epoch). */
export const headEpochWord = 768 / 4;
export const headEpochShift = 30;

/** Largest payload in a ring of `capacity` bytes (layout.zig payloadLengthMax). */
export function payloadLengthMax(capacity: number): number {
  return Math.min(capacity / 8 - recordHeaderLength, 16 << 20);
}

/** Whether `later - earlier` (mod 2^32) is a plausible distance inside one ring. */
export function distanceValid(capacity: number, earlier: number, later: number): boolean {
  const distance = (later - earlier) >>> 0;
  return distance <= capacity && (distance & 7) === 0;
}

/** ZIGBOLT_RING_ROLE_* */
export const roleNumbers = { producer: 0, consumer: 1 } as const;
/** ZIGBOLT_FLAG_* */
export const flags = { preFault: 1, hugepages: 2, mlock: 4, replace: 8 } as const;
