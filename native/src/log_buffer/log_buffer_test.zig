//! Unit tests of the log buffer (log_buffer.zig): one process, two handles on one segment.

const std = @import("std");
const layout = @import("layout.zig");
const LogBuffer = @import("log_buffer.zig").LogBuffer;
const testing = std.testing;

const Collector = struct {
    seen: std.ArrayListUnmanaged(u32) = .empty,
    types: std.ArrayListUnmanaged(i32) = .empty,
    failure: bool = false,

    fn onMessage(self: *Collector, payload: []const u8, msg_type_id: i32) void {
        if (payload.len < 4) {
            self.failure = true;
            return;
        }
        const seq = std.mem.readInt(u32, payload[0..4], .little);
        // Every byte after the sequence is a function of it and its index.
        for (payload[4..], 4..) |byte, i| {
            if (byte != @as(u8, @truncate(seq *% 31 +% i))) self.failure = true;
        }
        self.seen.append(testing.allocator, seq) catch {
            self.failure = true;
        };
        self.types.append(testing.allocator, msg_type_id) catch {
            self.failure = true;
        };
    }

    fn deinit(self: *Collector) void {
        self.seen.deinit(testing.allocator);
        self.types.deinit(testing.allocator);
    }
};

fn fill(payload: []u8, seq: u32) void {
    std.mem.writeInt(u32, payload[0..4], seq, .little);
    for (payload[4..], 4..) |*byte, i| byte.* = @truncate(seq *% 31 +% i);
}

fn sizeOf(seq: u32) u32 {
    return 4 + (seq *% 2654435761) % 700;
}

test "append then poll delivers messages in order with their type ids" {
    var log = try LogBuffer.create("/zigbolt-test-log-basic", .{ .term_length = 4096 });
    defer log.close();
    var reader = try LogBuffer.open("/zigbolt-test-log-basic", .{});
    defer reader.close();
    var buffer: [64]u8 = undefined;
    for (0..5) |i| {
        fill(buffer[0..20], @intCast(i));
        try log.append(buffer[0..20], @intCast(100 + i));
    }
    var collector: Collector = .{};
    defer collector.deinit();
    try testing.expectEqual(@as(u32, 3), try reader.poll(&collector, Collector.onMessage, 3));
    try testing.expectEqual(@as(u32, 2), try reader.poll(&collector, Collector.onMessage, 10));
    try testing.expectEqual(@as(u32, 0), try reader.poll(&collector, Collector.onMessage, 10));
    try testing.expect(!collector.failure);
    try testing.expectEqualSlices(u32, &.{ 0, 1, 2, 3, 4 }, collector.seen.items);
    try testing.expectEqualSlices(i32, &.{ 100, 101, 102, 103, 104 }, collector.types.items);
    try testing.expectEqual(try log.writerPosition(), reader.consumerPosition());
}

test "a claim is invisible until committed; an aborted claim is skipped" {
    var log = try LogBuffer.create("/zigbolt-test-log-claim", .{ .term_length = 4096 });
    defer log.close();
    var reader = try LogBuffer.open("/zigbolt-test-log-claim", .{});
    defer reader.close();
    var collector: Collector = .{};
    defer collector.deinit();

    const first = (try log.claim(16, 7)).?;
    fill(first.payload, 1);
    try testing.expectError(error.InvalidArgument, log.claim(16, 7)); // one claim at a time
    try testing.expectEqual(@as(u32, 0), try reader.poll(&collector, Collector.onMessage, 10));
    try log.commit(first);
    try testing.expectError(error.InvalidArgument, log.commit(first)); // not outstanding any more

    const aborted = (try log.claim(100, 8)).?;
    try log.abort(aborted);
    const third = (try log.claim(8, 9)).?;
    fill(third.payload, 3);
    try log.commit(third);
    try testing.expectEqual(@as(u32, 2), try reader.poll(&collector, Collector.onMessage, 10));
    try testing.expectEqualSlices(u32, &.{ 1, 3 }, collector.seen.items);
    try testing.expect(!collector.failure);
}

