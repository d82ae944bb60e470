import assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  BackPressureError,
  CorruptChannelError,
  EmptyMessageError,
  errorForStatus,
  type Fragment,
  HandleClosedError,
  InvalidArgumentError,
  InvalidChannelError,
  InvalidNameError,
  InvalidTermLengthError,
  IpcChannel,
  MessageTooLargeError,
  NoSuchChannelError,
  PublisherExistsError,
  ShmTooSmallError,
  Status,
  SubscriberExistsError,
  TermLengthMismatchError,
  UnsupportedVersionError,
  ZigBoltError,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A creator (the publisher) and an opener (the subscriber), closed by `using` even when a test fails. */
function pair(label: string, termLength = 4096): [IpcChannel, IpcChannel] & Disposable {
  const name = uniqueName(label);
  const publisher = IpcChannel.create({ name, termLength });
  const subscriber = IpcChannel.open({ name });
  return Object.assign([publisher, subscriber] as [IpcChannel, IpcChannel], {
    [Symbol.dispose]() {
      subscriber.close();
      publisher.close();
    },
  });
}

test("the seed example runs as written", () => {
  const name = uniqueName("seed");
  const channel = IpcChannel.create({ name, termLength: 1024 * 1024 });
  channel.publish(new TextEncoder().encode("BTC/USDT 42000.50"), 1);
  const sub = IpcChannel.open({ name });
  const seen: string[] = [];
  const count = sub.poll((data, msgTypeId) => {
    seen.push(`${msgTypeId}:${decoder.decode(data)}`);
  }, 10);
  assert.equal(count, 1);
  assert.deepEqual(seen, ["1:BTC/USDT 42000.50"]);
  sub.close();
  channel.close();
});

test("poll honours its limit and returns 0 when empty", () => {
  using channels = pair("limit");
  const [publisher, subscriber] = channels;
  for (let i = 0; i < 5; i++) publisher.publish(new Uint8Array([i]), 7);
  const got: number[] = [];
  assert.equal(subscriber.poll((data) => got.push(data[0]), 2), 2);
  assert.equal(subscriber.poll((data) => got.push(data[0]), 10), 3);
  assert.equal(subscriber.poll(() => assert.fail("no message expected")), 0);
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
  subscriber.close();
  publisher.close();
});

test("pollFragments reuses one Fragment and copy() keeps stable bytes", () => {
  using channels = pair("fragments");
  const [publisher, subscriber] = channels;
  publisher.publish(encoder.encode("first"), 1);
  publisher.publish(encoder.encode("second"), 2);
  const fragments = new Set<Fragment>();
  const copies: Uint8Array[] = [];
  subscriber.pollFragments((fragment) => {
    fragments.add(fragment);
    copies.push(fragment.copy());
    assert.equal(decoder.decode(fragment.payload()), fragment.msgTypeId === 1 ? "first" : "second");
    assert.equal(fragment.view.getUint8(fragment.offset), fragment.bytes[fragment.offset]);
  });
  assert.equal(fragments.size, 1);
  assert.deepEqual(copies.map((c) => decoder.decode(c)), ["first", "second"]);
  subscriber.close();
  publisher.close();
});

test("messages of every size survive many term rotations byte for byte", () => {
  using channels = pair("rotation");
  const [publisher, subscriber] = channels;
  const payload = new Uint8Array(4088);
  let received = 0;
  for (let sequence = 0; sequence < 20_000; sequence++) {
    const length = 1 + ((sequence * 7919) % payload.length);
    for (let i = 0; i < length; i++) payload[i] = (sequence * 31 + i) & 0xff;
    publisher.publish(payload.subarray(0, length), sequence);
    subscriber.poll((data, msgTypeId) => {
      assert.equal(msgTypeId, sequence);
      assert.deepEqual(data, payload.subarray(0, length));
      received++;
    });
  }
  assert.equal(received, 20_000);
  assert.ok(subscriber.position > 100 * 4096);
  subscriber.close();
  publisher.close();
});

