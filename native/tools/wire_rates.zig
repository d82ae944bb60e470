//! Encode and decode rates of the Zig wire codec and Aeron flyweights (bench/codecs.ts):
//!
//!   zigbolt-wire-rates [--quick]
//!
//! Prints one CodecRow JSON line per cell (bench/codecs/_rows.ts): the median of the runs in
//! messages per second. Encodes write a ring of 1024 messages (so the work reaches memory);
//! decodes read every field of a pre-encoded ring and sum them; every result goes through
//! doNotOptimizeAway, so the compiler cannot drop the work. "decode" is the zero-copy view of
//! trusted bytes, "checked-decode" validates first (length, enum bytes; checkFrame for Aeron),
//! batch rows are per message of a 1024-message batch.

const std = @import("std");
const zigbolt = @import("zigbolt");
const TickMessage = zigbolt.TickMessage;
const OrderMessage = zigbolt.OrderMessage;
const protocol = zigbolt.aeron.protocol;

const ring_count = 1024;

const Config = struct { ops: u64, runs: usize };

fn tickOf(i: u64) zigbolt.messages.Tick {
    return .{
        .timestamp_ns = 1_700_000_000_000_000_000 + i,
        .symbol_id = @truncate(i & 255),
        .price = 4_200_050_000_000 + @as(i64, @intCast(i & 0xFFFF)),
        .volume = 100_000_000 + i,
        .side = if (i & 1 == 0) .bid else .ask,
    };
}

fn orderOf(i: u64) zigbolt.messages.Order {
    return .{
        .timestamp_ns = 1_700_000_000_000_000_000 + i,
        .order_id = i,
        .symbol_id = @truncate(i & 255),
        .price = 4_200_050_000_000 + @as(i64, @intCast(i & 0xFFFF)),
        .quantity = 100_000_000 + i,
        .side = if (i & 1 == 0) .buy else .sell,
        .order_type = .limit,
    };
}

var tick_ring: [ring_count * TickMessage.wire_length]u8 align(64) = undefined;
var order_ring: [ring_count * OrderMessage.wire_length]u8 align(64) = undefined;
var frame_ring: [ring_count * protocol.DataHeader.header_length]u8 align(64) = undefined;

fn tickEncode(ops: u64) void {
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * TickMessage.wire_length;
        TickMessage.encodeInto(&tickOf(i), tick_ring[slot..][0..TickMessage.wire_length]);
    }
    std.mem.doNotOptimizeAway(&tick_ring);
}

fn tickDecode(ops: u64) void {
    var sum: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * TickMessage.wire_length;
        const view = TickMessage.view(tick_ring[slot..][0..TickMessage.wire_length]);
        sum +%= view.get(.timestamp_ns) +% view.get(.symbol_id) +% @as(u64, @bitCast(view.get(.price))) +%
            view.get(.volume) +% @intFromEnum(view.get(.side));
    }
    std.mem.doNotOptimizeAway(sum);
}

fn tickCheckedDecode(ops: u64) void {
    var sum: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * TickMessage.wire_length;
        const tick = TickMessage.decode(tick_ring[slot..][0..TickMessage.wire_length]) catch unreachable;
        sum +%= tick.timestamp_ns +% tick.symbol_id +% @as(u64, @bitCast(tick.price)) +% tick.volume +%
            @intFromEnum(tick.side);
    }
    std.mem.doNotOptimizeAway(sum);
}

fn tickBatchDecode(ops: u64) void {
    var out: [ring_count]zigbolt.messages.Tick = undefined;
    var sum: u64 = 0;
    var done: u64 = 0;
    while (done < ops) : (done += ring_count) {
        const count = TickMessage.decodeBatch(&tick_ring, &out) catch unreachable;
        sum +%= out[done % count].volume;
        std.mem.doNotOptimizeAway(&out);
    }
    std.mem.doNotOptimizeAway(sum);
}

fn tickBatchEncode(ops: u64) void {
    var values: [ring_count]zigbolt.messages.Tick = undefined;
    for (&values, 0..) |*value, i| value.* = tickOf(i);
    var done: u64 = 0;
    while (done < ops) : (done += ring_count) {
        values[done % ring_count].volume = done;
        _ = TickMessage.encodeBatch(&values, &tick_ring) catch unreachable;
        std.mem.doNotOptimizeAway(&tick_ring);
    }
}

