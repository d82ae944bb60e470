/**
 * A broadcast receiver in JavaScript over the shared mapping (docs/broadcast.md): copies a
 * batch of records into a scratch buffer, then checks the tail intent once for the batch;
 * only copies that nothing overwrote reach the handler. No FFI call and no allocation per
 * message. native/src/broadcast/broadcast.zig (Receiver, CopyReceiver) is the Zig twin.
 * @module
 */
import * as layout from "./_broadcast_layout.ts";
import { loadCounter } from "./_broadcast_counters.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";
import { Fragment } from "./fragment.ts";

/** The receiver's counters in the counters file (allocated by libzigbolt at open). */
export interface ReceiverCounters {
  readonly messages: OrderedCounter;
  readonly lapped: OrderedCounter;
}

export type BroadcastHandler = (fragment: Fragment) => void;

/** Why a receive stopped: the buffer's shared state is not what the spec allows. */
export class BroadcastCorruption extends Error {}

/** Attempts to land on an intact record while the transmitter keeps lapping us. */
const resyncAttemptsMax = 16;
/** Records copied before one validation: the intent's line is then read once per batch. */
const batchRecordsMax = 64;
/** Scratch room beyond one largest message, so that small ones batch. */
const batchBytes = 8 * 1024;

export class BroadcastReader {
  readonly #words: Int32Array;
  readonly #capacity: number;
  readonly #mask: number;
  readonly #messageLengthMax: number;
  readonly #scratchWords: Int32Array;
  /** The batch being copied: each record's position, scratch offset, length and type. */
  readonly #batchCursors = new Float64Array(batchRecordsMax);
  readonly #batchOffsets = new Int32Array(batchRecordsMax);
  readonly #batchLengths = new Int32Array(batchRecordsMax);
  readonly #batchTypes = new Int32Array(batchRecordsMax);
  readonly #fragment = new Fragment();
  #nextRecord: number;
  /** Length and type of the record #find landed on, as validated there. */
  #length = 0;
  #msgTypeId = 0;
  readonly #counters: ReceiverCounters | undefined;
  #lappedReported = 0;
  /** Times we were overrun and skipped to the latest record. */
  lappedCount = 0;
  /** Set by close(): the receive in progress stops after the current message. */
  stopped = false;

