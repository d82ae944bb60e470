/**
 * The ring stream of native/tools/ring_peer.zig, in TypeScript: producer `id`'s message
 * `seq` has msg_type_id = id and 12 + (seq * 7 + id) % 53 bytes:
 *   0 u32 id, 4 u32 seq, 8 u32 fmix32(id * 0x9E3779B1 + seq), 12.. byte j = (seq + 31j + id) & 0xff
 * @module
 */
import type { Fragment } from "../../mod.ts";

export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function streamLength(id: number, seq: number): number {
  return 12 + ((((Math.imul(seq, 7) >>> 0) + id) >>> 0) % 53);
}

/** One reusable buffer per message length: filling a message allocates nothing. */
export class StreamWriter {
  readonly #buffers: Uint8Array[] = [];
  readonly #views: DataView[] = [];
  constructor(readonly id: number) {
    for (let length = 0; length <= 64; length++) {
      const buffer = new Uint8Array(length);
      this.#buffers.push(buffer);
      this.#views.push(new DataView(buffer.buffer));
    }
  }

  message(seq: number): Uint8Array {
    const id = this.id;
    const length = streamLength(id, seq);
    const buffer = this.#buffers[length];
    const view = this.#views[length];
    view.setUint32(0, id, true);
    view.setUint32(4, seq, true);
    view.setUint32(8, fmix32((Math.imul(id, 0x9e3779b1) + seq) >>> 0), true);
    for (let j = 12; j < length; j++) buffer[j] = (seq + 31 * j + id) & 0xff;
    return buffer;
  }
}

/** Checks one stream message in place; returns `id * 2^32 + seq`, or -1 when it is wrong. */
export function checkFragment(fragment: Fragment): number {
  const { view, bytes, offset, length } = fragment;
  if (length < 12) return -1;
  const id = view.getUint32(offset, true);
  const seq = view.getUint32(offset + 4, true);
  if (length !== streamLength(id, seq)) return -1;
  if (view.getUint32(offset + 8, true) !== fmix32((Math.imul(id, 0x9e3779b1) + seq) >>> 0)) return -1;
  for (let j = 12; j < length; j++) if (bytes[offset + j] !== ((seq + 31 * j + id) & 0xff)) return -1;
  return id * 2 ** 32 + seq;
}