test "claim returns null while the consumer is a term behind, and resumes once it reads" {
    var log = try LogBuffer.create("/zigbolt-test-log-backpressure", .{ .term_length = 4096 });
    defer log.close();
    var reader = try LogBuffer.open("/zigbolt-test-log-backpressure", .{});
    defer reader.close();
    var collector: Collector = .{};
    defer collector.deinit();
    _ = try reader.poll(&collector, Collector.onMessage, 1); // takes the consumer role
    var buffer: [200]u8 = undefined;
    var sent: u32 = 0;
    while (true) : (sent += 1) {
        fill(&buffer, sent);
        log.append(&buffer, 1) catch |err| {
            try testing.expectEqual(error.BackPressure, err);
            break;
        };
    }
    try testing.expectEqual(@as(?@import("log_buffer.zig").Claim, null), try log.claim(200, 1));
    // One term ahead at most.
    try testing.expect(try log.writerPosition() - reader.consumerPosition() <= 4096);
    try testing.expectEqual(sent, try reader.poll(&collector, Collector.onMessage, 1000));
    fill(&buffer, sent);
    try log.append(&buffer, 1);
    try testing.expectEqual(@as(u32, 1), try reader.poll(&collector, Collector.onMessage, 1000));
    try testing.expect(!collector.failure);
}

test "thousands of rotations with mixed sizes: every message arrives once, intact" {
    var log = try LogBuffer.create("/zigbolt-test-log-rotation", .{ .term_length = 8192, .initial_term_id = -5 });
    defer log.close();
    var reader = try LogBuffer.open("/zigbolt-test-log-rotation", .{});
    defer reader.close();
    var collector: Collector = .{};
    defer collector.deinit();
    const total: u32 = 60_000;
    var seq: u32 = 0;
    while (seq < total) {
        const length = sizeOf(seq);
        if (try log.claim(length, @intCast(seq % 1000))) |claimed| {
            fill(claimed.payload, seq);
            try log.commit(claimed);
            seq += 1;
        } else {
            _ = try reader.poll(&collector, Collector.onMessage, 7);
        }
    }
    while (try reader.poll(&collector, Collector.onMessage, 100) > 0) {}
    try testing.expect(!collector.failure);
    try testing.expectEqual(@as(usize, total), collector.seen.items.len);
    for (collector.seen.items, 0..) |s, i| try testing.expectEqual(@as(u32, @intCast(i)), s);
    const rotations = log.metadata.active_term_count;
    try testing.expect(rotations > 2000);
}

test "bad term lengths, too-large messages and negative limits are typed errors" {
    try testing.expectError(error.InvalidTermLength, LogBuffer.create("/zigbolt-test-log-bad", .{ .term_length = 5000 }));
    try testing.expectError(error.InvalidTermLength, LogBuffer.create("/zigbolt-test-log-bad", .{ .term_length = 2048 }));
    var log = try LogBuffer.create("/zigbolt-test-log-bad", .{ .term_length = 4096 });
    defer log.close();
    try testing.expectError(error.MessageTooLarge, log.claim(4096, 1));
    try testing.expectError(error.MessageTooLarge, log.claim(std.math.maxInt(u32), 1));
    const fits = (try log.claim(4096 - layout.frame_header_length, 1)).?;
    try log.commit(fits);
    try testing.expectError(error.NoSuchChannel, LogBuffer.open("/zigbolt-test-log-none", .{}));
}

