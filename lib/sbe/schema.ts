/**
 * The SBE schema DSL: a message is one `as const` object literal (fields, repeating groups,
 * var data), from which `defineMessage` generates the flyweight classes. The types below
 * turn such a literal into the TypeScript types of its views. docs/sbe.md is the spec;
 * native/src/sbe/schema.zig is the Zig side of the same rules.
 * @module
 */

/** SBE primitive types. */
export type PrimitiveType =
  | "char"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "float"
  | "double";

/** What every field declaration may say besides its type. */
export interface FieldCommon {
  /** Optional fields read `null` when they hold the SBE null value. */
  readonly optional?: boolean;
  /** The schema version that added the field (must be optional if > 0). */
  readonly since?: number;
}

/** A primitive field, e.g. `{ type: "uint32" }`. */
export interface PrimitiveFieldSpec extends FieldCommon {
  readonly type: PrimitiveType;
}

/** A fixed-length char array (Latin-1, NUL-padded), e.g. `{ type: "chars", length: 20 }`. */
export interface CharsFieldSpec extends FieldCommon {
  readonly type: "chars";
  readonly length: number;
}

/** A Decimal64: int64 mantissa on the wire, constant exponent; null is INT64_MIN. */
export interface Decimal64FieldSpec extends FieldCommon {
  readonly type: "decimal64";
  readonly exponent: number;
}

/** An enum carried as a uint8 (null 255) or a char (null 0); values are the wire bytes. */
export interface EnumFieldSpec extends FieldCommon {
  readonly type: "enum";
  readonly encoding: "uint8" | "char";
  readonly values: Readonly<Record<string, number>>;
}

/** Any field declaration. */
export type FieldSpec = PrimitiveFieldSpec | CharsFieldSpec | Decimal64FieldSpec | EnumFieldSpec;

/** A var-data field: a u16 (default) or u32 length, then the bytes. */
export interface DataSpec {
  readonly length?: "uint16" | "uint32";
  readonly since?: number;
}

/** A block with its groups and var data: a message root or a group entry. */
export interface BlockSpec {
  /** Fields in wire order (object key order). */
  readonly fields: Readonly<Record<string, FieldSpec>>;
  readonly groups?: Readonly<Record<string, GroupSpec>>;
  readonly data?: Readonly<Record<string, DataSpec>>;
}

/** A repeating group: a 4-byte header {blockLength u16, numInGroup u16}, then entries. */
export interface GroupSpec extends BlockSpec {
  /** Most entries a valid message carries (default 65535); more is InvalidGroup. */
  readonly countMax?: number;
  readonly since?: number;
}

/** A message: its name and template id, then its block. */
export interface MessageSpec extends BlockSpec {
  readonly name: string;
  readonly templateId: number;
}

/** The schema a message belongs to. */
export interface SchemaId {
  readonly id: number;
  readonly version: number;
}

// ---- the types of views over a spec ----

type Fields<S extends BlockSpec> = S["fields"];
type Groups<S extends BlockSpec> = S["groups"] extends Readonly<Record<string, GroupSpec>> ? S["groups"]
  : Record<never, GroupSpec>;
type GroupAt<S extends BlockSpec, K> = K extends keyof Groups<S>
  ? Groups<S>[K] extends GroupSpec ? Groups<S>[K] : never
  : never;
type DataOf<S extends BlockSpec> = S["data"] extends Readonly<Record<string, DataSpec>> ? S["data"]
  : Record<never, DataSpec>;

/** The JavaScript value of a field (before `| null` for optional fields). */
export type FieldValue<F> = F extends { readonly type: "chars" | "char" } ? string
  : F extends { readonly type: "enum"; readonly values: infer V } ? V[keyof V]
  : number;

type Nullable<F, T> = F extends { readonly optional: true } ? T | null : T;

type BigKey<F, K> = F extends { readonly type: "int64" | "uint64" } ? `${K & string}Big`
  : F extends { readonly type: "decimal64" } ? `${K & string}Mantissa`
  : never;

/** Field properties of a block: `price`, `side`, ... plus `xBig` / `priceMantissa`. */
export type FieldProperties<S extends BlockSpec> =
  & { -readonly [K in keyof Fields<S>]: Nullable<Fields<S>[K], FieldValue<Fields<S>[K]>> }
  & { -readonly [K in keyof Fields<S> as BigKey<Fields<S>[K], K>]: Nullable<Fields<S>[K], bigint> };

