//! Single-process tests of the IPC channel. Cross-process and cross-language tests live in
//! ../../../tests (they spawn Zig, Bun and Deno processes).

const std = @import("std");
const limits = @import("../limits.zig");
const layout = @import("layout.zig");
const shm = @import("../platform/shm.zig");
const IpcChannel = @import("channel.zig").IpcChannel;
const testing = std.testing;

const Collected = struct {
    count: u32 = 0,
    bytes: [64 * 1024]u8 = undefined,
    length: usize = 0,
    msg_type_id: i32 = 0,

    fn onMessage(self: *Collected, payload: []const u8, msg_type_id: i32) void {
        self.count += 1;
        @memcpy(self.bytes[0..payload.len], payload);
        self.length = payload.len;
        self.msg_type_id = msg_type_id;
    }

    fn last(self: *const Collected) []const u8 {
        return self.bytes[0..self.length];
    }
};

fn createFresh(name: []const u8, term_length: u32) !IpcChannel {
    return IpcChannel.create(name, .{ .term_length = term_length, .replace = true });
}

test "poll delivers a published message with its type id" {
    var channel = try createFresh("/zigbolt-test-basic", 4096);
    defer channel.close();
    try channel.publish("BTC/USDT 42000.50", 7);
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 1), try channel.poll(&collected, Collected.onMessage, 10));
    try testing.expectEqualStrings("BTC/USDT 42000.50", collected.last());
    try testing.expectEqual(@as(i32, 7), collected.msg_type_id);
    try testing.expectEqual(@as(u32, 0), try channel.poll(&collected, Collected.onMessage, 10));
}

test "poll honours its limit" {
    var channel = try createFresh("/zigbolt-test-limit", 4096);
    defer channel.close();
    for (0..5) |i| try channel.publish(&[_]u8{@intCast(i)}, 1);
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 2), try channel.poll(&collected, Collected.onMessage, 2));
    try testing.expectEqual(@as(u32, 3), try channel.poll(&collected, Collected.onMessage, 10));
    try testing.expectEqual(@as(u8, 4), collected.last()[0]);
}

test "publish refuses empty and oversized messages" {
    var channel = try createFresh("/zigbolt-test-sizes", 4096);
    defer channel.close();
    try testing.expectError(error.EmptyMessage, channel.publish("", 1));
    var big: [4096]u8 = undefined;
    @memset(&big, 1);
    try testing.expectError(error.MessageTooLarge, channel.publish(big[0 .. 4096 - 7], 1));
    try channel.publish(big[0 .. 4096 - 8], 1);
}

test "messages of every size survive many term rotations in order" {
    var channel = try createFresh("/zigbolt-test-rotation", 4096);
    defer channel.close();
    var prng = std.Random.DefaultPrng.init(42);
    const random = prng.random();
    var payload: [4000]u8 = undefined;
    var collected: Collected = .{};
    var sequence: u32 = 0;
    while (sequence < 20_000) : (sequence += 1) {
        const length = 1 + random.uintLessThan(usize, payload.len);
        for (payload[0..length], 0..) |*b, i| b.* = @truncate(sequence *% 31 +% i);
        try channel.publish(payload[0..length], @intCast(sequence));
        try testing.expectEqual(@as(u32, 1), try channel.poll(&collected, Collected.onMessage, 10));
        try testing.expectEqual(@as(i32, @intCast(sequence)), collected.msg_type_id);
        try testing.expectEqualSlices(u8, payload[0..length], collected.last());
    }
    try testing.expect(channel.tail > 100 * 4096);
}

test "a slow subscriber causes back-pressure and loses nothing" {
    var channel = try createFresh("/zigbolt-test-backpressure", 4096);
    defer channel.close();
    var published: u32 = 0;
    while (true) : (published += 1) {
        channel.publish(std.mem.asBytes(&published), 1) catch |err| {
            try testing.expectEqual(error.BackPressure, err);
            break;
        };
    }
    // 16-byte frames, two terms of room.
    try testing.expectEqual(@as(u32, 2 * 4096 / 16), published);
    const Check = struct {
        next: u32 = 0,
        fn onMessage(self: *@This(), payload: []const u8, _: i32) void {
            std.debug.assert(std.mem.readInt(u32, payload[0..4], .little) == self.next);
            self.next += 1;
        }
    };
    var check: Check = .{};
    _ = try channel.poll(&check, Check.onMessage, 1000);
    try testing.expectEqual(published, check.next);
    try channel.publish(std.mem.asBytes(&published), 1);
}

