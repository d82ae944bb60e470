/**
 * Broadcast buffers in one process: the JavaScript transmitter and receivers over one
 * segment, lapping, and bad input (typed errors, never a crash or a hang).
 */
import assert from "node:assert/strict";
import {
  BroadcastReceiver,
  BroadcastTransmitter,
  ChannelInUseError,
  CorruptChannelError,
  CountersFile,
  CounterType,
  type Fragment,
  HandleClosedError,
  InvalidArgumentError,
  InvalidCapacityError,
  LogBuffer,
  MessageTooLargeError,
  NoSuchChannelError,
  PublisherExistsError,
  Status,
  WrongStructureError,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { heapGrowthPerMessage, ShmWords } from "./_shm_files.ts";

/** Message seq: [seq u32][checksum u32][bytes (seq + 13 i) & 0xff], 8..97 bytes. */
function messageOf(buffer: Uint8Array, seq: number): Uint8Array {
  const length = 8 + (Math.imul(seq, 2654435761) >>> 0) % 90;
  const view = new DataView(buffer.buffer);
  view.setUint32(0, seq, true);
  for (let i = 8; i < length; i++) buffer[i] = (seq + (i - 8) * 13) & 0xff;
  view.setUint32(4, checksum(buffer, 8, length), true);
  return buffer.subarray(0, length);
}

function checksum(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0x811c9dc5;
  for (let i = start; i < end; i++) sum = Math.imul(sum ^ bytes[i], 0x01000193) >>> 0;
  return sum;
}

class Checker {
  last = -1;
  count = 0;
  bad = 0;
  readonly onMessage = (f: Fragment) => {
    const seq = f.view.getUint32(f.offset, true);
    if (f.view.getUint32(f.offset + 4, true) !== checksum(f.bytes, f.offset + 8, f.offset + f.length)) {
      this.bad++;
    }
    if (f.msgTypeId !== seq % 100 || seq <= this.last) this.bad++;
    this.last = seq;
    this.count++;
  };
}

test("broadcast: the module examples run as written", () => {
  const name = uniqueName("bcast-example");
  using prices = BroadcastTransmitter.create({ name, capacity: 1 << 20 });
  prices.transmit(1, new TextEncoder().encode("BTC 42000.5"));
  using receiver = BroadcastReceiver.open({ name });
  const seen: string[] = [];
  // A receiver joins at the latest message.
  receiver.receive((f) =>
    seen.push(new TextDecoder().decode(f.bytes.subarray(f.offset, f.offset + f.length)))
  );
  assert.deepEqual(seen, ["BTC 42000.5"]);
  assert.equal(receiver.lappedCount, 0);
});

test("broadcast: receivers that keep up get every message, in order, intact", () => {
  const name = uniqueName("bcast-keepup");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using a = BroadcastReceiver.open({ name });
  using b = BroadcastReceiver.open({ name });
  const [ca, cb] = [new Checker(), new Checker()];
  const buffer = new Uint8Array(128);
  for (let seq = 0; seq < 20_000; seq++) {
    transmitter.transmit(seq % 100, messageOf(buffer, seq));
    if (seq % 3 === 2) a.receive(ca.onMessage), b.receive(cb.onMessage, 1000);
  }
  a.receive(ca.onMessage);
  b.receive(cb.onMessage);
  assert.deepEqual([ca.count, ca.bad, cb.count, cb.bad], [20_000, 0, 20_000, 0]);
  assert.equal(a.lappedCount + b.lappedCount, 0);
});

test("broadcast: a receiver a buffer behind is lapped, counts it, and gets only intact messages", () => {
  const name = uniqueName("bcast-lapped");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using fast = BroadcastReceiver.open({ name });
  using slow = BroadcastReceiver.open({ name });
  const [cf, cs] = [new Checker(), new Checker()];
  const buffer = new Uint8Array(128);
  for (let seq = 0; seq < 50_000; seq++) {
    transmitter.transmit(seq % 100, messageOf(buffer, seq));
    fast.receive(cf.onMessage);
    if (seq % 200 === 0) slow.receive(cs.onMessage, 3);
  }
  assert.deepEqual([cf.count, cf.bad, fast.lappedCount], [50_000, 0, 0]);
  assert.equal(cs.bad, 0);
  assert.ok(slow.lappedCount > 0, "the slow receiver knows it was lapped");
  assert.ok(cs.count > 0 && cs.count < 50_000);
});

test("broadcast: bad capacities, sizes, type ids and names are typed errors", () => {
  const name = uniqueName("bcast-bad");
  assert.throws(() => BroadcastTransmitter.create({ name, capacity: 1000 }), InvalidCapacityError);
  assert.throws(() => BroadcastTransmitter.create({ name, capacity: 512 }), InvalidCapacityError);
  assert.throws(() => BroadcastTransmitter.create({ name, capacity: 2 ** 31 }), InvalidCapacityError);
  assert.throws(() => BroadcastReceiver.open({ name }), NoSuchChannelError);
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  assert.throws(() => BroadcastTransmitter.create({ name, capacity: 1024 }), ChannelInUseError);
  assert.throws(() => BroadcastTransmitter.open({ name }), PublisherExistsError);
  assert.equal(transmitter.messageLengthMax, 128);
  assert.throws(() => transmitter.transmit(1, new Uint8Array(129)), MessageTooLargeError);
  assert.equal(transmitter.tryTransmit(1, new Uint8Array(129)), Status.MessageTooLarge);
  assert.throws(() => transmitter.transmit(-1, new Uint8Array(1)), InvalidArgumentError);
  assert.throws(() => transmitter.transmit(1.5, new Uint8Array(1)), InvalidArgumentError);
  // Arguments swapped (data first): the error names the data, not the type id.
  assert.throws(
    () => transmitter.transmit(new Uint8Array(1) as unknown as number, 1 as unknown as Uint8Array),
    (error: unknown) =>
      error instanceof InvalidArgumentError && /data must be a Uint8Array/.test(error.message),
  );
  transmitter.transmit(1, new Uint8Array(128));
  transmitter.transmit(2, new Uint8Array(0));
  using receiver = BroadcastReceiver.open({ name });
  assert.throws(() => receiver.receive(() => {}, -1), InvalidArgumentError);
  const lengths: number[] = [];
  assert.equal(receiver.receive((f) => lengths.push(f.length)), 1);
  assert.deepEqual(lengths, [0]);
});

test("broadcast: use after close is HandleClosed; receivers see the transmitter closed", () => {
  const name = uniqueName("bcast-closed");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using receiver = BroadcastReceiver.open({ name });
  assert.equal(receiver.transmitterState(), "alive");
  transmitter.transmit(3, new Uint8Array(4));
  transmitter.close();
  transmitter.close();
  assert.equal(receiver.transmitterState(), "closed");
  assert.equal(transmitter.tryTransmit(1, new Uint8Array(4)), Status.HandleClosed);
  assert.throws(() => transmitter.transmit(1, new Uint8Array(4)), HandleClosedError);
  const types: number[] = [];
  receiver.receive((f) => types.push(f.msgTypeId));
  assert.deepEqual(types, [3], "what was transmitted stays readable in the mapping");
  receiver.close();
  assert.throws(() => receiver.receive(() => {}), HandleClosedError);
  assert.throws(() => receiver.transmitterState(), HandleClosedError);
});

test("broadcast: a corrupted tail or record is CorruptChannelError, never a wild read", () => {
  const name = uniqueName("bcast-corrupt");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using receiver = BroadcastReceiver.open({ name });
  transmitter.transmit(1, new Uint8Array(16));
  using file = new ShmWords(name);
  const write = (offset: number, value: number) => file.write(offset, value);
  write(264, 27); // tail, not 8-aligned
  assert.throws(() => receiver.receive(() => {}), CorruptChannelError);
  write(264, 24);
  write(4096, 1 << 30); // record length past the buffer
  assert.throws(() => receiver.receive(() => {}), CorruptChannelError);
  write(4096, 4); // shorter than its header
  assert.throws(() => receiver.receive(() => {}), CorruptChannelError);
  write(4096, 24);
  write(256, -8); // garbage intent: every record looks overwritten
  write(260, -1);
  assert.equal(receiver.receive(() => assert.fail("no record is trustworthy")), 0);
  assert.ok(receiver.lappedCount > 0);
  write(264, 64); // a tail the transmitter did not write
  assert.throws(() => transmitter.transmit(1, new Uint8Array(4)), CorruptChannelError);
});

test("broadcast: opening another kind of structure is WrongStructure", () => {
  const name = uniqueName("bcast-wrong");
  using _log = LogBuffer.create({ name, termLength: 4096 });
  assert.throws(() => BroadcastReceiver.open({ name }), WrongStructureError);
  assert.throws(() => BroadcastTransmitter.open({ name }), WrongStructureError);
});

test("broadcast: receive allocates nothing per message", () => {
  const name = uniqueName("bcast-heap");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1 << 16 });
  using receiver = BroadcastReceiver.open({ name });
  const message = new Uint8Array(64);
  let bytes = 0;
  const onFragment = (f: Fragment) => (bytes += f.length);
  const round = () => {
    for (let i = 0; i < 200; i++) transmitter.transmit(1, message);
    receiver.receive(onFragment, 1000);
  };
  const perMessage = heapGrowthPerMessage(round, 200);
  assert.ok(bytes > 0 && receiver.lappedCount === 0);
  assert.ok(perMessage < 8, `heap grew ${perMessage.toFixed(2)} bytes per message`);
});

