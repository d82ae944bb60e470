/**
 * The TypeScript wire codec: layouts, flyweights, checked decode, batches, 64-bit fields.
 */
import assert from "node:assert/strict";
import {
  BufferTooSmallError,
  defineMessage,
  enumOf,
  InvalidArgumentError,
  InvalidEnumValueError,
  OrderMessage,
  OrderSide,
  OrderType,
  Side,
  TickMessage,
  TruncatedError,
} from "../mod.ts";
import { test } from "./_harness.ts";
import { QuoteMessage, Venue } from "./_wire_corpus.ts";

test("TickMessage and OrderMessage have the documented offsets and lengths", () => {
  assert.equal(TickMessage.length, 32);
  assert.equal(TickMessage.typeId, 10);
  assert.deepEqual(TickMessage.fields.map((f) => [f.name, f.offset]), [
    ["timestampNs", 0],
    ["symbolId", 8],
    ["price", 12],
    ["volume", 20],
    ["side", 28],
  ]);
  assert.equal(OrderMessage.length, 48);
  assert.equal(OrderMessage.typeId, 11);
  assert.deepEqual(OrderMessage.fields.map((f) => [f.name, f.offset]), [
    ["timestampNs", 0],
    ["orderId", 8],
    ["symbolId", 16],
    ["price", 20],
    ["quantity", 28],
    ["side", 36],
    ["orderType", 37],
  ]);
});

test("a tick encodes to the documented little-endian bytes", () => {
  const bytes = new Uint8Array(32).fill(0xee);
  TickMessage.encode({
    timestampNs: 0x0002030405060708,
    symbolId: 0x0a0b0c0d,
    price: -2,
    volume: 5,
    side: Side.ask,
  }, bytes);
  assert.deepEqual(
    Array.from(bytes),
    [
      8,
      7,
      6,
      5,
      4,
      3,
      2,
      0,
      0x0d,
      0x0c,
      0x0b,
      0x0a,
      0xfe,
      255,
      255,
      255,
      255,
      255,
      255,
      255,
      5,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
    ],
  );
});

test("a flyweight reads and writes in place at any offset, without padding gaps", () => {
  const buffer = new Uint8Array(100);
  const order = OrderMessage.flyweight().wrap(buffer, 13);
  order.timestampNs = 1;
  order.orderId = 2 ** 53 - 1;
  order.symbolId = 0xffffffff;
  order.price = -(2 ** 53 - 1);
  order.quantity = 0;
  order.side = OrderSide.sell;
  order.orderType = OrderType.cancel;
  assert.equal(buffer[13 + 36], 1);
  assert.equal(buffer[13 + 37], 2);
  const copy = OrderMessage.decode(buffer, 13);
  assert.deepEqual(copy, {
    timestampNs: 1,
    orderId: 2 ** 53 - 1,
    symbolId: 0xffffffff,
    price: -(2 ** 53 - 1),
    quantity: 0,
    side: 1,
    orderType: 2,
  });
  assert.equal(order.offset, 13);
});

test("u64 and i64 extremes are exact through the BigInt accessors", () => {
  const tick = TickMessage.flyweight().wrap(new Uint8Array(32));
  tick.setBigInt("timestampNs", 2n ** 64n - 1n).setBigInt("price", -(2n ** 63n)).setBigInt(
    "volume",
    2n ** 63n,
  );
  assert.equal(tick.getBigInt("timestampNs"), 2n ** 64n - 1n);
  assert.equal(tick.getBigInt("price"), -(2n ** 63n));
  assert.equal(tick.getBigInt("volume"), 2n ** 63n);
  // The number accessors give the nearest doubles.
  assert.equal(tick.timestampNs, 2 ** 64);
  assert.equal(tick.price, -(2 ** 63));
  tick.price = -(2 ** 63);
  assert.equal(tick.getBigInt("price"), -(2n ** 63n));
  assert.throws(() => tick.getBigInt("symbolId" as never), InvalidArgumentError);
});

test("checked decode rejects short buffers and bad enum bytes with typed errors", () => {
  const bytes = new Uint8Array(48);
  assert.throws(() => TickMessage.decode(bytes.subarray(0, 31)), TruncatedError);
  assert.throws(() => OrderMessage.decode(bytes.subarray(0, 47)), TruncatedError);
  assert.throws(() => TickMessage.decode(bytes, 17), TruncatedError);
  assert.throws(() => TickMessage.decode(bytes, -1), TruncatedError);
  bytes[28] = 2;
  assert.throws(() => TickMessage.decode(bytes), InvalidEnumValueError);
  bytes[28] = 0;
  bytes[37] = 3;
  assert.throws(() => OrderMessage.decode(bytes), InvalidEnumValueError);
  assert.throws(() => TickMessage.flyweight().wrapChecked(bytes, 0, 31), TruncatedError);
  assert.throws(() => TickMessage.flyweight().wrapChecked(bytes, 40, 32), TruncatedError);
  assert.throws(
    () => TickMessage.encode({ timestampNs: 0, symbolId: 0, price: 0, volume: 0, side: 0 }, bytes, 20),
    BufferTooSmallError,
  );
  // wrap checks bounds too (but not enums).
  assert.throws(() => TickMessage.flyweight().wrap(bytes, 17), TruncatedError);
  assert.equal(OrderMessage.flyweight().wrap(bytes).orderType, 3);
});

