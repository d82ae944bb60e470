/**
 * The wire codec in TypeScript: fixed-layout messages declared once with `defineMessage`,
 * read and written in place through a reusable flyweight (no allocation, no FFI call per
 * field). The same layouts as native/src/codec/wire.zig (docs/codecs.md): fields in
 * declaration order, little-endian, no padding between them, zero padding at the end to a
 * multiple of 8.
 *
 * 64-bit fields (`u64`, `i64`) read and write as `number`: exact for values within
 * ±(2^53 - 1), which holds for nanosecond timestamps for 104 days of uptime and for prices
 * and volumes in 1e-8 units up to 90 million. Outside that range a `number` is rounded; use
 * `getBigInt` / `setBigInt`, which are exact for the whole 64-bit range.
 * @module
 */
import {
  BufferTooSmallError,
  InvalidArgumentError,
  InvalidEnumValueError,
  TruncatedError,
} from "./errors.ts";

/** Scalar field types. */
export type ScalarType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64" | "f32" | "f64" | "bool";

/** An enum field: an unsigned integer that must be one of `values` (checked decode). */
export interface EnumType {
  readonly type: "u8" | "u16" | "u32";
  readonly values: Readonly<Record<string, number>>;
}

/** The type of one field of a message. */
export type FieldType = ScalarType | EnumType;

/** Field name to type, in wire order. */
export type FieldSpecs = Readonly<Record<string, FieldType>>;

/** What `defineMessage` takes. */
export interface MessageDefinition<F extends FieldSpecs> {
  /** Shown in errors, docs and benchmarks, e.g. "TickMessage". */
  readonly name: string;
  /** The msgTypeId of its IPC frames (Publisher / Subscriber): an int32. */
  readonly typeId: number;
  /** Fields in wire order. */
  readonly fields: F;
  /** Total length to reserve zeroed room after the fields: a multiple of 8. */
  readonly length?: number;
}

/** The JavaScript value of a field: `boolean` for "bool", `number` otherwise. */
export type FieldValue<T extends FieldType> = T extends "bool" ? boolean : number;

/** A message's field values as a plain object (what `encode` takes and `decode` returns). */
export type MessageValues<F extends FieldSpecs> = { -readonly [K in keyof F]: FieldValue<F[K]> };

/** Names of the 64-bit fields of `F`, the ones with BigInt accessors. */
export type Int64Field<F extends FieldSpecs> = {
  [K in keyof F]: F[K] extends "u64" | "i64" ? K : never;
}[keyof F];

/** One field's place in the layout. */
export interface FieldLayout {
  readonly name: string;
  readonly type: ScalarType | "u8" | "u16" | "u32";
  readonly offset: number;
  readonly size: number;
  /** Allowed values of an enum field. */
  readonly values?: readonly number[];
}

/** The methods every flyweight has besides its field accessors. */
export interface FlyweightBase<F extends FieldSpecs> {
  /** The DataView the flyweight reads and writes (set by `wrap`). */
  readonly view: DataView;
  /** Where the message starts in `view`. */
  readonly offset: number;
  /**
   * Points the flyweight at the message at `offset` in `bytes`: TruncatedError if it does not
   * fit. No other check; use `wrapChecked` for bytes from elsewhere.
   */
  wrap(bytes: Uint8Array, offset?: number): this;
  /** `wrap` over a DataView (e.g. `Fragment.view`): no DataView is created. */
  wrapView(view: DataView, offset?: number): this;
  /**
   * `wrap` for untrusted bytes: TruncatedError if the message does not fit in
   * `bytes[offset, offset + length)` (default: to the end), InvalidEnumValueError for a bad
   * enum or bool byte.
   */
  wrapChecked(bytes: Uint8Array, offset?: number, length?: number): this;
  /** The enum and bool checks of `wrapChecked`, on the wrapped message. */
  validate(): this;
  /** Exact 64-bit read of a u64/i64 field. */
  getBigInt(field: Int64Field<F>): bigint;
  /** Exact 64-bit write of a u64/i64 field (wrapped to 64 bits). */
  setBigInt(field: Int64Field<F>, value: bigint): this;
  /** Writes every field from `values` and zeroes the padding. */
  set(values: MessageValues<F>): this;
  /** Zeroes the whole message, padding included. */
  clear(): this;
  /** A plain-object copy of the fields (allocates). */
  toObject(): MessageValues<F>;
}

