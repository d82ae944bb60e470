/**
 * The broadcast buffer's segment as seen from TypeScript (docs/broadcast.md;
 * native/src/broadcast/layout.zig is the Zig side). `*Word` are indices into an Int32Array
 * over the whole segment.
 * @module
 */

export const capacityMin = 1024;
export const capacityMax = 1 << 30;
export const capacityDefault = 1 << 20;
export const metadataLength = 4096;
export const recordHeaderLength = 8;
export const recordAlignment = 8;
export const paddingMsgTypeId = -1;
/** Positions beyond this are garbage (and would not be exact as numbers). */
export const positionMax = 2 ** 53;

export const capacityWord = 128 / 4;
export const messageLengthMaxWord = 132 / 4;
/** Low words of the three u64 counters; the high word follows each. */
export const tailIntentWord = 256 / 4;
export const tailWord = 264 / 4;
export const latestWord = 272 / 4;

export function capacityValid(capacity: number): boolean {
  return Number.isInteger(capacity) && capacity >= capacityMin && capacity <= capacityMax &&
    (capacity & (capacity - 1)) === 0;
}

export function alignedRecordLength(payloadLength: number): number {
  return (payloadLength + recordHeaderLength + recordAlignment - 1) & ~(recordAlignment - 1);
}
