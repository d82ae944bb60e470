/**
 * What the SPSC and MPSC ring classes share: options, argument checks, and mapping the
 * segment once through the C ABI.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import * as layout from "./_ring_layout.ts";
import type { NativePointer } from "./_symbols.ts";
import { lastStatusError, statusError } from "./_native.ts";
import { Status } from "./status.ts";
import {
  CorruptChannelError,
  HandleClosedError,
  InvalidArgumentError,
  InvalidCapacityError,
  MessageTooLargeError,
} from "./errors.ts";
import type { Fragment } from "./fragment.ts";
import type { RingClaims } from "./_ring_claims.ts";
import { keptMapping } from "./_kept_mapping.ts";
import {
  flagsOf as structureFlagsOf,
  lengthArgumentError,
  type SegmentOptions,
  typeIdRangeError,
  writeLength,
} from "./_structure_common.ts";

/** Options of `SpscRingBuffer.create`/`open` and `MpscRingBuffer.create`/`open`. */
export interface RingOptions extends SegmentOptions {
  /**
   * Create only: bytes of record data, a power of two in [1024, 1 GiB]; default 64 KiB.
   * A message carries at most capacity / 8 - 8 payload bytes.
   */
  capacity?: number;
}

/** Called with each message's payload (a view into shared memory, valid during the call). */
export type RingMessageHandler = (data: Uint8Array, msgTypeId: number) => void;

/** Called with a reused Fragment per message: zero allocation. */
export type RingFragmentHandler = (fragment: Fragment) => void;

export function checkedCapacity(capacity: number): number {
  if (
    !Number.isInteger(capacity) || capacity < layout.capacityMin || capacity > layout.capacityMax ||
    (capacity & (capacity - 1)) !== 0
  ) {
    throw new InvalidCapacityError(
      `Invalid ring capacity ${capacity}: use a power of two in [1024, 1 GiB]`,
    );
  }
  return capacity;
}

export function flagsOf(options: RingOptions, create: boolean): number {
  if (!create && options.replace) throw new InvalidArgumentError("replace is a create option");
  if (!create && options.capacity !== undefined) {
    throw new InvalidArgumentError("capacity is a create option: open takes the creator's");
  }
  return structureFlagsOf(options);
}

/** The mapped segment: the header words and the data region. */
export interface RingMapping {
  header: Int32Array;
  bytes: Uint8Array;
  words: Int32Array;
  view: DataView;
}

export function mapRing(
  adapter: RuntimeAdapter,
  segment: NativePointer,
  segmentLength: number,
  dataOffset: number,
  capacity: number,
  context: string,
): RingMapping {
  if (adapter.isNull(segment)) throw lastStatusError(context);
  if (segmentLength !== dataOffset + capacity) {
    throw new InvalidArgumentError(`${context}: segment of ${segmentLength} bytes for capacity ${capacity}`);
  }
  // Opened with keepAddressFlag: a payload view kept past close() reads zeros.
  const view = keptMapping(adapter, segment);
  const header = new Int32Array(view(0, dataOffset));
  const data = view(dataOffset, capacity);
  return { header, bytes: new Uint8Array(data), words: new Int32Array(data), view: new DataView(data) };
}

/** The error of an operation on a closed ring. */
export function closedError(name: string, action: string): HandleClosedError {
  return new HandleClosedError(`Cannot ${action} ring "${name}": it is closed`);
}

/** The error for corrupt shared positions or records of a ring. */
export function corruptError(name: string, detail: string): CorruptChannelError {
  return new CorruptChannelError(`Ring "${name}" is corrupt: ${detail}`);
}

/**
 * The payload length `write(data, msgTypeId, length)` writes (`length`, default all of
 * `data`), if it may write it; else throws.
 */
export function checkedWriteLength(
  name: string,
  payloadLengthMax: number,
  data: Uint8Array,
  msgTypeId: number,
  length: number | undefined,
): number {
  const bytes = length === undefined ? data?.byteLength : writeLength(data, length);
  if (
    !(bytes >= 0 && bytes <= payloadLengthMax) || (msgTypeId >>> 0) !== msgTypeId ||
    msgTypeId > 0x7fff_ffff ||
    !(data instanceof Uint8Array)
  ) {
    throw writeError(name, payloadLengthMax, data, msgTypeId, length);
  }
  return bytes;
}

/**
 * A ring write's status as `write` returns it: true written, false full; else throws. The
 * arguments were checked before the call, so libzigbolt's InvalidArgument while a claim is
 * outstanding is that claim's fault, and the error says so.
 */
export function writeResult(name: string, status: number, claims: RingClaims): boolean {
  if (status === Status.Ok) return true;
  if (status === Status.BackPressure) return false;
  if (status === Status.InvalidArgument && claims.outstanding) throw claims.outstandingError("write to");
  throw statusError(status, `Cannot write to ring "${name}"`);
}

function writeError(
  name: string,
  payloadLengthMax: number,
  data: unknown,
  msgTypeId: number,
  length: number | undefined,
): Error {
  if (!(data instanceof Uint8Array)) {
    return new InvalidArgumentError(`Cannot write to ring "${name}": data must be a Uint8Array`);
  }
  const invalidLength = lengthArgumentError(`Cannot write to ring "${name}"`, data, length);
  if (invalidLength !== undefined) return invalidLength;
  const bytes = writeLength(data, length);
  if (bytes > payloadLengthMax) {
    return new MessageTooLargeError(
      `Cannot write ${bytes} bytes to ring "${name}": at most ${payloadLengthMax} fit a message`,
    );
  }
  return typeIdRangeError(`Cannot write to ring "${name}"`, msgTypeId);
}

/** Throws unless `read`/`readFragments` got a handler and a limit >= 0. */
export function checkReadArguments(name: string, handler: unknown, limit: number): void {
  if (!(limit >= 0) || typeof handler !== "function") {
    throw new InvalidArgumentError(`Cannot read ring "${name}": need a handler and a limit >= 0`);
  }
}

/**
 * Hands the record of `length` bytes (header included) at `offset` to `handler`: as the
 * reused `fragment` (whose bytes and view are the ring's data), or as a fresh subarray of
 * `bytes`.
 */
export function deliver(
  handler: RingMessageHandler | RingFragmentHandler,
  asFragments: boolean,
  fragment: Fragment,
  bytes: Uint8Array,
  offset: number,
  length: number,
  msgTypeId: number,
): void {
  const start = offset + layout.recordHeaderLength;
  if (asFragments) {
    fragment.offset = start;
    fragment.length = length - layout.recordHeaderLength;
    fragment.msgTypeId = msgTypeId;
    (handler as RingFragmentHandler)(fragment);
  } else {
    (handler as RingMessageHandler)(bytes.subarray(start, start + length - 8), msgTypeId);
  }
}
