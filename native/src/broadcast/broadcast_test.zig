//! Unit tests of the broadcast buffer (broadcast.zig): one process, several handles.

const std = @import("std");
const layout = @import("layout.zig");
const broadcast = @import("broadcast.zig");
const Transmitter = broadcast.Transmitter;
const CopyReceiver = broadcast.CopyReceiver;
const testing = std.testing;

/// Message seq: [seq u32][checksum u32][bytes f(seq, i)]; the receiver checks all of it.
fn fill(buffer: []u8, seq: u32) []u8 {
    const length = 8 + (seq *% 2654435761) % 90;
    const message = buffer[0..length];
    std.mem.writeInt(u32, message[0..4], seq, .little);
    for (message[8..], 0..) |*byte, i| byte.* = @truncate(seq +% i *% 13);
    std.mem.writeInt(u32, message[4..8], checksum(message[8..]), .little);
    return message;
}

fn checksum(bytes: []const u8) u32 {
    var sum: u32 = 0x811c9dc5;
    for (bytes) |byte| sum = (sum ^ byte) *% 0x01000193;
    return sum;
}

const Checker = struct {
    last: ?u32 = null,
    count: u32 = 0,
    failure: bool = false,

    fn onMessage(self: *Checker, msg_type_id: i32, bytes: []const u8) void {
        if (bytes.len < 8) {
            self.failure = true;
            return;
        }
        const seq = std.mem.readInt(u32, bytes[0..4], .little);
        if (std.mem.readInt(u32, bytes[4..8], .little) != checksum(bytes[8..])) self.failure = true;
        if (msg_type_id != @as(i32, @intCast(seq % 100))) self.failure = true;
        if (self.last) |last| if (seq <= last) {
            self.failure = true;
        };
        self.last = seq;
        self.count += 1;
    }
};

test "a receiver gets every message in order while it keeps up" {
    var transmitter = try Transmitter.create("/zigbolt-test-bcast-basic", .{ .capacity = 1024 });
    defer transmitter.close();
    var receiver = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-basic", .{});
    defer receiver.close();
    var buffer: [128]u8 = undefined;
    var checker: Checker = .{};
    for (0..2000) |i| {
        const seq: u32 = @intCast(i);
        try transmitter.transmit(@intCast(seq % 100), fill(&buffer, seq));
        if (i % 3 == 2) _ = try receiver.receive(&checker, Checker.onMessage, 100);
    }
    _ = try receiver.receive(&checker, Checker.onMessage, 100);
    try testing.expect(!checker.failure);
    try testing.expectEqual(@as(u32, 2000), checker.count);
    try testing.expectEqual(@as(u64, 0), receiver.lappedCount());
}

test "a receiver that falls a buffer behind is lapped, counts it, and gets only intact messages" {
    var transmitter = try Transmitter.create("/zigbolt-test-bcast-lapped", .{ .capacity = 1024 });
    defer transmitter.close();
    var fast = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-lapped", .{});
    defer fast.close();
    var slow = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-lapped", .{});
    defer slow.close();
    var buffer: [128]u8 = undefined;
    var fast_checker: Checker = .{};
    var slow_checker: Checker = .{};
    for (0..5000) |i| {
        const seq: u32 = @intCast(i);
        try transmitter.transmit(@intCast(seq % 100), fill(&buffer, seq));
        _ = try fast.receive(&fast_checker, Checker.onMessage, 100);
        if (i % 200 == 0) _ = try slow.receive(&slow_checker, Checker.onMessage, 3);
    }
    try testing.expect(!fast_checker.failure);
    try testing.expect(!slow_checker.failure);
    try testing.expectEqual(@as(u32, 5000), fast_checker.count);
    try testing.expect(slow.lappedCount() > 0);
    try testing.expect(slow_checker.count > 0 and slow_checker.count < 5000);
}

