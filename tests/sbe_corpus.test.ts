/**
 * Golden vectors both ways between Zig and TypeScript: zigbolt-sbe-corpus encodes every
 * case of every FIX message and prints the values as JSON; TypeScript decodes the bytes and
 * compares field by field, encodes the same values and compares byte for byte, and hands
 * its encoding back to the Zig program, which decodes and compares (exit 1 on a difference).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "./_harness.ts";
import { Child, describe, root } from "./_processes.ts";
import { camel, compareBlock, type CorpusEntry, fromJson, joinFrames, splitFrames } from "./_sbe_corpus.ts";
import { fixMessages } from "../lib/sbe/fix.ts";
import type { MessageCodec } from "../lib/sbe/codec.ts";
import type { MessageSpec } from "../lib/sbe/schema.ts";

const tool = `${root}/native/zig-out/bin/zigbolt-sbe-corpus`;
const seed = 20261124;

// deno-lint-ignore no-explicit-any
type AnyCodec = MessageCodec<any>;
const codecs = new Map<string, AnyCodec>(fixMessages.map((c) => [c.name, c as AnyCodec]));

async function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const exit = await new Child([tool, ...args]).exited;
  return { code: exit.code, stdout: exit.stdout, stderr: describe(exit) };
}

interface Corpus {
  dir: string;
  frames: Uint8Array[];
  entries: CorpusEntry[];
}

async function zigCorpus(): Promise<Corpus> {
  const dir = mkdtempSync(`${tmpdir()}/zigbolt-sbe-`);
  const result = await run(["write", `${dir}/zig.bin`, `${dir}/zig.json`, "--seed", String(seed)]);
  assert.equal(result.code, 0, result.stderr);
  const frames = splitFrames(new Uint8Array(readFileSync(`${dir}/zig.bin`)));
  const json = JSON.parse(readFileSync(`${dir}/zig.json`, "utf8")) as {
    seed: number;
    messages: CorpusEntry[];
  };
  assert.equal(json.seed, seed);
  assert.equal(frames.length, json.messages.length);
  return { dir, frames, entries: json.messages };
}

/** Decodes each frame and compares it with the JSON; returns the differences and the leaves compared. */
function compareCorpus(corpus: Corpus): { diffs: string[]; compared: number } {
  const diffs: string[] = [];
  let compared = 0;
  corpus.entries.forEach((entry, i) => {
    const codec = codecs.get(entry.message);
    assert.ok(codec, `no TypeScript codec for ${entry.message}`);
    const spec = codec.spec as MessageSpec;
    const decoder = codec.decoder();
    const status = decoder.tryWrap(corpus.frames[i]);
    if (status !== 0) {
      diffs.push(`${entry.message} case ${entry.case}: decode status ${status}`);
      return;
    }
    assert.equal(decoder.encodedLength, corpus.frames[i].length);
    const expected = fromJson(spec, entry.values);
    compared += compareBlock(spec, decoder.toObject(), expected, `${entry.message}#${entry.case}.`, diffs);
  });
  return { diffs, compared };
}

test("TypeScript decodes Zig's golden corpus field by field", async () => {
  const corpus = await zigCorpus();
  try {
    assert.equal(new Set(corpus.entries.map((e) => e.message)).size, 10);
    const { diffs, compared } = compareCorpus(corpus);
    assert.deepEqual(diffs, []);
    // Every case compared every field: thousands of leaves, not a vacuous pass.
    assert.ok(compared > 3000, `only ${compared} values compared`);
  } finally {
    rmSync(corpus.dir, { recursive: true, force: true });
  }
});

