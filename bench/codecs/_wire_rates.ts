/**
 * Encode and decode rates of the TypeScript wire codec and Aeron flyweights, beside what a
 * bot would otherwise use for the same content (JSON.stringify / JSON.parse through UTF-8
 * bytes, and msgpackr's pack / unpack), under the runtime that runs it:
 *
 *   bun bench/codecs/_wire_rates.ts [--quick]
 *   deno run -A bench/codecs/_wire_rates.ts [--quick]
 *
 * Prints one CodecRow JSON line per cell (bench/codecs/_rows.ts), the median of the runs.
 * How it keeps the JIT honest:
 * - encodes write into a ring of 1024 slots of one buffer and a checksum of the ring is
 *   taken after the run; decodes read every field of a pre-encoded ring and sum them into a
 *   result that is checked after the run: nothing computed is dead;
 * - every cell has its own loop function, warmed up before timing;
 * - heapBytesPerOp (Deno): bytes V8 allocated per operation (node:v8's total_allocated_bytes, a
 *   counter that garbage collection does not lower), measured after the timed runs, at the
 *   loop's final JIT tier: the least of 5 rounds of 100,000 operations. An empty loop reads
 *   0-4 bytes per operation on this counter (the runtime's own background allocations); one
 *   allocation per operation reads at least 16 (a boxed double). Bun: JavaScriptCore exposes
 *   no allocation counter (its heapUsed and heap statistics change only at a collection), so
 *   Bun rows carry no heapBytesPerOp rather than a number that means nothing.
 * @module
 */
import v8 from "node:v8";
import { pack, unpack } from "msgpackr";
import {
  DataFlags,
  DataHeaderFlyweight,
  FrameType,
  IpcChannel,
  OrderMessage,
  Publisher,
  Status,
  Subscriber,
  TickMessage,
  ZeroCopyPublisher,
} from "../../mod.ts";
import type { Flyweight, MessageType } from "../../mod.ts";
import type { CodecRow } from "./_rows.ts";

const quick = process.argv.includes("--quick");
const runtime: "bun" | "deno" = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
const ringCount = 1024;
const heapOps = 100_000;

interface Config {
  runs: number;
  /** Operations per run for the fast codecs and for JSON / msgpackr. */
  fastOps: number;
  slowOps: number;
}
const config: Config = quick
  ? { runs: 3, fastOps: 2_000_000, slowOps: 200_000 }
  : { runs: 7, fastOps: 20_000_000, slowOps: 2_000_000 };

let sink = 0;
/**
 * Decode loops add what they read into this array, not into a local: V8 boxes a local double
 * accumulator in some tiers (a 16-byte allocation per iteration that belongs to the harness,
 * not to the codec); a Float64Array element is never boxed.
 */
const acc = new Float64Array(1);

/** Bytes the engine has allocated since it started (a counter that GC does not lower). */
function allocatedBytes(): number {
  return v8.getHeapStatistics().total_allocated_bytes;
}

/**
 * Bytes allocated per operation by `body` at its final JIT tier: the least of 5 rounds of
 * `heapOps` operations (the statistics call itself allocates a little, once per round).
 */
function allocationPerOp(body: (ops: number) => number): number {
  let least = Infinity;
  for (let round = 0; round < 5; round++) {
    const before = allocatedBytes();
    sink += body(heapOps);
    least = Math.min(least, allocatedBytes() - before);
  }
  return Math.max(0, least) / heapOps;
}

/** Times `body(ops)` `config.runs` times after a warm-up; measures heap growth per op. */
function measure(
  codec: string,
  message: string,
  operation: string,
  encodedBytes: number,
  ops: number,
  body: (ops: number) => number,
): CodecRow {
  sink += body(Math.min(ops, 200_000));
  sink += body(Math.min(ops, 200_000));
  const runs: number[] = [];
  for (let r = 0; r < config.runs; r++) {
    const start = performance.now();
    sink += body(ops);
    const elapsedMs = performance.now() - start;
    runs.push(Math.round(ops / (elapsedMs / 1000)));
  }
  // After the timed runs the loop is at its final tier: measure what it allocates there.
  const heapBytesPerOp = runtime === "deno" ? allocationPerOp(body) : undefined;
  const perSecond = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const row: CodecRow = { codec, message, operation, runtime, perSecond, runs, encodedBytes };
  return heapBytesPerOp === undefined ? row : { ...row, heapBytesPerOp };
}

