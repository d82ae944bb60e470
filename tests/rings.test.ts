/**
 * SpscRingBuffer and MpscRingBuffer in one process: edges (empty, full, wrap, padding,
 * 2^32 position wrap), bad input, damaged shared memory, use after close, and records
 * written by the Zig side of the same ring.
 */
import assert from "node:assert/strict";
import {
  CorruptChannelError,
  CountersFile,
  HandleClosedError,
  InvalidArgumentError,
  InvalidCapacityError,
  MessageTooLargeError,
  MpscRingBuffer,
  NoSuchChannelError,
  RingCounterType,
  SpscRingBuffer,
  Status,
  SubscriberExistsError,
  WrongStructureError,
} from "../mod.ts";
import { native } from "../lib/_native.ts";
import { test, uniqueName } from "./_harness.ts";
import { ShmWords } from "./_shm_files.ts";
import { drain } from "./_ring_drain.ts";

/** Overwrites words of a ring's segment file, as a buggy or hostile process could. */
function poke(name: string, offset: number, values: number[]): void {
  using words = new ShmWords(name);
  values.forEach((value, i) => words.write(offset + i * 4, value));
}

function numbered(value: number, length = 8): Uint8Array {
  const bytes = new Uint8Array(length);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

for (const Ring of [SpscRingBuffer, MpscRingBuffer]) {
  const kind = Ring === SpscRingBuffer ? "spsc" : "mpsc";

  test(`${kind}: read delivers each message once with its type id; empty reads 0`, () => {
    using ring = Ring.create({ name: uniqueName(kind), capacity: 1024 });
    assert.equal(drain(ring).length, 0);
    assert.equal(ring.write(numbered(42, 20), 7), true);
    assert.equal(ring.write(new Uint8Array(0), 0), true);
    const got: Array<[number[], number]> = [];
    assert.equal(ring.read((data, type) => got.push([[...data.slice(0, 1)], type]), 10), 2);
    assert.deepEqual(got, [[[42], 7], [[], 0]]);
    assert.equal(ring.read(() => {}), 0);
  });

  test(`${kind}: full is false, and a read makes room again`, () => {
    using ring = Ring.create({ name: uniqueName(kind), capacity: 1024 });
    for (let i = 0; i < 16; i++) assert.equal(ring.write(numbered(i, 56), 1), true);
    assert.equal(ring.write(numbered(16, 56), 1), false);
    assert.deepEqual(drain(ring, 1).map((m) => m[0]), [0]);
    assert.equal(ring.write(numbered(16, 56), 1), true);
    assert.equal(ring.write(numbered(17, 56), 1), false);
    assert.deepEqual(drain(ring).map((m) => m[0]), Array.from({ length: 16 }, (_, i) => i + 1));
  });

  test(`${kind}: messages of every size wrap with padding and arrive in order, byte for byte`, () => {
    using ring = Ring.create({ name: uniqueName(kind), capacity: 1024 });
    let next = 0;
    for (let i = 0; i < 3000; i++) {
      const length = 4 + (i % 117);
      const data = numbered(i, length);
      for (let j = 4; j < length; j++) data[j] = (i + j) & 0xff;
      assert.equal(ring.write(data, i % 3), true);
      ring.readFragments((f) => {
        assert.equal(f.view.getUint32(f.offset, true), next);
        assert.equal(f.length, 4 + (next % 117));
        assert.equal(f.msgTypeId, next % 3);
        for (let j = 4; j < f.length; j++) assert.equal(f.bytes[f.offset + j], (next + j) & 0xff);
        next++;
      });
    }
    assert.equal(next, 3000);
  });

  test(`${kind}: positions wrap at 2^32 without a hiccup`, () => {
    const name = uniqueName(kind);
    using ring = Ring.create({ name, capacity: 1024 });
    // tail, head (and MPSC read_position) just below 2^32.
    poke(name, 256, [0xffff_ff00]);
    poke(name, 384, [0xffff_ff00, 0xffff_ff00]);
    let next = 0;
    for (let i = 0; i < 100; i++) {
      assert.equal(ring.write(numbered(i, 40), 1), true);
      for (const [value] of drain(ring)) assert.equal(value, next++);
    }
    assert.equal(next, 100);
  });

  test(`${kind}: too large, bad type ids, bad capacities and bad options are typed errors`, () => {
    const name = uniqueName(kind);
    using ring = Ring.create({ name, capacity: 1024 });
    assert.equal(ring.payloadLengthMax, 120);
    assert.equal(ring.write(new Uint8Array(120), 1), true);
    assert.throws(() => ring.write(new Uint8Array(121), 1), MessageTooLargeError);
    assert.throws(() => ring.write(new Uint8Array(1), -1), InvalidArgumentError);
    assert.throws(() => ring.write(new Uint8Array(1), 1.5), InvalidArgumentError);
    assert.throws(() => ring.write(new Uint8Array(1), 2 ** 31), InvalidArgumentError);
    // Numbers the FFI would wrap or truncate to a valid type id: never written as one.
    for (const msgTypeId of [2 ** 32 + 5, NaN, "5" as unknown as number]) {
      assert.throws(() => ring.write(new Uint8Array(1), msgTypeId), InvalidArgumentError);
    }
    assert.throws(() => ring.write("text" as unknown as Uint8Array, 1), InvalidArgumentError);
    assert.throws(() => ring.write(new ArrayBuffer(8) as unknown as Uint8Array, 1), InvalidArgumentError);
    assert.throws(() => ring.write(undefined as unknown as Uint8Array, 1), InvalidArgumentError);
    assert.throws(() => ring.read(undefined as unknown as () => void), InvalidArgumentError);
    assert.throws(() => ring.readFragments(() => {}, -1), InvalidArgumentError);
    assert.equal(drain(ring).length, 1, "the one valid message is still there");
    assert.throws(() => Ring.create({ name: uniqueName(kind), capacity: 3000 }), InvalidCapacityError);
    assert.throws(() => Ring.create({ name: uniqueName(kind), capacity: 512 }), InvalidCapacityError);
    assert.throws(() => Ring.create({ name: uniqueName(kind), capacity: 2 ** 31 }), InvalidCapacityError);
    assert.throws(() => Ring.open({ name, capacity: 1024 }), InvalidArgumentError);
    assert.throws(() => Ring.open({ name: uniqueName("missing") }), NoSuchChannelError);
    const Other = Ring === SpscRingBuffer ? MpscRingBuffer : SpscRingBuffer;
    assert.throws(() => Other.open({ name }), WrongStructureError);
  });

  test(`${kind}: use after close is HandleClosedError; close twice is harmless`, () => {
    const ring = Ring.create({ name: uniqueName(kind), capacity: 1024 });
    ring.close();
    ring.close();
    assert.equal(ring.closed, true);
    assert.throws(() => ring.write(new Uint8Array(1), 1), HandleClosedError);
    assert.throws(() => ring.read(() => {}), HandleClosedError);
    assert.throws(() => ring.readFragments(() => {}), HandleClosedError);
  });

  test(`${kind}: a handler that closes the ring stops the read cleanly`, () => {
    const ring = Ring.create({ name: uniqueName(kind), capacity: 1024 });
    for (let i = 0; i < 3; i++) ring.write(numbered(i), 1);
    let seen = 0;
    assert.equal(ring.read(() => (seen++, ring.close())), 1);
    assert.equal(seen, 1);
    assert.throws(() => ring.read(() => {}), HandleClosedError);
  });

  test(`${kind}: a second consumer is refused while the first holds the role`, () => {
    const name = uniqueName(kind);
    using ring = Ring.create({ name, capacity: 1024 });
    using other = Ring.open({ name });
    ring.read(() => {});
    assert.throws(() => other.read(() => {}), SubscriberExistsError);
  });

  test(`${kind}: a garbage ring header is CorruptChannelError on open`, () => {
    const name = uniqueName(kind);
    using _ring = Ring.create({ name, capacity: 1024 });
    poke(name, 128, [1 << 20]);
    assert.throws(() => Ring.open({ name }), CorruptChannelError);
    poke(name, 128, [1024, 9999]);
    assert.throws(() => Ring.open({ name }), CorruptChannelError);
    poke(name, 128, [1024, 120]);
    Ring.open({ name }).close();
  });

  test(`${kind}: garbage positions and record lengths are CorruptChannelError, never a crash`, () => {
    const name = uniqueName(kind);
    using ring = Ring.create({ name, capacity: 1024 });
    const dataOffset = kind === "spsc" ? 4096 : 12288;
    ring.write(numbered(1), 1);
    if (kind === "spsc") {
      poke(name, 256, [0x1234_5678]);
      assert.throws(() => drain(ring), CorruptChannelError);
    }
    poke(name, 256, [16]);
    poke(name, dataOffset, [5000]);
    assert.throws(() => drain(ring), CorruptChannelError);
    poke(name, dataOffset, [3]);
    assert.throws(() => drain(ring), CorruptChannelError);
    poke(name, dataOffset, [16, 0xffff_fff0]);
    assert.throws(() => drain(ring), CorruptChannelError);
    poke(name, dataOffset, [16, 1]);
    poke(name, 384, [8]);
    assert.throws(() => drain(ring), CorruptChannelError);
    poke(name, 384, [0]);
    assert.deepEqual(drain(ring), [[1, 1, 8]]);
    if (kind === "mpsc") {
      // The MPSC consumer does not load the tail per read (docs/mpsc-ring.md): it finds a
      // garbage one when it next looks, within 256 empty polls.
      poke(name, 256, [0x1234_5678]);
      assert.throws(() => {
        for (let poll = 0; poll < 512; poll++) drain(ring);
      }, CorruptChannelError);
    }
  });
}

test("spsc: a producer notices a head moved by another process", () => {
  const name = uniqueName("spsc");
  using ring = SpscRingBuffer.create({ name, capacity: 1024 });
  ring.write(numbered(1, 100), 1);
  poke(name, 384, [0x8000_0000]);
  assert.throws(() => {
    for (let i = 0; i < 20; i++) ring.write(numbered(i, 100), 1);
  }, CorruptChannelError);
});

test("mpsc: records written by the Zig side of the same ring interleave with TypeScript's", () => {
  const name = uniqueName("mpsc");
  using ring = MpscRingBuffer.create({ name, capacity: 4096 });
  const { symbols } = native();
  const zig = symbols.zigbolt_mpsc_open_ex(new TextEncoder().encode(`${name}\0`), 0);
  try {
    for (let i = 0; i < 300; i++) {
      assert.equal(ring.write(numbered(i), 1), true);
      assert.equal(symbols.zigbolt_mpsc_write(zig, numbered(i, 12), 12, 2), Status.Ok);
      const got = drain(ring);
      assert.deepEqual(got, [[i, 1, 8], [i, 2, 12]]);
    }
  } finally {
    symbols.zigbolt_mpsc_close(zig);
  }
});

test("spsc: records written by the Zig side of the same ring are read by TypeScript", () => {
  const name = uniqueName("spsc");
  using ring = SpscRingBuffer.create({ name, capacity: 1024 });
  const { symbols } = native();
  const zig = symbols.zigbolt_spsc_open_ex(new TextEncoder().encode(`${name}\0`), 0);
  try {
    for (let i = 0; i < 200; i++) {
      assert.equal(symbols.zigbolt_spsc_write(zig, numbered(i, 50), 50, 3), Status.Ok);
      assert.deepEqual(drain(ring), [[i, 3, 50]]);
    }
    assert.equal(symbols.zigbolt_spsc_write(zig, numbered(0, 121), 121, 3), Status.MessageTooLarge);
  } finally {
    symbols.zigbolt_spsc_close(zig);
  }
  assert.equal(symbols.zigbolt_spsc_write(zig, numbered(0), 8, 3), Status.HandleClosed);
});

test("mpsc: a claim whose producer died is skipped as lost; the next message arrives", () => {
  const name = uniqueName("mpsc");
  using ring = MpscRingBuffer.create({ name, capacity: 1024 });
  // Producer slot 5 belongs to a dead process (a pid above pid_max) that announced and took
  // 32 bytes at position 0, then died before writing anything.
  poke(name, 4096 + 5 * 128, [0x7fff_fff0, 0, 0, 32]);
  poke(name, 256, [32]);
  while (ring.lostRecords === 0) drain(ring);
  assert.equal(ring.lostBytes, 32);
  assert.equal(ring.write(numbered(7), 1), true);
  assert.deepEqual(drain(ring), [[7, 1, 8]]);
  assert.equal(ring.lostRecords, 1);
});

test("spsc and mpsc: messages, bytes, full events, lost records and positions are counted", () => {
  const file = CountersFile.processDefault();
  const spscName = uniqueName("spsc-counted");
  using spsc = SpscRingBuffer.create({ name: spscName, capacity: 1024 });
  for (let i = 0; i < 16; i++) assert.equal(spsc.write(numbered(i, 56), 1), true);
  assert.equal(spsc.write(numbered(16, 56), 1), false);
  assert.equal(drain(spsc).length, 16);
  const spscValue = (type: number) => file.valueOf(spsc.counterId(type)!);
  assert.equal(spscValue(RingCounterType.SpscWrittenMessages), 16);
  assert.equal(spscValue(RingCounterType.SpscWrittenBytes), 16 * 56);
  assert.equal(spscValue(RingCounterType.SpscFullEvents), 1);
  assert.equal(spscValue(RingCounterType.SpscProducerPosition), 1024);
  assert.equal(spscValue(RingCounterType.SpscReadMessages), 16);
  assert.equal(spscValue(RingCounterType.SpscReadBytes), 16 * 56);
  assert.equal(spscValue(RingCounterType.SpscConsumerPosition), 1024);
  assert.equal(spsc.counterId(RingCounterType.MpscLostRecords), undefined);

  const mpscName = uniqueName("mpsc-counted");
  using mpsc = MpscRingBuffer.create({ name: mpscName, capacity: 1024 });
  poke(mpscName, 4096 + 9 * 128, [0x7fff_fff0, 0, 0, 32]);
  poke(mpscName, 256, [32]);
  while (mpsc.lostRecords === 0) drain(mpsc);
  for (let i = 0; i < 3; i++) assert.equal(mpsc.write(numbered(i, 20), 2), true);
  assert.equal(drain(mpsc).length, 3);
  const mpscValue = (type: number) => file.valueOf(mpsc.counterId(type)!);
  assert.equal(mpscValue(RingCounterType.MpscWrittenMessages), 3);
  assert.equal(mpscValue(RingCounterType.MpscWrittenBytes), 60);
  assert.equal(mpscValue(RingCounterType.MpscReadMessages), 3);
  assert.equal(mpscValue(RingCounterType.MpscReadBytes), 60);
  assert.equal(mpscValue(RingCounterType.MpscLostRecords), 1);
  assert.equal(mpscValue(RingCounterType.MpscConsumerPosition), 32 + 3 * 32);
});

/** Resolves after `ms` milliseconds: lets the event loop run while a Worker works. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test("mpsc: a TypeScript producer whose cached head is a 2^32 lap old waits for the space it claimed", async () => {
  const name = uniqueName("mpsc-stale");
  using _ring = MpscRingBuffer.create({ name, capacity: 1024 });
  const control = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(new URL("./peers/stale_mpsc_producer.ts", import.meta.url).href, {
    type: "module",
  });
  const messages: string[] = [];
  worker.addEventListener("message", (event) => messages.push((event as MessageEvent<string>).data));
  worker.addEventListener("error", (event) => messages.push(`error: ${(event as ErrorEvent).message}`));
  /** Waits for `done`; a worker that failed fails the test instead of hanging it. */
  const until = async (done: () => boolean) => {
    while (!done()) {
      const failure = messages.find((message) => message.startsWith("error"));
      if (failure !== undefined) throw new Error(`the producer worker failed: ${failure}`);
      await sleep(1);
    }
  };
  try {
    await until(() => messages.length > 0);
    worker.postMessage({ name, control: control.buffer });
    await until(() => Atomics.load(control, 0) === 1);
    {
      using first = MpscRingBuffer.open({ name });
      assert.deepEqual(drain(first), [[7000, 1, 32]]);
    }
    // 4 GiB go through: the same 32-bit positions come back, four head epochs later.
    const lapHead = 0xffff_fe00;
    using words = new ShmWords(name);
    for (const offset of [256, 384, 388]) words.write(offset, lapHead);
    words.write(768, 4);
    // Another producer fills the ring; the stale one's check against head 0 would pass
    // now (tail + 40 - 0 <= capacity) though less than 40 bytes are free.
    using fresh = MpscRingBuffer.open({ name });
    let written = 0;
    while (fresh.write(numbered(written, 32), 1)) written++;
    const fullTail = words.read(256);
    assert.ok(((fullTail - lapHead) >>> 0) > 1024 - 40 && fullTail + 40 <= 1024);
    Atomics.store(control, 1, 1);
    Atomics.notify(control, 1);
    // It claims (the tail moves) but must not write until the consumer frees the space.
    await until(() => words.read(256) !== fullTail);
    await sleep(20);
    assert.equal(Atomics.load(control, 2), 0, "the stale producer wrote over unread records");
    using consumer = MpscRingBuffer.open({ name });
    const received: number[] = [];
    while (received.length < written + 1) {
      for (const [value] of drain(consumer)) received.push(value);
      if (received.length < written + 1) await sleep(1);
    }
    assert.deepEqual(received, [...Array(written).keys(), 7001]);
    await until(() => messages.length >= 2);
    assert.deepEqual(messages, ["ready", "closed"]);
    assert.equal(Atomics.load(control, 2), 1);
  } finally {
    worker.terminate();
  }
});
