/**
 * Aeron's wire-protocol frames in TypeScript: flyweights over a DataView, byte-compatible
 * with Aeron's DataHeaderFlyweight, StatusMessageFlyweight, NakFlyweight, SetupFlyweight,
 * RttMeasurementFlyweight and ErrorFlyweight, plus the position arithmetic of its log
 * buffers. The same layouts as native/src/aeron/protocol.zig (docs/codecs.md).
 *
 * 64-bit fields read as `number` (exact within ±(2^53 - 1)); `getBigInt` / `setBigInt` are
 * exact over the whole range.
 * @module
 */
import {
  IndexOutOfRangeError,
  InvalidArgumentError,
  InvalidEnumValueError,
  TruncatedError,
} from "./errors.ts";

/** Frame types (the `type` field, u16 at offset 6). */
export const FrameType = {
  pad: 0x00,
  data: 0x01,
  nak: 0x02,
  status: 0x03,
  error: 0x04,
  setup: 0x05,
  rtt: 0x06,
  resolution: 0x07,
  atsData: 0x08,
  atsStatus: 0x09,
  atsSetup: 0x0a,
  responseSetup: 0x0b,
  extension: 0xffff,
} as const;

/** DATA frame flags. */
export const DataFlags = {
  begin: 0x80,
  end: 0x40,
  beginAndEnd: 0xc0,
  endOfStream: 0x20,
  revoked: 0x10,
} as const;
/** Status message flags. */
export const StatusFlags = { sendSetup: 0x80, endOfStream: 0x40 } as const;
/** Setup flags. */
export const SetupFlags = { sendResponseSetup: 0x80, group: 0x40 } as const;
/** RTT measurement flags. */
export const RttFlags = { reply: 0x80 } as const;
/** Error frame flags: the group tag is meaningful. */
export const ErrorFlags = { hasGroupTag: 0x08 } as const;

/** The current protocol version (byte 4). */
export const protocolVersion = 0;
/** Longest message an error frame carries. */
export const errorMessageLengthMax = 1023;

const twoTo32 = 4294967296;
const emptyView = new DataView(new ArrayBuffer(0));
const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * The 8 bytes every frame starts with: frameLength i32 @0, version u8 @4, flags u8 @5,
 * frameType u16 @6. Subclasses add their fields.
 */
export class FrameFlyweight {
  /** Header length of this kind of frame. */
  static readonly headerLength: number = 8;
  /** The frame type `init` writes (-1: none). */
  static readonly frameType: number = -1;
  /** The DataView the flyweight reads and writes. */
  view: DataView = emptyView;
  /** Where the frame starts in `view`. */
  offset = 0;
  #bytes: Uint8Array | undefined;

  readonly #headerLength: number;

  constructor() {
    this.#headerLength = (new.target as typeof FrameFlyweight).headerLength;
  }

  /** Points at the frame at `offset` in `bytes`; TruncatedError if its header does not fit. */
  wrap(bytes: Uint8Array, offset = 0): this {
    if (bytes !== this.#bytes) {
      if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError("wrap: bytes must be a Uint8Array");
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.#bytes = bytes;
    }
    this.#place(this.view.byteLength, offset);
    return this;
  }

  /** `wrap` over a DataView. */
  wrapView(view: DataView, offset = 0): this {
    this.view = view;
    this.#bytes = undefined;
    this.#place(view.byteLength, offset);
    return this;
  }

  /**
   * `wrap` for a received frame: `checkFrame` over `bytes[offset, offset + length)` (default:
   * to the end), and InvalidEnumValueError if the frame is of another type than this class.
   */
  wrapChecked(bytes: Uint8Array, offset = 0, length?: number): this {
    const type = checkFrame(bytes, offset, length);
    const expected = (this.constructor as typeof FrameFlyweight).frameType;
    const padAsData = expected === FrameType.data && type === FrameType.pad;
    if (expected >= 0 && type !== expected && !padAsData) {
      throw new InvalidEnumValueError(`frame type ${type} where ${expected} was expected`);
    }
    return this.wrap(bytes, offset);
  }

