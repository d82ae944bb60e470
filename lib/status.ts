/**
 * Status codes, the same numbers as `enum zigbolt_status` in zigbolt.h and `Status` in Zig.
 * Hot paths (`tryPublish`) return them instead of throwing.
 * @module
 */

/**
 * Every status by name. `Status.Ok` is 0; failures are negative.
 *
 * @example
 * ```ts
 * const status = channel.tryPublish(bytes, 1);
 * if (status === Status.BackPressure) idle.idle();
 * ```
 */
export const Status = {
  Ok: 0,
  InvalidHandle: -1,
  HandleClosed: -2,
  WrongHandleKind: -3,
  InvalidArgument: -4,
  InvalidName: -5,
  InvalidTermLength: -6,
  NoSuchChannel: -7,
  InvalidChannel: -8,
  UnsupportedVersion: -9,
  ShmTooSmall: -10,
  TermLengthMismatch: -11,
  MessageTooLarge: -12,
  EmptyMessage: -13,
  BackPressure: -14,
  CorruptChannel: -15,
  ChannelInUse: -16,
  PublisherExists: -17,
  SubscriberExists: -18,
  PeerDead: -19,
  PermissionDenied: -20,
  OutOfMemory: -21,
  TooManyHandles: -22,
  SystemError: -23,
  InvalidCapacity: -24,
  WrongStructure: -25,
  CountersFull: -26,
  Truncated: -27,
  InvalidGroup: -28,
  InvalidEnumValue: -29,
  IndexOutOfRange: -30,
  BufferTooSmall: -31,
  UnknownTemplate: -32,
} as const;

/** The name of a status, e.g. `"BackPressure"`. */
export type StatusName = keyof typeof Status;

const namesByCode = new Map<number, StatusName>(
  Object.entries(Status).map(([name, code]) => [code, name as StatusName]),
);

/** The name of a status code, or undefined for a number that is not one. */
export function statusName(code: number): StatusName | undefined {
  return namesByCode.get(code);
}
