/**
 * SBE message codecs: `defineMessage(schema, spec)` turns one `as const` message declaration
 * into a codec whose `decoder()` and `encoder()` are reusable flyweights over the message
 * bytes (no FFI call, no allocation per message). docs/sbe.md is the spec.
 * @module
 */
import {
  BufferTooSmallError,
  errorFromStatus,
  IndexOutOfRangeError,
  InvalidArgumentError,
} from "../errors.ts";
import { Status } from "../status.ts";
import { Cursor, type Flyweight, headerLength, Shape, validateAt } from "./_flyweight.ts";
import type { BlockEncoder, BlockValues, BlockView, MessageSpec, SchemaId } from "./schema.ts";

/** A reusable checked decoder of one message type. */
export type MessageDecoder<S extends MessageSpec> = BlockView<S> & DecoderMethods;

/** What a decoder adds to the block accessors. */
export interface DecoderMethods {
  /**
   * Validates the message at `bytes[offset..offset+length)` and points the view at it.
   * Returns `Status.Ok` or a negative status (Truncated, InvalidGroup, InvalidEnumValue,
   * UnknownTemplate, IndexOutOfRange for an offset/length outside `bytes`); never throws.
   * On failure the view is left as it was (on the previous message, if any).
   */
  tryWrap(bytes: Uint8Array, offset?: number, length?: number): number;
  /** `tryWrap` that throws the typed error (TruncatedError, ...) instead. */
  wrap(bytes: Uint8Array, offset?: number, length?: number): this;
  /** Bytes of the validated message (header, block, groups, var data). */
  readonly encodedLength: number;
  /** The root block length the sender wrote. */
  readonly blockLength: number;
}

/** A reusable encoder of one message type. */
export type MessageEncoder<S extends MessageSpec> = BlockEncoder<S> & EncoderMethods;

/** What an encoder adds to the block setters. */
export interface EncoderMethods {
  /**
   * Writes the header at `bytes[offset]` and points the encoder at the root block
   * (BufferTooSmallError if header and block do not fit). Set every field; groups and var
   * data not written are written empty.
   */
  wrap(bytes: Uint8Array, offset?: number): this;
  /** Completes the message (empty groups / var data not written yet) and returns its length. */
  readonly encodedLength: number;
}

/** The codec of one message: its identity, flyweight factories and plain-object helpers. */
export class MessageCodec<S extends MessageSpec> {
  /** The declaration this codec was generated from. */
  readonly spec: S;
  readonly name: string;
  readonly templateId: number;
  readonly schemaId: number;
  readonly schemaVersion: number;
  /** Root block length at the schema version. */
  readonly blockLength: number;
  readonly #shape: Shape;
  readonly #Decoder: new () => Flyweight;
  readonly #Encoder: new () => Flyweight;

  constructor(schema: SchemaId, spec: S) {
    if (!isU16(schema.id) || !isU16(schema.version) || !isU16(spec.templateId)) {
      throw new InvalidArgumentError(`${spec.name}: schema id, version and template id are uint16`);
    }
    this.spec = spec;
    this.name = spec.name;
    this.templateId = spec.templateId;
    this.schemaId = schema.id;
    this.schemaVersion = schema.version;
    this.#shape = new Shape(spec, schema.version, spec.name);
    this.blockLength = this.#shape.blockLength;
    this.#Decoder = decoderClass(this.#shape, schema.id, spec.templateId, spec.name);
    this.#Encoder = encoderClass(this.#shape, schema.id, spec.templateId);
  }

  /** A new reusable decoder; `wrap` it over each message. */
  decoder(): MessageDecoder<S> {
    return new this.#Decoder() as unknown as MessageDecoder<S>;
  }

  /** A new reusable encoder; `wrap` it over each destination. */
  encoder(): MessageEncoder<S> {
    return new this.#Encoder() as unknown as MessageEncoder<S>;
  }