  constructor(buffer: ArrayBuffer, capacity: number, counters: ReceiverCounters | undefined) {
    this.#counters = counters;
    this.#words = new Int32Array(buffer);
    this.#capacity = capacity;
    this.#mask = capacity - 1;
    // From the capacity libzigbolt checked, not from shared memory someone could change.
    this.#messageLengthMax = capacity / 8;
    const scratch = new ArrayBuffer(((this.#messageLengthMax + 7) & ~7) + batchBytes);
    this.#scratchWords = new Int32Array(scratch);
    this.#fragment.bytes = new Uint8Array(scratch);
    this.#fragment.view = new DataView(scratch);
    this.#fragment.offset = 0;
    const latest = loadCounter(this.#words, layout.latestWord);
    if (latest % layout.recordAlignment !== 0 || latest > layout.positionMax) {
      throw new BroadcastCorruption(`latest position ${latest} is impossible`);
    }
    this.#nextRecord = latest;
  }

  /** Hands up to `limit` validated copies to `handler`; returns how many. */
  receive(handler: BroadcastHandler, limit: number): number {
    let count = 0;
    let overrun = 0;
    while (count < limit && overrun < resyncAttemptsMax && !this.stopped) {
      const records = this.#copyBatch(Math.min(limit - count, batchRecordsMax));
      if (records === 0) break;
      // Every record of the batch lies at or after the first: if the intent shows that one
      // intact after all the copies, it shows them all intact (docs/broadcast.md).
      if (!this.#valid(this.#batchCursors[0])) {
        this.#lapped();
        overrun++;
        continue;
      }
      count += this.#deliverBatch(handler, records);
    }
    const counters = this.#counters;
    if (counters !== undefined) {
      if (count !== 0) counters.messages.add(count);
      if (this.#lappedReported !== this.lappedCount) {
        counters.lapped.set(this.#lappedReported = this.lappedCount);
      }
    }
    return count;
  }

  /**
   * Copies up to `recordsMax` records below the tail into the scratch buffer, noting each
   * in the batch arrays, and moves past them; returns how many (0: nothing new, or lapped
   * again and again).
   */
  #copyBatch(recordsMax: number): number {
    const words = this.#words;
    const scratch = this.#scratchWords;
    const scratchLength = scratch.length * 4;
    let tail = this.#loadTail();
    let records = 0;
    let used = 0;
    while (records < recordsMax) {
      if ((this.#nextRecord & (layout.recordAlignment - 1)) !== 0) {
        throw new BroadcastCorruption(`latest position ${this.#nextRecord} is not 8-aligned`);
      }
      if (this.#nextRecord >= tail) {
        // A lap may have moved us past the tail we loaded: look again before judging.
        tail = this.#loadTail();
        if (this.#nextRecord > tail) {
          throw new BroadcastCorruption(`tail ${tail} is behind our cursor ${this.#nextRecord}`);
        }
        if (this.#nextRecord === tail) break;
      }
      // The common case without #find: a plausible data record at the cursor.
      let cursor = this.#nextRecord;
      const offset = (cursor >>> 0) & this.#mask;
      const recordLength = words[(layout.metadataLength + offset) >> 2];
      let length = recordLength - layout.recordHeaderLength;
      let msgTypeId = words[((layout.metadataLength + offset) >> 2) + 1];
      if (plausibleRecord(recordLength, msgTypeId, this.#capacity - offset, this.#messageLengthMax)) {
        this.#nextRecord = cursor + layout.alignedRecordLength(length);
      } else {
        const lapsBefore = this.lappedCount;
        cursor = this.#find(tail);
        if (cursor < 0) break;
        // #find found us lapped and moved to the latest record: what we copied is stale.
        if (this.lappedCount !== lapsBefore) records = used = 0;
        length = this.#length;
        msgTypeId = this.#msgTypeId;
      }
      const aligned = (length + 7) & ~7;
      if (used + aligned > scratchLength) {
        this.#nextRecord = cursor; // the next batch starts here
        break;
      }
      // Word by word (the record is 8-aligned and padded to 8): no view object per message.
      const first = (layout.metadataLength + ((cursor >>> 0) & this.#mask)) / 4 + 2;
      const to = used >> 2;
      for (let i = 0; i < aligned >> 2; i++) scratch[to + i] = words[first + i];
      this.#batchCursors[records] = cursor;
      this.#batchOffsets[records] = used;
      this.#batchLengths[records] = length;
      this.#batchTypes[records] = msgTypeId;
      records++;
      used += aligned;
    }
    return records;
  }

  /**
   * Hands the validated batch to `handler`. If the handler throws or closes us, the next
   * receive resumes at the record after the last one it got (none is delivered twice).
   */
  #deliverBatch(handler: BroadcastHandler, records: number): number {
    const fragment = this.#fragment;
    let next = 0;
    try {
      while (next < records) {
        fragment.offset = this.#batchOffsets[next];
        fragment.length = this.#batchLengths[next];
        fragment.msgTypeId = this.#batchTypes[next];
        next++;
        handler(fragment);
        if (this.stopped) break;
      }
    } finally {
      if (next < records) this.#nextRecord = this.#batchCursors[next];
    }
    return next;
  }

  /**
   * Moves to the next record below `tail`: its position, -1 if we were lapped again and
   * again (counted; try again later), -2 if there is none after all (padding up to the tail).
   * A data record is returned before it is validated: receive validates after its copy, which
   * covers the header too. Padding and implausible headers decide where we go next, so they
   * are validated first.
   */
  #find(tail: number): number {
    const words = this.#words;
    const capacity = this.#capacity;
    let cursor = this.#nextRecord;
    for (let attempt = 0; attempt < resyncAttemptsMax; attempt++) {
      const offset = (cursor >>> 0) & this.#mask;
      const header = (layout.metadataLength + offset) >> 2;
      const length = words[header];
      const msgTypeId = words[header + 1];
      if (plausibleRecord(length, msgTypeId, capacity - offset, this.#messageLengthMax)) {
        this.#nextRecord = cursor + layout.alignedRecordLength(length - layout.recordHeaderLength);
        this.#length = length - layout.recordHeaderLength;
        this.#msgTypeId = msgTypeId;
        return cursor;
      }
      if (!this.#valid(cursor)) {
        this.lappedCount++;
        cursor = loadCounter(words, layout.latestWord);
        tail = this.#loadTail();
        if (cursor % layout.recordAlignment !== 0 || cursor > tail) {
          throw new BroadcastCorruption(`latest position ${cursor} is impossible for tail ${tail}`);
        }
        // Between the transmitter's stores of latest and tail they are equal: the record is
        // whole, but not ours until the tail covers it.
        if (cursor === tail) {
          this.#nextRecord = cursor;
          return -2;
        }
        continue;
      }
      // Not overwritten, below the tail: the header is what the transmitter wrote.
      const aligned = (length + layout.recordAlignment - 1) & ~(layout.recordAlignment - 1);
      const fits = length >= layout.recordHeaderLength && length <= capacity - offset;
      if (!fits || msgTypeId !== layout.paddingMsgTypeId || offset + aligned !== capacity) {
        throw new BroadcastCorruption(`record of ${length} bytes, type ${msgTypeId}, at offset ${offset}`);
      }
      cursor += aligned;
      if (cursor === tail) {
        this.#nextRecord = cursor;
        return -2;
      }
      if (cursor > tail) throw new BroadcastCorruption(`padding runs past the tail ${tail}`);
    }
    this.#nextRecord = cursor;
    return -1;
  }

  /** True while nothing has started overwriting the record at `cursor`. */
  #valid(cursor: number): boolean {
    const intent = loadCounter(this.#words, layout.tailIntentWord);
    // intent < cursor is impossible unless the metadata is garbage: then "overwritten".
    return intent >= cursor && intent - cursor < this.#capacity;
  }

  /** The copy was overwritten while we made it: count it and resume at the latest record. */
  #lapped(): void {
    this.lappedCount++;
    // A garbage latest is caught by the next receive's checks.
    this.#nextRecord = loadCounter(this.#words, layout.latestWord);
  }

  #loadTail(): number {
    const tail = loadCounter(this.#words, layout.tailWord);
    if (tail % layout.recordAlignment !== 0 || tail > layout.positionMax) {
      throw new BroadcastCorruption(`tail position ${tail} is impossible`);
    }
    return tail;
  }
}

/**
 * Whether a record header, `toEnd` bytes before the end of the records, reads as a data
 * record. Its copy is validated against the tail intent afterwards, which covers the header.
 */
function plausibleRecord(
  recordLength: number,
  msgTypeId: number,
  toEnd: number,
  messageLengthMax: number,
): boolean {
  return recordLength >= layout.recordHeaderLength && recordLength <= toEnd && msgTypeId >= 0 &&
    recordLength - layout.recordHeaderLength <= messageLengthMax;
}