  /** Zeroes the header and writes its frame type, version 0 and frameLength = header length. */
  init(): this {
    const length = this.#headerLength;
    for (let i = 0; i < length; i++) this.view.setUint8(this.offset + i, 0);
    this.frameLength = length;
    this.version = protocolVersion;
    const type = (this.constructor as typeof FrameFlyweight).frameType;
    if (type >= 0) this.frameType = type;
    return this;
  }

  /** Bytes in the frame, header included (i32 @0). */
  get frameLength(): number {
    return this.view.getInt32(this.offset, true);
  }
  set frameLength(value: number) {
    this.view.setInt32(this.offset, value, true);
  }
  /** u8 @4. */
  get version(): number {
    return this.view.getUint8(this.offset + 4);
  }
  set version(value: number) {
    this.view.setUint8(this.offset + 4, value);
  }
  /** u8 @5. */
  get flags(): number {
    return this.view.getUint8(this.offset + 5);
  }
  set flags(value: number) {
    this.view.setUint8(this.offset + 5, value);
  }
  /** u16 @6: one of `FrameType`. */
  get frameType(): number {
    return this.view.getUint16(this.offset + 6, true);
  }
  set frameType(value: number) {
    this.view.setUint16(this.offset + 6, value, true);
  }

  /** Exact read of the i64 at `at` bytes into the frame. */
  getBigInt(at: number): bigint {
    this.#checkInt64(at);
    return this.view.getBigInt64(this.offset + at, true);
  }

  /** Exact write of the i64 at `at` bytes into the frame. */
  setBigInt(at: number, value: bigint): this {
    this.#checkInt64(at);
    this.view.setBigInt64(this.offset + at, BigInt.asIntN(64, value), true);
    return this;
  }

  /** The i64 at `at` bytes into the frame, as a number (exact up to 2^53). */
  protected getI64(at: number): number {
    const o = this.offset + at;
    return this.view.getInt32(o + 4, true) * twoTo32 + this.view.getUint32(o, true);
  }

  protected setI64(at: number, value: number): void {
    const o = this.offset + at;
    this.view.setUint32(o, value >>> 0, true);
    this.view.setUint32(o + 4, Math.floor(value / twoTo32) >>> 0, true);
  }

  #checkInt64(at: number): void {
    if (!((at >>> 0) === at && at + 8 <= this.#headerLength)) {
      throw new InvalidArgumentError(
        `no 64-bit field at offset ${at} of a ${this.#headerLength}-byte header`,
      );
    }
  }

  #place(available: number, offset: number): void {
    if (!(offset >= 0 && offset + this.#headerLength <= available) || (offset >>> 0) !== offset) {
      throw new TruncatedError(
        `a ${this.#headerLength}-byte frame header at offset ${offset} does not fit in ${available} bytes`,
      );
    }
    this.offset = offset;
  }
}

/**
 * DATA (and PAD) frame header, 32 bytes: termOffset i32 @8, sessionId i32 @12, streamId i32
 * @16, termId i32 @20, reservedValue i64 @24; the payload follows at 32.
 *
 * @example
 * ```ts
 * const frame = new DataHeaderFlyweight().wrap(new Uint8Array(64)).init();
 * frame.flags = DataFlags.beginAndEnd;
 * frame.frameLength = 32 + 8;
 * ```
 */
export class DataHeaderFlyweight extends FrameFlyweight {
  static override readonly headerLength = 32;
  static override readonly frameType: number = FrameType.data;
  /** Offset of reservedValue, for getBigInt / setBigInt. */
  static readonly reservedValueOffset = 24;

  get termOffset(): number {
    return this.view.getInt32(this.offset + 8, true);
  }
  set termOffset(value: number) {
    this.view.setInt32(this.offset + 8, value, true);
  }
  get sessionId(): number {
    return this.view.getInt32(this.offset + 12, true);
  }
  set sessionId(value: number) {
    this.view.setInt32(this.offset + 12, value, true);
  }
  get streamId(): number {
    return this.view.getInt32(this.offset + 16, true);
  }
  set streamId(value: number) {
    this.view.setInt32(this.offset + 16, value, true);
  }
  get termId(): number {
    return this.view.getInt32(this.offset + 20, true);
  }
  set termId(value: number) {
    this.view.setInt32(this.offset + 20, value, true);
  }
  get reservedValue(): number {
    return this.getI64(24);
  }
  set reservedValue(value: number) {
    this.setI64(24, value);
  }
  /** A DATA frame of length 0 is a heartbeat. */
  get isHeartbeat(): boolean {
    return this.frameType === FrameType.data && this.frameLength === 0;
  }
  get isBeginFragment(): boolean {
    return (this.flags & DataFlags.begin) !== 0;
  }
  get isEndFragment(): boolean {
    return (this.flags & DataFlags.end) !== 0;
  }
}

