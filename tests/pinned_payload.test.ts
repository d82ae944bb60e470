/**
 * Writers that pass a reused payload array by address (Deno; _pinned_payload.ts): each
 * writer takes that path, and still sends the array's bytes as they are at each call,
 * whatever views with offsets, a switch to another array, a resized or a detached buffer do.
 * Under Bun nothing is pinned and the same tests check the by-value path.
 * @module
 */
import assert from "node:assert/strict";
import { Status } from "../mod.ts";
import { native } from "../lib/_native.ts";
import type { NativeSymbols } from "../lib/_symbols.ts";
import { PinnedPayload } from "../lib/_pinned_payload.ts";
import { runtime, test } from "./_harness.ts";
import { type WriterCase, writerCases } from "./_writer_cases.ts";

/** Fills `data` with bytes derived from `seq`. */
function fill(data: Uint8Array, seq: number): Uint8Array {
  for (let i = 0; i < data.length; i++) data[i] = (seq * 31 + i * 7) & 0xff;
  return data;
}

/** Runs `body` while counting the calls of symbol `name` (every writer reads its symbols per call). */
function countingCalls(name: keyof NativeSymbols, body: () => void): number {
  const adapter = native() as { symbols: NativeSymbols };
  const original = adapter.symbols;
  const target = original[name] as (...args: unknown[]) => number;
  let calls = 0;
  adapter.symbols = {
    ...original,
    [name]: (...args: unknown[]) => (calls++, target(...args)),
  };
  try {
    body();
  } finally {
    adapter.symbols = original;
  }
  return calls;
}

/** Sends `data` `times` times, each message read back and checked. */
function sendChecked(writer: WriterCase, data: Uint8Array, times: number): void {
  for (let seq = 0; seq < times; seq++) {
    assert.deepEqual(
      roundTrip(writer, fill(data, seq)),
      fill(new Uint8Array(data.length), seq),
      `message ${seq}`,
    );
  }
}

test("pinned payload: Deno pins an array written 256 times in a row; Bun pins nothing", () => {
  const payload = new PinnedPayload(native());
  const data = new Uint8Array(32);
  for (let i = 0; i < 256; i++) assert.equal(payload.addressOf(data), undefined, `write ${i}`);
  const address = payload.addressOf(data);
  if (runtime === "deno") assert.notEqual(address, undefined);
  else assert.equal(address, undefined);
  assert.equal(payload.addressOf(new Uint8Array(32)), undefined, "another array goes by value");
  assert.equal(payload.addressOf(data), address, "the pin stays");
});

test("pinned payload: an array written two at a time with another is never pinned", () => {
  const payload = new PinnedPayload(native());
  const [a, b] = [new Uint8Array(8), new Uint8Array(8)];
  for (let i = 0; i < 2000; i++) assert.equal(payload.addressOf(i % 4 < 2 ? a : b), undefined);
});

/** Sends `data` and returns the message the reader gets. */
function roundTrip(writer: WriterCase, data: Uint8Array): Uint8Array {
  assert.equal(writer.trySend(data), Status.Ok);
  const messages = writer.drain();
  assert.equal(messages.length, 1);
  return messages[0];
}

for (const [kind, open] of Object.entries(writerCases)) {
  test(`pinned payload, ${kind}: a reused array goes by address in Deno, as it is at each write`, () => {
    using writer = open();
    // A view at an offset into a buffer: its address is the buffer's plus 8.
    const data = new Uint8Array(48).subarray(8, 40);
    const byAddress = countingCalls(writer.byAddress, () => sendChecked(writer, data, 1000));
    assert.equal(byAddress, runtime === "deno" ? 1000 - 256 : 0);
  });

  test(`pinned payload, ${kind}: a pinned view of a resizable buffer is sent at its length of the time`, () => {
    using writer = open();
    const buffer = new ArrayBuffer(32, { maxByteLength: 64 });
    const tracking = new Uint8Array(buffer);
    sendChecked(writer, tracking, 300);
    buffer.resize(16);
    sendChecked(writer, tracking, 2);
    buffer.resize(64);
    sendChecked(writer, tracking, 2);
    // A fixed-length view the buffer shrank under is out of bounds: length 0.
    const fixed = new Uint8Array(buffer, 0, 48);
    sendChecked(writer, fixed, 300);
    buffer.resize(8);
    assert.equal(fixed.byteLength, 0);
    if (writer.emptyMessages) assert.deepEqual(roundTrip(writer, fixed), new Uint8Array(0));
    else assert.equal(writer.trySend(fixed), Status.EmptyMessage);
  });

  test(`pinned payload, ${kind}: another array, then a detached pinned one, are sent as they are`, () => {
    using writer = open();
    const pinned = new Uint8Array(new ArrayBuffer(24));
    for (let seq = 0; seq < 300; seq++) roundTrip(writer, fill(pinned, seq));
    const other = fill(new Uint8Array(40), 7);
    assert.deepEqual(roundTrip(writer, other), other);
    assert.deepEqual(roundTrip(writer, fill(pinned, 1)), fill(new Uint8Array(24), 1));
    structuredClone(pinned.buffer, { transfer: [pinned.buffer] });
    assert.equal(pinned.byteLength, 0);
    if (writer.emptyMessages) {
      assert.deepEqual(roundTrip(writer, pinned), new Uint8Array(0), "a detached array is an empty message");
    } else {
      assert.equal(writer.trySend(pinned), Status.EmptyMessage);
    }
  });
}
