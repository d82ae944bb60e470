/**
 * The golden-vector corpus of native/tools/wire_corpus.zig, defined again in TypeScript
 * (see that file for the rules): 9 schemas x 32 cases, every field from splitmix64.
 * @module
 */
import {
  DataHeaderFlyweight,
  defineMessage,
  enumOf,
  ErrorFlyweight,
  type FrameFlyweight,
  NakFlyweight,
  OrderMessage,
  OrderSide,
  OrderType,
  RttMeasurementFlyweight,
  SetupFlyweight,
  Side,
  StatusMessageFlyweight,
  TickMessage,
} from "../mod.ts";

export const caseCount = 32;
const magic = [0x5a, 0x42, 0x57, 0x43]; // "ZBWC"

export const Venue = { lse: 1, xetra: 7, cme: 300 } as const;
/** The user-declared message of the corpus (Quote in wire_corpus.zig). */
export const QuoteMessage = defineMessage({
  name: "Quote",
  typeId: 77,
  fields: {
    a: "u8",
    b: "i8",
    c: "u16",
    d: "i16",
    e: "u32",
    f: "i32",
    g: "u64",
    h: "i64",
    i: "f32",
    j: "f64",
    live: "bool",
    venue: enumOf("u16", Venue),
  },
});

type Kind = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64" | "f32" | "f64" | "bool" | "enum";
type Value = number | bigint | boolean;
// deno-lint-ignore no-explicit-any
type AnyFlyweight = any;

interface Field {
  readonly name: string;
  readonly kind: Kind;
  readonly values?: readonly number[];
  get(fw: AnyFlyweight): Value;
  set(fw: AnyFlyweight, value: Value): void;
}

interface Schema {
  readonly name: string;
  readonly fields: readonly Field[];
  /** Aeron frames: header length and frame type; wire messages: undefined. */
  readonly frame?: { readonly headerLength: number; readonly type: number; readonly error: boolean };
  /** A fresh flyweight wrapped over `bytes`. */
  wrap(bytes: Uint8Array): AnyFlyweight;
  /** Message length for wire messages. */
  readonly length?: number;
}

/** A wire-message field: 64-bit ones through the BigInt accessors. */
function wireField(name: string, kind: Kind, values?: readonly number[]): Field {
  const big = kind === "u64" || kind === "i64";
  return {
    name,
    kind,
    values,
    get: (fw) => big ? fw.getBigInt(name) : fw[name],
    set: (fw, value) => big ? fw.setBigInt(name, value as bigint) : (fw[name] = value),
  };
}

/** An Aeron field at `offset`: 64-bit ones through getBigInt(offset). */
function frameField(name: string, kind: Kind, offset: number): Field {
  const big = kind === "i64";
  return {
    name,
    kind,
    get: (fw) => big ? fw.getBigInt(offset) : fw[name],
    set: (fw, value) => big ? fw.setBigInt(offset, value as bigint) : (fw[name] = value),
  };
}

const header: Field[] = [
  frameField("frameLength", "i32", 0),
  frameField("version", "u8", 4),
  frameField("flags", "u8", 5),
  frameField("frameType", "u16", 6),
];

function frameSchema(
  name: string,
  Class: new () => FrameFlyweight,
  headerLength: number,
  type: number,
  fields: Array<[string, Kind, number]>,
): Schema {
  return {
    name,
    fields: [...header, ...fields.map(([n, k, o]) => frameField(n, k, o))],
    frame: { headerLength, type, error: type === 4 },
    wrap: (bytes) => new Class().wrap(bytes),
  };
}

