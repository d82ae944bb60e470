/**
 * The ring counters JavaScript updates (native/src/ring/ring_counters.zig allocates them in
 * the process's counters file when a role is taken, and frees them on close).
 * @module
 */
import { type Counter, CountersFile } from "./counters.ts";

/**
 * Counter type ids of the rings: the same numbers as `enum zigbolt_ring_counter_type` in
 * zigbolt.h (SPSC 10-19, MPSC 20-29).
 */
export const RingCounterType = {
  SpscWrittenMessages: 10,
  SpscWrittenBytes: 11,
  SpscFullEvents: 12,
  SpscProducerPosition: 13,
  SpscReadMessages: 14,
  SpscReadBytes: 15,
  SpscConsumerPosition: 16,
  MpscWrittenMessages: 20,
  MpscWrittenBytes: 21,
  MpscFullEvents: 22,
  MpscReadMessages: 23,
  MpscReadBytes: 24,
  MpscLostRecords: 25,
  MpscConsumerPosition: 26,
} as const;

/** Writes a producer makes before its counters are brought up to date (and on full, close). */
export const producerFlushPeriod = 256;

/** The counters of `types`, or undefined when any is missing (counters off or full). */
export function ringCounters(
  idOf: (type: number) => number,
  types: readonly number[],
): Counter[] | undefined {
  const ids = types.map(idOf);
  if (ids.some((id) => id < 0)) return undefined;
  const file = CountersFile.processDefault();
  return ids.map((id) => file.counter(id));
}

/**
 * A ring producer's counters (messages, bytes, full events and, SPSC only, position),
 * brought up to date every `producerFlushPeriod` writes, on full and on demand, so that a
 * write only adds to two plain fields.
 */
export class ProducerCounterBatch {
  /** The counters, once the producer role is taken and if the process has them. */
  counters: Counter[] | undefined;
  /** Bytes of ring written in total (SPSC position), reported on flush if counted. */
  position = 0;
  #messages = 0;
  #bytes = 0;

  /** One message of `length` payload bytes was written. */
  wrote(length: number): void {
    this.#bytes += length;
    if (++this.#messages === producerFlushPeriod) this.flush();
  }

  /** Adds what was written since the last flush to the counters. */
  flush(): void {
    const counters = this.counters;
    if (counters !== undefined && this.#messages !== 0) {
      counters[0].addOrdered(this.#messages);
      counters[1].addOrdered(this.#bytes);
      if (counters.length > 3) counters[3].setOrdered(this.position);
    }
    this.#messages = 0;
    this.#bytes = 0;
  }

  /** A write found the ring full. */
  full(): void {
    this.flush();
    this.counters?.[2].incrementOrdered();
  }
}
