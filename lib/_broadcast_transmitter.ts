/**
 * The transmitter of a broadcast buffer, run in JavaScript over the shared mapping: no FFI
 * call and no allocation per message (docs/broadcast.md; native/src/broadcast/broadcast.zig
 * is the Zig twin, byte for byte).
 *
 * Order per message: tail intent, the record, latest, then tail. Only the tail, which
 * publishes the record, is a seq-cst store (an xchg on x86-64, which waits for the cache line
 * the receivers keep reading); the intent and latest are plain stores, kept in order by
 * x86-64's total store order (see CounterWriter.storePlain). Another architecture would
 * need a store fence after the intent.
 * @module
 */
import * as layout from "./_broadcast_layout.ts";
import { CounterWriter, loadCounter } from "./_broadcast_counters.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";
import { producerFlushPeriod } from "./_ring_counters.ts";

/** The transmitter's counters in the counters file (allocated by libzigbolt with the role). */
export interface TransmitterCounters {
  readonly messages: OrderedCounter;
  readonly bytes: OrderedCounter;
}

export class BroadcastWriter {
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #capacity: number;
  readonly #mask: number;
  readonly #intent: CounterWriter;
  readonly #tailCounter: CounterWriter;
  readonly #latest: CounterWriter;
  readonly #intentFloor: number;
  #tail: number;
  readonly #counters: TransmitterCounters | undefined;
  /** Transmitted since the counters were last brought up to date (every 256 messages). */
  #unreportedMessages = 0;
  #unreportedBytes = 0;
  /** Why the last transmit failed with CorruptChannel. */
  corruption = "";

  /** Takes over the counters as the metadata holds them (the native open checked them). */
  constructor(buffer: ArrayBuffer, capacity: number, counters: TransmitterCounters | undefined) {
    this.#counters = counters;
    const words = new Int32Array(buffer);
    const longs = new BigInt64Array(buffer, 0, layout.metadataLength / 8);
    this.#words = words;
    this.#bytes = new Uint8Array(buffer);
    this.#capacity = capacity;
    this.#mask = capacity - 1;
    this.#intent = new CounterWriter(words, longs, layout.tailIntentWord);
    this.#tailCounter = new CounterWriter(words, longs, layout.tailWord);
    this.#latest = new CounterWriter(words, longs, layout.latestWord);
    this.#tail = loadCounter(words, layout.tailWord);
    // A transmitter that died mid-record left its intent: never signal less than it.
    this.#intentFloor = loadCounter(words, layout.tailIntentWord);
  }

  /** Copies one record in (the caller checked the type id and length): true, or false if corrupt. */
  transmit(msgTypeId: number, data: Uint8Array): boolean {
    const words = this.#words;
    let tail = this.#tail;
    // A plain read: only this transmitter stores the tail, so this catches another writer
    // (an Atomics.load costs ~8 ns in Deno; a stale value would only delay the catch).
    if ((words[layout.tailWord] >>> 0) !== (tail >>> 0)) {
      this.corruption = "the tail was changed by another process (a second transmitter?)";
      return false;
    }
    const length = data.byteLength;
    const aligned = layout.alignedRecordLength(length);
    let offset = (tail >>> 0) & this.#mask;
    const toEnd = this.#capacity - offset;
    if (toEnd < aligned) {
      this.#signal(tail + toEnd + aligned);
      const padding = (layout.metadataLength + offset) >> 2;
      words[padding + 1] = layout.paddingMsgTypeId;
      words[padding] = toEnd;
      tail += toEnd;
      offset = 0;
    } else {
      this.#signal(tail + aligned);
    }
    const start = layout.metadataLength + offset;
    const header = start >> 2;
    words[header + 1] = msgTypeId;
    words[header] = length + layout.recordHeaderLength;
    this.#bytes.set(data, start + layout.recordHeaderLength);
    // latest then tail: the record is whole for whoever sees either (TSO for the plain one).
    this.#latest.storePlain(tail);
    this.#tailCounter.store(tail + aligned);
    this.#tail = tail + aligned;
    // Counters every 256 messages, as the ring producers do: two counter stores per message
    // cost 5-10 ns, a sixth of a transmit.
    this.#unreportedBytes += length;
    if (++this.#unreportedMessages === producerFlushPeriod) this.flushCounters();
    return true;
  }

  /** Brings the transmitted-messages and -bytes counters up to date. */
  flushCounters(): void {
    const counters = this.#counters;
    if (counters !== undefined && this.#unreportedMessages !== 0) {
      counters.messages.add(this.#unreportedMessages);
      counters.bytes.add(this.#unreportedBytes);
    }
    this.#unreportedMessages = 0;
    this.#unreportedBytes = 0;
  }

  #signal(intent: number): void {
    // Plain: TSO makes it visible before any byte of the record that follows it.
    this.#intent.storePlain(intent > this.#intentFloor ? intent : this.#intentFloor);
  }
}