test("the corpus comparison catches a changed byte and a changed expected value", async () => {
  const corpus = await zigCorpus();
  try {
    // A NewOrderSingle's security_id (root offset 32): a value difference, not a decode failure.
    const index = corpus.entries.findIndex((e) => e.message === "NewOrderSingle" && e.case === 2);
    corpus.frames[index] = corpus.frames[index].slice();
    corpus.frames[index][8 + 32] ^= 0x01;
    const mutated = compareCorpus(corpus);
    assert.equal(mutated.diffs.length, 1, mutated.diffs.join("\n"));
    assert.match(mutated.diffs[0], /NewOrderSingle#2\.securityId/);
    corpus.frames[index][8 + 32] ^= 0x01;
    // A nested MassQuote value in the JSON.
    const mq = corpus.entries.find((e) => e.message === "MassQuote" && e.case === 1)!;
    const sets = mq.values.quote_sets as Record<string, unknown>[];
    const quotes = sets[3].quote_entries as Record<string, unknown>[];
    quotes[5].quote_entry_id = (quotes[5].quote_entry_id as number) - 1;
    const changed = compareCorpus(corpus);
    assert.equal(changed.diffs.length, 1, changed.diffs.join("\n"));
    assert.match(changed.diffs[0], /MassQuote#1\.quoteSets\[3\]\.quoteEntries\[5\]\.quoteEntryId/);
  } finally {
    rmSync(corpus.dir, { recursive: true, force: true });
  }
});

test("TypeScript encodes the corpus byte for byte as Zig, and Zig verifies it", async () => {
  const corpus = await zigCorpus();
  try {
    const buffer = new Uint8Array(1 << 20);
    const ours = corpus.entries.map((entry, i) => {
      const codec = codecs.get(entry.message)!;
      const values = fromJson(codec.spec as MessageSpec, entry.values);
      const length = codec.encode(buffer, values as never);
      const bytes = buffer.slice(0, length);
      assert.deepEqual(bytes, corpus.frames[i], `${entry.message} case ${entry.case}`);
      return bytes;
    });
    writeFileSync(`${corpus.dir}/ts.bin`, joinFrames(ours));
    const ok = await run(["verify", `${corpus.dir}/ts.bin`, "--seed", String(seed)]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /verified 80 messages/);
    // The Zig side fails on a changed field, too.
    const index = corpus.entries.findIndex((e) => e.message === "ExecutionReport" && e.case === 3);
    ours[index][8 + 40] ^= 0x10;
    writeFileSync(`${corpus.dir}/bad.bin`, joinFrames(ours));
    const bad = await run(["verify", `${corpus.dir}/bad.bin`, "--seed", String(seed)]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /ExecutionReport case 3: field security_id differs/);
  } finally {
    rmSync(corpus.dir, { recursive: true, force: true });
  }
});

interface ZigLayout {
  blockLength: number;
  fields: [string, number, number, number][];
  groups: Record<string, ZigLayout>;
  data: string[];
}

function camelLayout(layout: ZigLayout): unknown {
  return {
    blockLength: layout.blockLength,
    fields: layout.fields.map(([name, offset, size, since]) => [camel(name), offset, size, since]),
    groups: Object.fromEntries(
      Object.entries(layout.groups).map(([name, g]) => [camel(name), camelLayout(g)]),
    ),
    data: layout.data.map(camel),
  };
}

test("every message has the same layout in Zig and TypeScript", async () => {
  const result = await run(["layout"]);
  assert.equal(result.code, 0, result.stderr);
  const zig = JSON.parse(result.stdout) as Record<string, { templateId: number; layout: ZigLayout }>;
  assert.deepEqual(Object.keys(zig).sort(), [...codecs.keys()].sort());
  for (const [name, codec] of codecs) {
    assert.equal(codec.templateId, zig[name].templateId, name);
    assert.deepEqual(codec.layout(), camelLayout(zig[name].layout), name);
  }
});

/** Table rows compared cell by cell, whatever a formatter did to the padding. */
function normalizeMarkdown(text: string): string[] {
  return text.split("\n").map((line) =>
    line.trim().startsWith("|")
      ? line.split("|").map((cell) => cell.trim().replace(/^:?-+:?$/, "-")).join("|")
      : line.trim()
  ).filter((line) => line !== "");
}

test("docs/sbe.md's offset tables are the Zig declarations'", async () => {
  const result = await run(["layout-md"]);
  assert.equal(result.code, 0, result.stderr);
  const doc = readFileSync(`${root}/docs/sbe.md`, "utf8");
  const begin = doc.indexOf("<!-- layout:begin -->");
  const end = doc.indexOf("<!-- layout:end -->");
  assert.ok(begin > 0 && end > begin, "docs/sbe.md lacks the layout markers");
  assert.deepEqual(
    normalizeMarkdown(doc.slice(begin + "<!-- layout:begin -->".length, end)),
    normalizeMarkdown(result.stdout),
  );
});