fn orderEncode(ops: u64) void {
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * OrderMessage.wire_length;
        OrderMessage.encodeInto(&orderOf(i), order_ring[slot..][0..OrderMessage.wire_length]);
    }
    std.mem.doNotOptimizeAway(&order_ring);
}

fn orderViewDecode(ops: u64) void {
    var sum: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * OrderMessage.wire_length;
        const view = OrderMessage.view(order_ring[slot..][0..OrderMessage.wire_length]);
        sum +%= view.get(.timestamp_ns) +% view.get(.order_id) +% view.get(.symbol_id) +%
            @as(u64, @bitCast(view.get(.price))) +% view.get(.quantity) +% @intFromEnum(view.get(.side)) +%
            @intFromEnum(view.get(.order_type));
    }
    std.mem.doNotOptimizeAway(sum);
}

fn orderDecode(ops: u64) void {
    var sum: u64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * OrderMessage.wire_length;
        const order = OrderMessage.decode(order_ring[slot..][0..OrderMessage.wire_length]) catch unreachable;
        sum +%= order.timestamp_ns +% order.order_id +% order.symbol_id +% @as(u64, @bitCast(order.price)) +%
            order.quantity +% @intFromEnum(order.side) +% @intFromEnum(order.order_type);
    }
    std.mem.doNotOptimizeAway(sum);
}

fn frameEncode(ops: u64) void {
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * protocol.DataHeader.header_length;
        const frame = protocol.init(protocol.DataHeader, frame_ring[slot..][0..protocol.DataHeader.header_length]) catch unreachable;
        frame.flags = protocol.flag_begin_and_end;
        frame.term_offset = @intCast(i & 0xFFFF);
        frame.session_id = 7;
        frame.stream_id = 1001;
        frame.term_id = @truncate(@as(i64, @intCast(i >> 16)));
        frame.reserved_value = @intCast(i);
    }
    std.mem.doNotOptimizeAway(&frame_ring);
}

fn frameViewDecode(ops: u64) void {
    var sum: i64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * protocol.DataHeader.header_length;
        const frame = protocol.wrapConst(protocol.DataHeader, frame_ring[slot..][0..protocol.DataHeader.header_length]) catch unreachable;
        sum +%= frame.frame_length +% frame.term_offset +% frame.session_id +% frame.stream_id +%
            frame.term_id +% frame.reserved_value +% frame.flags;
    }
    std.mem.doNotOptimizeAway(sum);
}

fn frameDecode(ops: u64) void {
    var sum: i64 = 0;
    var i: u64 = 0;
    while (i < ops) : (i += 1) {
        const slot = (i % ring_count) * protocol.DataHeader.header_length;
        const bytes = frame_ring[slot..][0..protocol.DataHeader.header_length];
        _ = protocol.checkFrame(bytes) catch unreachable;
        const frame = protocol.wrapConst(protocol.DataHeader, bytes) catch unreachable;
        sum +%= frame.frame_length +% frame.term_offset +% frame.session_id +% frame.stream_id +%
            frame.term_id +% frame.reserved_value +% frame.flags;
    }
    std.mem.doNotOptimizeAway(sum);
}

/// Typed messaging in one thread: 256 ticks published (Publisher), then polled back
/// (Subscriber, checked view), per batch, on a channel of this process.
var typed_publisher: zigbolt.Publisher(TickMessage) = undefined;
var typed_subscriber: zigbolt.Subscriber(TickMessage) = undefined;

const TypedSum = struct {
    sum: u64 = 0,
    count: u64 = 0,

    fn onTick(self: *TypedSum, view: TickMessage.View) void {
        self.sum +%= view.get(.timestamp_ns) +% view.get(.symbol_id) +% @as(u64, @bitCast(view.get(.price))) +%
            view.get(.volume) +% @intFromEnum(view.get(.side));
        self.count += 1;
    }
};

fn typedPublishPoll(ops: u64) void {
    var state: TypedSum = .{};
    var i: u64 = 0;
    while (i < ops) : (i += 256) {
        for (0..256) |j| typed_publisher.offer(&tickOf(i + j)) catch unreachable;
        _ = typed_subscriber.poll(&state, TypedSum.onTick, 256) catch unreachable;
    }
    if (state.count != (ops + 255) / 256 * 256) unreachable;
    std.mem.doNotOptimizeAway(state.sum);
}

