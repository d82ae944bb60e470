/**
 * LogBuffer in one process: the JavaScript writer and reader over one segment, claim and
 * commit, back-pressure, rotation, and bad input (typed errors, never a crash or a hang).
 */
import assert from "node:assert/strict";
import {
  ChannelInUseError,
  CorruptChannelError,
  CountersFile,
  CounterType,
  type Fragment,
  HandleClosedError,
  InvalidArgumentError,
  InvalidNameError,
  InvalidTermLengthError,
  LogBuffer,
  MessageTooLargeError,
  NoSuchChannelError,
  PublisherExistsError,
  Status,
  SubscriberExistsError,
  WrongStructureError,
} from "../mod.ts";
import { BroadcastTransmitter } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { heapGrowthPerMessage, ShmWords } from "./_shm_files.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function pair(label: string, termLength = 4096): [LogBuffer, LogBuffer] & Disposable {
  const name = uniqueName(label);
  const writer = LogBuffer.create({ name, termLength });
  const reader = LogBuffer.open({ name });
  return Object.assign([writer, reader] as [LogBuffer, LogBuffer], {
    [Symbol.dispose]() {
      reader.close();
      writer.close();
    },
  });
}

/** Message seq: [seq u32][bytes (seq * 31 + i) & 0xff]. */
function fillAt(bytes: Uint8Array, offset: number, length: number, seq: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(offset, seq, true);
  for (let i = 4; i < length; i++) bytes[offset + i] = (seq * 31 + i) & 0xff;
}

function checkAt(bytes: Uint8Array, offset: number, length: number, seq: number): boolean {
  if (new DataView(bytes.buffer, bytes.byteOffset).getUint32(offset, true) !== seq) return false;
  for (let i = 4; i < length; i++) if (bytes[offset + i] !== ((seq * 31 + i) & 0xff)) return false;
  return true;
}

function sizeOf(seq: number): number {
  return 4 + (Math.imul(seq, 2654435761) >>> 0) % 700;
}

test("log buffer: the module example runs as written", () => {
  const name = uniqueName("log-example");
  using log = LogBuffer.create({ name, termLength: 1 << 20 });
  log.append(encoder.encode("BUY 1 BTC"), 1);
  using reader = LogBuffer.open({ name });
  const seen: string[] = [];
  assert.equal(reader.poll((data, msgTypeId) => seen.push(`${msgTypeId}:${decoder.decode(data)}`), 10), 1);
  assert.deepEqual(seen, ["1:BUY 1 BTC"]);
});

test("log buffer: a claim is filled in place and invisible until committed; abort skips it", () => {
  using logs = pair("log-claim");
  const [writer, reader] = logs;
  const claim = writer.claim(16, 7)!;
  assert.ok(claim !== null);
  assert.equal(claim.offset % 16, 0);
  claim.view.setFloat64(claim.offset, 42000.5, true);
  claim.view.setFloat64(claim.offset + 8, 0.25, true);
  assert.throws(() => writer.claim(8, 1), InvalidArgumentError, "one claim at a time");
  assert.equal(reader.poll(() => assert.fail("uncommitted")), 0);
  claim.commit();
  assert.throws(() => claim.commit(), InvalidArgumentError, "committed twice");
  writer.claim(100, 8)!.abort();
  writer.append(encoder.encode("after"), 9);
  const seen: Array<[number, number | string]> = [];
  const count = reader.pollFragments((f: Fragment) => {
    seen.push([
      f.msgTypeId,
      f.msgTypeId === 7 ? f.view.getFloat64(f.offset, true) : decoder.decode(f.payload()),
    ]);
  });
  assert.equal(count, 2);
  assert.deepEqual(seen, [[7, 42000.5], [9, "after"]]);
  assert.equal(reader.position, writer.writerPosition);
});

test("log buffer: poll honours its limit; a zero-length message is delivered", () => {
  using logs = pair("log-limit");
  const [writer, reader] = logs;
  for (let i = 0; i < 5; i++) writer.append(new Uint8Array(i), i);
  const lengths: number[] = [];
  assert.equal(reader.poll((data) => lengths.push(data.length), 2), 2);
  assert.equal(reader.poll((data) => lengths.push(data.length), 0), 0);
  assert.equal(reader.poll((data) => lengths.push(data.length)), 3);
  assert.deepEqual(lengths, [0, 1, 2, 3, 4]);
});