test("a slow subscriber causes back-pressure and nothing is lost", () => {
  using channels = pair("backpressure");
  const [publisher, subscriber] = channels;
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  let published = 0;
  for (;;) {
    view.setUint32(0, published, true);
    const status = publisher.tryPublish(message, 1);
    if (status === Status.BackPressure) break;
    assert.equal(status, Status.Ok);
    published++;
  }
  assert.equal(published, (2 * 4096) / 16);
  let next = 0;
  while (
    subscriber.poll((data) => {
      assert.equal(new DataView(data.buffer, data.byteOffset).getUint32(0, true), next++);
    }) > 0
  );
  assert.equal(next, published);
  assert.equal(publisher.tryPublish(message, 1), Status.Ok);
  subscriber.close();
  publisher.close();
});

test("publish refuses empty, oversized and badly typed messages with typed errors", () => {
  using channels = pair("bad-publish");
  const [publisher, subscriber] = channels;
  assert.throws(() => publisher.publish(new Uint8Array(0), 1), EmptyMessageError);
  assert.equal(publisher.tryPublish(new Uint8Array(0), 1), Status.EmptyMessage);
  assert.throws(() => publisher.publish(new Uint8Array(4096 - 7), 1), MessageTooLargeError);
  publisher.publish(new Uint8Array(4096 - 8), 1);
  assert.throws(() => publisher.publish(new Uint8Array(1), 2 ** 31), InvalidArgumentError);
  assert.throws(() => publisher.publish(new Uint8Array(1), 1.5), InvalidArgumentError);
  assert.equal(publisher.tryPublish(new Uint8Array(1), -1), Status.Ok);
  subscriber.close();
  publisher.close();
});

test("bad names and term lengths are typed errors before any system call", () => {
  for (const name of ["", "/", "no-slash", "/a/b", "/a\0b", `/${"x".repeat(255)}`]) {
    assert.throws(() => IpcChannel.create({ name, termLength: 4096 }), InvalidNameError, name);
  }
  for (const termLength of [0, 4095, 5000, 2 ** 31, -4096, 4096.5, Number.NaN, 2 ** 32 + 4096]) {
    assert.throws(
      () => IpcChannel.create({ name: uniqueName("term"), termLength }),
      InvalidTermLengthError,
      String(termLength),
    );
  }
  assert.throws(() => IpcChannel.open({ name: uniqueName("missing") }), NoSuchChannelError);
});

test("open with a different term length is TermLengthMismatch", () => {
  const name = uniqueName("mismatch");
  const channel = IpcChannel.create({ name, termLength: 8192 });
  assert.throws(() => IpcChannel.open({ name, termLength: 4096 }), TermLengthMismatchError);
  const opened = IpcChannel.open({ name, termLength: 8192 });
  assert.equal(opened.termLength, 8192);
  opened.close();
  channel.close();
});

test("use after close is HandleClosed, and close is idempotent", () => {
  using channels = pair("closed");
  const [publisher, subscriber] = channels;
  publisher.close();
  publisher.close();
  subscriber.close();
  assert.throws(() => publisher.publish(new Uint8Array(1), 1), HandleClosedError);
  assert.equal(publisher.tryPublish(new Uint8Array(1), 1), Status.HandleClosed);
  assert.throws(() => subscriber.poll(() => {}), HandleClosedError);
  assert.throws(() => subscriber.peerState("publisher"), HandleClosedError);
  assert.ok(publisher.closed);
});

test("a handler may close the channel during poll", () => {
  using channels = pair("close-in-handler");
  const [publisher, subscriber] = channels;
  for (let i = 0; i < 3; i++) publisher.publish(new Uint8Array([i]), 1);
  let seen = 0;
  assert.equal(
    subscriber.poll(() => {
      seen++;
      subscriber.close();
    }),
    1,
  );
  assert.equal(seen, 1);
  assert.throws(() => subscriber.poll(() => {}), HandleClosedError);
  publisher.close();
});

test("a handler that throws does not get the same message again", () => {
  using channels = pair("throwing-handler");
  const [publisher, subscriber] = channels;
  publisher.publish(new Uint8Array([1]), 1);
  publisher.publish(new Uint8Array([2]), 1);
  assert.throws(() =>
    subscriber.poll(() => {
      throw new Error("boom");
    }), /boom/);
  const rest: number[] = [];
  subscriber.poll((data) => rest.push(data[0]));
  assert.deepEqual(rest, [2]);
  subscriber.close();
  publisher.close();
});