test "a zero-length frame written by another v1 publisher is delivered, not stalled on" {
    var channel = try createFresh("/zigbolt-test-zero", 4096);
    defer channel.close();
    try channel.publish("a", 1);
    // What a v1 publisher that allows empty payloads writes: frame_length 0, 8 bytes.
    const frame: *layout.FrameHeader = @ptrCast(@alignCast(channel.terms + 16));
    frame.* = .{ .frame_length = 0, .msg_type_id = 99 };
    @atomicStore(u64, &channel.header.tail_position, 24, .release);
    channel.tail = 24;
    channel.tail_limit = 24;
    try channel.publish("b", 2);
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 3), try channel.poll(&collected, Collected.onMessage, 10));
    try testing.expectEqualStrings("b", collected.last());
}

test "positions crossing 2^32 keep working" {
    var channel = try createFresh("/zigbolt-test-wrap32", 4096);
    defer channel.close();
    const start: u64 = (1 << 32) - 4096 * 3;
    channel.header.tail_position = start;
    channel.header.head_position = start;
    var payload: [1000]u8 = undefined;
    var collected: Collected = .{};
    for (0..100) |i| {
        @memset(&payload, @truncate(i));
        try channel.publish(&payload, @intCast(i));
        try testing.expectEqual(@as(u32, 1), try channel.poll(&collected, Collected.onMessage, 10));
        try testing.expectEqualSlices(u8, &payload, collected.last());
    }
    try testing.expect(channel.head > 1 << 32);
}

test "garbage in the shared tail or head is CorruptChannel, never a wild read" {
    var channel = try createFresh("/zigbolt-test-garbage", 4096);
    defer channel.close();
    try channel.publish("x", 1);
    var collected: Collected = .{};
    _ = try channel.poll(&collected, Collected.onMessage, 10);

    channel.header.tail_position = 0xDEAD_BEEF_0000_0003;
    try testing.expectError(error.CorruptChannel, channel.poll(&collected, Collected.onMessage, 10));
    // The publisher notices when it next reloads the head (at the latest two terms on).
    channel.tail_limit = channel.tail;
    try testing.expectError(error.CorruptChannel, channel.publish("y", 1));
    channel.header.tail_position = channel.tail;

    channel.header.head_position = 8;
    try testing.expectError(error.CorruptChannel, channel.poll(&collected, Collected.onMessage, 10));
    channel.header.head_position = channel.head;

    // A frame whose length points past the term.
    try channel.publish("z", 1);
    const frame: *layout.FrameHeader = @ptrCast(@alignCast(channel.terms + channel.head));
    frame.frame_length = 5000;
    try testing.expectError(error.CorruptChannel, channel.poll(&collected, Collected.onMessage, 10));
}

test "open checks magic, version, term length and size" {
    const name = "/zigbolt-test-open-checks";
    try testing.expectError(error.NoSuchChannel, IpcChannel.open("/zigbolt-test-missing", .{}));
    try testing.expectError(error.InvalidName, IpcChannel.open("bad", .{}));

    var channel = try createFresh(name, 8192);
    defer channel.close();
    try testing.expectError(error.TermLengthMismatch, IpcChannel.open(name, .{ .term_length = 4096 }));
    try testing.expectError(error.InvalidTermLength, IpcChannel.open(name, .{ .term_length = 5000 }));

    channel.header.version = 2;
    try testing.expectError(error.UnsupportedVersion, IpcChannel.open(name, .{}));
    channel.header.version = 1;
    channel.header.term_length = 12345;
    try testing.expectError(error.InvalidTermLength, IpcChannel.open(name, .{}));
    channel.header.term_length = 1 << 20;
    try testing.expectError(error.ShmTooSmall, IpcChannel.open(name, .{}));
    channel.header.term_length = 8192;
    channel.header.magic = 1;
    try testing.expectError(error.InvalidChannel, IpcChannel.open(name, .{}));
    channel.header.magic = layout.magic;
    var opened = try IpcChannel.open(name, .{});
    opened.close();
}

test "a segment shorter than a header is ShmTooSmall" {
    const name = "/zigbolt-test-tiny";
    shm.unlink(name);
    const fd = try shm.createExclusive(name);
    defer shm.close(fd);
    defer shm.unlink(name);
    try shm.resize(fd, 100);
    try testing.expectError(error.ShmTooSmall, IpcChannel.open(name, .{}));
}

test "a live channel is not replaced unless asked; close never unlinks a replacement" {
    const name = "/zigbolt-test-in-use";
    var first = try createFresh(name, 4096);
    try testing.expectError(error.ChannelInUse, IpcChannel.create(name, .{ .term_length = 4096 }));
    var second = try IpcChannel.create(name, .{ .term_length = 8192, .replace = true });
    defer second.close();
    first.close();
    var opened = try IpcChannel.open(name, .{});
    defer opened.close();
    try testing.expectEqual(@as(u32, 8192), opened.term_length);
}

