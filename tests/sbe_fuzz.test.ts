/**
 * Hostile input for every TypeScript decoder, from a fixed seed: a million buffers made from
 * the golden corpus by truncation, byte flips, huge group counts and block lengths, var-data
 * lengths past the end, random bytes behind a valid header, and trailing garbage (the same
 * mutations as native/src/sbe/fuzz.zig). Each buffer sits alone in an ArrayBuffer of exactly
 * its length, so a read past its end throws a RangeError. Only the typed errors are
 * acceptable; a view that decodes is walked completely (every field, entry and var data).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "./_harness.ts";
import { Child, describe, root } from "./_processes.ts";
import { splitFrames } from "./_sbe_corpus.ts";
import { fixMessages } from "../lib/sbe/fix.ts";
import { type MessageCodec, MessageHeader } from "../lib/sbe/codec.ts";
import type { BlockSpec } from "../lib/sbe/schema.ts";
import {
  IndexOutOfRangeError,
  InvalidEnumValueError,
  InvalidGroupError,
  TruncatedError,
  UnknownTemplateError,
} from "../lib/errors.ts";
import { Status } from "../lib/status.ts";

// deno-lint-ignore no-explicit-any
type AnyCodec = MessageCodec<any>;
// deno-lint-ignore no-explicit-any
type AnyView = any;

const iterations = 1_000_000;

/** sfc32: a small fast generator, the same sequence under every runtime. */
class Random {
  #a = 0x9e3779b9 >>> 0;
  #b = 0x243f6a88 >>> 0;
  #c = 0xb7e15162 >>> 0;
  #d: number;

  constructor(seed: number) {
    this.#d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  below(n: number): number {
    return this.u32() % n;
  }
}