test("one live publisher and one live subscriber per channel", () => {
  using channels = pair("roles");
  const [publisher, subscriber] = channels;
  publisher.publish(new Uint8Array([1]), 1);
  assert.throws(() => subscriber.publish(new Uint8Array([1]), 1), PublisherExistsError);
  subscriber.poll(() => {});
  assert.throws(() => publisher.poll(() => {}), SubscriberExistsError);
  assert.equal(publisher.peerState("subscriber"), "alive");
  assert.equal(publisher.peerPid("subscriber"), process.pid);
  subscriber.close();
  assert.equal(publisher.peerState("subscriber"), "closed");
  assert.equal(publisher.peerPid("subscriber"), process.pid);
  using third = IpcChannel.open({ name: publisher.name });
  assert.equal(third.peerState("subscriber"), "closed");
  third.poll(() => {});
  assert.equal(publisher.peerState("subscriber"), "alive", "a closed role can be taken again");
  publisher.close();
});

test("the creator's close unlinks the name; using declarations close", () => {
  const name = uniqueName("dispose");
  {
    using channel = IpcChannel.create({ name, termLength: 4096 });
    channel.publish(new Uint8Array([1]), 1);
    assert.ok(fs.existsSync(`/dev/shm${name}`));
  }
  assert.ok(!fs.existsSync(`/dev/shm${name}`));
  assert.throws(() => IpcChannel.open({ name }), NoSuchChannelError);
});

test("memory options report what took effect", () => {
  const name = uniqueName("memory");
  const channel = IpcChannel.create({ name, termLength: 4096, mlock: true, hugepages: true });
  const memory = channel.memory;
  assert.equal(memory.preFault, true);
  assert.equal(memory.mlock, true, "12 KiB is within any ulimit -l");
  assert.equal(typeof memory.hugepages, "boolean");
  channel.close();
  const big = IpcChannel.create({ name, termLength: 64 * 1024 * 1024, mlock: true, preFault: false });
  assert.equal(big.memory.preFault, false);
  assert.equal(typeof big.memory.mlock, "boolean", "192 MiB may exceed ulimit -l: best effort");
  big.close();
});

test("errorForStatus turns a tryPublish status into its typed error", () => {
  const error = errorForStatus(Status.BackPressure, "Cannot send the order");
  assert.ok(error instanceof BackPressureError);
  assert.equal(error.code, "BackPressure");
  assert.match(error.message, /^Cannot send the order: back-pressure/);
  assert.ok(errorForStatus(-999) instanceof ZigBoltError);
});

test("every error is a ZigBoltError with a code and the shared status number", () => {
  try {
    IpcChannel.open({ name: uniqueName("nothing") });
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof ZigBoltError);
    assert.equal(error.code, "NoSuchChannel");
    assert.equal(error.status, Status.NoSuchChannel);
    assert.match(error.message, /Cannot open channel ".*": no such channel or structure: create it first/);
  }
});

function writeShared(name: string, offset: number, bytes: number[]): void {
  const fd = fs.openSync(`/dev/shm${name}`, "r+");
  fs.writeSync(fd, new Uint8Array(bytes), 0, bytes.length, offset);
  fs.closeSync(fd);
}

test("garbage written into the shared tail is CorruptChannel for the subscriber", () => {
  using channels = pair("garbage-tail");
  const [publisher, subscriber] = channels;
  publisher.publish(new Uint8Array([1]), 1);
  subscriber.poll(() => {});
  for (
    const garbage of [[0x03, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde], [0xf8, 0xff, 0, 0, 0, 0, 0, 0], [
      0x08,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
    ]]
  ) {
    writeShared(publisher.name, 128, garbage);
    assert.throws(() => subscriber.poll(() => assert.fail("nothing is delivered")), CorruptChannelError);
  }
  subscriber.close();
  publisher.close();
});

test("garbage in the shared head is CorruptChannel for the publisher when it next reloads it", () => {
  using channels = pair("garbage-head-publisher");
  const [publisher, subscriber] = channels;
  publisher.publish(new Uint8Array([1]), 1);
  subscriber.poll(() => {});
  writeShared(publisher.name, 256, [0, 0, 0, 0, 0, 0, 0, 0x40]);
  assert.throws(() => {
    for (let i = 0; i < 1000; i++) publisher.publish(new Uint8Array(8), 1);
  }, CorruptChannelError);
  subscriber.close();
  publisher.close();
});

