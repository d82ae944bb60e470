//! Claims in the SPSC and MPSC rings (tryClaim, commit, abort): a claimed record is filled
//! in place, reaches the consumer only when committed, and an aborted one never does.

const std = @import("std");
const SpscRingBuffer = @import("spsc.zig").SpscRingBuffer;
const MpscRingBuffer = @import("mpsc.zig").MpscRingBuffer;
const Claim = @import("ring_segment.zig").Claim;
const testing = std.testing;

/// The first u32 of each message read, in order.
const Values = struct {
    count: u32 = 0,
    values: [64]u32 = undefined,

    fn onMessage(self: *Values, payload: []const u8, msg_type_id: i32) void {
        std.debug.assert(msg_type_id == 3);
        self.values[self.count] = std.mem.readInt(u32, payload[0..4], .little);
        self.count += 1;
    }
};

/// One read of `ring` delivers exactly `expected`.
fn expectRead(ring: anytype, expected: []const u32) !void {
    var read: Values = .{};
    _ = try ring.read(&read, Values.onMessage, 64);
    try testing.expectEqualSlices(u32, expected, read.values[0..read.count]);
}

fn claimValue(ring: anytype, value: u32) !Claim {
    const claimed = (try ring.tryClaim(4, 3)).?;
    std.mem.writeInt(u32, claimed.payload[0..4], value, .little);
    return claimed;
}

fn writeValue(ring: anytype, value: u32) !void {
    var bytes: [4]u8 = undefined;
    std.mem.writeInt(u32, &bytes, value, .little);
    try testing.expect(try ring.write(&bytes, 3));
}

fn claimsInPlace(comptime Ring: type, name: [:0]const u8) !void {
    var ring = try Ring.create(name, .{ .capacity = 1024, .replace = true });
    defer ring.close();
    const first = try claimValue(&ring, 1);
    try testing.expectEqual(@as(usize, 4), first.payload.len);
    try expectRead(&ring, &.{});
    try ring.commit(first);
    try expectRead(&ring, &.{1});
    // Aborted: never delivered; what follows is.
    try ring.abort(try claimValue(&ring, 2));
    try writeValue(&ring, 3);
    try ring.commit(try claimValue(&ring, 4));
    try expectRead(&ring, &.{ 3, 4 });
}

fn oneClaimAtATime(comptime Ring: type, name: [:0]const u8) !void {
    var ring = try Ring.create(name, .{ .capacity = 1024, .replace = true });
    defer ring.close();
    const claimed = try claimValue(&ring, 1);
    try testing.expectError(error.InvalidArgument, ring.tryClaim(4, 3));
    try testing.expectError(error.InvalidArgument, ring.write("abcd", 3));
    var stranger = claimed;
    stranger.segment_offset += 8;
    try testing.expectError(error.InvalidArgument, ring.commit(stranger));
    try testing.expectError(error.InvalidArgument, ring.abort(stranger));
    try ring.commit(claimed);
    try testing.expectError(error.InvalidArgument, ring.commit(claimed));
    try testing.expectError(error.InvalidArgument, ring.abort(claimed));
    try testing.expectError(error.MessageTooLarge, ring.tryClaim(ring.payloadLengthMax() + 1, 3));
    try testing.expectError(error.InvalidArgument, ring.tryClaim(4, -5));
    try expectRead(&ring, &.{1});
}

fn fullIsNull(comptime Ring: type, name: [:0]const u8) !void {
    var ring = try Ring.create(name, .{ .capacity = 1024, .replace = true });
    defer ring.close();
    // 64-byte records: 16 fit.
    for (0..16) |_| try ring.commit((try ring.tryClaim(56, 3)).?);
    try testing.expectEqual(@as(?Claim, null), try ring.tryClaim(56, 3));
    try testing.expectEqual(@as(?Claim, null), ring.outstandingClaim());
}

test "spsc and mpsc: a claim is filled in place, read only once committed; an aborted one never" {
    try claimsInPlace(SpscRingBuffer, "/zigbolt-test-spsc-claim");
    try claimsInPlace(MpscRingBuffer, "/zigbolt-test-mpsc-claim");
}

test "spsc and mpsc: one claim at a time; commit and abort take only the outstanding claim" {
    try oneClaimAtATime(SpscRingBuffer, "/zigbolt-test-spsc-claim-one");
    try oneClaimAtATime(MpscRingBuffer, "/zigbolt-test-mpsc-claim-one");
}

test "spsc and mpsc: a claim in a full ring is null" {
    try fullIsNull(SpscRingBuffer, "/zigbolt-test-spsc-claim-full");
    try fullIsNull(MpscRingBuffer, "/zigbolt-test-mpsc-claim-full");
}

test "mpsc: a producer closed with a claim outstanding aborts it; the consumer goes on" {
    var consumer = try MpscRingBuffer.create("/zigbolt-test-mpsc-claim-close", .{ .capacity = 1024, .replace = true });
    defer consumer.close();
    var producer = try MpscRingBuffer.open("/zigbolt-test-mpsc-claim-close", .{});
    _ = try claimValue(&producer, 1);
    producer.close();
    try writeValue(&consumer, 2);
    try expectRead(&consumer, &.{2});
}

test "mpsc: aborted claims wrap around the ring, mid-data padding skipped each lap" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-claim-wrap", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var expected: u32 = 0;
    for (0..200) |i| {
        const value: u32 = @intCast(i);
        if (i % 3 == 0) {
            try ring.abort(try claimValue(&ring, value));
        } else {
            try ring.commit(try claimValue(&ring, value));
            try expectRead(&ring, &.{value});
            expected += 1;
        }
    }
    try testing.expectEqual(@as(u32, 133), expected);
}
