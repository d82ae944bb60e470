/**
 * The subscriber side of an IPC channel, run in JavaScript straight over the shared
 * mapping: no FFI call and no callback from native code per message (docs/ipc.md).
 *
 * Positions are u64 in the segment. JavaScript reads and writes their 32-bit halves with
 * Atomics (4-13 ns) instead of BigInt (13-25 ns plus an allocation):
 * - the tail: its low half is enough, since tail - head < 2^32 (at most three terms); the
 *   high half (a plain read) is checked against what the low half implies, and any
 *   disagreement is settled by one full 64-bit load;
 * - the head: we are its only writer, so while its high half does not change a 32-bit store
 *   of the low half is an atomic update of the whole u64; crossing a 4 GiB boundary uses a
 *   64-bit store.
 * @module
 */
import type { SegmentView } from "./_kept_mapping.ts";
import * as layout from "./_ipc_layout.ts";
import { detachFragment, Fragment } from "./fragment.ts";
import type { Counter } from "./counters.ts";

const twoTo32 = 2 ** 32;

export type MessageHandler = (data: Uint8Array, msgTypeId: number) => void;
export type FragmentHandler = (fragment: Fragment) => void;

/** The subscriber's counters in the counters file (allocated by libzigbolt at claim). */
export interface SubscriberCounters {
  readonly messages: Counter;
  readonly bytes: Counter;
  readonly position: Counter;
}

/** Why a read stopped early: the channel's shared state is not what we wrote or expect. */
export class CorruptionFound extends Error {}

export class IpcReader {
  readonly #header: Int32Array;
  readonly #headerLongs: BigInt64Array;
  readonly #termBytes: Uint8Array[] = [];
  readonly #termWords: Int32Array[] = [];
  readonly #termViews: DataView[] = [];
  readonly #termLength: number;
  readonly #availableMax: number;
  readonly #fragment = new Fragment();
  /** Set by the channel's close(): the read in progress stops after the current message. */
  stopped = false;
  #headLow: number;
  #headHigh: number;
  #termIndex: number;
  #termOffset: number;

  readonly #counters: SubscriberCounters | undefined;