test("log buffer: claim returns null while the consumer is a term behind, then resumes", () => {
  using logs = pair("log-backpressure");
  const [writer, reader] = logs;
  reader.poll(() => {});
  const message = new Uint8Array(200);
  let sent = 0;
  while (writer.tryAppend(message, sent) === Status.Ok) sent++;
  assert.equal(writer.tryAppend(message, 0), Status.BackPressure);
  assert.equal(writer.claim(200, 0), null);
  assert.ok(writer.writerPosition - reader.position <= 4096, "never more than a term ahead");
  assert.ok(sent >= 4096 / 224 - 1, `sent ${sent}`);
  assert.equal(reader.poll(() => {}, 1000), sent);
  assert.equal(writer.tryAppend(message, 1), Status.Ok);
});

test("log buffer: thousands of rotations with mixed sizes, every message intact and in order", () => {
  using logs = pair("log-rotation", 8192);
  const [writer, reader] = logs;
  const total = 60_000;
  let next = 0;
  let bad = 0;
  const onFragment = (f: Fragment) => {
    if (
      f.msgTypeId !== next % 1000 || f.length !== sizeOf(next) || !checkAt(f.bytes, f.offset, f.length, next)
    ) bad++;
    next++;
  };
  for (let seq = 0; seq < total;) {
    const length = sizeOf(seq);
    const claim = writer.claim(length, seq % 1000);
    if (claim === null) {
      reader.pollFragments(onFragment, 7);
      continue;
    }
    fillAt(claim.bytes, claim.offset, length, seq);
    claim.commit();
    seq++;
  }
  while (reader.pollFragments(onFragment, 100) > 0);
  assert.equal(bad, 0);
  assert.equal(next, total);
  assert.ok(writer.writerPosition / 8192 > 2000, `rotations: ${writer.writerPosition / 8192}`);
});

test("log buffer: bad term lengths, names, lengths and type ids are typed errors", () => {
  const name = uniqueName("log-bad");
  assert.throws(() => LogBuffer.create({ name, termLength: 5000 }), InvalidTermLengthError);
  assert.throws(() => LogBuffer.create({ name, termLength: 2048 }), InvalidTermLengthError);
  assert.throws(() => LogBuffer.create({ name, termLength: 1 << 30 }), InvalidTermLengthError);
  assert.throws(() => LogBuffer.create({ name: "no-slash" }), InvalidNameError);
  assert.throws(() => LogBuffer.open({ name: uniqueName("log-missing") }), NoSuchChannelError);
  using log = LogBuffer.create({ name, termLength: 4096 });
  assert.throws(() => LogBuffer.create({ name, termLength: 4096 }), ChannelInUseError);
  assert.throws(() => log.claim(4096, 1), MessageTooLargeError);
  assert.throws(() => log.claim(-1, 1), InvalidArgumentError);
  assert.throws(() => log.claim(1.5, 1), InvalidArgumentError);
  assert.throws(() => log.claim(8, 2 ** 31), InvalidArgumentError);
  assert.equal(log.tryAppend(new Uint8Array(5000), 1), Status.MessageTooLarge);
  const explains = (pattern: RegExp) => (error: unknown) =>
    error instanceof InvalidArgumentError && pattern.test(error.message);
  assert.throws(() => log.append("text" as unknown as Uint8Array, 1), explains(/data must be a Uint8Array/));
  assert.throws(() => log.append(new Uint8Array(8), 1.5), explains(/msgTypeId 1.5 is not a 32-bit integer/));
  using other = LogBuffer.create({ name: uniqueName("log-bad-append"), termLength: 4096 });
  const claim = other.claim(8, 1)!;
  assert.throws(() => other.append(new Uint8Array(8), 1), explains(/a claim is outstanding/));
  claim.abort();
  assert.throws(() => log.poll(() => {}, -1), InvalidArgumentError);
  log.claim(4096 - 16, 1)!.commit();
});

test("log buffer: a second writer or consumer is refused while the first lives", () => {
  using logs = pair("log-roles");
  const [writer, reader] = logs;
  writer.append(new Uint8Array(1), 1);
  reader.poll(() => {});
  using third = LogBuffer.open({ name: writer.name });
  assert.throws(() => third.append(new Uint8Array(1), 1), PublisherExistsError);
  assert.throws(() => third.poll(() => {}), SubscriberExistsError);
  assert.equal(third.peerState("writer"), "alive");
  assert.equal(third.peerPid("consumer"), process.pid);
});

test("log buffer: use after close is HandleClosed; close aborts an outstanding claim", () => {
  using logs = pair("log-closed");
  const [writer, reader] = logs;
  writer.claim(10, 1);
  using second = LogBuffer.open({ name: writer.name });
  second.close();
  second.close();
  assert.throws(() => second.append(new Uint8Array(1), 1), HandleClosedError);
  assert.equal(second.tryAppend(new Uint8Array(1), 1), Status.HandleClosed);
  assert.throws(() => second.poll(() => {}), HandleClosedError);
  assert.throws(() => second.peerState("writer"), HandleClosedError);
  writer.close();
  assert.throws(() => writer.claim(1, 1), HandleClosedError);
  assert.equal(reader.poll(() => assert.fail("the aborted claim is padding")), 0);
});

