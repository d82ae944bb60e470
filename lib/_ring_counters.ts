/**
 * The ring counters a JavaScript consumer updates (native/src/ring/ring_counters.zig
 * allocates them in the process's counters file when a role is taken, and frees them on
 * close; producers write through libzigbolt, which updates theirs).
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