const Cell = struct {
    codec: []const u8,
    message: []const u8,
    operation: []const u8,
    bytes: usize,
    body: *const fn (u64) void,
};

const cells = [_]Cell{
    .{ .codec = "wire", .message = "TickMessage", .operation = "encode", .bytes = 32, .body = tickEncode },
    .{ .codec = "wire", .message = "TickMessage", .operation = "decode", .bytes = 32, .body = tickDecode },
    .{ .codec = "wire", .message = "TickMessage", .operation = "checked-decode", .bytes = 32, .body = tickCheckedDecode },
    .{ .codec = "wire", .message = "TickMessage", .operation = "batch-encode", .bytes = 32, .body = tickBatchEncode },
    .{ .codec = "wire", .message = "TickMessage", .operation = "batch-decode", .bytes = 32, .body = tickBatchDecode },
    .{ .codec = "wire", .message = "OrderMessage", .operation = "encode", .bytes = 48, .body = orderEncode },
    .{ .codec = "wire", .message = "OrderMessage", .operation = "decode", .bytes = 48, .body = orderViewDecode },
    .{ .codec = "wire", .message = "OrderMessage", .operation = "checked-decode", .bytes = 48, .body = orderDecode },
    .{ .codec = "aeron", .message = "DataHeader", .operation = "encode", .bytes = 32, .body = frameEncode },
    .{ .codec = "aeron", .message = "DataHeader", .operation = "decode", .bytes = 32, .body = frameViewDecode },
    .{ .codec = "aeron", .message = "DataHeader", .operation = "checked-decode", .bytes = 32, .body = frameDecode },
    .{ .codec = "typed", .message = "TickMessage", .operation = "publish+poll (Publisher)", .bytes = 32, .body = typedPublishPoll },
};

pub fn main() !void {
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    const args = try std.process.argsAlloc(arena.allocator());
    const quick = args.len > 1 and std.mem.eql(u8, args[1], "--quick");
    const config: Config = if (quick) .{ .ops = 2_000_000, .runs = 3 } else .{ .ops = 50_000_000, .runs = 7 };

    var name_buffer: [64]u8 = undefined;
    const name = try std.fmt.bufPrint(&name_buffer, "/zbt-wire-rates-{d}", .{std.c.getpid()});
    typed_publisher = .init(try zigbolt.IpcChannel.create(name, .{ .term_length = 1 << 20, .replace = true }));
    defer typed_publisher.close();
    typed_subscriber = .init(try zigbolt.IpcChannel.open(name, .{}));
    defer typed_subscriber.close();

    // The decode cells read what the encode cells would write.
    tickEncode(ring_count);
    orderEncode(ring_count);
    frameEncode(ring_count);

    var buffer: [1024]u8 = undefined;
    var writer = std.fs.File.stdout().writerStreaming(&buffer);
    const out = &writer.interface;
    inline for (cells) |cell| {
        cell.body(config.ops / 10); // warm-up
        var rates: [7]f64 = undefined;
        for (rates[0..config.runs]) |*rate| {
            const start = zigbolt.clock.monotonicNs();
            cell.body(config.ops);
            const elapsed = zigbolt.clock.monotonicNs() - start;
            rate.* = @as(f64, @floatFromInt(config.ops)) * std.time.ns_per_s / @as(f64, @floatFromInt(elapsed));
        }
        const runs = rates[0..config.runs];
        var sorted = rates;
        std.mem.sort(f64, sorted[0..config.runs], {}, std.sort.asc(f64));
        try out.print(
            "{{\"codec\":\"{s}\",\"message\":\"{s}\",\"operation\":\"{s}\",\"runtime\":\"zig\",\"perSecond\":{d:.0},\"runs\":[",
            .{ cell.codec, cell.message, cell.operation, sorted[config.runs / 2] },
        );
        for (runs, 0..) |rate, i| try out.print("{s}{d:.0}", .{ if (i == 0) "" else ",", rate });
        try out.print("],\"encodedBytes\":{d}}}\n", .{cell.bytes});
        try out.flush();
    }
}
