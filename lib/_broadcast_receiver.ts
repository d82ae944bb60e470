/**
 * A broadcast receiver over libzigbolt's batch receive (docs/broadcast.md, Receiving in
 * batches): one FFI call copies up to 64 messages into a buffer this reader owns and
 * validates them once; JavaScript then hands them to the handler from there. No callback
 * from native code and no allocation per message; only validated copies reach the handler.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import type { NativePointer } from "./_symbols.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";
import { Fragment } from "./fragment.ts";

export type BroadcastHandler = (fragment: Fragment) => void;

/** Records one batch call copies at most (broadcast.zig batch_records_max). */
const batchRecordsMax = 64;
/** Per record in a batch, as in the buffer: its length (header included), msg type id, payload. */
const batchRecordHeaderLength = 8;

export class BroadcastReader {
  readonly #adapter: RuntimeAdapter;
  readonly #handle: NativePointer;
  /** The batch buffer, as bytes for the native call and as words to read record headers. */
  readonly #batch: Uint8Array;
  readonly #batchWords: Int32Array;
  readonly #fragment = new Fragment();
  /** Records of the last batch not handed over yet (a handler threw or closed us). */
  #pending = 0;
  /** Byte offset of the next of them. */
  #offset = 0;
  readonly #messages: OrderedCounter | undefined;
  /** Set by close(): the receive in progress stops after the current message. */
  stopped = false;

  /** `batchLength`: what zigbolt_broadcast_receiver_batch_length said the buffer needs. */
  constructor(
    adapter: RuntimeAdapter,
    handle: NativePointer,
    batchLength: number,
    messages?: OrderedCounter,
  ) {
    this.#adapter = adapter;
    this.#handle = handle;
    this.#messages = messages;
    // Ours, not native memory: a fragment kept past close() reads stale bytes, never freed ones.
    const batch = new ArrayBuffer(batchLength);
    this.#batch = new Uint8Array(batch);
    this.#batchWords = new Int32Array(batch);
    this.#fragment.bytes = this.#batch;
    this.#fragment.view = new DataView(batch);
  }

  /** Hands up to `limit` validated copies to `handler`; returns how many, or a negative status. */
  receive(handler: BroadcastHandler, limit: number): number {
    const words = this.#batchWords;
    const fragment = this.#fragment;
    // Locals in the loop, written back on the way out (a handler that throws included).
    let pending = this.#pending;
    let offset = this.#offset;
    let count = 0;
    try {
      while (count < limit && !this.stopped) {
        if (pending === 0) {
          const records = this.#adapter.symbols.zigbolt_broadcast_receive_batch(
            this.#handle,
            this.#batch,
            this.#batch.length,
            Math.min(limit - count, batchRecordsMax),
          );
          if (records <= 0) return records < 0 ? records : count;
          pending = records;
          offset = 0;
        }
        // Move past the record first: a handler that throws does not get it again.
        const recordLength = words[offset >> 2];
        fragment.offset = offset + batchRecordHeaderLength;
        fragment.length = recordLength - batchRecordHeaderLength;
        fragment.msgTypeId = words[(offset >> 2) + 1];
        offset += (recordLength + 7) & ~7;
        pending--;
        count++;
        handler(fragment);
      }
      return count;
    } finally {
      this.#pending = pending;
      this.#offset = offset;
      if (count !== 0) this.#messages?.add(count);
    }
  }
}
