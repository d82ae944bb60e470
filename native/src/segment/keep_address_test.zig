//! A handle opened with `keep_address` (what the TypeScript binding asks for): after close
//! its address range reads zeros and takes writes, and the shared segment other handles map
//! is untouched by them; release then unmaps the range.

const std = @import("std");
const SpscRingBuffer = @import("../ring/spsc.zig").SpscRingBuffer;
const kept_mappings = @import("../platform/kept_mappings.zig");
const testing = std.testing;

const Count = struct {
    count: u32 = 0,
    first: u8 = 0,
    fn onMessage(self: *Count, payload: []const u8, _: i32) void {
        self.count += 1;
        self.first = payload[0];
    }
};

test "a closed keep_address handle's range reads zeros and writes nothing shared" {
    const name = "/zigbolt-test-keep-address";
    var kept = try SpscRingBuffer.create(name, .{ .capacity = 1024, .replace = true, .memory = .{ .keep_address = true } });
    var other = try SpscRingBuffer.open(name, .{});
    defer other.close();
    try kept.claim(.producer);
    try testing.expect(try kept.write(&[_]u8{ 7, 7, 7, 7 }, 1));
    const stale = kept.ring.named.memory;
    kept_mappings.handOut(@intFromPtr(stale.ptr));
    const retired_before = kept_mappings.retiredCount();
    kept.close();
    try testing.expectEqual(retired_before + 1, kept_mappings.retiredCount());

    // A view kept past close: zeros, writable, and private.
    try testing.expect(std.mem.allEqual(u8, stale, 0));
    @memset(stale, 0xFF);
    var read: Count = .{};
    _ = try other.read(&read, Count.onMessage, 8);
    try testing.expectEqual(@as(u32, 1), read.count);
    try testing.expectEqual(@as(u8, 7), read.first);

    try kept_mappings.release(@intFromPtr(stale.ptr));
    try testing.expectEqual(retired_before, kept_mappings.retiredCount());
}

test "a keep_address open that fails after mapping unmaps: nothing is left retired" {
    const name = "/zigbolt-test-keep-address-corrupt";
    var ring = try SpscRingBuffer.create(name, .{ .capacity = 1024, .replace = true });
    defer ring.close();
    // A capacity that is no power of two: open maps the segment, then refuses it.
    const capacity: *u32 = @ptrCast(@alignCast(ring.ring.named.memory.ptr + 128));
    const saved = capacity.*;
    capacity.* = 1000;
    defer capacity.* = saved;
    const retired_before = kept_mappings.retiredCount();
    const refused = SpscRingBuffer.open(name, .{ .memory = .{ .keep_address = true } });
    try testing.expect(std.meta.isError(refused));
    try testing.expectEqual(retired_before, kept_mappings.retiredCount());
}
