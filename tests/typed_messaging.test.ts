/**
 * Typed publishers and subscribers in one process: type filtering, skipped and invalid
 * frames, Transport factories, ownership of channels.
 */
import assert from "node:assert/strict";
import {
  BackPressureError,
  HandleClosedError,
  IpcChannel,
  OrderMessage,
  Publisher,
  RawPublisher,
  RawSubscriber,
  Side,
  Status,
  Subscriber,
  TickMessage,
  Transport,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { sampleOrder } from "./_typed_samples.ts";

test("a typed subscriber delivers its type and skips other types, short and invalid frames", () => {
  const name = uniqueName("typed");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  using reader = IpcChannel.open({ name });
  const ticks = new Publisher(channel, TickMessage);
  const subscriber = new Subscriber(reader, TickMessage);
  ticks.message.timestampNs = 1;
  ticks.message.symbolId = 2;
  ticks.message.price = -3;
  ticks.message.volume = 4;
  ticks.message.side = Side.ask;
  assert.equal(ticks.offer(), Status.Ok);
  const bytes = new Uint8Array(32);
  TickMessage.encode({ timestampNs: 9, symbolId: 9, price: 9, volume: 9, side: 0 }, bytes);
  channel.publish(bytes, OrderMessage.typeId); // another type
  channel.publish(bytes.subarray(0, 31), TickMessage.typeId); // too short
  bytes[28] = 7;
  channel.publish(bytes, TickMessage.typeId); // a bad enum byte
  ticks.send({ timestampNs: 5, symbolId: 6, price: 7, volume: 8, side: Side.bid });

  const seen: unknown[] = [];
  assert.equal(subscriber.poll((tick) => seen.push(tick.toObject())), 2);
  assert.deepEqual(seen, [
    { timestampNs: 1, symbolId: 2, price: -3, volume: 4, side: 1 },
    { timestampNs: 5, symbolId: 6, price: 7, volume: 8, side: 0 },
  ]);
  assert.equal(subscriber.skipped, 2);
  assert.equal(subscriber.invalid, 1);
  assert.equal(subscriber.poll(() => assert.fail("nothing left")), 0);
});

test("a publisher's message stays in place through back-pressure", () => {
  const name = uniqueName("typed-bp");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  using reader = IpcChannel.open({ name });
  const orders = new Publisher(channel, OrderMessage);
  const subscriber = new Subscriber(reader, OrderMessage);
  subscriber.poll(() => {});
  let sent = 0;
  for (;;) {
    orders.message.orderId = sent;
    if (orders.offer() !== Status.Ok) break;
    sent++;
  }
  assert.throws(() => orders.publish(), BackPressureError);
  const ids: number[] = [];
  while (subscriber.poll((order) => ids.push(order.orderId)) > 0);
  assert.equal(orders.offer(), Status.Ok);
  subscriber.poll((order) => ids.push(order.orderId));
  assert.deepEqual(ids, Array.from({ length: sent + 1 }, (_, i) => i));
});

test("a transport makes typed and raw endpoints by channel name, and they own their channels", () => {
  const name = uniqueName("typed-transport");
  using transport = new Transport({ termLength: 8192 });
  const publisher = transport.publisher(OrderMessage, name, { create: true });
  const subscriber = transport.subscriber(OrderMessage, name);
  publisher.send(sampleOrder);
  const got: unknown[] = [];
  assert.equal(subscriber.poll((order) => got.push(order.toObject())), 1);
  assert.deepEqual(got, [sampleOrder]);
  subscriber.close();
  assert.ok(subscriber.channel.closed);
  assert.throws(() => subscriber.poll(() => {}), HandleClosedError);
  publisher.close();

  const rawName = uniqueName("raw-transport");
  using rawPublisher = transport.rawPublisher(rawName, { create: true });
  using rawSubscriber = transport.rawSubscriber(rawName);
  rawPublisher.publish(new Uint8Array([1, 2, 3]), -5);
  const frames: Array<[number, number]> = [];
  assert.equal(rawSubscriber.poll((f) => frames.push([f.length, f.msgTypeId])), 1);
  assert.deepEqual(frames, [[3, -5]]);
});

test("endpoints built on a channel leave it open on close", () => {
  const name = uniqueName("typed-borrow");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  new Publisher(channel, TickMessage).close();
  new RawPublisher(channel).close();
  new RawSubscriber(channel).close();
  assert.equal(channel.closed, false);
});
