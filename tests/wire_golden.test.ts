/**
 * Golden vectors both ways, generated in the test run: the Zig program encodes the corpus
 * (native/tools/wire_corpus.zig) and TypeScript decodes it field by field; TypeScript encodes
 * the same corpus and the Zig program decodes and compares it. Runs under Deno and Bun.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { checkFrame, ErrorFlyweight, type MessageType } from "../mod.ts";
import { test } from "./_harness.ts";
import { Child, root } from "./_processes.ts";
import {
  caseCount,
  encodeCase,
  errorMessageOf,
  expectedValues,
  readCorpus,
  schemas,
  writeCorpus,
} from "./_wire_corpus.ts";
import { OrderMessage, TickMessage } from "../mod.ts";
import { QuoteMessage } from "./_wire_corpus.ts";

const tool = `${root}/native/zig-out/bin/zigbolt-wire-corpus`;
const wireTypes: Array<MessageType<any> | undefined> = [TickMessage, OrderMessage, QuoteMessage];

function temporaryPath(label: string): string {
  fs.mkdirSync(`${root}/tests/.tmp`, { recursive: true });
  return `${root}/tests/.tmp/${label}-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}.bin`;
}

function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

test("TypeScript decodes the Zig-encoded corpus field by field and re-encodes it byte for byte", async () => {
  const path = temporaryPath("zig-corpus");
  try {
    const exit = await new Child([tool, "write", path]).exited;
    assert.equal(exit.code, 0, exit.stderr);
    const records = readCorpus(new Uint8Array(fs.readFileSync(path)));
    assert.equal(records.length, schemas.length * caseCount);
    const seen = new Set<string>();
    for (const { schema: s, caseIndex: c, bytes } of records) {
      const schema = schemas[s];
      const where = `${schema.name} case ${c}`;
      seen.add(`${s}/${c}`);
      const expected = expectedValues(s, c);
      if (schema.frame) {
        assert.equal(checkFrame(bytes), schema.frame.type, where);
      } else {
        // Checked decode accepts it, and the plain object agrees with the flyweight.
        const decoded = wireTypes[s]!.decode(bytes) as Record<string, unknown>;
        schema.fields.forEach((field, j) => {
          const value = expected[j];
          const asNumber = typeof value === "bigint" ? Number(value) : value;
          assert.ok(same(decoded[field.name], asNumber), `${where}: decode().${field.name}`);
        });
      }
      const flyweight = schema.wrap(bytes);
      schema.fields.forEach((field, j) => {
        assert.ok(
          same(field.get(flyweight), expected[j]),
          `${where}: ${field.name} ${field.get(flyweight)} != ${expected[j]}`,
        );
      });
      if (schema.frame?.error) {
        assert.equal(new ErrorFlyweight().wrapChecked(bytes).errorMessage(), errorMessageOf(c), where);
      }
      assert.deepEqual(encodeCase(s, c), bytes, `${where}: TypeScript encodes the same bytes`);
    }
    assert.equal(seen.size, schemas.length * caseCount);
  } finally {
    fs.rmSync(path, { force: true });
  }
});

test("Zig decodes the TypeScript-encoded corpus field by field", async () => {
  const path = temporaryPath("ts-corpus");
  try {
    fs.writeFileSync(path, writeCorpus());
    const exit = await new Child([tool, "check", path]).exited;
    assert.equal(exit.code, 0, exit.stderr);
    assert.match(exit.stdout, new RegExp(`"records":${schemas.length * caseCount}`));
  } finally {
    fs.rmSync(path, { force: true });
  }
});

test("the Zig checker notices a single flipped bit in the TypeScript corpus", async () => {
  const path = temporaryPath("ts-corpus-bad");
  try {
    const corpus = writeCorpus();
    corpus[12 + 3 * (8 + 32) + 8 + 21] ^= 0x10; // TickMessage case 3 (after 3 records), a byte of volume
    fs.writeFileSync(path, corpus);
    const exit = await new Child([tool, "check", path]).exited;
    assert.equal(exit.code, 1);
    assert.match(exit.stderr, /schema 0 case 3: volume differs/);
  } finally {
    fs.rmSync(path, { force: true });
  }
});