/// Hands each record of the batch `receiveBatch` just wrote to `checker`, checking the layout.
fn checkBatch(batch: []const u8, records: u32, checker: *Checker) !void {
    var offset: usize = 0;
    for (0..records) |_| {
        const length = std.mem.readInt(u32, batch[offset..][0..4], .little);
        const msg_type_id = std.mem.readInt(i32, batch[offset + 4 ..][0..4], .little);
        try testing.expect(length >= broadcast.batch_record_header_length and offset + length <= batch.len);
        checker.onMessage(msg_type_id, batch[offset + broadcast.batch_record_header_length .. offset + length]);
        offset += std.mem.alignForward(usize, length, 8);
    }
}

fn batchSizes(receiver: *CopyReceiver, batch: []align(8) u8, comptime count: usize) ![count]u32 {
    var sizes: [count]u32 = undefined;
    for (&sizes) |*size| size.* = try receiver.receiveBatch(batch, 64);
    return sizes;
}

test "receiveBatch: batches of whole, in-order copies, capped by the limit and the scratch room" {
    var transmitter = try Transmitter.create("/zigbolt-test-bcast-batch", .{ .capacity = 1 << 16 });
    defer transmitter.close();
    var receiver = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-batch", .{});
    defer receiver.close();
    var buffer: [128]u8 = undefined;
    var checker: Checker = .{};
    var batch: [broadcast.batchLengthFor(8192)]u8 align(8) = undefined;
    try testing.expectEqual(batch.len, receiver.batchLength());
    try testing.expectError(error.InvalidArgument, receiver.receiveBatch(batch[0 .. batch.len - 8], 64));
    try testing.expectEqual(@as(u32, 0), try receiver.receiveBatch(&batch, 64));
    for (0..10) |i| try transmitter.transmit(@intCast(i % 100), fill(&buffer, @intCast(i)));
    try testing.expectEqual(@as(u32, 4), try receiver.receiveBatch(&batch, 4));
    try checkBatch(&batch, 4, &checker);
    try testing.expectEqual(@as(u32, 6), try receiver.receiveBatch(&batch, 1000));
    try checkBatch(&batch, 6, &checker);
    // At most 64 records a batch: 200 small messages take 4 batches.
    var small: [128]u8 = @splat(7);
    for (0..200) |_| try transmitter.transmit(1, &small);
    try testing.expectEqualSlices(u32, &.{ 64, 64, 64, 8, 0 }, &try batchSizes(&receiver, &batch, 5));
    // The scratch holds one largest message (8 KiB here) and 8 KiB more: one such a batch.
    var largest: [8192]u8 = @splat(9);
    for (0..3) |_| try transmitter.transmit(2, &largest);
    try transmitter.transmit(3, &small);
    try testing.expectEqualSlices(u32, &.{ 1, 1, 2, 0 }, &try batchSizes(&receiver, &batch, 4));
    try testing.expect(!checker.failure);
    try testing.expectEqual(@as(u32, 10), checker.count);
    try testing.expectEqual(@as(u64, 0), receiver.lappedCount());
}

test "receiveBatch: a receiver that falls a buffer behind is lapped, counts it, and gets only intact copies" {
    var transmitter = try Transmitter.create("/zigbolt-test-bcast-batch-lap", .{ .capacity = 1024 });
    defer transmitter.close();
    var fast = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-batch-lap", .{});
    defer fast.close();
    var slow = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-batch-lap", .{});
    defer slow.close();
    var buffer: [128]u8 = undefined;
    var fast_batch: [broadcast.batchLengthFor(128)]u8 align(8) = undefined;
    var slow_batch: [broadcast.batchLengthFor(128)]u8 align(8) = undefined;
    var fast_checker: Checker = .{};
    var slow_checker: Checker = .{};
    for (0..5000) |i| {
        const seq: u32 = @intCast(i);
        try transmitter.transmit(@intCast(seq % 100), fill(&buffer, seq));
        try checkBatch(&fast_batch, try fast.receiveBatch(&fast_batch, 64), &fast_checker);
        if (i % 200 == 0) try checkBatch(&slow_batch, try slow.receiveBatch(&slow_batch, 3), &slow_checker);
    }
    try testing.expect(!fast_checker.failure);
    try testing.expect(!slow_checker.failure);
    try testing.expectEqual(@as(u32, 5000), fast_checker.count);
    try testing.expect(slow.lappedCount() > 0);
    try testing.expect(slow_checker.count > 0 and slow_checker.count < 5000);
}