async function pool(): Promise<Uint8Array[]> {
  const dir = mkdtempSync(`${tmpdir()}/zigbolt-sbe-fuzz-`);
  try {
    const exit = await new Child([
      `${root}/native/zig-out/bin/zigbolt-sbe-corpus`,
      "write",
      `${dir}/c.bin`,
      `${dir}/c.json`,
      "--seed",
      "7",
    ])
      .exited;
    assert.equal(exit.code, 0, describe(exit));
    return splitFrames(new Uint8Array(readFileSync(`${dir}/c.bin`))).filter((f) => f.length <= 20_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mutate(random: Random, base: Uint8Array, scratch: Uint8Array, dv: DataView): number {
  scratch.set(base);
  let len = base.length;
  const rounds = 1 + random.below(3);
  for (let r = 0; r < rounds; r++) {
    switch (random.below(8)) {
      case 0:
        len = random.below(len + 1);
        break;
      case 1:
        for (let i = 1 + random.below(4); i > 0; i--) {
          if (len > 0) scratch[random.below(len)] = random.below(256);
        }
        break;
      case 2:
        if (len >= 2) {
          dv.setUint16(random.below(len - 1), random.below(2) ? 0xffff : random.below(65536), true);
        }
        break;
      case 3:
        if (len >= 4) dv.setUint32(random.below(len - 3), random.u32(), true);
        break;
      case 4: {
        const codec = fixMessages[random.below(fixMessages.length)];
        len = 8 + random.below(256);
        for (let i = 8; i < len; i++) scratch[i] = random.below(256);
        dv.setUint16(0, random.below(2) ? codec.blockLength : random.below(256), true);
        dv.setUint16(2, codec.templateId, true);
        dv.setUint16(4, 1, true);
        dv.setUint16(6, random.below(4), true);
        break;
      }
      case 5: {
        const extra = random.below(65);
        for (let i = 0; i < extra; i++) scratch[len + i] = random.below(256);
        len += extra;
        break;
      }
      case 6:
        if (len >= 8) {
          const delta = random.below(17);
          const bl = dv.getUint16(0, true);
          dv.setUint16(0, (random.below(2) ? bl - delta : bl + delta) & 0xffff, true);
          dv.setUint16(6, random.below(3), true);
        }
        break;
      default:
        if (len > 0) {
          const at = random.below(len);
          scratch.fill(0, at, Math.min(len, at + random.below(9)));
        }
    }
  }
  return len;
}

interface WalkPlan {
  fields: string[];
  bigFields: string[];
  groups: [string, WalkPlan][];
  data: string[];
}

const plans = new Map<BlockSpec, WalkPlan>();

function planOf(spec: BlockSpec): WalkPlan {
  let plan = plans.get(spec);
  if (plan === undefined) {
    const entries = Object.entries(spec.fields);
    plan = {
      fields: entries.map(([name]) => name),
      bigFields: entries.flatMap(([name, f]) =>
        f.type === "int64" || f.type === "uint64"
          ? [`${name}Big`]
          : f.type === "decimal64"
          ? [`${name}Mantissa`]
          : []
      ),
      groups: Object.entries(spec.groups ?? {}).map(([name, g]) => [name, planOf(g)]),
      data: Object.keys(spec.data ?? {}),
    };
    plans.set(spec, plan);
  }
  return plan;
}

/** Reads every field, entry and var-data field of a decoded view (without building objects). */
function walk(view: AnyView, plan: WalkPlan, checkAt: boolean): number {
  let sum = 0;
  for (const name of plan.fields) {
    const v = view[name];
    sum += typeof v === "number" ? v : typeof v === "string" ? v.length : 0;
  }
  for (const name of plan.bigFields) if (view[name] === undefined) throw new Error(`no ${name}`);
  for (const [name, group] of plan.groups) {
    const reader = view.group(name);
    let count = 0;
    for (let entry = reader.next(); entry !== null; entry = reader.next()) {
      sum += walk(entry, group, checkAt);
      count++;
    }
    assert.equal(count, reader.count);
    if (checkAt) {
      for (let i = 0; i < reader.count; i++) walk(reader.at(i), group, false);
      assert.throws(() => reader.at(reader.count), IndexOutOfRangeError);
    }
  }
  for (const name of plan.data) sum += view.dataLength(name) + view.data(name).length;
  return sum;
}

function isTyped(e: unknown): boolean {
  return e instanceof TruncatedError || e instanceof InvalidGroupError ||
    e instanceof InvalidEnumValueError ||
    e instanceof UnknownTemplateError;
}

test("a million hostile buffers give typed errors or views that stay inside the buffer", async () => {
  const bases = await pool();
  const largest = Math.max(...bases.map((b) => b.length));
  const scratch = new Uint8Array(largest + 64 + 256);
  const scratchView = new DataView(scratch.buffer);
  const exact: (Uint8Array | undefined)[] = [];
  const byTemplate = new Map<number, AnyView>(fixMessages.map((c) => [c.templateId, c.decoder()]));
  const specs = new Map<number, BlockSpec>(fixMessages.map((c) => [c.templateId, c.spec]));
  const decoders = fixMessages.map((c) => (c as AnyCodec).decoder() as AnyView);
  const outcomes: Record<number, number> = {};
  const random = new Random(0x5bef022);
  for (let n = 0; n < iterations; n++) {
    const len = mutate(random, bases[random.below(bases.length)], scratch, scratchView);
    const input = exact[len] ??= new Uint8Array(len);
    input.set(scratch.subarray(0, len));
    const template = len >= 4 ? scratchView.getUint16(2, true) : -1;
    try {
      // The decoder the header names, through the status path.
      const decoder = byTemplate.get(template);
      const status = decoder === undefined ? Status.UnknownTemplate : decoder.tryWrap(input);
      outcomes[status] = (outcomes[status] ?? 0) + 1;
      if (status === Status.Ok) {
        assert.ok(decoder.encodedLength <= len);
        walk(decoder, planOf(specs.get(template)!), (n & 63) === 0);
      }
      // Now and then one decoder picked at random, through the throwing path (an error's
      // stack trace costs microseconds, so not every time).
      if ((n & 15) === 0) {
        const k = random.below(decoders.length);
        try {
          decoders[k].wrap(input);
          walk(decoders[k], planOf(fixMessages[k].spec), false);
        } catch (e) {
          if (!isTyped(e)) throw e;
        }
      }
    } catch (e) {
      throw new Error(
        `iteration ${n} (${len} bytes, template ${template}): ${String(e)}\n${(e as Error).stack}`,
      );
    }
  }
  // Every outcome was reached, so the mutations exercise every check.
  for (
    const status of [
      Status.Ok,
      Status.Truncated,
      Status.InvalidGroup,
      Status.InvalidEnumValue,
      Status.UnknownTemplate,
    ]
  ) {
    assert.ok((outcomes[status] ?? 0) > 1000, `status ${status}: ${JSON.stringify(outcomes)}`);
  }
  assert.equal(Object.values(outcomes).reduce((a, b) => a + b, 0), iterations);
});

test("Zig and TypeScript decoders give the same answer on every hostile buffer", async () => {
  const dir = mkdtempSync(`${tmpdir()}/zigbolt-sbe-hostile-`);
  try {
    const count = 30_000;
    const exit = await new Child([
      `${root}/native/zig-out/bin/zigbolt-sbe-corpus`,
      "hostile",
      `${dir}/h.bin`,
      "--seed",
      "11",
      "--count",
      String(count),
    ]).exited;
    assert.equal(exit.code, 0, describe(exit));
    const file = new Uint8Array(readFileSync(`${dir}/h.bin`));
    const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const byTemplate = new Map<number, AnyView>(fixMessages.map((c) => [c.templateId, c.decoder()]));
    const header = new MessageHeader();
    const seen: Record<number, number> = {};
    let p = 0;
    let n = 0;
    while (p < file.length) {
      const len = dv.getUint32(p, true);
      const zigStatus = dv.getInt32(p + 4, true);
      const zigEnd = dv.getUint32(p + 8, true);
      const input = file.slice(p + 12, p + 12 + len);
      p += 12 + len;
      let status: number = Status.Truncated;
      let end = 0;
      if (header.wrap(input) === Status.Ok) {
        const decoder = byTemplate.get(header.templateId);
        status = decoder === undefined || header.schemaId !== 1
          ? Status.UnknownTemplate
          : decoder.tryWrap(input);
        if (status === Status.Ok) end = decoder.encodedLength;
      }
      assert.equal(status, zigStatus, `buffer ${n} (${len} bytes): TypeScript ${status}, Zig ${zigStatus}`);
      assert.equal(end, zigEnd, `buffer ${n}: encoded length`);
      seen[status] = (seen[status] ?? 0) + 1;
      n++;
    }
    assert.equal(n, count);
    for (
      const status of [
        Status.Ok,
        Status.Truncated,
        Status.InvalidGroup,
        Status.InvalidEnumValue,
        Status.UnknownTemplate,
      ]
    ) {
      assert.ok((seen[status] ?? 0) > 100, `status ${status}: ${JSON.stringify(seen)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