// ---- the content: the same ticks and orders for every codec ----

interface TickObject {
  timestampNs: number;
  symbolId: number;
  price: number;
  volume: number;
  side: number;
}
interface OrderObject {
  timestampNs: number;
  orderId: number;
  symbolId: number;
  price: number;
  quantity: number;
  side: number;
  orderType: number;
}

/** Tick i (nanosecond timestamps of 2023, prices in 1e-8 units: all within 2^53). */
function fillTick(i: number, t: TickObject): TickObject {
  t.timestampNs = 1_700_000_000_000_000 + i;
  t.symbolId = i & 255;
  t.price = 4_200_050_000_000 + (i & 0xffff);
  t.volume = 100_000_000 + i;
  t.side = i & 1;
  return t;
}

function fillOrder(i: number, o: OrderObject): OrderObject {
  o.timestampNs = 1_700_000_000_000_000 + i;
  o.orderId = i;
  o.symbolId = i & 255;
  o.price = 4_200_050_000_000 + (i & 0xffff);
  o.quantity = 100_000_000 + i;
  o.side = i & 1;
  o.orderType = 0;
  return o;
}

const newTick = (): TickObject => ({ timestampNs: 0, symbolId: 0, price: 0, volume: 0, side: 0 });
const newOrder = (): OrderObject => ({
  timestampNs: 0,
  orderId: 0,
  symbolId: 0,
  price: 0,
  quantity: 0,
  side: 0,
  orderType: 0,
});

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 7) sum = (sum + bytes[i]) | 0;
  return sum;
}

// ---- wire codec ----

const tickRing = new Uint8Array(ringCount * TickMessage.length);
const orderRing = new Uint8Array(ringCount * OrderMessage.length);
const tickFlyweight = TickMessage.flyweight();
const orderFlyweight = OrderMessage.flyweight();

function wireTickEncode(ops: number): number {
  const t = tickFlyweight;
  for (let i = 0; i < ops; i++) {
    t.wrap(tickRing, (i & (ringCount - 1)) * 32);
    t.timestampNs = 1_700_000_000_000_000 + i;
    t.symbolId = i & 255;
    t.price = 4_200_050_000_000 + (i & 0xffff);
    t.volume = 100_000_000 + i;
    t.side = i & 1;
  }
  return checksum(tickRing);
}

function wireTickDecode(ops: number): number {
  const t = tickFlyweight;
  acc[0] = 0;
  for (let i = 0; i < ops; i++) {
    t.wrap(tickRing, (i & (ringCount - 1)) * 32);
    acc[0] += t.timestampNs - t.price + t.volume + t.symbolId + t.side;
  }
  return acc[0];
}

function wireTickCheckedDecode(ops: number): number {
  const t = tickFlyweight;
  acc[0] = 0;
  for (let i = 0; i < ops; i++) {
    t.wrapChecked(tickRing, (i & (ringCount - 1)) * 32);
    acc[0] += t.timestampNs - t.price + t.volume + t.symbolId + t.side;
  }
  return acc[0];
}

function wireTickBatchEncode(values: TickObject[]) {
  return (ops: number): number => {
    for (let done = 0; done < ops; done += ringCount) {
      values[done & (ringCount - 1)].volume = 100_000_000 + done;
      TickMessage.encodeBatch(values, tickRing, 0);
    }
    return checksum(tickRing);
  };
}

function wireTickBatchDecode(ops: number): number {
  acc[0] = 0;
  for (let done = 0; done < ops; done += ringCount) TickMessage.forEach(tickRing, 0, ringCount, batchReader);
  return acc[0];
}

const batchReader = (t: typeof tickFlyweight) => {
  acc[0] += t.timestampNs - t.price + t.volume + t.symbolId + t.side;
};

