//! The built-in wire messages (docs/codecs.md): a market-data tick and an order.
//!
//! TickMessage, 32 bytes, msg_type_id 10:
//!
//!   offset  size  field         type  meaning
//!   ------  ----  ------------  ----  -----------------------------------------
//!        0     8  timestamp_ns  u64   when the tick was taken (CLOCK_MONOTONIC)
//!        8     4  symbol_id     u32
//!       12     8  price         i64   fixed point (the application's scale, e.g. 1e-8)
//!       20     8  volume        u64   fixed point
//!       28     1  side          u8    bid = 0, ask = 1
//!       29     3  padding       zero
//!
//! OrderMessage, 48 bytes, msg_type_id 11:
//!
//!   offset  size  field         type  meaning
//!   ------  ----  ------------  ----  -----------------------------------------
//!        0     8  timestamp_ns  u64
//!        8     8  order_id      u64
//!       16     4  symbol_id     u32
//!       20     8  price         i64   fixed point
//!       28     8  quantity      u64   fixed point
//!       36     1  side          u8    buy = 0, sell = 1
//!       37     1  order_type    u8    limit = 0, market = 1, cancel = 2
//!       38    10  padding       zero (room for later fields)
//!
//! Both are little-endian; the u64 fields at 12, 20 and 28 are not 8-aligned.

const std = @import("std");
const wire = @import("wire.zig");
const assert = std.debug.assert;

pub const Side = enum(u8) { bid = 0, ask = 1 };
pub const OrderSide = enum(u8) { buy = 0, sell = 1 };
pub const OrderType = enum(u8) { limit = 0, market = 1, cancel = 2 };

pub const Tick = struct {
    timestamp_ns: u64,
    symbol_id: u32,
    price: i64,
    volume: u64,
    side: Side,
};

pub const Order = struct {
    timestamp_ns: u64,
    order_id: u64,
    symbol_id: u32,
    price: i64,
    quantity: u64,
    side: OrderSide,
    order_type: OrderType,
};

pub const TickMessage = wire.Message(Tick, .{ .name = "TickMessage", .type_id = 10 });
pub const OrderMessage = wire.Message(Order, .{
    .name = "OrderMessage",
    .type_id = 11,
    .wire_length = 48,
});

comptime {
    assert(TickMessage.wire_length == 32);
    assert(TickMessage.offsetOf(.timestamp_ns) == 0);
    assert(TickMessage.offsetOf(.symbol_id) == 8);
    assert(TickMessage.offsetOf(.price) == 12);
    assert(TickMessage.offsetOf(.volume) == 20);
    assert(TickMessage.offsetOf(.side) == 28);
    assert(OrderMessage.wire_length == 48);
    assert(OrderMessage.offsetOf(.timestamp_ns) == 0);
    assert(OrderMessage.offsetOf(.order_id) == 8);
    assert(OrderMessage.offsetOf(.symbol_id) == 16);
    assert(OrderMessage.offsetOf(.price) == 20);
    assert(OrderMessage.offsetOf(.quantity) == 28);
    assert(OrderMessage.offsetOf(.side) == 36);
    assert(OrderMessage.offsetOf(.order_type) == 37);
}

const testing = std.testing;

test "a tick encodes to the documented bytes" {
    const tick: Tick = .{
        .timestamp_ns = 0x0102030405060708,
        .symbol_id = 0x0A0B0C0D,
        .price = -2,
        .volume = std.math.maxInt(u64),
        .side = .ask,
    };
    var bytes: [32]u8 = @splat(0xEE);
    try TickMessage.encode(&tick, &bytes);
    const expected = [_]u8{ 8, 7, 6, 5, 4, 3, 2, 1, 0x0D, 0x0C, 0x0B, 0x0A } ++
        [_]u8{ 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF } ++ [_]u8{0xFF} ** 8 ++ [_]u8{ 1, 0, 0, 0 };
    try testing.expectEqualSlices(u8, &expected, &bytes);
    try testing.expectEqual(tick, try TickMessage.decode(&bytes));
    try testing.expectEqual(@as(i64, -2), TickMessage.view(&bytes).get(.price));
}

test "checked decode rejects short buffers and bad enum bytes" {
    var bytes: [48]u8 = @splat(0);
    try testing.expectError(error.Truncated, TickMessage.decode(bytes[0..31]));
    try testing.expectError(error.Truncated, OrderMessage.decode(bytes[0..47]));
    try testing.expectError(error.Truncated, TickMessage.decode(&.{}));
    bytes[28] = 2;
    try testing.expectError(error.InvalidEnumValue, TickMessage.decode(&bytes));
    bytes[28] = 1;
    _ = try TickMessage.decode(&bytes);
    bytes[36] = 0;
    bytes[37] = 3;
    try testing.expectError(error.InvalidEnumValue, OrderMessage.decode(&bytes));
    bytes[37] = 2;
    try testing.expectEqual(OrderType.cancel, (try OrderMessage.decode(&bytes)).order_type);
    try testing.expectError(error.BufferTooSmall, TickMessage.encode(&std.mem.zeroes(Tick), bytes[0..31]));
}

test "a mutable view writes fields in place" {
    var bytes: [48]u8 = @splat(0);
    const order = OrderMessage.mutable(&bytes);
    order.set(.price, std.math.minInt(i64));
    order.set(.order_type, .market);
    try testing.expectEqual(std.math.minInt(i64), std.mem.readInt(i64, bytes[20..28], .little));
    try testing.expectEqual(@as(u8, 1), bytes[37]);
    try testing.expectEqual(OrderType.market, (try OrderMessage.viewChecked(&bytes)).get(.order_type));
}

test "batches encode back to back and decode only whole, valid messages" {
    var ticks: [3]Tick = undefined;
    for (&ticks, 0..) |*tick, i| tick.* = .{
        .timestamp_ns = i,
        .symbol_id = @intCast(i * 10),
        .price = -@as(i64, @intCast(i)),
        .volume = i * 100,
        .side = if (i % 2 == 0) .bid else .ask,
    };
    var bytes: [96]u8 = undefined;
    try testing.expectEqual(96, try TickMessage.encodeBatch(&ticks, &bytes));
    var decoded: [3]Tick = undefined;
    try testing.expectEqual(3, try TickMessage.decodeBatch(&bytes, &decoded));
    try testing.expectEqualSlices(Tick, &ticks, &decoded);
    try testing.expectError(error.Truncated, TickMessage.decodeBatch(bytes[0..95], &decoded));
    try testing.expectError(error.BufferTooSmall, TickMessage.decodeBatch(&bytes, decoded[0..2]));
    try testing.expectError(error.BufferTooSmall, TickMessage.encodeBatch(&ticks, bytes[0..95]));
    bytes[64 + 28] = 9;
    try testing.expectError(error.InvalidEnumValue, TickMessage.decodeBatch(&bytes, &decoded));
}