test("a message declared in a few lines gets offsets, accessors and checks", () => {
  // The corpus's Quote (tests/_wire_corpus.ts): twelve fields of every kind, declared once.
  const Quote = QuoteMessage;
  assert.equal(Quote.length, 48);
  assert.equal(Quote.offsetOf("g"), 14);
  assert.equal(Quote.offsetOf("venue"), 43);
  const bytes = new Uint8Array(48);
  const values = {
    a: 255,
    b: -128,
    c: 65535,
    d: -32768,
    e: 4294967295,
    f: -2147483648,
    g: 2 ** 53 - 1,
    h: -(2 ** 53 - 1),
    i: 1.5,
    j: -Math.PI,
    live: true,
    venue: Venue.cme,
  };
  Quote.encode(values, bytes);
  assert.deepEqual(Quote.decode(bytes), values);
  bytes[42] = 2;
  assert.throws(() => Quote.decode(bytes), InvalidEnumValueError);
  bytes[42] = 1;
  bytes[43] = 2;
  assert.throws(() => Quote.decode(bytes), InvalidEnumValueError);
});

test("defineMessage refuses bad declarations", () => {
  assert.throws(() => defineMessage({ name: "X", typeId: 1.5, fields: { a: "u8" } }), InvalidArgumentError);
  assert.throws(() => defineMessage({ name: "X", typeId: 1, fields: {} }), InvalidArgumentError);
  assert.throws(
    () => defineMessage({ name: "X", typeId: 1, fields: { a: "u128" as "u8" } }),
    InvalidArgumentError,
  );
  assert.throws(() => defineMessage({ name: "X", typeId: 1, fields: { wrap: "u8" } }), InvalidArgumentError);
  assert.throws(
    () => defineMessage({ name: "X", typeId: 1, fields: { valueOf: "u8" } }),
    InvalidArgumentError,
  );
  assert.throws(() => defineMessage({ name: "X", typeId: 1, fields: { "a-b": "u8" } }), InvalidArgumentError);
  assert.throws(
    () => defineMessage({ name: "X", typeId: 1, fields: { a: "u64" }, length: 12 }),
    InvalidArgumentError,
  );
  assert.throws(
    () => defineMessage({ name: "X", typeId: 1, fields: { a: "u64" }, length: 4096 }),
    InvalidArgumentError,
  );
  assert.throws(
    () => defineMessage({ name: "X", typeId: 1, fields: { a: enumOf("u8", { big: 256 }) } }),
    InvalidArgumentError,
  );
});

test("batches encode back to back and decode only whole, valid runs", () => {
  const ticks = Array.from({ length: 5 }, (_, i) => ({
    timestampNs: i,
    symbolId: i * 10,
    price: 1 - i * 3,
    volume: i * 100,
    side: i % 2,
  }));
  const bytes = new Uint8Array(8 + 5 * 32);
  assert.equal(TickMessage.encodeBatch(ticks, bytes, 8), 160);
  assert.deepEqual(TickMessage.decodeBatch(bytes, 8), ticks);
  assert.deepEqual(TickMessage.decodeBatch(bytes, 8, 2), ticks.slice(0, 2));
  assert.throws(() => TickMessage.decodeBatch(bytes, 9), TruncatedError);
  assert.throws(() => TickMessage.encodeBatch(ticks, bytes, 9), BufferTooSmallError);
  const seen: number[] = [];
  TickMessage.forEach(bytes, 8, 5, (tick, i) => seen.push(tick.symbolId + i));
  assert.deepEqual(seen, [0, 11, 22, 33, 44]);
  bytes[8 + 3 * 32 + 28] = 9;
  assert.throws(() => TickMessage.forEach(bytes, 8, 5, () => seen.push(-1)), InvalidEnumValueError);
  assert.equal(seen.length, 5, "nothing is delivered from a batch with an invalid message");
});

test("set() and clear() zero the padding; plain field writes leave it alone", () => {
  const bytes = new Uint8Array(48).fill(0xff);
  const order = OrderMessage.flyweight().wrap(bytes);
  order.set({ timestampNs: 1, orderId: 2, symbolId: 3, price: 4, quantity: 5, side: 0, orderType: 1 });
  assert.deepEqual(Array.from(bytes.subarray(38)), new Array(10).fill(0));
  bytes.fill(0xff);
  order.clear();
  assert.ok(bytes.every((b) => b === 0));
});