function wireOrderCheckedDecode(ops: number): number {
  const o = orderFlyweight;
  acc[0] = 0;
  for (let i = 0; i < ops; i++) {
    o.wrapChecked(orderRing, (i & (ringCount - 1)) * 48);
    acc[0] += o.timestampNs + o.orderId + o.symbolId - o.price + o.quantity + o.side + o.orderType;
  }
  return acc[0];
}

function wireOrderEncode(ops: number): number {
  const o = orderFlyweight;
  for (let i = 0; i < ops; i++) {
    o.wrap(orderRing, (i & (ringCount - 1)) * 48);
    o.timestampNs = 1_700_000_000_000_000 + i;
    o.orderId = i;
    o.symbolId = i & 255;
    o.price = 4_200_050_000_000 + (i & 0xffff);
    o.quantity = 100_000_000 + i;
    o.side = i & 1;
    o.orderType = 0;
  }
  return checksum(orderRing);
}

function wireOrderDecode(ops: number): number {
  const o = orderFlyweight;
  acc[0] = 0;
  for (let i = 0; i < ops; i++) {
    o.wrap(orderRing, (i & (ringCount - 1)) * 48);
    acc[0] += o.timestampNs + o.orderId + o.symbolId - o.price + o.quantity + o.side + o.orderType;
  }
  return acc[0];
}

// ---- Aeron DATA header ----

const frameRing = new Uint8Array(ringCount * 32);
const frame = new DataHeaderFlyweight();

function aeronEncode(ops: number): number {
  const f = frame;
  for (let i = 0; i < ops; i++) {
    f.wrap(frameRing, (i & (ringCount - 1)) * 32);
    f.frameLength = 32;
    f.version = 0;
    f.flags = DataFlags.beginAndEnd;
    f.frameType = FrameType.data;
    f.termOffset = i & 0xffff;
    f.sessionId = 7;
    f.streamId = 1001;
    f.termId = i >> 16;
    f.reservedValue = i;
  }
  return checksum(frameRing);
}

function aeronCheckedDecode(ops: number): number {
  const f = frame;
  acc[0] = 0;
  for (let i = 0; i < ops; i++) {
    f.wrapChecked(frameRing, (i & (ringCount - 1)) * 32, 32);
    acc[0] += f.frameLength + f.flags + f.termOffset + f.sessionId + f.streamId + f.termId + f.reservedValue;
  }
  return acc[0];
}

function aeronDecode(ops: number): number {
  const f = frame;
  acc[0] = 0;
  for (let i = 0; i < ops; i++) {
    f.wrap(frameRing, (i & (ringCount - 1)) * 32);
    acc[0] += f.frameLength + f.flags + f.termOffset + f.sessionId + f.streamId + f.termId + f.reservedValue;
  }
  return acc[0];
}

// ---- JSON and msgpackr over the same content ----

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const textBuffer = new Uint8Array(ringCount * 256);

function jsonEncode(fill: (i: number, value: never) => unknown, value: object) {
  return (ops: number): number => {
    let bytes = 0;
    for (let i = 0; i < ops; i++) {
      fill(i, value as never);
      const text = JSON.stringify(value);
      bytes += encoder.encodeInto(text, textBuffer.subarray((i & (ringCount - 1)) * 256)).written;
    }
    return bytes;
  };
}

function jsonDecode(ring: Uint8Array[], read: (value: never) => number) {
  return (ops: number): number => {
    acc[0] = 0;
    for (let i = 0; i < ops; i++) {
      acc[0] += read(JSON.parse(decoder.decode(ring[i & (ringCount - 1)])) as never);
    }
    return acc[0];
  };
}

function msgpackEncode(fill: (i: number, value: never) => unknown, value: object) {
  return (ops: number): number => {
    let bytes = 0;
    for (let i = 0; i < ops; i++) {
      fill(i, value as never);
      bytes += pack(value).length;
    }
    return bytes;
  };
}

function msgpackDecode(ring: Uint8Array[], read: (value: never) => number) {
  return (ops: number): number => {
    acc[0] = 0;
    for (let i = 0; i < ops; i++) acc[0] += read(unpack(ring[i & (ringCount - 1)]) as never);
    return acc[0];
  };
}

const readTick = (t: TickObject) => t.timestampNs - t.price + t.volume + t.symbolId + t.side;
const readOrder = (o: OrderObject) =>
  o.timestampNs + o.orderId + o.symbolId - o.price + o.quantity + o.side + o.orderType;

