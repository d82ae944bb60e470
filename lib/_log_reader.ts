/**
 * The consumer side of a log buffer, run in JavaScript straight over the shared mapping: no
 * FFI call and no callback from native code per message; `pollFragments` allocates nothing
 * (docs/log-buffer.md; native/src/log_buffer/log_buffer.zig is the Zig twin).
 *
 * The consumer position is a u64 we alone write: while its high half does not change, a
 * 32-bit store of the low half is an atomic update of the whole; crossing a 4 GiB boundary
 * uses one 64-bit store.
 * @module
 */
import * as layout from "./_log_buffer_layout.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";
import { detachFragment, Fragment } from "./fragment.ts";

/** The consumer's counters in the counters file (allocated by libzigbolt with the role). */
export interface ConsumerCounters {
  readonly messages: OrderedCounter;
  readonly bytes: OrderedCounter;
  readonly position: OrderedCounter;
}

const twoTo32 = 2 ** 32;

export type LogMessageHandler = (data: Uint8Array, msgTypeId: number) => void;
export type LogFragmentHandler = (fragment: Fragment) => void;

/** Why a read stopped: the log's shared state is not what the spec allows. */
export class LogCorruption extends Error {}

export class LogReader {
  readonly #words: Int32Array;
  readonly #longs: BigInt64Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #termLength: number;
  readonly #fragment = new Fragment();
  #termId: number;
  #partition: number;
  #termOffset: number;
  #position: number;
  #positionHigh: number;
  /** Set by close(): the read in progress stops after the current message. */
  stopped = false;
  /** Whether the last read delivered nothing because a frame is claimed but not committed. */
  stalled = false;

  readonly #counters: ConsumerCounters | undefined;

  constructor(buffer: ArrayBuffer, termLength: number, counters: ConsumerCounters | undefined) {
    this.#counters = counters;
    this.#words = new Int32Array(buffer);
    this.#longs = new BigInt64Array(buffer, 0, layout.metadataLength / 8);
    this.#bytes = new Uint8Array(buffer);
    this.#view = new DataView(buffer);
    this.#termLength = termLength;
    const position = Number(BigInt.asUintN(64, Atomics.load(this.#longs, layout.consumerLong)));
    const count = Math.floor(position / termLength);
    const initialTermId = this.#words[layout.initialTermIdWord];
    this.#termId = (initialTermId + count) | 0;
    this.#partition = count % layout.termCount;
    this.#termOffset = position % termLength;
    this.#position = position;
    this.#positionHigh = Math.floor(position / twoTo32);
  }

  /** The channel is closing: the fragment a handler may have kept points at nothing. */
  detach(): void {
    detachFragment(this.#fragment);
  }

  /** Bytes consumed since the log was created. */
  get position(): number {
    return this.#position;
  }

  /**
   * Delivers up to `limit` messages. Throws LogCorruption after publishing the position
   * of what was delivered.
   */
  read(handler: LogMessageHandler | LogFragmentHandler, limit: number, asFragments: boolean): number {
    const words = this.#words;
    if (
      (Atomics.load(words, layout.consumerLowWord) >>> 0) !== (this.#position >>> 0) ||
      (words[layout.consumerHighWord] >>> 0) !== this.#positionHigh
    ) {
      throw new LogCorruption("the consumer position was changed by another process (a second consumer?)");
    }
    const termLength = this.#termLength;
    let termOffset = this.#termOffset;
    let position = this.#position;
    let count = 0;
    let payloadBytes = 0;
    let stalled = false;
    let corrupt = "";
    try {
      scan: while (count < limit) {
        if (termOffset === termLength) {
          this.#termId = (this.#termId + 1) | 0;
          this.#partition = this.#partition === layout.termCount - 1 ? 0 : this.#partition + 1;
          termOffset = 0;
        }
        const partition = this.#partition;
        const termId = this.#termId;
        // The term id before the offset: pairs with the writer's offset-then-id rotation.
        const tailTermId = Atomics.load(words, layout.tailHighWord(partition));
        if (tailTermId !== termId) {
          if (tailTermId !== ((termId - layout.termCount) | 0)) {
            corrupt = `partition ${partition} holds term ${tailTermId}, expected ${termId}`;
          }
          break;
        }
        const tail = Atomics.load(words, layout.tailLowWord(partition));
        if (tail > termLength || tail < termOffset || (tail & (layout.frameAlignment - 1)) !== 0) {
          corrupt = `tail offset ${tail} is impossible at term offset ${termOffset}`;
          break;
        }
        if (tail === termOffset) break;
        const base = layout.metadataLength + partition * termLength;
        while (count < limit && termOffset < tail) {
          const frame = base + termOffset;
          const word = frame >> 2;
          const frameLength = Atomics.load(words, word);
          if (frameLength < 0) {
            stalled = true;
            break scan;
          }
          if (frameLength < layout.frameHeaderLength || frameLength > tail - termOffset) {
            corrupt = `frame of ${frameLength} bytes at term offset ${termOffset} (tail ${tail})`;
            break scan;
          }
          if (words[word + layout.termIdWord] !== termId) {
            corrupt = `frame at term offset ${termOffset} belongs to term ${words[word + layout.termIdWord]}`;
            break scan;
          }
          const frameType = words[word + layout.frameTypeWord] & 0xffff;
          const aligned = (frameLength + layout.frameAlignment - 1) & ~(layout.frameAlignment - 1);
          if (frameType !== layout.frameTypeData && frameType !== layout.frameTypePadding) {
            corrupt = `frame type ${frameType} at term offset ${termOffset}`;
            break scan;
          }
          // Advance first: a handler that throws does not get the same message again.
          termOffset += aligned;
          position += aligned;
          if (frameType === layout.frameTypePadding) continue;
          count++;
          const start = frame + layout.frameHeaderLength;
          const length = frameLength - layout.frameHeaderLength;
          payloadBytes += length;
          const msgTypeId = words[word + layout.msgTypeIdWord];
          if (asFragments) {
            const fragment = this.#fragment;
            fragment.bytes = this.#bytes;
            fragment.view = this.#view;
            fragment.offset = start;
            fragment.length = length;
            fragment.msgTypeId = msgTypeId;
            (handler as LogFragmentHandler)(fragment);
          } else {
            (handler as LogMessageHandler)(this.#bytes.subarray(start, start + length), msgTypeId);
          }
          if (this.stopped) break scan;
        }
      }
    } finally {
      this.#termOffset = termOffset;
      if (position !== this.#position) this.#publish(position, count, payloadBytes);
    }
    this.stalled = stalled && count === 0;
    if (corrupt !== "") throw new LogCorruption(corrupt);
    return count;
  }

  #publish(position: number, messages: number, payloadBytes: number): void {
    this.#position = position;
    const counters = this.#counters;
    if (counters !== undefined) {
      counters.messages.add(messages);
      counters.bytes.add(payloadBytes);
      counters.position.set(position);
    }
    const high = Math.floor(position / twoTo32);
    if (high === this.#positionHigh) {
      // Release (Atomics are seq-cst): we are done with every byte below the new position.
      Atomics.store(this.#words, layout.consumerLowWord, position | 0);
      return;
    }
    this.#positionHigh = high;
    Atomics.store(this.#longs, layout.consumerLong, BigInt(position));
  }
}
