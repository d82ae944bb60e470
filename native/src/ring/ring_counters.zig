//! The counters each ring role keeps in the process's counters file (docs/counters.md):
//! allocated when the role is taken, freed on close, best effort (a ring never fails for its
//! counters). Type ids: SPSC 10-19, MPSC 20-29 (their names: docs/spsc-ring.md,
//! docs/mpsc-ring.md). lib/_ring_counters.ts updates the same counters from JavaScript.

const std = @import("std");
const counter_set = @import("../counters/counter_set.zig");
const TypeId = @import("../counters/types.zig").TypeId;
const Counter = @import("../counters/counter.zig").Counter;
const CountersFile = @import("../counters/counters_file.zig").CountersFile;

pub const Attach = @import("../counters/process_default.zig").Attach;

/// C ABI and TypeScript values (zigbolt_spsc_counter_id, RingCounterType): append only.
pub const Type = enum(i32) {
    spsc_written_messages = 10,
    spsc_written_bytes = 11,
    spsc_full_events = 12,
    spsc_producer_position = 13,
    spsc_read_messages = 14,
    spsc_read_bytes = 15,
    spsc_consumer_position = 16,
    mpsc_written_messages = 20,
    mpsc_written_bytes = 21,
    mpsc_full_events = 22,
    mpsc_read_messages = 23,
    mpsc_read_bytes = 24,
    mpsc_lost_records = 25,
    mpsc_consumer_position = 26,
};

fn spec(comptime t: Type, comptime what: []const u8) counter_set.Spec {
    return .{ .type_id = @enumFromInt(@intFromEnum(t)), .what = what };
}

/// Producer: messages, bytes, full events, position. Consumer: messages, bytes, position
/// (SPSC) or messages, bytes, lost records, position (MPSC).
pub const spsc_producer = [_]counter_set.Spec{
    spec(.spsc_written_messages, "spsc written messages"),
    spec(.spsc_written_bytes, "spsc written bytes"),
    spec(.spsc_full_events, "spsc full events"),
    spec(.spsc_producer_position, "spsc producer position"),
};
pub const spsc_consumer = [_]counter_set.Spec{
    spec(.spsc_read_messages, "spsc read messages"),
    spec(.spsc_read_bytes, "spsc read bytes"),
    spec(.spsc_consumer_position, "spsc consumer position"),
};
pub const mpsc_producer = [_]counter_set.Spec{
    spec(.mpsc_written_messages, "mpsc written messages"),
    spec(.mpsc_written_bytes, "mpsc written bytes"),
    spec(.mpsc_full_events, "mpsc full events"),
};
pub const mpsc_consumer = [_]counter_set.Spec{
    spec(.mpsc_read_messages, "mpsc read messages"),
    spec(.mpsc_read_bytes, "mpsc read bytes"),
    spec(.mpsc_lost_records, "mpsc lost records"),
    spec(.mpsc_consumer_position, "mpsc consumer position"),
};

pub fn Set(comptime specs: []const counter_set.Spec) type {
    return struct {
        counters: ?[specs.len]Counter = null,

        const Self = @This();

        pub fn allocate(self: *Self, file: ?*const CountersFile, name: []const u8) void {
            if (self.counters != null) return;
            self.counters = counter_set.allocate(specs.len, file, specs[0..specs.len], name);
        }

        pub fn free(self: *Self) void {
            if (self.counters) |set| counter_set.free(set);
            self.counters = null;
        }

        pub fn idOf(self: *const Self, type_id: i32) ?u32 {
            const set = self.counters orelse return null;
            inline for (specs, 0..) |s, i| {
                if (@intFromEnum(s.type_id) == type_id) return set[i].id;
            }
            return null;
        }
    };
}

comptime {
    std.debug.assert(@intFromEnum(Type.spsc_consumer_position) <= 19);
    std.debug.assert(@intFromEnum(Type.mpsc_consumer_position) <= 29);
}
