/**
 * Typed errors. Every failure ZigBolt reports has a class here whose `code` is the status
 * name (`"BackPressure"`) and whose `status` is the number shared with Zig and C.
 * @module
 */
import { Status, type StatusName, statusName } from "./status.ts";

/**
 * The base class of every error ZigBolt throws.
 *
 * @example
 * ```ts
 * try { IpcChannel.open({ name: "/md" }); }
 * catch (e) { if (e instanceof ZigBoltError && e.code === "NoSuchChannel") retryLater(); }
 * ```
 */
export class ZigBoltError extends Error {
  /** The status name, e.g. `"CorruptChannel"`. */
  readonly code: StatusName | "LibraryNotLoaded";
  /** The numeric status (0 for errors that have none, like LibraryNotLoaded). */
  readonly status: number;

  constructor(code: StatusName | "LibraryNotLoaded", message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = code === "LibraryNotLoaded" ? 0 : Status[code];
  }
}

/** libzigbolt could not be loaded; the message says what to build, set or allow. */
export class LibraryNotLoadedError extends ZigBoltError {
  constructor(message: string) {
    super("LibraryNotLoaded", message);
  }
}

/** Not a ZigBolt handle. */
export class InvalidHandleError extends ZigBoltError {
  declare readonly code: "InvalidHandle";
  constructor(message: string) {
    super("InvalidHandle", message);
  }
}

/** The channel or transport was closed. */
export class HandleClosedError extends ZigBoltError {
  declare readonly code: "HandleClosed";
  constructor(message: string) {
    super("HandleClosed", message);
  }
}

/** A handle of another kind was passed. */
export class WrongHandleKindError extends ZigBoltError {
  declare readonly code: "WrongHandleKind";
  constructor(message: string) {
    super("WrongHandleKind", message);
  }
}

/** An argument is out of its domain (a msgTypeId that is not an int32, a limit < 0, ...). */
export class InvalidArgumentError extends ZigBoltError {
  declare readonly code: "InvalidArgument";
  constructor(message: string) {
    super("InvalidArgument", message);
  }
}

/** A channel name is not "/" followed by 1..254 bytes without "/" or NUL. */
export class InvalidNameError extends ZigBoltError {
  declare readonly code: "InvalidName";
  constructor(message: string) {
    super("InvalidName", message);
  }
}

/** A term length is not a power of two in [4096, 1 GiB]. */
export class InvalidTermLengthError extends ZigBoltError {
  declare readonly code: "InvalidTermLength";
  constructor(message: string) {
    super("InvalidTermLength", message);
  }
}

/** No channel of that name exists. */
export class NoSuchChannelError extends ZigBoltError {
  declare readonly code: "NoSuchChannel";
  constructor(message: string) {
    super("NoSuchChannel", message);
  }
}

/** The segment is not a ZigBolt channel (wrong magic), or is still being created. */
export class InvalidChannelError extends ZigBoltError {
  declare readonly code: "InvalidChannel";
  constructor(message: string) {
    super("InvalidChannel", message);
  }
}

/** The segment has a layout version this library does not read. */
export class UnsupportedVersionError extends ZigBoltError {
  declare readonly code: "UnsupportedVersion";
  constructor(message: string) {
    super("UnsupportedVersion", message);
  }
}

/** The segment is smaller than its header says. */
export class ShmTooSmallError extends ZigBoltError {
  declare readonly code: "ShmTooSmall";
  constructor(message: string) {
    super("ShmTooSmall", message);
  }
}

/** The channel's term length is not the one asked for. */
export class TermLengthMismatchError extends ZigBoltError {
  declare readonly code: "TermLengthMismatch";
  constructor(message: string) {
    super("TermLengthMismatch", message);
  }
}

/** A message does not fit in one term, or exceeds 16 MiB. */
export class MessageTooLargeError extends ZigBoltError {
  declare readonly code: "MessageTooLarge";
  constructor(message: string) {
    super("MessageTooLarge", message);
  }
}

/** Zero-length messages are refused: v1 readers would stall on them. */
export class EmptyMessageError extends ZigBoltError {
  declare readonly code: "EmptyMessage";
  constructor(message: string) {
    super("EmptyMessage", message);
  }
}

/** The subscriber is two terms behind; retry later. */
export class BackPressureError extends ZigBoltError {
  declare readonly code: "BackPressure";
  constructor(message: string) {
    super("BackPressure", message);
  }
}

/** Shared positions or frames were written by someone else. */
export class CorruptChannelError extends ZigBoltError {
  declare readonly code: "CorruptChannel";
  constructor(message: string) {
    super("CorruptChannel", message);
  }
}

/** A live process still uses a channel of that name. */
export class ChannelInUseError extends ZigBoltError {
  declare readonly code: "ChannelInUse";
  constructor(message: string) {
    super("ChannelInUse", message);
  }
}

/** The channel already has a live publisher. */
export class PublisherExistsError extends ZigBoltError {
  declare readonly code: "PublisherExists";
  constructor(message: string) {
    super("PublisherExists", message);
  }
}

/** The channel already has a live subscriber. */
export class SubscriberExistsError extends ZigBoltError {
  declare readonly code: "SubscriberExists";
  constructor(message: string) {
    super("SubscriberExists", message);
  }
}