test("log buffer: a corrupted tail, frame or consumer position is CorruptChannelError", () => {
  using logs = pair("log-corrupt");
  const [writer, reader] = logs;
  writer.append(new Uint8Array(32), 1);
  using file = new ShmWords(writer.name);
  const write = (offset: number, value: number) => file.write(offset, value);
  write(256, 1 << 20); // tail offset of partition 0 past the term
  assert.throws(() => reader.poll(() => {}), CorruptChannelError);
  write(260, 77); // a term id that is neither this term nor three before
  assert.throws(() => reader.poll(() => {}), CorruptChannelError);
  write(260, 0);
  write(256, 48);
  write(4096, 5000); // frame length past the tail
  assert.throws(() => reader.poll(() => {}), CorruptChannelError);
  write(4096, 48);
  assert.equal(reader.poll(() => {}), 1);
  write(384, 12345 * 16); // the consumer position, written by a stranger
  assert.throws(() => reader.poll(() => {}), CorruptChannelError);
  assert.throws(() => {
    while (writer.claim(100, 1)?.commit() !== undefined || true);
  }, CorruptChannelError);
});

test("log buffer: opening another kind of structure is WrongStructure", () => {
  const name = uniqueName("log-wrong");
  using _transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  assert.throws(() => LogBuffer.open({ name }), WrongStructureError);
});

test("log buffer: pollFragments allocates nothing per message", () => {
  using logs = pair("log-heap", 1 << 16);
  const [writer, reader] = logs;
  const message = new Uint8Array(64);
  let seen = 0;
  const onFragment = (f: Fragment) => (seen += f.length);
  const round = () => {
    for (let i = 0; i < 200; i++) {
      const claim = writer.claim(64, 1)!;
      claim.bytes.set(message, claim.offset);
      claim.commit();
    }
    reader.pollFragments(onFragment, 1000);
  };
  const perMessage = heapGrowthPerMessage(round, 200);
  assert.ok(seen > 0);
  assert.ok(perMessage < 8, `heap grew ${perMessage.toFixed(2)} bytes per message`);
});

test("log buffer: counters show messages, bytes, back-pressure and positions of both sides", () => {
  using logs = pair("log-counters");
  const [writer, reader] = logs;
  assert.equal(writer.counterId(CounterType.LogWrittenMessages), undefined, "no writer role yet");
  reader.poll(() => {});
  for (let i = 0; i < 10; i++) writer.append(new Uint8Array(100), 1);
  const claim = writer.claim(7, 2)!;
  claim.commit();
  writer.claim(50, 3)!.abort(); // an aborted claim counts nothing
  while (writer.tryAppend(new Uint8Array(1000), 4) === Status.Ok);
  assert.equal(reader.poll(() => {}, 11), 11);
  const file = CountersFile.processDefault();
  const value = (log: LogBuffer, type: number) => file.counter(log.counterId(type)!).get();
  const written = value(writer, CounterType.LogWrittenMessages);
  assert.ok(written >= 12, `written ${written}`);
  assert.equal(value(writer, CounterType.LogWrittenBytes), 10 * 100 + 7 + (written - 11) * 1000);
  assert.ok(value(writer, CounterType.LogBackPressureEvents) >= 1);
  assert.equal(value(writer, CounterType.LogWriterPosition), writer.writerPosition);
  assert.equal(value(reader, CounterType.LogReadMessages), 11);
  assert.equal(value(reader, CounterType.LogReadBytes), 10 * 100 + 7);
  assert.equal(value(reader, CounterType.LogConsumerPosition), reader.position);
});

test("log buffer: a garbage term length in the shared header is CorruptChannel at open, not a wild mapping", () => {
  const name = uniqueName("log-bad-header");
  using _log = LogBuffer.create({ name, termLength: 4096 });
  using file = new ShmWords(name);
  for (const termLength of [5000, 8192, 0, -4096]) {
    file.write(128, termLength);
    assert.throws(() => LogBuffer.open({ name }), CorruptChannelError, `term length ${termLength}`);
  }
});

test("log buffer: a handler that closes its log buffer ends the poll safely", () => {
  using logs = pair("log-close-in-handler");
  const [writer, reader] = logs;
  for (let i = 0; i < 5; i++) writer.append(new Uint8Array(8), i);
  const seen: number[] = [];
  assert.equal(reader.poll((_, type) => (seen.push(type), reader.close())), 1);
  assert.deepEqual(seen, [0]);
  assert.throws(() => reader.poll(() => {}), HandleClosedError);
});