/**
 * Status message, 36 bytes: sessionId @8, streamId @12, consumptionTermId @16,
 * consumptionTermOffset @20, receiverWindowLength @24 (i32 each), receiverId i64 @28.
 *
 * @example
 * ```ts
 * const sm = new StatusMessageFlyweight().wrap(new Uint8Array(36)).init();
 * sm.receiverWindowLength = 128 * 1024;
 * ```
 */
export class StatusMessageFlyweight extends FrameFlyweight {
  static override readonly headerLength = 36;
  static override readonly frameType: number = FrameType.status;
  static readonly receiverIdOffset = 28;

  get sessionId(): number {
    return this.view.getInt32(this.offset + 8, true);
  }
  set sessionId(value: number) {
    this.view.setInt32(this.offset + 8, value, true);
  }
  get streamId(): number {
    return this.view.getInt32(this.offset + 12, true);
  }
  set streamId(value: number) {
    this.view.setInt32(this.offset + 12, value, true);
  }
  get consumptionTermId(): number {
    return this.view.getInt32(this.offset + 16, true);
  }
  set consumptionTermId(value: number) {
    this.view.setInt32(this.offset + 16, value, true);
  }
  get consumptionTermOffset(): number {
    return this.view.getInt32(this.offset + 20, true);
  }
  set consumptionTermOffset(value: number) {
    this.view.setInt32(this.offset + 20, value, true);
  }
  get receiverWindowLength(): number {
    return this.view.getInt32(this.offset + 24, true);
  }
  set receiverWindowLength(value: number) {
    this.view.setInt32(this.offset + 24, value, true);
  }
  get receiverId(): number {
    return this.getI64(28);
  }
  set receiverId(value: number) {
    this.setI64(28, value);
  }
}

/**
 * NAK, 28 bytes: sessionId @8, streamId @12, termId @16, termOffset @20, length @24 (i32).
 *
 * @example
 * ```ts
 * const nak = new NakFlyweight().wrap(new Uint8Array(28)).init();
 * nak.length = 1408;
 * ```
 */
export class NakFlyweight extends FrameFlyweight {
  static override readonly headerLength = 28;
  static override readonly frameType: number = FrameType.nak;

  get sessionId(): number {
    return this.view.getInt32(this.offset + 8, true);
  }
  set sessionId(value: number) {
    this.view.setInt32(this.offset + 8, value, true);
  }
  get streamId(): number {
    return this.view.getInt32(this.offset + 12, true);
  }
  set streamId(value: number) {
    this.view.setInt32(this.offset + 12, value, true);
  }
  get termId(): number {
    return this.view.getInt32(this.offset + 16, true);
  }
  set termId(value: number) {
    this.view.setInt32(this.offset + 16, value, true);
  }
  get termOffset(): number {
    return this.view.getInt32(this.offset + 20, true);
  }
  set termOffset(value: number) {
    this.view.setInt32(this.offset + 20, value, true);
  }
  /** Bytes to retransmit. */
  get length(): number {
    return this.view.getInt32(this.offset + 24, true);
  }
  set length(value: number) {
    this.view.setInt32(this.offset + 24, value, true);
  }
}

/**
 * SETUP, 40 bytes: termOffset @8, sessionId @12, streamId @16, initialTermId @20,
 * activeTermId @24, termLength @28, mtu @32, ttl @36 (i32 each).
 *
 * @example
 * ```ts
 * const setup = new SetupFlyweight().wrap(new Uint8Array(40)).init();
 * setup.termLength = 64 * 1024;
 * ```
 */
export class SetupFlyweight extends FrameFlyweight {
  static override readonly headerLength = 40;
  static override readonly frameType: number = FrameType.setup;