/** A reusable view of one message: `wrap` it over bytes, then read or assign its fields. */
export type Flyweight<F extends FieldSpecs> = MessageValues<F> & FlyweightBase<F>;

/** A declared message type. */
export interface MessageType<F extends FieldSpecs> {
  readonly name: string;
  readonly typeId: number;
  /** Encoded length in bytes (a multiple of 8). */
  readonly length: number;
  readonly fields: readonly FieldLayout[];
  /** Byte offset of a field. */
  offsetOf(field: keyof F & string): number;
  /** A new flyweight; make one and reuse it (`wrap` allocates nothing). */
  flyweight(): Flyweight<F>;
  /** Writes `values` at `offset` (padding zeroed); returns the bytes written. BufferTooSmallError. */
  encode(values: MessageValues<F>, bytes: Uint8Array, offset?: number): number;
  /** Checked decode into a new object: TruncatedError, InvalidEnumValueError. */
  decode(bytes: Uint8Array, offset?: number): MessageValues<F>;
  /** Encodes `values` back to back; returns the bytes written. BufferTooSmallError (nothing written). */
  encodeBatch(values: readonly MessageValues<F>[], bytes: Uint8Array, offset?: number): number;
  /**
   * Checked decode of `count` messages back to back (default: as many as `length` bytes
   * hold, which must be a whole number: TruncatedError). Every message is checked first.
   */
  decodeBatch(bytes: Uint8Array, offset?: number, count?: number): MessageValues<F>[];
  /**
   * Zero-allocation batch read: checks `count` messages, then hands `handler` one reused
   * flyweight per message. Returns `count`.
   */
  forEach(
    bytes: Uint8Array,
    offset: number,
    count: number,
    handler: (message: Flyweight<F>, index: number) => void,
  ): number;
}

/** Largest message `defineMessage` lays out (as in Zig). */
export const messageLengthMax = 2048;

const twoTo32 = 4294967296;

const sizes: Record<ScalarType, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  u64: 8,
  i64: 8,
  f32: 4,
  f64: 8,
  bool: 1,
};

const reserved = new Set([
  "view",
  "offset",
  "wrap",
  "wrapView",
  "wrapChecked",
  "validate",
  "getBigInt",
  "setBigInt",
  "set",
  "clear",
  "toObject",
  "constructor",
  "__proto__",
  // Object.prototype members: an accessor of that name would change how the flyweight behaves.
  "valueOf",
  "toString",
  "toLocaleString",
  "toJSON",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
]);

/**
 * Declares an enum field: an unsigned integer of `type` whose allowed values are `values`.
 *
 * @example
 * ```ts
 * const Side = { bid: 0, ask: 1 } as const;
 * const fields = { side: enumOf("u8", Side) };
 * ```
 */
export function enumOf(type: "u8" | "u16" | "u32", values: Readonly<Record<string, number>>): EnumType {
  return { type, values };
}

/**
 * Declares a message type.
 *
 * @example
 * ```ts
 * const Quote = defineMessage({
 *   name: "Quote",
 *   typeId: 42,
 *   fields: { timestampNs: "u64", bid: "i64", ask: "i64", venue: "u16" },
 * });
 * const quote = Quote.flyweight();
 * const buffer = new Uint8Array(Quote.length);
 * quote.wrap(buffer);
 * quote.bid = 4_200_050_000_000;
 * console.log(Quote.length, quote.bid); // 32 4200050000000
 * ```
 */