/** The process on the other side of the channel has died. */
export class PeerDeadError extends ZigBoltError {
  declare readonly code: "PeerDead";
  constructor(message: string) {
    super("PeerDead", message);
  }
}

/** Permission denied on the shared-memory segment. */
export class PermissionDeniedError extends ZigBoltError {
  declare readonly code: "PermissionDenied";
  constructor(message: string) {
    super("PermissionDenied", message);
  }
}

/** Out of memory or address space while mapping. */
export class OutOfMemoryError extends ZigBoltError {
  declare readonly code: "OutOfMemory";
  constructor(message: string) {
    super("OutOfMemory", message);
  }
}

/** Too many open handles in this process. */
export class TooManyHandlesError extends ZigBoltError {
  declare readonly code: "TooManyHandles";
  constructor(message: string) {
    super("TooManyHandles", message);
  }
}

/** An unexpected operating-system error. */
export class SystemError extends ZigBoltError {
  declare readonly code: "SystemError";
  constructor(message: string) {
    super("SystemError", message);
  }
}

/** A capacity is not a power of two within the structure's limits. */
export class InvalidCapacityError extends ZigBoltError {
  declare readonly code: "InvalidCapacity";
  constructor(message: string) {
    super("InvalidCapacity", message);
  }
}

/** The named segment holds another kind of ZigBolt structure. */
export class WrongStructureError extends ZigBoltError {
  declare readonly code: "WrongStructure";
  constructor(message: string) {
    super("WrongStructure", message);
  }
}

/** The counters file has no free counter slot. */
export class CountersFullError extends ZigBoltError {
  declare readonly code: "CountersFull";
  constructor(message: string) {
    super("CountersFull", message);
  }
}

/** A message is shorter than its header, block or lengths say. */
export class TruncatedError extends ZigBoltError {
  declare readonly code: "Truncated";
  constructor(message: string) {
    super("Truncated", message);
  }
}

/** A repeating group's header is invalid (block length or count out of range). */
export class InvalidGroupError extends ZigBoltError {
  declare readonly code: "InvalidGroup";
  constructor(message: string) {
    super("InvalidGroup", message);
  }
}

/** A field holds a value that is not one of its enum's values. */
export class InvalidEnumValueError extends ZigBoltError {
  declare readonly code: "InvalidEnumValue";
  constructor(message: string) {
    super("InvalidEnumValue", message);
  }
}

/** An index is past the end of a group, string or array. */
export class IndexOutOfRangeError extends ZigBoltError {
  declare readonly code: "IndexOutOfRange";
  constructor(message: string) {
    super("IndexOutOfRange", message);
  }
}

/** The destination buffer is too small for the encoded message. */
export class BufferTooSmallError extends ZigBoltError {
  declare readonly code: "BufferTooSmall";
  constructor(message: string) {
    super("BufferTooSmall", message);
  }
}

/** The message's schema or template id is not the one expected. */
export class UnknownTemplateError extends ZigBoltError {
  declare readonly code: "UnknownTemplate";
  constructor(message: string) {
    super("UnknownTemplate", message);
  }
}

const classes: Record<Exclude<StatusName, "Ok">, new (message: string) => ZigBoltError> = {
  InvalidHandle: InvalidHandleError,
  HandleClosed: HandleClosedError,
  WrongHandleKind: WrongHandleKindError,
  InvalidArgument: InvalidArgumentError,
  InvalidName: InvalidNameError,
  InvalidTermLength: InvalidTermLengthError,
  NoSuchChannel: NoSuchChannelError,
  InvalidChannel: InvalidChannelError,
  UnsupportedVersion: UnsupportedVersionError,
  ShmTooSmall: ShmTooSmallError,
  TermLengthMismatch: TermLengthMismatchError,
  MessageTooLarge: MessageTooLargeError,
  EmptyMessage: EmptyMessageError,
  BackPressure: BackPressureError,
  CorruptChannel: CorruptChannelError,
  ChannelInUse: ChannelInUseError,
  PublisherExists: PublisherExistsError,
  SubscriberExists: SubscriberExistsError,
  PeerDead: PeerDeadError,
  PermissionDenied: PermissionDeniedError,
  OutOfMemory: OutOfMemoryError,
  TooManyHandles: TooManyHandlesError,
  SystemError: SystemError,
  InvalidCapacity: InvalidCapacityError,
  WrongStructure: WrongStructureError,
  CountersFull: CountersFullError,
  Truncated: TruncatedError,
  InvalidGroup: InvalidGroupError,
  InvalidEnumValue: InvalidEnumValueError,
  IndexOutOfRange: IndexOutOfRangeError,
  BufferTooSmall: BufferTooSmallError,
  UnknownTemplate: UnknownTemplateError,
};

/**
 * The typed error for a failed status: `context` says what was attempted, the rest says
 * what went wrong and what to do.
 */
export function errorFromStatus(status: number, context: string, explanation: string): ZigBoltError {
  const name = statusName(status);
  if (name === undefined || name === "Ok") {
    return new SystemError(`${context}: unexpected status ${status}`);
  }
  return new classes[name](`${context}: ${explanation}`);
}
