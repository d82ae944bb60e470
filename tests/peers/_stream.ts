/**
 * The test stream, identical to the one in native/tools/ipc_peer.zig: message `seq` has
 * msgTypeId = seq and a payload that is a window of a fixed pseudo-random pattern.
 *   pattern[i]  = low byte of xorshift32 step i from 0x9E3779B9
 *   size(seq)   = from fmix32(seq): 70% 1..256, 25% 1..4096, 4.5% 1..16384, 0.5% 1..65536
 *   offset(seq) = (seq * 7) mod 4096; payload = pattern[offset .. offset + size]
 * @module
 */

export const pattern: Uint8Array = (() => {
  const bytes = new Uint8Array(65536 + 4096);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
})();

export function sizeOf(seq: number): number {
  let h = seq >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  const bucket = h % 1000;
  const spread = h >>> 10;
  if (bucket < 700) return 1 + (spread % 256);
  if (bucket < 950) return 1 + (spread % 4096);
  if (bucket < 995) return 1 + (spread % 16384);
  return 1 + (spread % 65536);
}

export function offsetOf(seq: number): number {
  return Math.imul(seq, 7) >>> 0 & 4095;
}

/** The payload of message `seq`: a view into the pattern (publish copies it). */
export function payloadOf(seq: number): Uint8Array {
  const offset = offsetOf(seq);
  return pattern.subarray(offset, offset + sizeOf(seq));
}

/** True when `bytes[start, start + length)` is exactly the payload of `seq`. */
export function matches(seq: number, bytes: Uint8Array, start: number, length: number): boolean {
  if (length !== sizeOf(seq)) return false;
  const offset = offsetOf(seq);
  for (let i = 0; i < length; i++) {
    if (bytes[start + i] !== pattern[offset + i]) return false;
  }
  return true;
}