export function defineMessage<const F extends FieldSpecs>(definition: MessageDefinition<F>): MessageType<F> {
  const { name, typeId } = definition;
  if (typeof name !== "string" || name === "") {
    throw new InvalidArgumentError("defineMessage: give the message a name");
  }
  if ((typeId | 0) !== typeId) {
    throw new InvalidArgumentError(`defineMessage ${name}: typeId ${typeId} is not a 32-bit integer`);
  }
  const layouts = layoutOf(name, definition.fields);
  const fieldsLength = layouts.reduce((sum, field) => sum + field.size, 0);
  const length = definition.length ?? ((fieldsLength + 7) & ~7);
  if (!Number.isInteger(length) || length % 8 !== 0 || length < fieldsLength || length === 0) {
    throw new InvalidArgumentError(
      `defineMessage ${name}: length ${length} must be a multiple of 8 that holds the ${fieldsLength} bytes of fields`,
    );
  }
  if (length > messageLengthMax) {
    throw new InvalidArgumentError(
      `defineMessage ${name}: ${length} bytes is over the ${messageLengthMax}-byte limit`,
    );
  }
  return new WireMessageType<F>(name, typeId, length, layouts);
}

function layoutOf(name: string, fields: FieldSpecs): FieldLayout[] {
  if (fields === null || typeof fields !== "object") {
    throw new InvalidArgumentError(`defineMessage ${name}: fields must be an object of name: type`);
  }
  const layouts: FieldLayout[] = [];
  let offset = 0;
  for (const [field, spec] of Object.entries(fields)) {
    if (reserved.has(field) || !/^[A-Za-z_$][\w$]*$/.test(field)) {
      throw new InvalidArgumentError(`defineMessage ${name}: "${field}" cannot be a field name`);
    }
    if (typeof spec === "string") {
      if (!(spec in sizes)) {
        throw new InvalidArgumentError(`defineMessage ${name}: field ${field} has unknown type ${spec}`);
      }
      layouts.push({ name: field, type: spec, offset, size: sizes[spec] });
    } else {
      const valid = spec && (spec.type === "u8" || spec.type === "u16" || spec.type === "u32") &&
        typeof spec.values === "object";
      if (!valid) {
        throw new InvalidArgumentError(`defineMessage ${name}: field ${field}: use enumOf("u8", {...})`);
      }
      const values = Object.values(spec.values);
      const max = 2 ** (8 * sizes[spec.type]) - 1;
      if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 0 || v > max)) {
        throw new InvalidArgumentError(
          `defineMessage ${name}: enum field ${field} needs values within ${spec.type}`,
        );
      }
      layouts.push({ name: field, type: spec.type, offset, size: sizes[spec.type], values });
    }
    offset += layouts[layouts.length - 1].size;
  }
  if (layouts.length === 0) {
    throw new InvalidArgumentError(`defineMessage ${name}: a message needs at least one field`);
  }
  return layouts;
}

const emptyView = new DataView(new ArrayBuffer(0));

/** How checked decode validates one enum or bool field: a table of allowed values. */
interface EnumCheck {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly values: readonly number[];
  /** table[v] === 1 for allowed v (absent for values over 65535: `values` is searched). */
  readonly table: Uint8Array | undefined;
}

function enumCheckOf(field: FieldLayout): EnumCheck {
  const values = field.type === "bool" ? [0, 1] : field.values!;
  const max = Math.max(...values);
  const table = max <= 65535 ? new Uint8Array(max + 1) : undefined;
  for (const value of values) if (table) table[value] = 1;
  return { name: field.name, offset: field.offset, size: field.size, values, table };
}

/** The shared part of every generated flyweight class. */
class FlyweightCore {
  view: DataView = emptyView;
  offset = 0;
  #bytes: Uint8Array | undefined;
  readonly #type: WireMessageType<FieldSpecs>;

  constructor(type: WireMessageType<FieldSpecs>) {
    this.#type = type;
  }

