/**
 * Counter type ids: what a counter measures. The same numbers as
 * native/src/counters/types.zig and `enum zigbolt_counter_type` in zigbolt.h.
 * Ranges: IPC 1-9, SPSC 10-19, MPSC 20-29, log buffer 30-39, broadcast 40-49, agents 50-59,
 * applications 1000 and up.
 * @module
 */

export const CounterType = {
  IpcPublishedMessages: 1,
  IpcPublishedBytes: 2,
  IpcBackPressureEvents: 3,
  IpcPublisherPosition: 4,
  IpcReceivedMessages: 5,
  IpcReceivedBytes: 6,
  IpcSubscriberPosition: 7,
  LogWrittenMessages: 30,
  LogWrittenBytes: 31,
  LogBackPressureEvents: 32,
  LogWriterPosition: 33,
  LogReadMessages: 34,
  LogReadBytes: 35,
  LogConsumerPosition: 36,
  BroadcastTransmittedMessages: 40,
  BroadcastTransmittedBytes: 41,
  BroadcastReceivedMessages: 42,
  BroadcastLapped: 43,
} as const;

/** The first type id free for applications. */
export const applicationCounterTypeFirst = 1000;
