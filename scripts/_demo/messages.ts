/**
 * The demo's wire format: message type ids and the byte layout of every message, the same
 * tables as native/tools/demo_ticker.zig. Little-endian and packed (fields at any byte
 * offset). Readers and writers work in place on a DataView, allocating nothing per message.
 *
 * 64-bit fields travel as two 32-bit halves read into a Number: exact below 2^53, which
 * holds for prices and volumes in 1e-8 units up to 90 million and for CLOCK_MONOTONIC
 * nanoseconds during 104 days of uptime. Only the sign of `price` needs an i64.
 * @module
 */

/**
 * msgTypeId of each message kind. hello and end are control messages: the feed's hello
 * travels round the ring and back, and each process ends its outbound channel with an end.
 */
export const MsgType = { hello: 1, end: 2, tick: 10, order: 11, ack: 12 } as const;

/**
 * TickMessage, 32 bytes, one quote (published by the feed):
 * | offset | size | field        | type | meaning                                |
 * |-------:|-----:|--------------|------|----------------------------------------|
 * |      0 |    8 | timestamp_ns | u64  | CLOCK_MONOTONIC when published         |
 * |      8 |    4 | symbol_id    | u32  | index into `scene.symbols`             |
 * |     12 |    8 | price        | i64  | fixed point, 1e-8 USD                  |
 * |     20 |    8 | volume       | u64  | fixed point, 1e-8 units of the symbol  |
 * |     28 |    1 | side         | u8   | bid = 0, ask = 1                       |
 * |     29 |    3 | padding      |      | zero                                   |
 */
export const Tick = { length: 32, timestampNs: 0, symbolId: 8, price: 12, volume: 20, side: 28 } as const;

/**
 * OrderMessage, 48 bytes (published by the strategy):
 * | offset | size | field        | type | meaning                                         |
 * |-------:|-----:|--------------|------|-------------------------------------------------|
 * |      0 |    8 | timestamp_ns | u64  | the originating tick's timestamp_ns             |
 * |      8 |    8 | order_id     | u64  | 1, 2, 3, ... in the order sent                  |
 * |     16 |    4 | symbol_id    | u32  |                                                 |
 * |     20 |    8 | price        | i64  | limit price, 1e-8 USD                           |
 * |     28 |    8 | quantity     | u64  | 1e-8 units of the symbol                        |
 * |     36 |    1 | side         | u8   | buy = 0, sell = 1                               |
 * |     37 |    1 | order_type   | u8   | limit = 0, market = 1, cancel = 2               |
 * |     38 |    2 | padding      |      | zero                                            |
 */
export const Order = {
  length: 48,
  timestampNs: 0,
  orderId: 8,
  symbolId: 16,
  price: 20,
  quantity: 28,
  side: 36,
  orderType: 37,
} as const;

/**
 * AckMessage, 40 bytes, the risk gateway's answer to one order, carrying its timeline so
 * that the feed can split the tick-to-ack latency into stages:
 * | offset | size | field             | type | meaning                                    |
 * |-------:|-----:|-------------------|------|--------------------------------------------|
 * |      0 |    8 | tick_timestamp_ns | u64  | the order's timestamp_ns                   |
 * |      8 |    8 | order_id          | u64  |                                            |
 * |     16 |    8 | received_ns       | u64  | when the risk gateway read the order       |
 * |     24 |    8 | ack_ns            | u64  | when the risk gateway published this ack   |
 * |     32 |    4 | symbol_id         | u32  |                                            |
 * |     36 |    1 | verdict           | u8   | accepted = 0, rejected = 1                 |
 * |     37 |    1 | reason            | u8   | none = 0, position limit = 1, notional = 2 |
 * |     38 |    2 | padding           |      | zero                                       |
 */
export const Ack = {
  length: 40,
  tickTimestampNs: 0,
  orderId: 8,
  receivedNs: 16,
  ackNs: 24,
  symbolId: 32,
  verdict: 36,
  reason: 37,
} as const;

/** HelloMessage, 8 bytes: timestamp_ns u64 @0, when the feed sent it. Forwarded as is. */
export const Hello = { length: 8, timestampNs: 0 } as const;

/**
 * EndMessage, 16 bytes, the last message on a channel: timestamp_ns u64 @0; count u64 @8,
 * how many ticks, orders or acks its sender published on that channel before it.
 */
export const End = { length: 16, timestampNs: 0, count: 8 } as const;

export const QuoteSide = { bid: 0, ask: 1 } as const;
export const OrderSide = { buy: 0, sell: 1 } as const;
export const OrderType = { limit: 0, market: 1, cancel: 2 } as const;
export const Verdict = { accepted: 0, rejected: 1 } as const;
export const Reason = { none: 0, positionLimit: 1, notionalLimit: 2 } as const;

/** 1 USD, or one unit of a symbol, in the fixed-point fields. */
export const fixedOne = 1e8;

const twoTo32 = 2 ** 32;

/** Reads a u64 that is below 2^53. */
export function getU64(view: DataView, offset: number): number {
  return view.getUint32(offset + 4, true) * twoTo32 + view.getUint32(offset, true);
}

/** Reads an i64 whose magnitude is below 2^53. */
export function getI64(view: DataView, offset: number): number {
  return view.getInt32(offset + 4, true) * twoTo32 + view.getUint32(offset, true);
}

/** Writes a non-negative integer below 2^53 as a u64. */
export function setU64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, value % twoTo32, true);
  view.setUint32(offset + 4, Math.floor(value / twoTo32), true);
}

/** Writes an integer of magnitude below 2^53 as an i64 (two's complement). */
export function setI64(view: DataView, offset: number, value: number): void {
  const high = Math.floor(value / twoTo32);
  view.setUint32(offset, value - high * twoTo32, true);
  view.setInt32(offset + 4, high, true);
}