  wrap(bytes: Uint8Array, offset = 0): this {
    if (bytes !== this.#bytes) this.#viewOf(bytes);
    // One compare on the hot path; `!(... <= ...)` also catches NaN and non-numbers.
    if (!(offset >= 0 && offset + this.#type.length <= bytes.byteLength) || (offset >>> 0) !== offset) {
      throw this.#type.truncated(bytes.byteLength, offset);
    }
    this.offset = offset;
    return this;
  }

  #viewOf(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidArgumentError(`${this.#type.name}.wrap: bytes must be a Uint8Array`);
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#bytes = bytes;
  }

  wrapView(view: DataView, offset = 0): this {
    if (!(offset >= 0 && offset + this.#type.length <= view.byteLength) || (offset >>> 0) !== offset) {
      throw this.#type.truncated(view.byteLength, offset);
    }
    this.view = view;
    this.#bytes = undefined;
    this.offset = offset;
    return this;
  }

  wrapChecked(bytes: Uint8Array, offset = 0, length?: number): this {
    const end = length === undefined ? bytes.byteLength : offset + length;
    if (!(end <= bytes.byteLength) || (length !== undefined && !(length >= 0))) {
      throw this.#type.pastEnd(bytes, offset, length);
    }
    if (!(offset >= 0 && offset + this.#type.length <= end) || (offset >>> 0) !== offset) {
      throw this.#type.truncated(end, offset);
    }
    this.wrap(bytes, offset);
    this.#type.validateAt(this.view, offset);
    return this;
  }

  validate(): this {
    this.#type.validateAt(this.view, this.offset);
    return this;
  }

  getBigInt(field: string): bigint {
    const layout = this.#type.int64(field);
    return layout.type === "u64"
      ? this.view.getBigUint64(this.offset + layout.offset, true)
      : this.view.getBigInt64(this.offset + layout.offset, true);
  }

  setBigInt(field: string, value: bigint): this {
    const layout = this.#type.int64(field);
    if (layout.type === "u64") {
      this.view.setBigUint64(this.offset + layout.offset, BigInt.asUintN(64, value), true);
    } else this.view.setBigInt64(this.offset + layout.offset, BigInt.asIntN(64, value), true);
    return this;
  }

  set(values: Record<string, number | boolean>): this {
    this.#type.assign(this, values);
    const end = this.offset + this.#type.length;
    for (let i = this.offset + this.#type.fieldsLength; i < end; i++) this.view.setUint8(i, 0);
    return this;
  }

  clear(): this {
    const end = this.offset + this.#type.length;
    for (let i = this.offset; i < end; i++) this.view.setUint8(i, 0);
    return this;
  }

  toObject(): Record<string, number | boolean> {
    return this.#type.copy(this);
  }
}

type Accessor = {
  get(this: FlyweightCore): number | boolean;
  set(this: FlyweightCore, value: number | boolean): void;
};

/** Getter and setter of one field at a fixed offset (little-endian). */
function accessorOf(layout: FieldLayout): Accessor {
  const at = layout.offset;
  switch (layout.type) {
    case "u8":
      return {
        get() {
          return this.view.getUint8(this.offset + at);
        },
        set(value) {
          this.view.setUint8(this.offset + at, value as number);
        },
      };
    case "i8":
      return {
        get() {
          return this.view.getInt8(this.offset + at);
        },
        set(value) {
          this.view.setInt8(this.offset + at, value as number);
        },
      };
    case "u16":
      return {
        get() {
          return this.view.getUint16(this.offset + at, true);
        },
        set(value) {
          this.view.setUint16(this.offset + at, value as number, true);
        },
      };
    case "i16":
      return {
        get() {
          return this.view.getInt16(this.offset + at, true);
        },
        set(value) {
          this.view.setInt16(this.offset + at, value as number, true);
        },
      };
    case "u32":
      return {
        get() {
          return this.view.getUint32(this.offset + at, true);
        },
        set(value) {
          this.view.setUint32(this.offset + at, value as number, true);
        },
      };
    case "i32":
      return {
        get() {
          return this.view.getInt32(this.offset + at, true);
        },
        set(value) {
          this.view.setInt32(this.offset + at, value as number, true);
        },
      };
    case "u64":
      return {
        get() {
          const o = this.offset + at;
          return this.view.getUint32(o + 4, true) * twoTo32 + this.view.getUint32(o, true);
        },
        set(value) {
          const o = this.offset + at;
          this.view.setUint32(o, (value as number) >>> 0, true);
          this.view.setUint32(o + 4, Math.floor((value as number) / twoTo32) >>> 0, true);
        },
      };
    case "i64":
      return {
        get() {
          const o = this.offset + at;
          return this.view.getInt32(o + 4, true) * twoTo32 + this.view.getUint32(o, true);
        },
        set(value) {
          const o = this.offset + at;
          this.view.setUint32(o, (value as number) >>> 0, true);
          this.view.setUint32(o + 4, Math.floor((value as number) / twoTo32) >>> 0, true);
        },
      };
    case "f32":
      return {
        get() {
          return this.view.getFloat32(this.offset + at, true);
        },
        set(value) {
          this.view.setFloat32(this.offset + at, value as number, true);
        },
      };
    case "f64":
      return {
        get() {
          return this.view.getFloat64(this.offset + at, true);
        },
        set(value) {
          this.view.setFloat64(this.offset + at, value as number, true);
        },
      };
    case "bool":
      return {
        get() {
          return this.view.getUint8(this.offset + at) !== 0;
        },
        set(value) {
          this.view.setUint8(this.offset + at, value ? 1 : 0);
        },
      };
  }
}

class WireMessageType<F extends FieldSpecs> implements MessageType<F> {
  readonly name: string;
  readonly typeId: number;
  readonly length: number;
  readonly fields: readonly FieldLayout[];
  readonly fieldsLength: number;
  /** @internal Writes every field of `values` through the flyweight's accessors. */
  readonly assign: (flyweight: FlyweightCore, values: Record<string, number | boolean>) => void;
  /** @internal A plain object of every field, read through the accessors. */
  readonly copy: (flyweight: FlyweightCore) => Record<string, number | boolean>;
  readonly #Flyweight: new () => Flyweight<F>;
  readonly #checks: readonly EnumCheck[];
  readonly #offsets: ReadonlyMap<string, FieldLayout>;
  #scratch: Flyweight<F> | undefined;

  constructor(name: string, typeId: number, length: number, fields: FieldLayout[]) {
    this.name = name;
    this.typeId = typeId;
    this.length = length;
    this.fields = Object.freeze(fields.map((field) => Object.freeze(field)));
    this.fieldsLength = fields.reduce((sum, field) => sum + field.size, 0);
    // Straight-line code per message type, so that the JIT sees one shape per property
    // access (a loop over names would be megamorphic). Names are checked identifiers.
    this.assign = new Function(
      "flyweight",
      "values",
      fields.map((f) => `flyweight.${f.name} = values.${f.name};`).join("\n"),
    ) as WireMessageType<F>["assign"];
    this.copy = new Function(
      "flyweight",
      `return { ${fields.map((f) => `${f.name}: flyweight.${f.name}`).join(", ")} };`,
    ) as WireMessageType<F>["copy"];
    this.#checks = fields.filter((field) => field.values !== undefined || field.type === "bool").map(
      enumCheckOf,
    );
    this.#offsets = new Map(fields.map((field) => [field.name, field]));
    this.validateAt = this.#validator();
    const type = this as unknown as WireMessageType<FieldSpecs>;
    class Generated extends FlyweightCore {
      constructor() {
        super(type);
      }
    }
    for (const field of fields) {
      Object.defineProperty(Generated.prototype, field.name, { ...accessorOf(field), enumerable: true });
    }
    Object.defineProperty(Generated, "name", { value: `${name}Flyweight` });
    this.#Flyweight = Generated as unknown as new () => Flyweight<F>;
  }

  offsetOf(field: keyof F & string): number {
    const layout = this.#offsets.get(field);
    if (layout === undefined) throw new InvalidArgumentError(`${this.name} has no field ${String(field)}`);
    return layout.offset;
  }

  flyweight(): Flyweight<F> {
    return new this.#Flyweight();
  }

  encode(values: MessageValues<F>, bytes: Uint8Array, offset = 0): number {
    this.#fits(bytes, offset, 1);
    this.#flyweight().wrap(bytes, offset).set(values);
    return this.length;
  }

  decode(bytes: Uint8Array, offset = 0): MessageValues<F> {
    return this.#flyweight().wrapChecked(bytes, offset).toObject();
  }

  encodeBatch(values: readonly MessageValues<F>[], bytes: Uint8Array, offset = 0): number {
    this.#fits(bytes, offset, values.length);
    const flyweight = this.#flyweight();
    for (let i = 0; i < values.length; i++) flyweight.wrap(bytes, offset + i * this.length).set(values[i]);
    return values.length * this.length;
  }

  decodeBatch(bytes: Uint8Array, offset = 0, count?: number): MessageValues<F>[] {
    const result: MessageValues<F>[] = [];
    this.forEach(
      bytes,
      offset,
      count ?? this.#wholeCount(bytes, offset),
      (message) => result.push(message.toObject()),
    );
    return result;
  }

  forEach(
    bytes: Uint8Array,
    offset: number,
    count: number,
    handler: (message: Flyweight<F>, index: number) => void,
  ): number {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(`${this.name}: count ${count} must be an integer >= 0`);
    }
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidArgumentError(`${this.name}: bytes must be a Uint8Array`);
    }
    if (!(Number.isInteger(offset) && offset >= 0 && offset + count * this.length <= bytes.byteLength)) {
      throw new TruncatedError(
        `${this.name}: ${count} messages of ${this.length} bytes at offset ${offset} run past the ${bytes.byteLength}-byte buffer`,
      );
    }
    const flyweight = this.#flyweight();
    for (let i = 0; i < count; i++) flyweight.wrap(bytes, offset + i * this.length).validate();
    for (let i = 0; i < count; i++) handler(flyweight.wrap(bytes, offset + i * this.length), i);
    return count;
  }

  /** @internal Throws InvalidEnumValueError for a bad enum or bool byte at `offset`. */
  readonly validateAt: (view: DataView, offset: number) => void;

  /**
   * The check of checked decode, specialised by the number of enum fields: straight-line code
   * for the common one or two, so that it stays small enough for the JIT to inline beside the
   * field reads of the caller.
   */
  #validator(): (view: DataView, offset: number) => void {
    const checks = this.#checks;
    const one = (check: EnumCheck) => {
      const at = check.offset;
      const table = check.table;
      if (table === undefined) {
        return (view: DataView, offset: number) => {
          const raw = view.getUint32(offset + at, true);
          if (!check.values.includes(raw)) throw this.#invalid(check, raw);
        };
      }
      if (check.size === 1) {
        return (view: DataView, offset: number) => {
          const raw = view.getUint8(offset + at);
          if (!(raw < table.length && table[raw] === 1)) throw this.#invalid(check, raw);
        };
      }
      return (view: DataView, offset: number) => {
        const raw = check.size === 2 ? view.getUint16(offset + at, true) : view.getUint32(offset + at, true);
        if (!(raw < table.length && table[raw] === 1)) throw this.#invalid(check, raw);
      };
    };
    if (checks.length === 0) return () => {};
    if (checks.length === 1) return one(checks[0]);
    if (checks.length === 2) {
      const first = one(checks[0]);
      const second = one(checks[1]);
      return (view, offset) => {
        first(view, offset);
        second(view, offset);
      };
    }
    const all = checks.map(one);
    return (view, offset) => {
      for (let i = 0; i < all.length; i++) all[i](view, offset);
    };
  }