  get termOffset(): number {
    return this.view.getInt32(this.offset + 8, true);
  }
  set termOffset(value: number) {
    this.view.setInt32(this.offset + 8, value, true);
  }
  get sessionId(): number {
    return this.view.getInt32(this.offset + 12, true);
  }
  set sessionId(value: number) {
    this.view.setInt32(this.offset + 12, value, true);
  }
  get streamId(): number {
    return this.view.getInt32(this.offset + 16, true);
  }
  set streamId(value: number) {
    this.view.setInt32(this.offset + 16, value, true);
  }
  get initialTermId(): number {
    return this.view.getInt32(this.offset + 20, true);
  }
  set initialTermId(value: number) {
    this.view.setInt32(this.offset + 20, value, true);
  }
  get activeTermId(): number {
    return this.view.getInt32(this.offset + 24, true);
  }
  set activeTermId(value: number) {
    this.view.setInt32(this.offset + 24, value, true);
  }
  get termLength(): number {
    return this.view.getInt32(this.offset + 28, true);
  }
  set termLength(value: number) {
    this.view.setInt32(this.offset + 28, value, true);
  }
  get mtu(): number {
    return this.view.getInt32(this.offset + 32, true);
  }
  set mtu(value: number) {
    this.view.setInt32(this.offset + 32, value, true);
  }
  get ttl(): number {
    return this.view.getInt32(this.offset + 36, true);
  }
  set ttl(value: number) {
    this.view.setInt32(this.offset + 36, value, true);
  }
}

/**
 * RTT measurement, 40 bytes: sessionId i32 @8, streamId i32 @12, echoTimestamp i64 @16,
 * receptionDelta i64 @24, receiverId i64 @32.
 *
 * @example
 * ```ts
 * const rtt = new RttMeasurementFlyweight().wrap(new Uint8Array(40)).init();
 * rtt.flags = RttFlags.reply;
 * ```
 */
export class RttMeasurementFlyweight extends FrameFlyweight {
  static override readonly headerLength = 40;
  static override readonly frameType: number = FrameType.rtt;
  static readonly echoTimestampOffset = 16;
  static readonly receptionDeltaOffset = 24;
  static readonly receiverIdOffset = 32;

  get sessionId(): number {
    return this.view.getInt32(this.offset + 8, true);
  }
  set sessionId(value: number) {
    this.view.setInt32(this.offset + 8, value, true);
  }
  get streamId(): number {
    return this.view.getInt32(this.offset + 12, true);
  }
  set streamId(value: number) {
    this.view.setInt32(this.offset + 12, value, true);
  }
  get echoTimestamp(): number {
    return this.getI64(16);
  }
  set echoTimestamp(value: number) {
    this.setI64(16, value);
  }
  get receptionDelta(): number {
    return this.getI64(24);
  }
  set receptionDelta(value: number) {
    this.setI64(24, value);
  }
  get receiverId(): number {
    return this.getI64(32);
  }
  set receiverId(value: number) {
    this.setI64(32, value);
  }
}

/**
 * Error frame: a 40-byte header (sessionId i32 @8, streamId i32 @12, receiverId i64 @16,
 * groupTag i64 @24, errorCode i32 @32, errorStringLength i32 @36), then the message bytes.
 *
 * @example
 * ```ts
 * const error = new ErrorFlyweight().wrap(new Uint8Array(64)).init();
 * error.errorCode = 1;
 * error.setErrorMessage("unknown stream");
 * ```
 */
export class ErrorFlyweight extends FrameFlyweight {
  static override readonly headerLength = 40;
  static override readonly frameType: number = FrameType.error;
  static readonly receiverIdOffset = 16;
  static readonly groupTagOffset = 24;

  get sessionId(): number {
    return this.view.getInt32(this.offset + 8, true);
  }
  set sessionId(value: number) {
    this.view.setInt32(this.offset + 8, value, true);
  }
  get streamId(): number {
    return this.view.getInt32(this.offset + 12, true);
  }
  set streamId(value: number) {
    this.view.setInt32(this.offset + 12, value, true);
  }
  get receiverId(): number {
    return this.getI64(16);
  }
  set receiverId(value: number) {
    this.setI64(16, value);
  }
  /** The group tag; writing it also sets the hasGroupTag flag. */
  get groupTag(): number {
    return this.getI64(24);
  }
  set groupTag(value: number) {
    this.setI64(24, value);
    this.flags |= ErrorFlags.hasGroupTag;
  }
  get hasGroupTag(): boolean {
    return (this.flags & ErrorFlags.hasGroupTag) !== 0;
  }
  get errorCode(): number {
    return this.view.getInt32(this.offset + 32, true);
  }
  set errorCode(value: number) {
    this.view.setInt32(this.offset + 32, value, true);
  }
  get errorStringLength(): number {
    return this.view.getInt32(this.offset + 36, true);
  }
  set errorStringLength(value: number) {
    this.view.setInt32(this.offset + 36, value, true);
  }