/** Names of the char-array fields of a block. */
export type CharsName<S extends BlockSpec> = {
  [K in keyof Fields<S>]: Fields<S>[K] extends { readonly type: "chars" } ? K : never;
}[keyof Fields<S>];

/** Read access to one block of a decoded message (root or group entry). */
export type BlockView<S extends BlockSpec> = Readonly<FieldProperties<S>> & BlockReadMethods<S>;

/** Methods of every decoded block. */
export interface BlockReadMethods<S extends BlockSpec> {
  /** The group `name`, positioned before its first entry (one reused object per group). */
  group<K extends keyof Groups<S> & string>(name: K): GroupReader<GroupAt<S, K>>;
  /** A subarray over the bytes of var-data field `name` (allocates the subarray). */
  data(name: keyof DataOf<S> & string): Uint8Array;
  /** The length of var-data field `name`. */
  dataLength(name: keyof DataOf<S> & string): number;
  /** Copies var-data field `name` into `dst` (IndexOutOfRange if it does not fit); returns its length. */
  copyData(name: keyof DataOf<S> & string, dst: Uint8Array): number;
  /** Var-data field `name` decoded as UTF-8. */
  dataText(name: keyof DataOf<S> & string): string;
  /** Copies the bytes of char array `name` before its first NUL into `dst`; returns their count. */
  copyChars(name: CharsName<S> & string, dst: Uint8Array): number;
  /** The version the sender encoded (from the message header). */
  readonly actingVersion: number;
  /** Every field, group and var-data field as a plain object (allocates; for tests and logs). */
  toObject(): Record<string, unknown>;
}

/** Write access to one block of a message being encoded. */
export type BlockEncoder<S extends BlockSpec> = FieldProperties<S> & BlockWriteMethods<S>;

/** Methods of every block being encoded. */
export interface BlockWriteMethods<S extends BlockSpec> {
  /**
   * Starts group `name` with `count` entries (after this block's fields and any earlier
   * group, before later groups and var data). Throws BufferTooSmall if the header does not fit.
   */
  group<K extends keyof Groups<S> & string>(name: K, count: number): GroupWriter<GroupAt<S, K>>;
  /** Writes var-data field `name` (a string is written as UTF-8). */
  setData(name: keyof DataOf<S> & string, value: Uint8Array | string): void;
}

/** A decoded group: entries in order with `next()`, or by index with `at(i)`. */
export interface GroupReader<G extends BlockSpec> {
  /** numInGroup. */
  readonly count: number;
  /** The next entry (the same reused flyweight each time), or null after the last one. */
  next(): BlockView<G> | null;
  /** Entry `index` (IndexOutOfRangeError past the end); constant time for fixed-size entries. */
  at(index: number): BlockView<G>;
  /** Iterates the entries (allocates an iterator; `next()` does not). */
  [Symbol.iterator](): Iterator<BlockView<G>>;
}

/** A group being encoded: call `next()` exactly `count` times and fill each entry. */
export interface GroupWriter<G extends BlockSpec> {
  readonly count: number;
  /** Reserves the next entry and returns its (reused) encoder; BufferTooSmall if it does not fit. */
  next(): BlockEncoder<G>;
}

/** A block's fields, groups and var data as plain values (`encode`'s input, `toObject`'s output). */
export type BlockValues<S extends BlockSpec> =
  & { [K in keyof Fields<S>]: Nullable<Fields<S>[K], FieldValue<Fields<S>[K]> | bigint> }
  & { [K in keyof Groups<S>]?: readonly BlockValues<GroupAt<S, K>>[] }
  & { [K in keyof DataOf<S>]?: Uint8Array | string };

/** The size in bytes of a field on the wire. */
export function fieldSize(field: FieldSpec): number {
  switch (field.type) {
    case "chars":
      return field.length;
    case "decimal64":
      return 8;
    case "enum":
      return 1;
    default:
      return primitiveSizes[field.type];
  }
}

const primitiveSizes: Record<PrimitiveType, number> = {
  char: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  float: 4,
  double: 8,
};

/** The bytes of a block encoded at schema `version`: every field with since <= version. */
export function blockLength(spec: BlockSpec, version: number): number {
  let length = 0;
  for (const field of Object.values(spec.fields)) {
    if ((field.since ?? 0) <= version) length += fieldSize(field);
  }
  return length;
}