  #invalid(check: EnumCheck, raw: number): InvalidEnumValueError {
    return new InvalidEnumValueError(
      `${this.name}.${check.name} holds ${raw}, not one of ${check.values.join(", ")}`,
    );
  }

  /** @internal */
  pastEnd(bytes: Uint8Array, offset: number, length: number | undefined): Error {
    if (!(bytes instanceof Uint8Array)) {
      return new InvalidArgumentError(`${this.name}.wrapChecked: bytes must be a Uint8Array`);
    }
    return new TruncatedError(
      `${this.name}: ${length} bytes at offset ${offset} run past the ${bytes.byteLength}-byte buffer`,
    );
  }

  /** @internal */
  truncated(available: number, offset: number): TruncatedError {
    return new TruncatedError(
      `${this.name} needs ${this.length} bytes at offset ${offset}; the buffer holds ${available}`,
    );
  }

  /** @internal */
  int64(field: string): FieldLayout {
    const layout = this.#offsets.get(field);
    if (layout === undefined || (layout.type !== "u64" && layout.type !== "i64")) {
      throw new InvalidArgumentError(`${this.name}.${field} is not a u64 or i64 field`);
    }
    return layout;
  }

  #flyweight(): Flyweight<F> {
    return this.#scratch ??= this.flyweight();
  }

  #fits(bytes: Uint8Array, offset: number, count: number): void {
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidArgumentError(`${this.name}: bytes must be a Uint8Array`);
    }
    if (!(Number.isInteger(offset) && offset >= 0)) {
      throw new InvalidArgumentError(`${this.name}: offset ${offset} must be an integer >= 0`);
    }
    if (offset + count * this.length > bytes.byteLength) {
      throw new BufferTooSmallError(
        `${this.name}: ${count} messages need ${count * this.length} bytes at offset ${offset}; ` +
          `the buffer holds ${bytes.byteLength}`,
      );
    }
  }

  #wholeCount(bytes: Uint8Array, offset: number): number {
    const available = bytes.byteLength - offset;
    if (!(available >= 0) || available % this.length !== 0) {
      throw new TruncatedError(
        `${this.name}: ${available} bytes are not a whole number of ${this.length}-byte messages`,
      );
    }
    return available / this.length;
  }
}