  /** Encodes plain values at `bytes[offset]`; returns the encoded length (allocates nothing big, but is not the hot path). */
  encode(bytes: Uint8Array, values: BlockValues<S>, offset = 0): number {
    const encoder = this.encoder();
    encoder.wrap(bytes, offset);
    fill(encoder as unknown as Flyweight, this.#shape, values as Record<string, unknown>);
    return encoder.encodedLength;
  }

  /** Field offsets and sizes of the root block and every group, as docs/sbe.md tabulates them. */
  layout(): LayoutBlock {
    return layoutOf(this.#shape);
  }
}

/** A block's layout: `[name, offset, size, since]` per field, and its groups'. */
export interface LayoutBlock {
  readonly blockLength: number;
  readonly fields: readonly (readonly [string, number, number, number])[];
  readonly groups: Readonly<Record<string, LayoutBlock>>;
  readonly data: readonly string[];
}

function layoutOf(shape: Shape): LayoutBlock {
  return {
    blockLength: shape.blockLength,
    fields: shape.fields.map((f) => [f.name, f.offset, f.size, f.since] as const),
    groups: Object.fromEntries(shape.groups.map((g) => [g.name, layoutOf(g.shape)])),
    data: shape.data.map((d) => d.name),
  };
}

/**
 * Declares a message of schema `schema`; the spec is an `as const` literal.
 *
 * @example
 * ```ts
 * const Ping = defineMessage({ id: 7, version: 0 }, {
 *   name: "Ping", templateId: 1, fields: { seq: { type: "uint32" } },
 * } as const);
 * const enc = Ping.encoder().wrap(buf);
 * enc.seq = 42;
 * const dec = Ping.decoder().wrap(buf, 0, enc.encodedLength);
 * ```
 */
export function defineMessage<S extends MessageSpec>(schema: SchemaId, spec: S): MessageCodec<S> {
  return new MessageCodec(schema, spec);
}

function isU16(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 65535;
}

const explanations: Record<number, string> = {
  [Status.Truncated]: "the message is shorter than its header, block, group or var-data lengths say",
  [Status.InvalidGroup]:
    "a repeating group's block length is too small or its count exceeds the group's maximum",
  [Status.InvalidEnumValue]: "a field holds a byte that is not one of its enum's values",
  [Status.UnknownTemplate]: "the header's schema id or template id is not this message's",
  [Status.IndexOutOfRange]: "offset and length are outside the given bytes",
};

/** The typed error `wrap` throws for a status `tryWrap` returned. */
export function decodeError(status: number, name: string): Error {
  return errorFromStatus(status, `Cannot decode ${name}`, explanations[status] ?? "unexpected status");
}

/** The ArrayBuffer-wide views a flyweight reads through, cached per buffer. */
interface Views {
  _bytes: Uint8Array | null;
  _ab: ArrayBufferLike | null;
  _byteOffset: number;
  _dvAll: DataView;
  _u8All: Uint8Array;
}

/**
 * Points `self` at the buffer behind `bytes`. Reading `.buffer` and `.byteOffset` is not
 * free, so they are cached per Uint8Array (whose buffer and offset never change).
 */
function viewsFor(self: Views, bytes: Uint8Array): void {
  if (bytes === self._bytes) return;
  const buffer = bytes.buffer;
  self._bytes = bytes;
  self._byteOffset = bytes.byteOffset;
  if (buffer !== self._ab) {
    self._ab = buffer;
    self._dvAll = new DataView(buffer);
    self._u8All = new Uint8Array(buffer);
  }
}

function decoderClass(shape: Shape, schemaId: number, templateId: number, name: string): new () => Flyweight {
  const ids = (templateId | (schemaId << 16)) >>> 0;
  const schemaVersion = shape.version;
  const currentBlock = shape.blockLength;
  const blockLengths = shape.blockLengths;
  const fixedSize = shape.fixedSize;
  return class Decoder extends shape.Flyweight implements Views {
    _bytes: Uint8Array | null = null;
    _ab: ArrayBufferLike | null = null;
    _byteOffset = 0;
    _dvAll: DataView = new DataView(new ArrayBuffer(0));
    _u8All: Uint8Array = new Uint8Array(0);
    _base = 0;
    _endPos = 0;

    tryWrap(bytes: Uint8Array, offset = 0, length: number = bytes.length - offset): number {
      if (!(offset >= 0 && length >= headerLength && offset + length <= bytes.length)) {
        return offset >= 0 && length >= 0 && offset + length <= bytes.length
          ? Status.Truncated
          : Status.IndexOutOfRange;
      }
      if (bytes !== this._bytes) viewsFor(this, bytes);
      const dv = this._dvAll;
      const base = this._byteOffset + offset;
      const limit = base + length;
      if (dv.getUint32(base + 2, true) !== ids) return Status.UnknownTemplate;
      const blockLen = dv.getUint16(base, true);
      const version = dv.getUint16(base + 6, true);
      const pos = base + headerLength;
      if (
        blockLen < (version >= schemaVersion ? currentBlock : blockLengths[version]) || limit - pos < blockLen
      ) {
        return Status.Truncated;
      }
      const u8 = this._u8All;
      const end = fixedSize
        ? (shape.enumsValid(u8, pos, version) ? pos + blockLen : Status.InvalidEnumValue)
        : validateAt(shape, dv, u8, pos, blockLen, version, limit);
      if (end < 0) return end;
      this._dv = dv;
      this._u8 = u8;
      this._offset = pos;
      this._blockLen = blockLen;
      this._acting = version;
      this._base = base;
      this._endPos = end;
      return Status.Ok;
    }

    wrap(bytes: Uint8Array, offset?: number, length?: number): this {
      const status = this.tryWrap(bytes, offset, length);
      if (status !== Status.Ok) throw decodeError(status, name);
      return this;
    }

    get encodedLength(): number {
      return this._endPos - this._base;
    }

    get blockLength(): number {
      return this._blockLen;
    }
  };
}

function encoderClass(shape: Shape, schemaId: number, templateId: number): new () => Flyweight {
  const minLength = headerLength + shape.blockLength;
  const headerLow = (shape.blockLength | (templateId << 16)) >>> 0;
  const headerHigh = (schemaId | (shape.version << 16)) >>> 0;
  const sections = shape.groups.length + shape.data.length;
  return class Encoder extends shape.Flyweight implements Views {
    _bytes: Uint8Array | null = null;
    _ab: ArrayBufferLike | null = null;
    _byteOffset = 0;
    _dvAll: DataView = new DataView(new ArrayBuffer(0));
    _u8All: Uint8Array = new Uint8Array(0);
    readonly _rootCursor = new Cursor();

    wrap(bytes: Uint8Array, offset = 0): this {
      // Kept short: this runs once per message and should inline into the caller's loop.
      if (bytes !== this._bytes) this._rebind(bytes);
      const base = this._byteOffset + offset;
      const cursor = this._rootCursor;
      if (!(offset >= 0 && cursor.limit - base >= minLength)) throw wrapError(bytes, offset, minLength);
      this._dv.setUint32(base, headerLow, true);
      this._dv.setUint32(base + 4, headerHigh, true);
      cursor.pos = base + minLength;
      this._offset = base + headerLength;
      this._section = 0;
      this._pending = null;
      return this;
    }

    /** A new destination: cache its views; its length bounds the cursor. */
    _rebind(bytes: Uint8Array): void {
      viewsFor(this, bytes);
      this._dv = this._dvAll;
      this._u8 = this._u8All;
      this._cursor = this._rootCursor;
      this._rootCursor.limit = this._byteOffset + bytes.length;
    }

    get encodedLength(): number {
      if (this._section !== sections || this._pending !== null) this._complete();
      return this._rootCursor.pos - this._offset + headerLength;
    }
  };
}

function wrapError(bytes: Uint8Array, offset: number, minLength: number): Error {
  if (!(Number.isInteger(offset) && offset >= 0 && offset <= bytes.length)) {
    return new IndexOutOfRangeError(`Offset ${offset} is outside a buffer of ${bytes.length} bytes`);
  }
  return new BufferTooSmallError(
    `The message needs at least ${minLength} bytes; ${bytes.length - offset} are left`,
  );
}

function fill(fw: Flyweight, shape: Shape, values: Record<string, unknown>): void {
  const target = fw as unknown as Record<string, unknown>;
  for (const f of shape.fields) {
    let v = values[f.name];
    if (v === undefined) {
      if (!f.optional) throw new InvalidArgumentError(`Field "${f.name}" is required`);
      v = null;
    }
    if (typeof v === "bigint") {
      target[f.spec.type === "decimal64" ? `${f.name}Mantissa` : `${f.name}Big`] = v;
    } else {
      target[f.name] = v;
    }
  }
  for (const g of shape.groups) {
    const entries = (values[g.name] ?? []) as Record<string, unknown>[];
    const writer = fw.group(g.name, entries.length) as unknown as { next(): Flyweight };
    for (const entry of entries) fill(writer.next(), g.shape, entry);
  }
  for (const d of shape.data) {
    const v = values[d.name] as Uint8Array | string | undefined;
    if (v !== undefined) fw.setData(d.name, v);
  }
}

/**
 * A view of the 8-byte SBE message header, for dispatching on the template id.
 *
 * @example
 * ```ts
 * const header = new MessageHeader();
 * if (header.wrap(bytes) === Status.Ok && header.templateId === NewOrderSingle.templateId) { ... }
 * ```
 */
export class MessageHeader {
  #dv: DataView = new DataView(new ArrayBuffer(8));
  #ab: ArrayBufferLike | null = null;
  #base = 0;

  /** Points at the header at `bytes[offset]`: Status.Ok, or Truncated if fewer than 8 bytes remain. */
  wrap(bytes: Uint8Array, offset = 0): number {
    if (!(offset >= 0 && bytes.length - offset >= headerLength)) return Status.Truncated;
    if (bytes.buffer !== this.#ab) {
      this.#ab = bytes.buffer;
      this.#dv = new DataView(bytes.buffer);
    }
    this.#base = bytes.byteOffset + offset;
    return Status.Ok;
  }

  /** Root block length. */
  get blockLength(): number {
    return this.#dv.getUint16(this.#base, true);
  }

  /** Template id (which message). */
  get templateId(): number {
    return this.#dv.getUint16(this.#base + 2, true);
  }

  /** Schema id. */
  get schemaId(): number {
    return this.#dv.getUint16(this.#base + 4, true);
  }

  /** The sender's schema version (acting version). */
  get version(): number {
    return this.#dv.getUint16(this.#base + 6, true);
  }
}
