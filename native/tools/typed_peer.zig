//! The Zig side of the typed-messaging cross-process tests (tests/typed_cross_process.test.ts;
//! tests/peers/typed_peer.ts is the TypeScript side):
//!
//!   zigbolt-typed-peer publish <name> <count>     Publisher(TickMessage), plus noise frames
//!   zigbolt-typed-peer subscribe <name> <count>   Subscriber(TickMessage), checks every field
//!
//! The stream: tick i (0-based) has
//!   timestamp_ns = i * 1_000_003 + 17
//!   symbol_id    = (i * 2654435761) mod 2^32
//!   price        = (+1 if i even else -1) * (i * 99991 + 5)
//!   volume       = 2^53 - 1 if i % 1024 == 0 else i * 7
//!   side         = bid if i even else ask
//! After tick i, when i % 97 == 0 the publisher also sends an OrderMessage frame (another
//! type), and when i % 194 == 0 a 31-byte frame of the tick's type (too short): the
//! subscriber must skip exactly those. Prints one JSON line; a wrong field exits 1.

const std = @import("std");
const zigbolt = @import("zigbolt");
const IpcChannel = zigbolt.IpcChannel;
const TickMessage = zigbolt.TickMessage;
const OrderMessage = zigbolt.OrderMessage;
const Tick = zigbolt.messages.Tick;

const open_timeout_ns = 10 * std.time.ns_per_s;

pub fn tickOf(i: u64) Tick {
    const magnitude: i64 = @intCast(i * 99991 + 5);
    return .{
        .timestamp_ns = i * 1_000_003 + 17,
        .symbol_id = @truncate(i *% 2654435761),
        .price = if (i % 2 == 0) magnitude else -magnitude,
        .volume = if (i % 1024 == 0) (1 << 53) - 1 else i * 7,
        .side = if (i % 2 == 0) .bid else .ask,
    };
}

/// Noise frames sent after the first `count` ticks.
pub fn noiseCount(count: u64) u64 {
    if (count == 0) return 0;
    return (count - 1) / 97 + 1 + (count - 1) / 194 + 1;
}

pub fn main() !void {
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    const args = try std.process.argsAlloc(arena.allocator());
    if (args.len != 4) {
        std.debug.print("usage: zigbolt-typed-peer publish|subscribe <name> <count>\n", .{});
        std.process.exit(2);
    }
    const count = try std.fmt.parseInt(u64, args[3], 10);
    const channel = try IpcChannel.openWaiting(args[2], .{}, open_timeout_ns);
    if (std.mem.eql(u8, args[1], "publish")) {
        var publisher = zigbolt.Publisher(TickMessage).init(channel);
        defer publisher.close();
        try publish(&publisher, count);
    } else if (std.mem.eql(u8, args[1], "subscribe")) {
        var subscriber = zigbolt.Subscriber(TickMessage).init(channel);
        defer subscriber.close();
        try subscribe(&subscriber, count);
    } else return error.UnknownMode;
}

fn retry(result: anytype, back_pressure: *u64) !bool {
    result catch |err| switch (err) {
        error.BackPressure => {
            back_pressure.* += 1;
            if (back_pressure.* % 64 == 0) std.Thread.yield() catch {};
            return false;
        },
        else => return err,
    };
    return true;
}

fn publish(publisher: *zigbolt.Publisher(TickMessage), count: u64) !void {
    var back_pressure: u64 = 0;
    var order_bytes: [OrderMessage.wire_length]u8 = @splat(0);
    var short_bytes: [TickMessage.wire_length - 1]u8 = @splat(0);
    for (0..count) |i| {
        const tick = tickOf(i);
        while (!try retry(publisher.offer(&tick), &back_pressure)) {}
        if (i % 97 == 0) {
            while (!try retry(publisher.channel.publish(&order_bytes, OrderMessage.type_id), &back_pressure)) {}
        }
        if (i % 194 == 0) {
            while (!try retry(publisher.channel.publish(&short_bytes, TickMessage.type_id), &back_pressure)) {}
        }
    }
    try printJson("{{\"role\":\"publisher\",\"published\":{d},\"noise\":{d},\"backPressure\":{d}}}\n", .{
        count,
        noiseCount(count),
        back_pressure,
    });
}

const Checker = struct {
    next: u64 = 0,
    failure: ?[]const u8 = null,

    fn onTick(self: *Checker, view: TickMessage.View) void {
        if (self.failure != null) return;
        const expected = tickOf(self.next);
        const got = view.value();
        inline for (@typeInfo(Tick).@"struct".fields) |field| {
            if (@field(got, field.name) != @field(expected, field.name)) {
                self.failure = field.name;
                return;
            }
        }
        self.next += 1;
    }
};

fn subscribe(subscriber: *zigbolt.Subscriber(TickMessage), count: u64) !void {
    var checker: Checker = .{};
    var empty_polls: u64 = 0;
    while (checker.next < count) {
        const received = try subscriber.poll(&checker, Checker.onTick, 256);
        if (checker.failure) |field| {
            std.debug.print("zigbolt-typed-peer: tick {d}: field {s} differs\n", .{ checker.next, field });
            std.process.exit(1);
        }
        if (received > 0) {
            empty_polls = 0;
            continue;
        }
        empty_polls += 1;
        if (empty_polls % 64 == 0) std.Thread.yield() catch {};
        if (empty_polls % 4096 == 0 and publisherGone(subscriber)) {
            // Whatever it committed is readable now: one last poll, then give up.
            _ = try subscriber.poll(&checker, Checker.onTick, std.math.maxInt(u32));
            if (checker.next < count) {
                std.debug.print("zigbolt-typed-peer: the publisher left at tick {d}\n", .{checker.next});
                std.process.exit(1);
            }
        }
    }
    // The noise after the last tick may still be in flight: drain it until the publisher is
    // gone (it closes once everything is published).
    while (subscriber.skipped < noiseCount(count)) {
        const gone = publisherGone(subscriber);
        _ = try subscriber.poll(&checker, Checker.onTick, std.math.maxInt(u32));
        if (gone) break;
        std.Thread.yield() catch {};
    }
    if (checker.next != count) {
        std.debug.print("zigbolt-typed-peer: {d} ticks, not {d}\n", .{ checker.next, count });
        std.process.exit(1);
    }
    try printJson("{{\"role\":\"subscriber\",\"received\":{d},\"skipped\":{d},\"invalid\":{d}}}\n", .{
        checker.next,
        subscriber.skipped,
        subscriber.invalid,
    });
}

fn publisherGone(subscriber: *zigbolt.Subscriber(TickMessage)) bool {
    return switch (subscriber.channel.peerState(.publisher)) {
        .dead, .closed => true,
        .none, .alive => false,
    };
}

fn printJson(comptime format: []const u8, args: anytype) !void {
    var buffer: [512]u8 = undefined;
    var writer = std.fs.File.stdout().writerStreaming(&buffer);
    try writer.interface.print(format, args);
    try writer.interface.flush();
}