test "a corrupted tail, consumer position or frame is CorruptChannel, never a wild read" {
    var log = try LogBuffer.create("/zigbolt-test-log-corrupt", .{ .term_length = 4096 });
    defer log.close();
    var reader = try LogBuffer.open("/zigbolt-test-log-corrupt", .{});
    defer reader.close();
    var collector: Collector = .{};
    defer collector.deinit();
    var buffer: [32]u8 = undefined;
    fill(&buffer, 0);
    try log.append(&buffer, 1);
    const metadata = log.metadata;

    // A tail past the term end.
    const saved_tail = metadata.raw_tails[0];
    metadata.raw_tails[0] = layout.rawTail(0, 1 << 20);
    try testing.expectError(error.CorruptChannel, reader.poll(&collector, Collector.onMessage, 10));
    // A tail naming a term that is neither this one nor the one three before.
    metadata.raw_tails[0] = layout.rawTail(77, 48);
    try testing.expectError(error.CorruptChannel, reader.poll(&collector, Collector.onMessage, 10));
    metadata.raw_tails[0] = saved_tail;

    // A frame length that overruns the tail.
    const frame: *layout.FrameHeader = @ptrCast(@alignCast(log.segment.memory.ptr + layout.metadata_length));
    const saved_length = frame.frame_length;
    frame.frame_length = 5000;
    try testing.expectError(error.CorruptChannel, reader.poll(&collector, Collector.onMessage, 10));
    frame.frame_length = 3;
    try testing.expectError(error.CorruptChannel, reader.poll(&collector, Collector.onMessage, 10));
    frame.frame_length = saved_length;
    try testing.expectEqual(@as(u32, 1), try reader.poll(&collector, Collector.onMessage, 10));

    // A consumer position written by someone else.
    metadata.consumer_position = 1 << 40;
    try testing.expectError(error.CorruptChannel, reader.poll(&collector, Collector.onMessage, 10));
    // The writer checks it when it next needs room: a term's worth of appends gets there.
    const err = while (true) {
        log.append(&buffer, 1) catch |e| break e;
    };
    try testing.expectEqual(error.CorruptChannel, err);
}

test "a writer that dies between claim and commit: the consumer reports PeerDead, a new writer repairs" {
    var dead = try LogBuffer.create("/zigbolt-test-log-dead", .{ .term_length = 4096 });
    defer dead.close();
    var reader = try LogBuffer.open("/zigbolt-test-log-dead", .{});
    defer reader.close();
    var collector: Collector = .{};
    defer collector.deinit();
    var buffer: [24]u8 = undefined;
    fill(&buffer, 0);
    try dead.append(&buffer, 1);
    const stuck = (try dead.claim(24, 1)).?;
    _ = stuck;
    // The writer's process "dies": its owner word now names a pid that cannot exist.
    dead.metadata.writer.owner = 0x7fff_fff0;
    dead.holds_writer = false;
    dead.writer.claim_frame = null;

    try testing.expectEqual(@as(u32, 1), try reader.poll(&collector, Collector.onMessage, 10));
    var polls: u32 = 0;
    const err = while (polls < 10 * LogBuffer.stall_check_period) : (polls += 1) {
        _ = reader.poll(&collector, Collector.onMessage, 10) catch |e| break e;
    } else error.Timeout;
    try testing.expectEqual(error.PeerDead, err);

    var heir = try LogBuffer.open("/zigbolt-test-log-dead", .{});
    defer heir.close();
    fill(&buffer, 1);
    try heir.append(&buffer, 1);
    try testing.expectEqual(@as(u32, 1), try reader.poll(&collector, Collector.onMessage, 10));
    try testing.expectEqualSlices(u32, &.{ 0, 1 }, collector.seen.items);
}

test "a second live writer or consumer is refused" {
    var log = try LogBuffer.create("/zigbolt-test-log-roles", .{ .term_length = 4096 });
    defer log.close();
    var other = try LogBuffer.open("/zigbolt-test-log-roles", .{});
    defer other.close();
    try log.takeRole(.writer);
    try testing.expectError(error.PublisherExists, other.takeRole(.writer));
    try other.takeRole(.consumer);
    try testing.expectError(error.SubscriberExists, log.takeRole(.consumer));
    try testing.expectEqual(.alive, log.peerState(.consumer));
}