/** TickMessage sides. */
export const Side = { bid: 0, ask: 1 } as const;
/** OrderMessage sides. */
export const OrderSide = { buy: 0, sell: 1 } as const;
/** OrderMessage types. */
export const OrderType = { limit: 0, market: 1, cancel: 2 } as const;

/**
 * One quote, 32 bytes, msgTypeId 10: timestampNs u64 @0, symbolId u32 @8, price i64 @12
 * (fixed point), volume u64 @20, side u8 @28 (`Side`), 3 bytes of zero padding.
 *
 * @example
 * ```ts
 * const tick = TickMessage.flyweight().wrap(new Uint8Array(TickMessage.length));
 * tick.price = 4_200_050_000_000; // 42000.50 in 1e-8 units
 * tick.side = Side.ask;
 * ```
 */
export const TickMessage: MessageType<{
  timestampNs: "u64";
  symbolId: "u32";
  price: "i64";
  volume: "u64";
  side: EnumType;
}> = defineMessage({
  name: "TickMessage",
  typeId: 10,
  fields: { timestampNs: "u64", symbolId: "u32", price: "i64", volume: "u64", side: enumOf("u8", Side) },
});

/**
 * One order, 48 bytes, msgTypeId 11: timestampNs u64 @0, orderId u64 @8, symbolId u32 @16,
 * price i64 @20, quantity u64 @28, side u8 @36 (`OrderSide`), orderType u8 @37
 * (`OrderType`), zero padding 38..47.
 *
 * @example
 * ```ts
 * const order = OrderMessage.flyweight().wrap(new Uint8Array(OrderMessage.length));
 * order.orderType = OrderType.limit;
 * ```
 */
export const OrderMessage: MessageType<{
  timestampNs: "u64";
  orderId: "u64";
  symbolId: "u32";
  price: "i64";
  quantity: "u64";
  side: EnumType;
  orderType: EnumType;
}> = defineMessage({
  name: "OrderMessage",
  typeId: 11,
  length: 48,
  fields: {
    timestampNs: "u64",
    orderId: "u64",
    symbolId: "u32",
    price: "i64",
    quantity: "u64",
    side: enumOf("u8", OrderSide),
    orderType: enumOf("u8", OrderType),
  },
});