  /**
   * The message (UTF-8), after checking that its length lies within the frame and the
   * buffer (IndexOutOfRangeError). Allocates a string.
   */
  errorMessage(): string {
    const length = this.errorStringLength;
    const end = this.offset + ErrorFlyweight.headerLength + length;
    if (length < 0 || end > this.view.byteLength || ErrorFlyweight.headerLength + length > this.frameLength) {
      throw new IndexOutOfRangeError(`error message of ${length} bytes runs past its frame or buffer`);
    }
    const start = this.view.byteOffset + this.offset + ErrorFlyweight.headerLength;
    return utf8Decoder.decode(new Uint8Array(this.view.buffer, start, length));
  }

  /** Writes the message and sets errorStringLength and frameLength. */
  setErrorMessage(message: string): this {
    const bytes = utf8Encoder.encode(message);
    if (bytes.length > errorMessageLengthMax) {
      throw new InvalidArgumentError(`an error message holds at most ${errorMessageLengthMax} bytes`);
    }
    const start = this.offset + ErrorFlyweight.headerLength;
    if (start + bytes.length > this.view.byteLength) {
      throw new IndexOutOfRangeError(
        `an error frame of ${40 + bytes.length} bytes does not fit in the buffer`,
      );
    }
    for (let i = 0; i < bytes.length; i++) this.view.setUint8(start + i, bytes[i]);
    this.errorStringLength = bytes.length;
    this.frameLength = ErrorFlyweight.headerLength + bytes.length;
    return this;
  }
}

let lastBytes: Uint8Array | undefined;
let lastView: DataView = emptyView;

/** A DataView over `bytes`, cached for the last array seen: checkFrame allocates nothing. */
function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== lastBytes) {
    lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    lastBytes = bytes;
  }
  return lastView;
}

/** Fixed header length of each frame type `checkFrame` knows. */
export function headerLengthOf(frameType: number): number | undefined {
  switch (frameType) {
    case FrameType.pad:
    case FrameType.data:
      return DataHeaderFlyweight.headerLength;
    case FrameType.status:
      return StatusMessageFlyweight.headerLength;
    case FrameType.nak:
      return NakFlyweight.headerLength;
    case FrameType.setup:
      return SetupFlyweight.headerLength;
    case FrameType.rtt:
      return RttMeasurementFlyweight.headerLength;
    case FrameType.error:
      return ErrorFlyweight.headerLength;
    default:
      return undefined;
  }
}

/**
 * Validates a received frame at `offset` in `bytes[offset, offset + length)` and returns its
 * type: TruncatedError if shorter than its header or than its frameLength (a DATA frame of
 * length 0, a heartbeat, needs only its header), InvalidEnumValueError for an unknown type,
 * IndexOutOfRangeError for an error frame whose message runs past the frame.
 *
 * @example
 * ```ts
 * if (checkFrame(datagram) === FrameType.status) onStatus(sm.wrap(datagram));
 * ```
 */
