const std = @import("std");
const testing = std.testing;
const layout = @import("layout.zig");
const CountersFile = @import("counters_file.zig").CountersFile;
const shm = @import("../platform/shm.zig");

fn testName(comptime suffix: []const u8) []const u8 {
    return "/zigbolt-test-counters-" ++ suffix;
}

test "allocate, update, read back, free and reuse" {
    const name = testName("basic");
    try CountersFile.remove(name);
    var file = try CountersFile.create(name, .{ .counters_max = 4 });
    defer file.close();
    defer CountersFile.remove(name) catch {};

    const messages = try file.allocate(1, "messages: /md");
    messages.increment();
    messages.add(41);
    messages.addOrdered(8);
    try testing.expectEqual(@as(i64, 50), messages.get());
    try testing.expectEqual(@as(i64, 50), messages.getAndReset());
    try testing.expectEqual(@as(i64, 0), messages.get());
    messages.set(-7);

    var other = try CountersFile.open(name, .{});
    defer other.close();
    var label: [layout.label_length_max]u8 = undefined;
    const seen = other.info(messages.id, &label).?;
    try testing.expectEqual(@as(i64, -7), seen.value);
    try testing.expectEqual(@as(i32, 1), seen.type_id);
    try testing.expectEqualStrings("messages: /md", seen.label);
    try testing.expectEqual(@as(u32, @intCast(std.os.linux.getpid())), seen.owner_pid);

    messages.free();
    try testing.expectEqual(@as(?@import("counters_file.zig").CounterInfo, null), other.info(messages.id, &label));
    const again = try file.allocate(2, "again");
    try testing.expectEqual(messages.id, again.id);
    try testing.expectEqual(@as(i64, 0), again.get());
    // A stale handle's free does not free the new allocation.
    messages.free();
    try testing.expect(other.info(again.id, &label) != null);
}

test "a full file is CountersFull; bad sizes and long labels are refused" {
    const name = testName("full");
    try CountersFile.remove(name);
    var file = try CountersFile.create(name, .{ .counters_max = 2 });
    defer file.close();
    defer CountersFile.remove(name) catch {};
    _ = try file.allocate(1, "a");
    _ = try file.allocate(1, "b");
    try testing.expectError(error.CountersFull, file.allocate(1, "c"));
    try testing.expectError(error.InvalidArgument, file.allocate(1, "x" ** (layout.label_length_max + 1)));
    try testing.expectError(error.InvalidCapacity, CountersFile.create(testName("zero"), .{ .counters_max = 0 }));
}

test "records of a dead owner are reclaimed when no record is free" {
    const name = testName("reclaim");
    try CountersFile.remove(name);
    var file = try CountersFile.create(name, .{ .counters_max = 1 });
    defer file.close();
    defer CountersFile.remove(name) catch {};
    const first = try file.allocate(1, "dead");
    // A pid above pid_max stands for a process that has died.
    first.record.owner = 0x7fff_fff0;
    const second = try file.allocate(2, "alive");
    try testing.expectEqual(first.id, second.id);
    try testing.expectError(error.CountersFull, file.allocate(3, "none left"));
}

test "openOrCreate makes the file once; a corrupt header is refused" {
    const name = testName("corrupt");
    try CountersFile.remove(name);
    var file = try CountersFile.openOrCreate(name, .{ .counters_max = 8 });
    defer file.close();
    defer CountersFile.remove(name) catch {};
    var same = try CountersFile.openOrCreate(name, .{ .counters_max = 99 });
    try testing.expectEqual(@as(u32, 8), same.counters_max);
    same.close();
    const header = file.segment.at(layout.CountersHeader, 128);
    header.values_offset +%= 4096;
    try testing.expectError(error.CorruptChannel, CountersFile.open(name, .{}));
    header.values_offset -%= 4096;
    header.counters_max = 1 << 30;
    try testing.expectError(error.CorruptChannel, CountersFile.open(name, .{}));
    header.counters_max = 8;
    var fine = try CountersFile.open(name, .{});
    fine.close();
}