test("broadcast: counters show transmitted messages and bytes, received messages and laps", () => {
  const name = uniqueName("bcast-counters");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using receiver = BroadcastReceiver.open({ name });
  for (let i = 0; i < 5; i++) transmitter.transmit(1, new Uint8Array(10));
  assert.equal(receiver.receive(() => {}), 5);
  for (let i = 0; i < 100; i++) transmitter.transmit(1, new Uint8Array(64)); // laps the receiver
  receiver.receive(() => {});
  const file = CountersFile.processDefault();
  const value = (id: number | undefined) => file.counter(id!).get();
  assert.equal(value(transmitter.counterId(CounterType.BroadcastTransmittedMessages)), 105);
  assert.equal(value(transmitter.counterId(CounterType.BroadcastTransmittedBytes)), 5 * 10 + 100 * 64);
  assert.ok(receiver.lappedCount > 0);
  assert.equal(value(receiver.counterId(CounterType.BroadcastLapped)), receiver.lappedCount);
  assert.ok(value(receiver.counterId(CounterType.BroadcastReceivedMessages)) > 5);
});

test("broadcast: the transmitter's counters count every message as it is transmitted", () => {
  const name = uniqueName("bcast-counter-each");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1 << 16 });
  const file = CountersFile.processDefault();
  const messages = file.counter(transmitter.counterId(CounterType.BroadcastTransmittedMessages)!);
  const bytes = file.counter(transmitter.counterId(CounterType.BroadcastTransmittedBytes)!);
  for (let i = 1; i <= 300; i++) {
    transmitter.transmit(1, new Uint8Array(3));
    if (i % 37 === 0 || i === 300) assert.deepEqual([messages.get(), bytes.get()], [i, 3 * i]);
  }
});

