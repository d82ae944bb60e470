/**
 * The zero-copy publisher: frames written by JavaScript straight into the channel's mapping
 * (lib/_ipc_writer.ts), read back by the channel's subscriber, across term ends, under
 * back-pressure, across the 4 GiB boundary of the 64-bit tail, and with the role rules.
 */
import assert from "node:assert/strict";
import {
  BackPressureError,
  type Flyweight,
  InvalidArgumentError,
  IpcChannel,
  type MessageType,
  NoSuchChannelError,
  OrderMessage,
  PublisherExistsError,
  Status,
  Subscriber,
  TickMessage,
  ZeroCopyPublisher,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { sampleOrder } from "./_typed_samples.ts";
import { startPositionsAt } from "./_positions.ts";
import { bunPath, Child, root } from "./_processes.ts";
import { tickOf } from "./peers/typed_peer.ts";

function tickFields(i: number) {
  return {
    timestampNs: i * 3 + 1,
    symbolId: i & 0xffff,
    price: i % 2 ? -i : i,
    volume: i * 1000,
    side: i & 1,
  };
}

type TickFields = typeof TickMessage extends MessageType<infer F> ? F : never;

/** Claims and commits tick i; returns the status of the claim. */
function offerTick(publisher: ZeroCopyPublisher<TickFields>, i: number): number {
  const status = publisher.tryClaim();
  if (status !== Status.Ok) return status;
  const f = tickFields(i);
  const m = publisher.message;
  m.timestampNs = f.timestampNs;
  m.symbolId = f.symbolId;
  m.price = f.price;
  m.volume = f.volume;
  m.side = f.side;
  publisher.commit();
  return Status.Ok;
}

test("claimed ticks reach the subscriber in order across many term ends, with padding frames", () => {
  const name = uniqueName("zero-copy");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  using publisher = new ZeroCopyPublisher(name, TickMessage);
  const subscriber = new Subscriber(channel, TickMessage);
  // 40-byte frames do not divide 4096: every term ends in a padding frame.
  let next = 0;
  const total = 20_000;
  let sent = 0;
  while (next < total) {
    while (sent < total && offerTick(publisher, sent) === Status.Ok) sent++;
    subscriber.poll((tick) => {
      assert.deepEqual(tick.toObject(), tickFields(next));
      next++;
    }, 1000);
  }
  assert.equal(next, total);
  assert.equal(subscriber.skipped, 0);
  assert.ok(publisher.position > 3 * 4096 * 10, "the log wrapped many times");
});

test("a claim is invisible until commit, an aborted claim never appears, padding is zeroed", () => {
  const name = uniqueName("zero-copy-abort");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  using publisher = new ZeroCopyPublisher(name, OrderMessage);
  assert.equal(publisher.tryClaim(), Status.Ok);
  publisher.message.orderId = 1;
  const seen: number[] = [];
  assert.equal(channel.poll(() => seen.push(-1)), 0, "nothing before commit");
  publisher.abort();
  assert.equal(publisher.tryClaim(), Status.Ok);
  publisher.message.set(sampleOrder);
  publisher.commit();
  assert.throws(() => publisher.commit(), InvalidArgumentError);
  channel.pollFragments((f) => {
    seen.push(f.length, f.msgTypeId);
    assert.deepEqual(Array.from(f.bytes.subarray(f.offset + 38, f.offset + 48)), new Array(10).fill(0));
    assert.equal(OrderMessage.decode(f.bytes, f.offset).orderId, 2);
  });
  assert.deepEqual(seen, [48, OrderMessage.typeId]);
});

test("a full log is back-pressure; the publisher role is exclusive", () => {
  const name = uniqueName("zero-copy-bp");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  channel.poll(() => {}); // take the subscriber role, read nothing
  using publisher = new ZeroCopyPublisher(name, TickMessage);
  let sent = 0;
  while (offerTick(publisher, sent) === Status.Ok) sent++;
  assert.ok(sent >= Math.floor((2 * 4096) / 40) - 2 && sent <= Math.ceil((2 * 4096) / 40), `sent ${sent}`);
  assert.equal(publisher.tryClaim(), Status.BackPressure);
  assert.throws(() => publisher.send(tickFields(0)), BackPressureError);
  assert.throws(() => channel.publish(new Uint8Array(8), 1), PublisherExistsError);
  assert.throws(() => new ZeroCopyPublisher(name, TickMessage), PublisherExistsError);
  let read = 0;
  channel.poll(() => read++, 10_000);
  assert.equal(read, sent);
  assert.equal(offerTick(publisher, 0), Status.Ok);
});

test("the tail crosses 4 GiB: a 64-bit store, and the reader follows", () => {
  const name = uniqueName("zero-copy-4g");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  startPositionsAt(name, 2n ** 32n - 4096n * 3n);

  using publisher = new ZeroCopyPublisher(name, TickMessage);
  const subscriber = new Subscriber(channel, TickMessage);
  let next = 0;
  let sent = 0;
  while (next < 2000) {
    while (sent < 2000 && offerTick(publisher, sent) === Status.Ok) sent++;
    subscriber.poll((tick) => {
      assert.deepEqual(tick.toObject(), tickFields(next));
      next++;
    });
  }
  assert.ok(publisher.position > 2 ** 32, `position ${publisher.position}`);
  assert.equal(channel.position, publisher.position);
});

test("after close, claims fail with a status and the message no longer points into the mapping", () => {
  const name = uniqueName("zero-copy-close");
  using _channel = IpcChannel.create({ name, termLength: 4096 });
  const publisher = new ZeroCopyPublisher(name, TickMessage);
  assert.equal(publisher.tryClaim(), Status.Ok);
  publisher.close();
  publisher.message.price = 5; // a private buffer now, not unmapped memory
  assert.equal(publisher.tryClaim(), Status.HandleClosed);
  assert.equal(publisher.offerBytes(new Uint8Array(8), 1), Status.HandleClosed);
  assert.throws(() => publisher.commit(), InvalidArgumentError);
  publisher.close();
  // The role was released: another publisher may take it.
  using again = new ZeroCopyPublisher(name, TickMessage);
  assert.equal(again.tryClaim(), Status.Ok);
});

test("a zero-copy publisher on a channel nobody created is NoSuchChannel", () => {
  assert.throws(
    () => new ZeroCopyPublisher(uniqueName("zero-copy-no-such"), TickMessage),
    NoSuchChannelError,
  );
});

test("a zero-copy publisher killed with SIGKILL: every committed tick arrives whole, then PeerDead", async () => {
  const name = uniqueName("zero-copy-kill");
  using channel = IpcChannel.create({ name, termLength: 64 * 1024 });
  const subscriber = new Subscriber(channel, TickMessage);
  const publisher = new Child([
    bunPath,
    `${root}/tests/peers/typed_peer.ts`,
    "publish-claim",
    name,
    String(2 ** 31 - 1),
  ]);
  const expected = { timestampNs: 0, symbolId: 0, price: 0, volume: 0, side: 0 };
  let next = 0;
  const onTick = (tick: Flyweight<TickFields>) => {
    tickOf(next, expected);
    assert.deepEqual(tick.toObject(), expected, `tick ${next}`);
    next++;
  };
  while (next < 50_000) {
    subscriber.poll(onTick);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  publisher.kill("SIGKILL");
  assert.equal((await publisher.exited).signal, "SIGKILL");
  while (subscriber.poll(onTick, 2 ** 31 - 1) > 0);
  assert.equal(channel.peerState("publisher"), "dead");
  assert.ok(next >= 50_000);
});
