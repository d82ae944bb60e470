/**
 * Reading the golden corpus that native/tools/sbe_corpus.zig writes: its JSON values
 * (snake_case names, 64-bit integers and mantissas as decimal strings, var data as hex)
 * turned into what lib/sbe's `toObject()` returns, and a field-by-field comparison.
 * @module
 */
import type { BlockSpec, FieldSpec } from "../lib/sbe/schema.ts";

export interface CorpusEntry {
  message: string;
  case: number;
  values: Record<string, unknown>;
}

export function camel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fieldFromJson(spec: FieldSpec, v: unknown): unknown {
  if (v === null) return null;
  switch (spec.type) {
    case "int64":
    case "uint64":
    case "decimal64":
      return BigInt(v as string);
    case "float":
      return Math.fround(v as number);
    default:
      return v;
  }
}

/** The corpus JSON of one block, in the shape `toObject()` returns; throws on unknown keys. */
export function fromJson(spec: BlockSpec, json: Record<string, unknown>, path = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const [name, field] of Object.entries(spec.fields)) {
    known.add(name);
    out[name] = fieldFromJson(field, json[snakeOf(name)]);
  }
  for (const [name, group] of Object.entries(spec.groups ?? {})) {
    known.add(name);
    out[name] = (json[snakeOf(name)] as Record<string, unknown>[]).map((e, i) =>
      fromJson(group, e, `${path}${name}[${i}].`)
    );
  }
  for (const name of Object.keys(spec.data ?? {})) {
    known.add(name);
    out[name] = hexBytes(json[snakeOf(name)] as string);
  }
  for (const key of Object.keys(json)) {
    if (!known.has(camel(key))) {
      throw new Error(`${path}${key}: in the Zig corpus but not in the TypeScript schema`);
    }
  }
  return out;
}

function snakeOf(camelName: string): string {
  return camelName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Compares every field, entry and var-data field; pushes one line per difference; returns leaves compared. */
export function compareBlock(
  spec: BlockSpec,
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
  path: string,
  diffs: string[],
): number {
  let compared = 0;
  for (const name of Object.keys(spec.fields)) {
    compared++;
    if (!Object.is(actual[name], expected[name])) {
      diffs.push(`${path}${name}: got ${String(actual[name])}, expected ${String(expected[name])}`);
    }
  }
  for (const [name, group] of Object.entries(spec.groups ?? {})) {
    const a = actual[name] as Record<string, unknown>[];
    const e = expected[name] as Record<string, unknown>[];
    compared++;
    if (a.length !== e.length) {
      diffs.push(`${path}${name}: ${a.length} entries, expected ${e.length}`);
      continue;
    }
    for (let i = 0; i < e.length; i++) {
      compared += compareBlock(group, a[i], e[i], `${path}${name}[${i}].`, diffs);
    }
  }
  for (const name of Object.keys(spec.data ?? {})) {
    compared++;
    const a = actual[name] as Uint8Array;
    const e = expected[name] as Uint8Array;
    if (a.length !== e.length || a.some((b, i) => b !== e[i])) {
      diffs.push(`${path}${name}: ${a.length} bytes differ from the expected ${e.length}`);
    }
  }
  return compared;
}

/** Splits a frames file (u32 little-endian length, then the message) into messages. */
export function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p < bytes.length) {
    const length = dv.getUint32(p, true);
    frames.push(bytes.subarray(p + 4, p + 4 + length));
    p += 4 + length;
  }
  return frames;
}

/** Joins messages into a frames file. */
export function joinFrames(frames: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(frames.reduce((n, f) => n + 4 + f.length, 0));
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const f of frames) {
    dv.setUint32(p, f.length, true);
    out.set(f, p + 4);
    p += 4 + f.length;
  }
  return out;
}