test("broadcast: a garbage capacity in the shared header is CorruptChannel at open", () => {
  const name = uniqueName("bcast-bad-header");
  using _transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using file = new ShmWords(name);
  for (const capacity of [1000, 2048, 0, -1024]) {
    file.write(128, capacity);
    assert.throws(() => BroadcastReceiver.open({ name }), CorruptChannelError, `capacity ${capacity}`);
  }
});

test("broadcast: a handler that closes its receiver ends the receive safely", () => {
  const name = uniqueName("bcast-close-in-handler");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 1024 });
  using receiver = BroadcastReceiver.open({ name });
  for (let i = 0; i < 5; i++) transmitter.transmit(i, new Uint8Array(8));
  const seen: number[] = [];
  assert.equal(receiver.receive((f) => (seen.push(f.msgTypeId), receiver.close())), 1);
  assert.deepEqual(seen, [0], "stopped after the handler closed it");
  assert.throws(() => receiver.receive(() => {}), HandleClosedError);
});

test("broadcast: a handler that throws gets the next message on the next receive, none twice", () => {
  const name = uniqueName("bcast-throw-in-handler");
  using transmitter = BroadcastTransmitter.create({ name, capacity: 4096 });
  using receiver = BroadcastReceiver.open({ name });
  for (let i = 0; i < 10; i++) transmitter.transmit(i, new Uint8Array(8));
  const seen: number[] = [];
  const failOn = (type: number) => (f: Fragment) => {
    seen.push(f.msgTypeId);
    if (f.msgTypeId === type) throw new Error(`handler failed on ${type}`);
  };
  // The receiver copies and validates a batch of records before handing any over: the
  // records after the failing one must not be lost with the batch.
  assert.throws(() => receiver.receive(failOn(2)), /failed on 2/);
  assert.throws(() => receiver.receive(failOn(6)), /failed on 6/);
  assert.equal(receiver.receive(failOn(-1)), 3);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("broadcast: messages as large as allowed arrive whole, one batch after another", () => {
  const name = uniqueName("bcast-large");
  const capacity = 64 * 1024;
  using transmitter = BroadcastTransmitter.create({ name, capacity });
  using receiver = BroadcastReceiver.open({ name });
  const checker = new Checker();
  const buffer = new Uint8Array(capacity / 8);
  let received = 0;
  for (let seq = 0; seq < 200; seq++) {
    // Mostly the largest message, now and then a small one between them.
    const length = seq % 5 === 4 ? 16 : capacity / 8;
    const view = new DataView(buffer.buffer);
    view.setUint32(0, seq, true);
    for (let i = 8; i < length; i++) buffer[i] = (seq + i) & 0xff;
    view.setUint32(4, checksum(buffer, 8, length), true);
    transmitter.transmit(seq % 100, buffer.subarray(0, length));
    if (seq % 4 === 3) received += receiver.receive(checker.onMessage, 1000);
  }
  received += receiver.receive(checker.onMessage, 1000);
  assert.deepEqual([received, checker.count, checker.bad, receiver.lappedCount], [200, 200, 0, 0]);
});
