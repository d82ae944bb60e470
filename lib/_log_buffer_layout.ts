/**
 * The log buffer's segment as seen from TypeScript (docs/log-buffer.md;
 * native/src/log_buffer/layout.zig is the Zig side). `*Word` are indices into an Int32Array
 * over the whole segment; byte offsets otherwise.
 * @module
 */

export const termCount = 3;
export const termLengthMin = 4096;
export const termLengthMax = 1 << 29;
export const termLengthDefault = 1 << 20;
export const metadataLength = 4096;
export const frameHeaderLength = 16;
export const frameAlignment = 16;
export const payloadLengthMax = 16 << 20;

export const frameTypeData = 1;
export const frameTypePadding = 2;

export const initialTermIdWord = 136 / 4;
/** Raw tail of partition p: low word (term offset) and high word (term id). */
export function tailLowWord(partition: number): number {
  return 64 + 2 * partition;
}
export function tailHighWord(partition: number): number {
  return 65 + 2 * partition;
}
export const consumerPositionOffset = 384;
export const consumerLowWord = consumerPositionOffset / 4;
export const consumerHighWord = consumerPositionOffset / 4 + 1;
export const consumerLong = consumerPositionOffset / 8;

/** Frame header words, relative to the frame's first word. */
export const frameLengthWord = 0;
export const frameTypeWord = 1;
export const msgTypeIdWord = 2;
export const termIdWord = 3;

/** ZIGBOLT_LOG_ROLE_* */
export const roleNumbers = { writer: 0, consumer: 1 } as const;

/** Bytes a frame of `payloadLength` occupies in its term. */
export function alignedFrameLength(payloadLength: number): number {
  return (payloadLength + frameHeaderLength + frameAlignment - 1) & ~(frameAlignment - 1);
}

export function termLengthValid(termLength: number): boolean {
  return Number.isInteger(termLength) && termLength >= termLengthMin && termLength <= termLengthMax &&
    (termLength & (termLength - 1)) === 0;
}
