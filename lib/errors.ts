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

function statusClass<C extends StatusName>(code: C) {
  return class extends ZigBoltError {
    declare readonly code: C;
    constructor(message: string) {
      super(code, message);
    }
  };
}

/** Not a ZigBolt handle. */
export class InvalidHandleError extends statusClass("InvalidHandle") {}
/** The channel or transport was closed. */
export class HandleClosedError extends statusClass("HandleClosed") {}
/** A handle of another kind was passed. */
export class WrongHandleKindError extends statusClass("WrongHandleKind") {}
/** An argument is out of its domain (a msgTypeId that is not an int32, a limit < 0, ...). */
export class InvalidArgumentError extends statusClass("InvalidArgument") {}
/** A channel name is not "/" followed by 1..254 bytes without "/" or NUL. */
export class InvalidNameError extends statusClass("InvalidName") {}
/** A term length is not a power of two in [4096, 1 GiB]. */
export class InvalidTermLengthError extends statusClass("InvalidTermLength") {}
/** No channel of that name exists. */
export class NoSuchChannelError extends statusClass("NoSuchChannel") {}
/** The segment is not a ZigBolt channel (wrong magic), or is still being created. */
export class InvalidChannelError extends statusClass("InvalidChannel") {}
/** The segment has a layout version this library does not read. */
export class UnsupportedVersionError extends statusClass("UnsupportedVersion") {}
/** The segment is smaller than its header says. */
export class ShmTooSmallError extends statusClass("ShmTooSmall") {}
/** The channel's term length is not the one asked for. */
export class TermLengthMismatchError extends statusClass("TermLengthMismatch") {}
/** A message does not fit in one term, or exceeds 16 MiB. */
export class MessageTooLargeError extends statusClass("MessageTooLarge") {}
/** Zero-length messages are refused: v1 readers would stall on them. */
export class EmptyMessageError extends statusClass("EmptyMessage") {}
/** The subscriber is two terms behind; retry later. */
export class BackPressureError extends statusClass("BackPressure") {}
/** Shared positions or frames were written by someone else. */
export class CorruptChannelError extends statusClass("CorruptChannel") {}
/** A live process still uses a channel of that name. */
export class ChannelInUseError extends statusClass("ChannelInUse") {}
/** The channel already has a live publisher. */
export class PublisherExistsError extends statusClass("PublisherExists") {}
/** The channel already has a live subscriber. */
export class SubscriberExistsError extends statusClass("SubscriberExists") {}
/** The process on the other side of the channel has died. */
export class PeerDeadError extends statusClass("PeerDead") {}
/** Permission denied on the shared-memory segment. */
export class PermissionDeniedError extends statusClass("PermissionDenied") {}
/** Out of memory or address space while mapping. */
export class OutOfMemoryError extends statusClass("OutOfMemory") {}
/** Too many open handles in this process. */
export class TooManyHandlesError extends statusClass("TooManyHandles") {}
/** An unexpected operating-system error. */
export class SystemError extends statusClass("SystemError") {}

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
