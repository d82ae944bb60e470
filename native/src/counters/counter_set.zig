//! The counters a structure keeps for itself: allocated together with labels like
//! "ipc published messages: /md", freed together. Best effort: when the counters file is
//! off or full the structure runs without them (a structure never fails for its counters).

const std = @import("std");
const Counter = @import("counter.zig").Counter;
const CountersFile = @import("counters_file.zig").CountersFile;
const TypeId = @import("types.zig").TypeId;
const layout = @import("layout.zig");

pub const Spec = struct {
    type_id: TypeId,
    /// What is counted; the structure's name is appended.
    what: []const u8,
};

/// One counter per spec, or null if any of them cannot be allocated (those that were are
/// freed again).
pub fn allocate(comptime n: usize, file: ?*const CountersFile, specs: *const [n]Spec, name: []const u8) ?[n]Counter {
    const counters_file = file orelse return null;
    var set: [n]Counter = undefined;
    for (specs, 0..) |spec, i| {
        var label: [layout.label_length_max]u8 = undefined;
        const text = std.fmt.bufPrint(&label, "{s}: {s}", .{ spec.what, name }) catch label[0..];
        set[i] = counters_file.allocate(@intFromEnum(spec.type_id), text) catch {
            for (set[0..i]) |allocated| allocated.free();
            return null;
        };
    }
    return set;
}

pub fn free(set: anytype) void {
    for (set) |counter| counter.free();
}

/// The id of the counter of `type_id` in `set`, if the set has one.
pub fn idOf(set: anytype, specs: anytype, type_id: TypeId) ?u32 {
    for (specs, 0..) |spec, i| {
        if (spec.type_id == type_id) return set[i].id;
    }
    return null;
}