export const schemas: readonly Schema[] = [
  {
    name: "TickMessage",
    length: TickMessage.length,
    fields: [
      wireField("timestampNs", "u64"),
      wireField("symbolId", "u32"),
      wireField("price", "i64"),
      wireField("volume", "u64"),
      wireField("side", "enum", Object.values(Side)),
    ],
    wrap: (bytes) => TickMessage.flyweight().wrap(bytes),
  },
  {
    name: "OrderMessage",
    length: OrderMessage.length,
    fields: [
      wireField("timestampNs", "u64"),
      wireField("orderId", "u64"),
      wireField("symbolId", "u32"),
      wireField("price", "i64"),
      wireField("quantity", "u64"),
      wireField("side", "enum", Object.values(OrderSide)),
      wireField("orderType", "enum", Object.values(OrderType)),
    ],
    wrap: (bytes) => OrderMessage.flyweight().wrap(bytes),
  },
  {
    name: "Quote",
    length: QuoteMessage.length,
    fields: [
      wireField("a", "u8"),
      wireField("b", "i8"),
      wireField("c", "u16"),
      wireField("d", "i16"),
      wireField("e", "u32"),
      wireField("f", "i32"),
      wireField("g", "u64"),
      wireField("h", "i64"),
      wireField("i", "f32"),
      wireField("j", "f64"),
      wireField("live", "bool"),
      wireField("venue", "enum", Object.values(Venue)),
    ],
    wrap: (bytes) => QuoteMessage.flyweight().wrap(bytes),
  },
  frameSchema("DATA", DataHeaderFlyweight, 32, 1, [
    ["termOffset", "i32", 8],
    ["sessionId", "i32", 12],
    ["streamId", "i32", 16],
    ["termId", "i32", 20],
    ["reservedValue", "i64", 24],
  ]),
  frameSchema("SM", StatusMessageFlyweight, 36, 3, [
    ["sessionId", "i32", 8],
    ["streamId", "i32", 12],
    ["consumptionTermId", "i32", 16],
    ["consumptionTermOffset", "i32", 20],
    ["receiverWindowLength", "i32", 24],
    ["receiverId", "i64", 28],
  ]),
  frameSchema("NAK", NakFlyweight, 28, 2, [
    ["sessionId", "i32", 8],
    ["streamId", "i32", 12],
    ["termId", "i32", 16],
    ["termOffset", "i32", 20],
    ["length", "i32", 24],
  ]),
  frameSchema("SETUP", SetupFlyweight, 40, 5, [
    ["termOffset", "i32", 8],
    ["sessionId", "i32", 12],
    ["streamId", "i32", 16],
    ["initialTermId", "i32", 20],
    ["activeTermId", "i32", 24],
    ["termLength", "i32", 28],
    ["mtu", "i32", 32],
    ["ttl", "i32", 36],
  ]),
  frameSchema("RTTM", RttMeasurementFlyweight, 40, 6, [
    ["sessionId", "i32", 8],
    ["streamId", "i32", 12],
    ["echoTimestamp", "i64", 16],
    ["receptionDelta", "i64", 24],
    ["receiverId", "i64", 32],
  ]),
  frameSchema("ERR", ErrorFlyweight, 40, 4, [
    ["sessionId", "i32", 8],
    ["streamId", "i32", 12],
    ["receiverId", "i64", 16],
    ["groupTag", "i64", 24],
    ["errorCode", "i32", 32],
    ["errorStringLength", "i32", 36],
  ]),
];

const mask64 = (1n << 64n) - 1n;

function splitmix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & mask64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask64;
  return z ^ (z >> 31n);
}

const bits: Record<string, number> = { u8: 8, i8: 8, u16: 16, i16: 16, u32: 32, i32: 32, u64: 64, i64: 64 };
const f32Max = 3.4028234663852886e38;

