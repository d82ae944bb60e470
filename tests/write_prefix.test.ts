/**
 * Writers' optional `length` argument: every writer (ring write, IPC publish, log append,
 * broadcast transmit) sends the first `length` bytes of its array, by value and by pinned
 * address, checks the size limit against `length`, and refuses a `length` that is not a
 * count of the array's bytes with InvalidArgument, sending nothing.
 * @module
 */
import assert from "node:assert/strict";
import { InvalidArgumentError, MessageTooLargeError, Status } from "../mod.ts";
import { test } from "./_harness.ts";
import { writerCases } from "./_writer_cases.ts";

/** `length` bytes derived from `seq`. */
function pattern(length: number, seq: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seq * 31 + i * 7) & 0xff);
}

for (const [kind, open] of Object.entries(writerCases)) {
  test(`write prefix, ${kind}: the first length bytes are sent; no length sends all`, () => {
    using writer = open();
    const data = pattern(40, 1);
    writer.send(data, 5);
    writer.send(data);
    writer.send(data, data.length);
    writer.send(data.subarray(8), 3);
    assert.deepEqual(writer.drain(), [data.slice(0, 5), data, data, data.slice(8, 11)]);
    if (writer.emptyMessages) {
      writer.send(data, 0);
      assert.deepEqual(writer.drain(), [new Uint8Array(0)]);
    } else {
      assert.equal(writer.trySend(data, 0), Status.EmptyMessage);
    }
  });

  test(`write prefix, ${kind}: one array reused with a new length each time (pinned in Deno)`, () => {
    using writer = open();
    const data = new Uint8Array(64);
    for (let seq = 0; seq < 600; seq++) {
      const length = 1 + (seq * 13) % 64;
      data.set(pattern(64, seq));
      writer.send(data, length);
      assert.deepEqual(writer.drain(), [pattern(length, seq)], `message ${seq}`);
    }
  });

  test(`write prefix, ${kind}: the size limit applies to length, not to the array`, () => {
    using writer = open();
    const big = pattern(1 << 20, 3);
    assert.throws(() => writer.send(big), MessageTooLargeError);
    writer.send(big, 10);
    assert.deepEqual(writer.drain(), [big.slice(0, 10)]);
  });

  test(`write prefix, ${kind}: a length that is not a count of the array's bytes is InvalidArgument, nothing sent`, () => {
    using writer = open();
    const data = pattern(8, 2);
    for (const length of [-1, 9, 1.5, NaN, 2 ** 32, "3", null]) {
      assert.throws(
        () => writer.send(data, length as number),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.message.includes(`length ${length} is not an integer in [0, 8] (bytes of data to send)`),
        `length ${length}`,
      );
      if (writer.statusForm) assert.equal(writer.trySend(data, length as number), Status.InvalidArgument);
    }
    assert.deepEqual(writer.drain(), []);
  });
}