// ---- typed messaging in one thread: publish a batch, poll it back ----

const batchSize = 256;

function typedLoop(
  offer: (i: number) => void,
  subscriber: Subscriber<TickFieldsOf>,
): (ops: number) => number {
  let delivered = 0;
  const onTick = (t: TickFlyweight) => {
    acc[0] += t.timestampNs - t.price + t.volume + t.symbolId + t.side;
    delivered++;
  };
  return (ops: number): number => {
    acc[0] = 0;
    delivered = 0;
    for (let i = 0; i < ops; i += batchSize) {
      for (let j = 0; j < batchSize; j++) offer(i + j);
      subscriber.poll(onTick, batchSize);
    }
    const expected = Math.ceil(ops / batchSize) * batchSize;
    if (delivered !== expected) throw new Error(`typed loop: ${delivered} of ${expected} ticks delivered`);
    return acc[0];
  };
}

type TickFieldsOf = typeof TickMessage extends MessageType<infer F> ? F : never;
type TickFlyweight = Flyweight<TickFieldsOf>;

/** Publisher (encode into its buffer, one FFI publish) and subscriber on one channel. */
function typedCopy(channel: IpcChannel, reader: IpcChannel): (ops: number) => number {
  const publisher = new Publisher(channel, TickMessage);
  const m = publisher.message;
  return typedLoop((i) => {
    m.timestampNs = 1_700_000_000_000_000 + i;
    m.symbolId = i & 255;
    m.price = 4_200_050_000_000 + (i & 0xffff);
    m.volume = 100_000_000 + i;
    m.side = i & 1;
    if (publisher.offer() !== Status.Ok) throw new Error("typed publish: back-pressure within one term");
  }, new Subscriber(reader, TickMessage));
}

/** ZeroCopyPublisher (claim, write in the mapping, commit) and subscriber on one channel. */
function typedZeroCopy(
  name: string,
  reader: IpcChannel,
): [(ops: number) => number, ZeroCopyPublisher<TickFieldsOf>] {
  const publisher = new ZeroCopyPublisher(name, TickMessage);
  const m = publisher.message;
  const body = typedLoop((i) => {
    if (publisher.tryClaim() !== Status.Ok) {
      throw new Error("zero-copy publish: back-pressure within one term");
    }
    m.timestampNs = 1_700_000_000_000_000 + i;
    m.symbolId = i & 255;
    m.price = 4_200_050_000_000 + (i & 0xffff);
    m.volume = 100_000_000 + i;
    m.side = i & 1;
    publisher.commit();
  }, new Subscriber(reader, TickMessage));
  return [body, publisher];
}

/** Every decode must see exactly what was encoded: a wrong sum fails the run. */
function verify(label: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`${label}: decoded sum ${got}, expected ${expected}`);
}