test "one live publisher and one live subscriber per channel" {
    const name = "/zigbolt-test-roles";
    var channel = try createFresh(name, 4096);
    defer channel.close();
    var other = try IpcChannel.open(name, .{});
    defer other.close();
    try channel.publish("a", 1);
    try testing.expectError(error.PublisherExists, other.publish("b", 1));
    var collected: Collected = .{};
    _ = try other.poll(&collected, Collected.onMessage, 1);
    try testing.expectError(error.SubscriberExists, channel.poll(&collected, Collected.onMessage, 1));
    try testing.expectEqual(@import("channel.zig").PeerState.alive, channel.peerState(.subscriber));
    try channel.ensurePeerAlive(.publisher);
}

test "a publisher back-pressured by a dead subscriber learns PeerDead" {
    var channel = try createFresh("/zigbolt-test-dead-subscriber", 4096);
    defer channel.close();
    // A subscriber that cannot be alive: a pid above pid_max.
    channel.header.subscriber.owner = 0x7fff_fff0;
    while (true) channel.publish("0123456789", 1) catch |err| {
        try testing.expectEqual(error.BackPressure, err);
        break;
    };
    var results: [2]u32 = .{ 0, 0 };
    for (0..2 * IpcChannel.liveness_check_period) |_| {
        channel.publish("0123456789", 1) catch |err| switch (err) {
            error.BackPressure => results[0] += 1,
            error.PeerDead => results[1] += 1,
            else => return err,
        };
    }
    try testing.expectEqual(@as(u32, 2), results[1]);
}

test "openWaiting waits for a creator, and gives up with the last error" {
    // Our pid in the name: another test run on this machine must not make the channel exist.
    var buffer: [64]u8 = undefined;
    const name = try std.fmt.bufPrint(&buffer, "/zigbolt-test-open-waiting-{d}", .{std.os.linux.getpid()});
    try testing.expectError(error.NoSuchChannel, IpcChannel.openWaiting(name, .{}, 3 * std.time.ns_per_ms));
    const Creator = struct {
        fn run(channel_name: []const u8) void {
            std.Thread.sleep(20 * std.time.ns_per_ms);
            var channel = IpcChannel.create(channel_name, .{ .term_length = 4096, .replace = true }) catch return;
            std.Thread.sleep(200 * std.time.ns_per_ms);
            channel.close();
        }
    };
    const thread = try std.Thread.spawn(.{}, Creator.run, .{name});
    defer thread.join();
    var opened = try IpcChannel.openWaiting(name, .{}, std.math.maxInt(u64));
    opened.close();
    try testing.expectError(error.InvalidName, IpcChannel.openWaiting("bad", .{}, std.math.maxInt(u64)));
}

test "publisher and subscriber keep their counters in the counters file" {
    const CountersFile = @import("../counters/counters_file.zig").CountersFile;
    const counters_name = "/zigbolt-test-ipc-counters";
    try CountersFile.remove(counters_name);
    var file = try CountersFile.create(counters_name, .{ .counters_max = 16 });
    defer file.close();
    defer CountersFile.remove(counters_name) catch {};

    const name = "/zigbolt-test-ipc-counted";
    var publisher = try IpcChannel.create(name, .{ .term_length = 4096, .replace = true, .counters = .{ .file = &file } });
    defer publisher.close();
    var subscriber = try IpcChannel.open(name, .{ .counters = .{ .file = &file } });
    defer subscriber.close();
    for (0..700) |_| publisher.publish("0123456789", 1) catch |err| switch (err) {
        error.BackPressure => {},
        else => return err,
    };
    var collected: Collected = .{};
    const received = try subscriber.poll(&collected, Collected.onMessage, 1000);

    const value = struct {
        fn of(f: *const CountersFile, channel: *const IpcChannel, type_id: @import("../counters/types.zig").TypeId) i64 {
            return f.valueOf(channel.counterId(type_id).?).?;
        }
    }.of;
    const published = value(&file, &publisher, .ipc_published_messages);
    try testing.expectEqual(@as(i64, received), published);
    try testing.expectEqual(published * 10, value(&file, &publisher, .ipc_published_bytes));
    try testing.expectEqual(@as(i64, 700) - published, value(&file, &publisher, .ipc_back_pressure_events));
    try testing.expectEqual(@as(i64, @intCast(publisher.tail)), value(&file, &publisher, .ipc_publisher_position));
    try testing.expectEqual(@as(i64, received), value(&file, &subscriber, .ipc_received_messages));
    try testing.expectEqual(@as(i64, received) * 10, value(&file, &subscriber, .ipc_received_bytes));
    try testing.expectEqual(@as(i64, @intCast(subscriber.head)), value(&file, &subscriber, .ipc_subscriber_position));
    try testing.expectEqual(@as(?u32, null), publisher.counterId(.ipc_received_messages));
}
