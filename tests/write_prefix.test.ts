/**
 * Writers' optional `length` argument: every writer (ring write, IPC publish, log append,
 * broadcast transmit) sends the first `length` bytes of its array, by value and by pinned
 * address, checks the size limit against `length`, and refuses a `length` that is not a
 * count of the array's bytes with InvalidArgument, sending nothing.
 * @module
 */
import assert from "node:assert/strict";
import {
  BroadcastReceiver,
  BroadcastTransmitter,
  InvalidArgumentError,
  IpcChannel,
  LogBuffer,
  MessageTooLargeError,
  MpscRingBuffer,
  RawPublisher,
  SpscRingBuffer,
  Status,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";

/** One writer and its reader. */
interface PrefixWriter extends Disposable {
  /** The throwing form: ring `write`, `publish`, `append`, `transmit`. */
  send(data: Uint8Array, length?: number): void;
  /** The status form, for writers that have one. */
  trySend?(data: Uint8Array, length?: number): number;
  /** Copies of the messages waiting, oldest first. */
  drain(): Uint8Array[];
  /** Whether a zero-length message is one (an IPC channel refuses it: EmptyMessage). */
  emptyMessages: boolean;
}

function written(ok: boolean): void {
  assert.ok(ok, "the ring has room");
}

const writers: Record<string, () => PrefixWriter> = {
  spsc() {
    const ring = SpscRingBuffer.create({ name: uniqueName("prefix-spsc"), capacity: 1 << 16 });
    return {
      send: (data, length) => written(ring.write(data, 1, length)),
      drain: () =>
        collect((take) => ring.readFragments((f) => take(f.bytes.slice(f.offset, f.offset + f.length)))),
      emptyMessages: true,
      [Symbol.dispose]: () => ring.close(),
    };
  },
  mpsc() {
    const ring = MpscRingBuffer.create({ name: uniqueName("prefix-mpsc"), capacity: 1 << 16 });
    return {
      send: (data, length) => written(ring.write(data, 1, length)),
      drain: () =>
        collect((take) => ring.readFragments((f) => take(f.bytes.slice(f.offset, f.offset + f.length)))),
      emptyMessages: true,
      [Symbol.dispose]: () => ring.close(),
    };
  },
  "log buffer"() {
    const name = uniqueName("prefix-log");
    const writer = LogBuffer.create({ name, termLength: 1 << 16 });
    const reader = LogBuffer.open({ name });
    return {
      send: (data, length) => writer.append(data, 1, length),
      trySend: (data, length) => writer.tryAppend(data, 1, length),
      drain: () => collect((take) => reader.poll((data) => take(data.slice()))),
      emptyMessages: true,
      [Symbol.dispose]: () => (reader.close(), writer.close()),
    };
  },
  broadcast() {
    const name = uniqueName("prefix-bcast");
    const transmitter = BroadcastTransmitter.create({ name, capacity: 1 << 16 });
    const receiver = BroadcastReceiver.open({ name });
    return {
      send: (data, length) => transmitter.transmit(1, data, length),
      trySend: (data, length) => transmitter.tryTransmit(1, data, length),
      drain: () =>
        collect((take) => receiver.receive((f) => take(f.bytes.slice(f.offset, f.offset + f.length)))),
      emptyMessages: true,
      [Symbol.dispose]: () => (receiver.close(), transmitter.close()),
    };
  },
  "ipc channel"() {
    const name = uniqueName("prefix-ipc");
    const publisher = IpcChannel.create({ name, termLength: 1 << 16 });
    const subscriber = IpcChannel.open({ name });
    return {
      send: (data, length) => publisher.publish(data, 1, length),
      trySend: (data, length) => publisher.tryPublish(data, 1, length),
      drain: () => collect((take) => subscriber.poll((data) => take(data.slice()))),
      emptyMessages: false,
      [Symbol.dispose]: () => (subscriber.close(), publisher.close()),
    };
  },
  "raw publisher"() {
    const name = uniqueName("prefix-raw");
    const raw = new RawPublisher(IpcChannel.create({ name, termLength: 1 << 16 }), true);
    const subscriber = IpcChannel.open({ name });
    return {
      send: (data, length) => raw.publish(data, 1, length),
      trySend: (data, length) => raw.offer(data, 1, length),
      drain: () => collect((take) => subscriber.poll((data) => take(data.slice()))),
      emptyMessages: false,
      [Symbol.dispose]: () => (subscriber.close(), raw.close()),
    };
  },
};

function collect(poll: (take: (copy: Uint8Array) => void) => number): Uint8Array[] {
  const messages: Uint8Array[] = [];
  while (poll((copy) => messages.push(copy)) > 0);
  return messages;
}

/** `length` bytes derived from `seq`. */
function pattern(length: number, seq: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seq * 31 + i * 7) & 0xff);
}

for (const [kind, open] of Object.entries(writers)) {
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
      assert.equal(writer.trySend!(data, 0), Status.EmptyMessage);
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
      if (writer.trySend) assert.equal(writer.trySend(data, length as number), Status.InvalidArgument);
    }
    assert.deepEqual(writer.drain(), []);
  });
}
