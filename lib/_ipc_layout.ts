/**
 * The zigbolt-ipc-v1 layout as seen from TypeScript (docs/ipc.md; native/src/ipc/layout.zig
 * is the Zig side). Offsets are in bytes; `*Word` are indices into an Int32Array, `*Long`
 * into a BigInt64Array over the header.
 * @module
 */

export const headerLength = 4096;
export const termCount = 3;
export const termLengthMin = 4096;
export const termLengthMax = 1 << 30;
export const termLengthDefault = 1 << 20;
export const frameHeaderLength = 8;
export const frameAlignment = 8;
export const payloadLengthMax = 16 << 20;

export const tailOffset = 128;
export const headOffset = 256;
export const tailLowWord = tailOffset / 4;
export const tailHighWord = tailOffset / 4 + 1;
export const headLowWord = headOffset / 4;
export const headHighWord = headOffset / 4 + 1;
export const tailLong = tailOffset / 8;
export const headLong = headOffset / 8;

/** The native role numbers (ZIGBOLT_ROLE_*). */
export const roleNumbers = { publisher: 0, subscriber: 1 } as const;
/** ZIGBOLT_FLAG_* */
export { structureFlags as flags } from "./_structure_common.ts";