test "bad capacities, oversized messages and negative type ids are typed errors" {
    try testing.expectError(error.InvalidCapacity, Transmitter.create("/zigbolt-test-bcast-bad", .{ .capacity = 1000 }));
    try testing.expectError(error.InvalidCapacity, Transmitter.create("/zigbolt-test-bcast-bad", .{ .capacity = 512 }));
    var transmitter = try Transmitter.create("/zigbolt-test-bcast-bad", .{ .capacity = 1024 });
    defer transmitter.close();
    var big: [129]u8 = @splat(0);
    try testing.expectError(error.MessageTooLarge, transmitter.transmit(1, &big));
    try transmitter.transmit(1, big[0..128]);
    try testing.expectError(error.InvalidArgument, transmitter.transmit(-1, big[0..8]));
    try testing.expectError(error.PublisherExists, Transmitter.open("/zigbolt-test-bcast-bad", .{}));
}

test "a corrupted tail or record is CorruptChannel, never a wild read" {
    var transmitter = try Transmitter.create("/zigbolt-test-bcast-corrupt", .{ .capacity = 1024 });
    defer transmitter.close();
    var receiver = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-corrupt", .{});
    defer receiver.close();
    var buffer: [128]u8 = undefined;
    var checker: Checker = .{};
    try transmitter.transmit(0, fill(&buffer, 0));
    const metadata = transmitter.metadata;
    const saved = metadata.tail;
    metadata.tail = saved + 3;
    try testing.expectError(error.CorruptChannel, receiver.receive(&checker, Checker.onMessage, 10));
    metadata.tail = saved;
    const header: *layout.RecordHeader = @ptrCast(@alignCast(transmitter.records));
    header.length = 1 << 30;
    try testing.expectError(error.CorruptChannel, receiver.receive(&checker, Checker.onMessage, 10));
    header.length = 4;
    try testing.expectError(error.CorruptChannel, receiver.receive(&checker, Checker.onMessage, 10));
    // The transmitter notices a tail it did not write.
    metadata.tail = saved + 64;
    try testing.expectError(error.CorruptChannel, transmitter.transmit(0, fill(&buffer, 1)));
    metadata.tail = saved;
    // Garbage intent: every record looks overwritten; the receiver counts laps, never reads wild.
    metadata.tail_intent = std.math.maxInt(u64) - 5;
    header.length = 16;
    try testing.expectEqual(@as(u32, 0), try receiver.receive(&checker, Checker.onMessage, 10));
    try testing.expect(receiver.lappedCount() > 0);
}

test "a transmitter taking over from a dead one never signals less than the intent it left" {
    var first = try Transmitter.create("/zigbolt-test-bcast-takeover", .{ .capacity = 1024 });
    defer first.close();
    var receiver = try CopyReceiver.open(testing.allocator, "/zigbolt-test-bcast-takeover", .{});
    defer receiver.close();
    var buffer: [128]u8 = undefined;
    var checker: Checker = .{};
    try first.transmit(0, fill(&buffer, 0));
    _ = try receiver.receive(&checker, Checker.onMessage, 10);
    // The first transmitter "dies" after signalling a long record it never wrote.
    const metadata = first.metadata;
    const left_intent = metadata.tail + 900;
    metadata.tail_intent = left_intent;
    metadata.transmitter_owner = 0x7fff_fff0;
    first.holds_role = false;

    try testing.expectEqual(.dead, receiver.receiver.transmitterState());
    var heir = try Transmitter.open("/zigbolt-test-bcast-takeover", .{});
    defer heir.close();
    try heir.transmit(1, fill(&buffer, 1));
    try testing.expect(metadata.tail_intent >= left_intent);
    try testing.expectEqual(@as(u32, 1), try receiver.receive(&checker, Checker.onMessage, 10));
    try testing.expect(!checker.failure);
}