function main(): void {
  // Rings of the same 1024 ticks and orders in every format.
  const tickJson: Uint8Array[] = [];
  const tickPack: Uint8Array[] = [];
  const orderJson: Uint8Array[] = [];
  const orderPack: Uint8Array[] = [];
  let tickSum = 0;
  let orderSum = 0;
  for (let i = 0; i < ringCount; i++) {
    const tick = fillTick(i, newTick());
    const order = fillOrder(i, newOrder());
    TickMessage.encode(tick, tickRing, i * 32);
    OrderMessage.encode(order, orderRing, i * 48);
    tickJson.push(encoder.encode(JSON.stringify(tick)));
    orderJson.push(encoder.encode(JSON.stringify(order)));
    tickPack.push(pack(tick));
    orderPack.push(pack(order));
    tickSum += readTick(tick);
    orderSum += readOrder(order);
  }
  // One pass over the ring gives the ring's sum; every codec must agree.
  verify("wire TickMessage", wireTickDecode(ringCount), tickSum);
  verify("wire OrderMessage", wireOrderDecode(ringCount), orderSum);
  verify("json TickMessage", jsonDecode(tickJson, readTick)(ringCount), tickSum);
  verify("msgpackr TickMessage", msgpackDecode(tickPack, readTick)(ringCount), tickSum);
  verify("json OrderMessage", jsonDecode(orderJson, readOrder)(ringCount), orderSum);
  verify("msgpackr OrderMessage", msgpackDecode(orderPack, readOrder)(ringCount), orderSum);

  const { fastOps, slowOps } = config;
  const rows: CodecRow[] = [];
  const emit = (row: CodecRow) => {
    rows.push(row);
    console.log(JSON.stringify(row));
  };
  emit(measure("wire", "TickMessage", "encode", 32, fastOps, wireTickEncode));
  emit(measure("wire", "TickMessage", "decode", 32, fastOps, wireTickDecode));
  emit(measure("wire", "TickMessage", "checked-decode", 32, fastOps, wireTickCheckedDecode));
  const batch = Array.from({ length: ringCount }, (_, i) => fillTick(i, newTick()));
  emit(measure("wire", "TickMessage", "batch-encode", 32, fastOps, wireTickBatchEncode(batch)));
  emit(measure("wire", "TickMessage", "batch-decode", 32, fastOps, wireTickBatchDecode));
  emit(measure("wire", "OrderMessage", "encode", 48, fastOps, wireOrderEncode));
  emit(measure("wire", "OrderMessage", "decode", 48, fastOps, wireOrderDecode));
  emit(measure("wire", "OrderMessage", "checked-decode", 48, fastOps, wireOrderCheckedDecode));
  aeronEncode(ringCount);
  emit(measure("aeron", "DataHeader", "encode", 32, fastOps, aeronEncode));
  emit(measure("aeron", "DataHeader", "decode", 32, fastOps, aeronDecode));
  emit(measure("aeron", "DataHeader", "checked-decode", 32, fastOps, aeronCheckedDecode));
  // Typed messaging, one thread: 256 ticks published, then polled back, per batch.
  {
    const name = `/zbt-codec-rates-${process.pid}`;
    const channel = IpcChannel.create({ name, termLength: 1 << 20, replace: true });
    const reader = IpcChannel.open({ name });
    emit(
      measure("typed", "TickMessage", "publish+poll (Publisher)", 32, slowOps, typedCopy(channel, reader)),
    );
    channel.close();
    reader.close();
    const zeroCopy = IpcChannel.create({ name, termLength: 1 << 20, replace: true });
    const zeroCopyReader = IpcChannel.open({ name });
    const [body, publisher] = typedZeroCopy(name, zeroCopyReader);
    emit(measure("typed", "TickMessage", "publish+poll (ZeroCopyPublisher)", 32, slowOps, body));
    publisher.close();
    zeroCopyReader.close();
    zeroCopy.close();
  }
  const average = (ring: Uint8Array[]) => Math.round(ring.reduce((n, b) => n + b.length, 0) / ring.length);
  emit(measure("json", "TickMessage", "encode", average(tickJson), slowOps, jsonEncode(fillTick, newTick())));
  emit(measure("json", "TickMessage", "decode", average(tickJson), slowOps, jsonDecode(tickJson, readTick)));
  emit(
    measure(
      "msgpackr",
      "TickMessage",
      "encode",
      average(tickPack),
      slowOps,
      msgpackEncode(fillTick, newTick()),
    ),
  );
  emit(
    measure(
      "msgpackr",
      "TickMessage",
      "decode",
      average(tickPack),
      slowOps,
      msgpackDecode(tickPack, readTick),
    ),
  );
  emit(
    measure("json", "OrderMessage", "encode", average(orderJson), slowOps, jsonEncode(fillOrder, newOrder())),
  );
  emit(
    measure("json", "OrderMessage", "decode", average(orderJson), slowOps, jsonDecode(orderJson, readOrder)),
  );
  emit(
    measure(
      "msgpackr",
      "OrderMessage",
      "encode",
      average(orderPack),
      slowOps,
      msgpackEncode(fillOrder, newOrder()),
    ),
  );
  emit(
    measure(
      "msgpackr",
      "OrderMessage",
      "decode",
      average(orderPack),
      slowOps,
      msgpackDecode(orderPack, readOrder),
    ),
  );
  // The sink is printed to stderr so that no result is provably unused.
  console.error(`sink ${sink % 1000}`);
}

main();