  constructor(
    view: SegmentView,
    termLength: number,
    counters: SubscriberCounters | undefined,
  ) {
    this.#termLength = termLength;
    this.#counters = counters;
    this.#availableMax = layout.termCount * termLength;
    const header = view(0, layout.headerLength);
    this.#header = new Int32Array(header);
    this.#headerLongs = new BigInt64Array(header);
    for (let i = 0; i < layout.termCount; i++) {
      const term = view(layout.headerLength + i * termLength, termLength);
      this.#termBytes.push(new Uint8Array(term));
      this.#termWords.push(new Int32Array(term));
      this.#termViews.push(new DataView(term));
    }
    const head = BigInt.asUintN(64, Atomics.load(this.#headerLongs, layout.headLong));
    this.#headLow = Number(head & 0xffff_ffffn);
    this.#headHigh = Number(head >> 32n);
    this.#termIndex = Number((head / BigInt(termLength)) % BigInt(layout.termCount));
    this.#termOffset = Number(head % BigInt(termLength));
  }

  /** The channel is closing: the fragment a handler may have kept points at nothing. */
  detach(): void {
    detachFragment(this.#fragment);
  }

  /** The subscriber position: bytes consumed since the channel was created. */
  get position(): number {
    return this.#headHigh * twoTo32 + this.#headLow;
  }

  /**
   * Delivers up to `limit` of the `available` bytes' messages (from `available()`).
   * Throws CorruptionFound after committing what was delivered.
   */
  read(
    available: number,
    handler: MessageHandler | FragmentHandler,
    limit: number,
    asFragments: boolean,
  ): number {
    const termLength = this.#termLength;
    let index = this.#termIndex;
    let offset = this.#termOffset;
    let consumed = 0;
    let count = 0;
    let payloadBytes = 0;
    let corrupt = "";
    try {
      while (consumed < available && count < limit) {
        const words = this.#termWords[index];
        const frameLength = words[offset >> 2];
        if (frameLength < 0) {
          const padding = termLength - offset;
          if (frameLength !== -padding || padding > available - consumed) {
            corrupt = `padding frame of ${-frameLength} bytes at term offset ${offset}`;
            break;
          }
          consumed += padding;
          offset = 0;
          index = index === layout.termCount - 1 ? 0 : index + 1;
          continue;
        }
        if (frameLength > termLength - offset - layout.frameHeaderLength) {
          corrupt = `frame of ${frameLength} bytes at term offset ${offset} overruns its term`;
          break;
        }
        const frameBytes = (frameLength + layout.frameHeaderLength + 7) & ~7;
        if (frameBytes > available - consumed) {
          corrupt = `frame of ${frameLength} bytes at term offset ${offset} overruns the tail`;
          break;
        }
        const start = offset + layout.frameHeaderLength;
        const msgTypeId = words[(offset >> 2) + 1];
        // Advance first: a handler that throws does not get the same message again.
        consumed += frameBytes;
        offset += frameBytes;
        count++;
        payloadBytes += frameLength;
        if (asFragments) {
          const fragment = this.#fragment;
          fragment.bytes = this.#termBytes[index];
          fragment.view = this.#termViews[index];
          fragment.offset = start;
          fragment.length = frameLength;
          fragment.msgTypeId = msgTypeId;
          if (offset === termLength) index = this.#nextTerm(index), offset = 0;
          (handler as FragmentHandler)(fragment);
        } else {
          const bytes = this.#termBytes[index];
          if (offset === termLength) index = this.#nextTerm(index), offset = 0;
          (handler as MessageHandler)(bytes.subarray(start, start + frameLength), msgTypeId);
        }
        if (this.stopped) break;
      }
    } finally {
      this.#termIndex = index;
      this.#termOffset = offset;
      if (consumed > 0) {
        this.#advance(consumed);
        this.#count(count, payloadBytes);
      }
    }
    if (corrupt !== "") throw new CorruptionFound(corrupt);
    return count;
  }

  #count(messages: number, payloadBytes: number): void {
    const counters = this.#counters;
    if (counters === undefined) return;
    counters.messages.addOrdered(messages);
    counters.bytes.addOrdered(payloadBytes);
    counters.position.setOrdered(this.position);
  }

  #nextTerm(index: number): number {
    return index === layout.termCount - 1 ? 0 : index + 1;
  }

  /** Bytes between our head and the publisher's tail, after checking both: 0 when empty. */
  available(): number {
    const header = this.#header;
    const tailLow = Atomics.load(header, layout.tailLowWord) >>> 0;
    const available = (tailLow - this.#headLow) >>> 0;
    if (available === 0) return 0;
    // A plain read: it only confirms the low half (which the Atomics.load above ordered), and
    // a second Atomics.load costs ~12 ns a poll in Deno. Any doubt goes to the 64-bit load.
    const tailHigh = header[layout.tailHighWord] >>> 0;
    const expectedHigh = this.#headLow + available >= twoTo32 ? this.#headHigh + 1 : this.#headHigh;
    if (tailHigh !== expectedHigh || available > this.#availableMax || (available & 7) !== 0) {
      return this.#availableChecked();
    }
    if (
      (header[layout.headLowWord] >>> 0) !== this.#headLow ||
      (header[layout.headHighWord] >>> 0) !== this.#headHigh
    ) {
      throw new CorruptionFound("the head position was changed by another process (a second subscriber?)");
    }
    return available;
  }

  /** The slow path: one atomic 64-bit load of the tail settles a torn or odd reading. */
  #availableChecked(): number {
    const tail = Number(BigInt.asUintN(64, Atomics.load(this.#headerLongs, layout.tailLong)));
    const available = tail - this.position;
    if (available < 0 || available > this.#availableMax || available % layout.frameAlignment !== 0) {
      throw new CorruptionFound(`tail position ${tail} is impossible for head ${this.position}`);
    }
    return available;
  }

  #advance(consumed: number): void {
    const low = this.#headLow + consumed;
    if (low < twoTo32) {
      this.#headLow = low;
      // Release (Atomics are seq-cst): we are done with the bytes below the new head.
      Atomics.store(this.#header, layout.headLowWord, low | 0);
      return;
    }
    this.#headLow = low - twoTo32;
    this.#headHigh += 1;
    const head = (BigInt(this.#headHigh) << 32n) | BigInt(this.#headLow);
    Atomics.store(this.#headerLongs, layout.headLong, BigInt.asIntN(64, head));
  }
}
