/**
 * The writer side of a log buffer, run in JavaScript straight over the shared mapping: no
 * FFI call and no allocation per claim (docs/log-buffer.md). The Zig twin is
 * native/src/log_buffer/log_buffer.zig; both follow the same spec, byte for byte.
 *
 * The raw tails (term_id << 32 | term_offset) are written as 32-bit halves: within a term only
 * the low half (the offset) changes, and a rotation stores the new partition's offset (0)
 * before its term id, so a reader that sees the new term id sees a valid offset.
 * @module
 */
import * as layout from "./_log_buffer_layout.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";

/** The writer's counters in the counters file (allocated by libzigbolt with the role). */
export interface WriterCounters {
  readonly messages: OrderedCounter;
  readonly bytes: OrderedCounter;
  readonly backPressure: OrderedCounter;
  readonly position: OrderedCounter;
}

/** Commits between two writes of the writer's counters. */
const counterBatch = 16;

/** What claim returns instead of an offset. */
export const claimBackPressure = -1;
export const claimCorrupt = -2;

export class LogWriter {
  readonly #words: Int32Array;
  readonly #termLength: number;
  #termId: number;
  #partition: number;
  #termOffset: number;
  #activeTermCount: number;
  #position: number;
  #limit: number;
  /** Byte offset of the outstanding claim's frame in the segment, or -1. */
  #claimFrame = -1;
  #claimFrameLength = 0;
  /** Committed since the counters were last written (see flushCounters). */
  #pendingMessages = 0;
  #pendingBytes = 0;
  readonly #counters: WriterCounters | undefined;
  /** Why the last claim returned claimCorrupt. */
  corruption = "";

  /** Reads the writer state from the metadata (the native take_role has checked and repaired it). */
  constructor(words: Int32Array, termLength: number, counters: WriterCounters | undefined) {
    this.#words = words;
    this.#counters = counters;
    this.#termLength = termLength;
    const count = Atomics.load(words, layout.activeTermCountWord) >>> 0;
    this.#activeTermCount = count;
    this.#partition = count % layout.termCount;
    this.#termId = Atomics.load(words, layout.tailHighWord(this.#partition));
    this.#termOffset = Atomics.load(words, layout.tailLowWord(this.#partition));
    this.#position = count * termLength + this.#termOffset;
    this.#limit = this.#position;
  }

  get position(): number {
    return this.#position;
  }

  get claimOutstanding(): boolean {
    return this.#claimFrame >= 0;
  }

  /**
   * Claims a frame for `length` payload bytes (the caller checked that it fits a term):
   * the payload's byte offset in the segment, claimBackPressure, or claimCorrupt.
   */
  claim(length: number, msgTypeId: number): number {
    const termLength = this.#termLength;
    const aligned = layout.alignedFrameLength(length);
    const rotating = aligned > termLength - this.#termOffset;
    const padding = rotating ? termLength - this.#termOffset : 0;
    if (this.#position + padding + aligned > this.#limit) {
      if (!this.#reloadLimit()) return claimCorrupt;
      if (this.#position + padding + aligned > this.#limit) {
        if (this.#counters !== undefined) {
          this.#counters.backPressure.add(1);
          this.flushCounters();
        }
        return claimBackPressure;
      }
    }
    if (rotating) this.#rotate(padding);
    const words = this.#words;
    const frame = layout.metadataLength + this.#partition * termLength + this.#termOffset;
    const word = frame >> 2;
    words[word + layout.frameTypeWord] = layout.frameTypeData;
    words[word + layout.msgTypeIdWord] = msgTypeId;
    words[word + layout.termIdWord] = this.#termId;
    const frameLength = length + layout.frameHeaderLength;
    // Negative: claimed, not committed. A plain store: the tail's seq-cst store below
    // publishes it with the rest of the header.
    words[word] = -frameLength;
    this.#termOffset += aligned;
    this.#position += aligned;
    // Release (Atomics are seq-cst): the frame header is visible to whoever sees this tail.
    Atomics.store(words, layout.tailLowWord(this.#partition), this.#termOffset);
    this.#claimFrame = frame;
    this.#claimFrameLength = frameLength;
    return frame + layout.frameHeaderLength;
  }

  /** Publishes the outstanding claim. */
  commit(): void {
    // Release: the payload written into the claim is visible with the length.
    Atomics.store(this.#words, this.#claimFrame >> 2, this.#claimFrameLength);
    this.#claimFrame = -1;
    this.#pendingBytes += this.#claimFrameLength - layout.frameHeaderLength;
    if (++this.#pendingMessages === counterBatch) this.flushCounters();
  }

  /**
   * Writes the messages and bytes committed since the last flush, and the position, to the
   * counters file. Done every `counterBatch` commits (a store into the counters file costs
   * ~5 ns a counter in Bun, as much as the rest of a claim), on back-pressure and on close.
   */
  flushCounters(): void {
    const counters = this.#counters;
    if (counters === undefined || this.#pendingMessages === 0) return;
    counters.messages.add(this.#pendingMessages);
    counters.bytes.add(this.#pendingBytes);
    counters.position.set(this.#position);
    this.#pendingMessages = 0;
    this.#pendingBytes = 0;
  }

  /** Turns the outstanding claim into padding. */
  abort(): void {
    const word = this.#claimFrame >> 2;
    this.#words[word + layout.frameTypeWord] = layout.frameTypePadding;
    Atomics.store(
      this.#words,
      word,
      layout.alignedFrameLength(this.#claimFrameLength - layout.frameHeaderLength),
    );
    this.#claimFrame = -1;
  }

  #rotate(padding: number): void {
    const words = this.#words;
    const termLength = this.#termLength;
    if (padding !== 0) {
      const word = (layout.metadataLength + this.#partition * termLength + this.#termOffset) >> 2;
      words[word + layout.frameTypeWord] = layout.frameTypePadding;
      words[word + layout.msgTypeIdWord] = 0;
      words[word + layout.termIdWord] = this.#termId;
      Atomics.store(words, word, padding);
      Atomics.store(words, layout.tailLowWord(this.#partition), termLength);
      this.#position += padding;
    }
    this.#termId = (this.#termId + 1) | 0;
    this.#partition = this.#partition === layout.termCount - 1 ? 0 : this.#partition + 1;
    this.#termOffset = 0;
    // Offset first, then the term id: a reader that sees the new id sees offset 0 or more.
    Atomics.store(words, layout.tailLowWord(this.#partition), 0);
    Atomics.store(words, layout.tailHighWord(this.#partition), this.#termId);
    this.#activeTermCount = (this.#activeTermCount + 1) >>> 0;
    Atomics.store(words, layout.activeTermCountWord, this.#activeTermCount | 0);
  }

  /**
   * Reloads the consumer position from its low half: the consumer is at most a term behind
   * us, so the low half alone gives it exactly. Also checks that nobody else moved our tail.
   */
  #reloadLimit(): boolean {
    const words = this.#words;
    if (
      Atomics.load(words, layout.tailLowWord(this.#partition)) !== this.#termOffset ||
      words[layout.tailHighWord(this.#partition)] !== this.#termId
    ) {
      this.corruption = "the writer's tail was changed by another process (a second writer?)";
      return false;
    }
    const consumerLow = Atomics.load(words, layout.consumerLowWord) >>> 0;
    const lag = ((this.#position >>> 0) - consumerLow) >>> 0;
    if (lag > this.#termLength || (lag & (layout.frameAlignment - 1)) !== 0) {
      this.corruption = `consumer position is ${lag} bytes behind the writer, more than a term`;
      return false;
    }
    this.#limit = this.#position - lag + this.#termLength;
    return true;
  }
}