/** Field j of case c of schema s, as the Zig tool computes it. */
export function valueOf(field: Field, s: number, c: number, j: number): Value {
  const r = splitmix64((BigInt(s) << 32n) | (BigInt(c) << 16n) | BigInt(j));
  const kind = field.kind;
  if (kind === "bool") return c === 2 ? true : c < 2 ? false : (r & 1n) === 1n;
  if (kind === "enum") {
    const values = field.values!;
    return c < 2
      ? values[0]
      : c === 2
      ? values[values.length - 1]
      : values[Number(r % BigInt(values.length))];
  }
  if (kind === "f64") {
    return c === 0
      ? 0
      : c === 1
      ? -Number.MAX_VALUE
      : c === 2
      ? Number.MAX_VALUE
      : Number(BigInt.asIntN(32, r)) / 1024;
  }
  if (kind === "f32") {
    return c === 0 ? 0 : c === 1 ? -f32Max : c === 2 ? f32Max : Number(BigInt.asIntN(16, r)) / 8;
  }
  const width = bits[kind];
  const signed = kind.startsWith("i");
  const big = c === 0
    ? 0n
    : c === 1
    ? (signed ? -(1n << BigInt(width - 1)) : 0n)
    : c === 2
    ? (signed ? (1n << BigInt(width - 1)) - 1n : (1n << BigInt(width)) - 1n)
    : signed
    ? BigInt.asIntN(width, r)
    : BigInt.asUintN(width, r);
  return width === 64 ? big : Number(big);
}

export function errorMessageOf(c: number): string {
  return `golden error frame ${c}`;
}

/** The expected value of every field of case c of schema s (frame overrides applied). */
export function expectedValues(s: number, c: number): Value[] {
  const schema = schemas[s];
  const values = schema.fields.map((field, j) => valueOf(field, s, c, j));
  if (schema.frame) {
    const messageLength = schema.frame.error ? new TextEncoder().encode(errorMessageOf(c)).length : 0;
    values[0] = schema.frame.headerLength + messageLength;
    values[3] = schema.frame.type;
    if (schema.frame.error) values[values.length - 1] = messageLength;
  }
  return values;
}

/** Encodes case c of schema s with the TypeScript flyweights. */
export function encodeCase(s: number, c: number): Uint8Array {
  const schema = schemas[s];
  const message = schema.frame?.error ? new TextEncoder().encode(errorMessageOf(c)) : new Uint8Array(0);
  const bytes = new Uint8Array((schema.length ?? schema.frame!.headerLength) + message.length);
  const fw = schema.wrap(bytes);
  const values = expectedValues(s, c);
  schema.fields.forEach((field, j) => field.set(fw, values[j]));
  bytes.set(message, bytes.length - message.length);
  return bytes;
}

export interface CorpusRecord {
  readonly schema: number;
  readonly caseIndex: number;
  readonly bytes: Uint8Array;
}

/** The whole corpus in the file format of wire_corpus.zig. */
export function writeCorpus(): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new DataView(new ArrayBuffer(12));
  magic.forEach((b, i) => head.setUint8(i, b));
  head.setUint32(4, 1, true);
  head.setUint32(8, schemas.length * caseCount, true);
  parts.push(new Uint8Array(head.buffer));
  for (let s = 0; s < schemas.length; s++) {
    for (let c = 0; c < caseCount; c++) {
      const bytes = encodeCase(s, c);
      const record = new DataView(new ArrayBuffer(8));
      record.setUint16(0, s, true);
      record.setUint16(2, c, true);
      record.setUint32(4, bytes.length, true);
      parts.push(new Uint8Array(record.buffer), bytes);
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) out.set(part, at), at += part.length;
  return out;
}

export function readCorpus(data: Uint8Array): CorpusRecord[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (!magic.every((b, i) => data[i] === b) || view.getUint32(4, true) !== 1) {
    throw new Error("not a corpus file");
  }
  const count = view.getUint32(8, true);
  const records: CorpusRecord[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at + 4, true);
    records.push({
      schema: view.getUint16(at, true),
      caseIndex: view.getUint16(at + 2, true),
      bytes: data.subarray(at + 8, at + 8 + length),
    });
    at += 8 + length;
  }
  if (at !== data.length) throw new Error("trailing bytes in the corpus");
  return records;
}