test("garbage written into the shared head is CorruptChannel for the subscriber", () => {
  using channels = pair("garbage-head");
  const [publisher, subscriber] = channels;
  publisher.publish(new Uint8Array([1]), 1);
  subscriber.poll(() => {});
  publisher.publish(new Uint8Array([2]), 1);
  const fd = fs.openSync(`/dev/shm${publisher.name}`, "r+");
  fs.writeSync(fd, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0]), 0, 8, 256);
  fs.closeSync(fd);
  assert.throws(() => subscriber.poll(() => {}), CorruptChannelError);
  subscriber.close();
  publisher.close();
});

test("a frame length pointing past its term is CorruptChannel, not a wild read", () => {
  using channels = pair("garbage-frame");
  const [publisher, subscriber] = channels;
  publisher.publish(new Uint8Array([1]), 1);
  const fd = fs.openSync(`/dev/shm${publisher.name}`, "r+");
  fs.writeSync(fd, new Uint8Array([0x00, 0x10, 0x00, 0x00]), 0, 4, 4096);
  fs.closeSync(fd);
  assert.throws(() => subscriber.poll(() => assert.fail("no delivery")), CorruptChannelError);
  subscriber.close();
  publisher.close();
});

test("positions crossing 2^32 keep every message", () => {
  const name = uniqueName("wrap32");
  const publisher = IpcChannel.create({ name, termLength: 4096 });
  // Before first use, move both positions to just below 4 GiB (as after 4 GiB of traffic).
  const start = 2 ** 32 - 3 * 4096 + 8 * 13;
  const fd = fs.openSync(`/dev/shm${name}`, "r+");
  const position = new Uint8Array(8);
  new DataView(position.buffer).setBigUint64(0, BigInt(start), true);
  fs.writeSync(fd, position, 0, 8, 128);
  fs.writeSync(fd, position, 0, 8, 256);
  fs.closeSync(fd);
  const subscriber = IpcChannel.open({ name });
  const payload = new Uint8Array(1000);
  let received = 0;
  for (let i = 0; i < 100; i++) {
    payload.fill(i);
    publisher.publish(payload, i);
    subscriber.poll((data, msgTypeId) => {
      assert.equal(msgTypeId, i);
      assert.deepEqual(data, payload);
      received++;
    });
  }
  assert.equal(received, 100);
  assert.ok(subscriber.position > 2 ** 32);
  subscriber.close();
  publisher.close();
});

test("openWhenReady waits for the creator without blocking, and times out with the last error", async () => {
  const name = uniqueName("when-ready");
  await assert.rejects(IpcChannel.openWhenReady({ name, timeoutMs: 5 }), NoSuchChannelError);
  let created: IpcChannel | undefined;
  setTimeout(() => created = IpcChannel.create({ name, termLength: 4096 }), 20);
  const opened = await IpcChannel.openWhenReady({ name });
  assert.ok(created, "the timer ran while we waited: the event loop was free");
  opened.close();
  created.close();
  await assert.rejects(IpcChannel.openWhenReady({ name: "bad" }), InvalidNameError);
});

test("a segment with the wrong magic, version or size is a typed error on open", () => {
  const name = uniqueName("bad-segment");
  using _creator = IpcChannel.create({ name, termLength: 4096 });
  const path = `/dev/shm${name}`;
  const original = fs.readFileSync(path);
  const cases: Array<[string, () => void, new (...args: never[]) => Error]> = [
    ["wrong magic", () => writeShared(name, 0, [1, 2, 3, 4, 5, 6, 7, 8]), InvalidChannelError],
    ["version 2", () => writeShared(name, 8, [2, 0, 0, 0]), UnsupportedVersionError],
    [
      "term length not a power of two",
      () => writeShared(name, 12, [0x01, 0x10, 0, 0]),
      InvalidTermLengthError,
    ],
    ["truncated to half", () => fs.truncateSync(path, original.length / 2), ShmTooSmallError],
    ["truncated below a header", () => fs.truncateSync(path, 100), ShmTooSmallError],
  ];
  for (const [label, damage, expected] of cases) {
    fs.writeFileSync(path, original);
    damage();
    assert.throws(() => IpcChannel.open({ name }), expected, label);
  }
  fs.writeFileSync(path, original);
  IpcChannel.open({ name }).close();
});
