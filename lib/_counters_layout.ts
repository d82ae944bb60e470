/**
 * The counters-file layout (docs/counters.md), mirrored from native/src/counters/layout.zig;
 * tests/counters.test.ts checks it against files Zig wrote.
 * @module
 */

export const headerLength = 4096;
export const metadataRecordLength = 512;
export const valueRecordLength = 128;
export const labelLengthMax = 384;

/** Byte offsets inside the file. */
export const countersMaxOffset = 128;
export const metadataOffset = headerLength;

/** Byte offsets inside a metadata record. */
export const stateWordOffset = 0;
export const ownerOffset = 8;
export const typeIdOffset = 16;
export const labelLengthOffset = 20;
export const allocatedNsOffset = 24;
export const labelOffset = 128;

/** Record states (the low 32 bits of the state word). */
export const stateAllocated = 2;

export function valuesOffset(countersMax: number): number {
  return headerLength + countersMax * metadataRecordLength;
}

export function fileLength(countersMax: number): number {
  return valuesOffset(countersMax) + countersMax * valueRecordLength;
}