export function checkFrame(bytes: Uint8Array, offset = 0, length?: number): number {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError("checkFrame: bytes must be a Uint8Array");
  }
  if ((offset >>> 0) !== offset) {
    throw new InvalidArgumentError(`checkFrame: offset ${offset} is not an index`);
  }
  const available = length === undefined ? bytes.byteLength - offset : length;
  if (!(available >= 0 && offset + available <= bytes.byteLength)) {
    throw new TruncatedError(
      `${length} bytes at offset ${offset} run past the ${bytes.byteLength}-byte buffer`,
    );
  }
  if (available < 8) throw new TruncatedError(`a frame needs 8 header bytes; ${available} are left`);
  const view = viewOf(bytes);
  const type = view.getUint16(offset + 6, true);
  const fixed = headerLengthOf(type);
  if (fixed === undefined) throw new InvalidEnumValueError(`unknown frame type ${type}`);
  if (available < fixed) {
    throw new TruncatedError(`frame type ${type} needs ${fixed} header bytes; ${available} are left`);
  }
  const frameLength = view.getInt32(offset, true);
  const heartbeat = type === FrameType.data && frameLength === 0;
  if (!heartbeat && (frameLength < fixed || frameLength > available)) {
    throw new TruncatedError(`frame length ${frameLength} is outside [${fixed}, ${available}]`);
  }
  if (type === FrameType.error) {
    const messageLength = view.getInt32(offset + 36, true);
    if (messageLength < 0 || messageLength > frameLength - fixed) {
      throw new IndexOutOfRangeError(
        `error message of ${messageLength} bytes runs past its ${frameLength}-byte frame`,
      );
    }
  }
  return type;
}

// ---- positions (Aeron's LogBufferDescriptor arithmetic) ----

/** Aeron term lengths: powers of two in [64 KiB, 1 GiB]. */
export const aeronTermLengthMin = 64 * 1024;
export const aeronTermLengthMax = 1024 * 1024 * 1024;

/** log2(termLength); InvalidArgumentError unless a power of two in [64 KiB, 1 GiB]. */
export function positionBitsToShift(termLength: number): number {
  const valid = Number.isInteger(termLength) && termLength >= aeronTermLengthMin &&
    termLength <= aeronTermLengthMax &&
    (termLength & (termLength - 1)) === 0;
  if (!valid) {
    throw new InvalidArgumentError(`term length ${termLength} is not a power of two in [64 KiB, 1 GiB]`);
  }
  return 31 - Math.clz32(termLength);
}

/**
 * The stream position of `termOffset` in term `termId` (term ids wrap as int32). A number:
 * exact while below 2^53 (8 PiB of stream).
 *
 * @example
 * ```ts
 * const bits = positionBitsToShift(64 * 1024);
 * computePosition(7, 128, bits, 5); // 2 * 65536 + 128
 * ```
 */
export function computePosition(
  termId: number,
  termOffset: number,
  positionBitsToShift: number,
  initialTermId: number,
): number {
  const termCount = (termId - initialTermId) | 0;
  return termCount * 2 ** positionBitsToShift + termOffset;
}

/** `computePosition` as a BigInt, exact for every position. */
export function computePositionBigInt(
  termId: number,
  termOffset: number,
  positionBitsToShift: number,
  initialTermId: number,
): bigint {
  const termCount = BigInt((termId - initialTermId) | 0);
  return (termCount << BigInt(positionBitsToShift)) + BigInt(termOffset);
}

/** Where term `termId` begins. */
export function computeTermBeginPosition(
  termId: number,
  positionBitsToShift: number,
  initialTermId: number,
): number {
  return computePosition(termId, 0, positionBitsToShift, initialTermId);
}

/** The term id that holds `position` (a number or a BigInt). */
export function computeTermIdFromPosition(
  position: number | bigint,
  positionBitsToShift: number,
  initialTermId: number,
): number {
  const termCount = typeof position === "bigint"
    ? Number(BigInt.asIntN(32, position >> BigInt(positionBitsToShift)))
    : Math.floor(position / 2 ** positionBitsToShift);
  return (termCount + initialTermId) | 0;
}

/** The offset of `position` within its term. */
export function computeTermOffsetFromPosition(
  position: number | bigint,
  positionBitsToShift: number,
): number {
  if (typeof position === "bigint") return Number(position & ((1n << BigInt(positionBitsToShift)) - 1n));
  const termLength = 2 ** positionBitsToShift;
  return position - Math.floor(position / termLength) * termLength;
}

/** Which of Aeron's three partitions holds term `termId`. */
export function indexByTerm(initialTermId: number, termId: number): number {
  return ((termId - initialTermId) >>> 0) % 3;
}

/** Which of Aeron's three partitions holds `position`. */
export function indexByPosition(position: number, positionBitsToShift: number): number {
  return Math.floor(position / 2 ** positionBitsToShift) % 3;
}
