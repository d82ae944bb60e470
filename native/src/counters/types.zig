//! Counter type ids: what a counter measures, for the stat tool and dashboards. Values are
//! shared with TypeScript (lib/counter_types.ts) and shown by zigbolt-stat: append only.
//! Ranges: IPC 1-9, SPSC 10-19, MPSC 20-29, log buffer 30-39, broadcast 40-49, agents 50-59,
//! applications 1000 and up.

pub const TypeId = enum(i32) {
    ipc_published_messages = 1,
    ipc_published_bytes = 2,
    ipc_back_pressure_events = 3,
    ipc_publisher_position = 4,
    ipc_received_messages = 5,
    ipc_received_bytes = 6,
    ipc_subscriber_position = 7,
    log_written_messages = 30,
    log_written_bytes = 31,
    log_back_pressure_events = 32,
    log_writer_position = 33,
    log_read_messages = 34,
    log_read_bytes = 35,
    log_consumer_position = 36,
    broadcast_transmitted_messages = 40,
    broadcast_transmitted_bytes = 41,
    broadcast_received_messages = 42,
    broadcast_lapped = 43,
    _,

    /// A short name for a known type, else null.
    pub fn name(type_id: i32) ?[]const u8 {
        const known: TypeId = @enumFromInt(type_id);
        return switch (known) {
            .ipc_published_messages => "ipc-pub-msgs",
            .ipc_published_bytes => "ipc-pub-bytes",
            .ipc_back_pressure_events => "ipc-back-pressure",
            .ipc_publisher_position => "ipc-pub-pos",
            .ipc_received_messages => "ipc-sub-msgs",
            .ipc_received_bytes => "ipc-sub-bytes",
            .ipc_subscriber_position => "ipc-sub-pos",
            .log_written_messages => "log-write-msgs",
            .log_written_bytes => "log-write-bytes",
            .log_back_pressure_events => "log-back-pressure",
            .log_writer_position => "log-writer-pos",
            .log_read_messages => "log-read-msgs",
            .log_read_bytes => "log-read-bytes",
            .log_consumer_position => "log-consumer-pos",
            .broadcast_transmitted_messages => "bcast-tx-msgs",
            .broadcast_transmitted_bytes => "bcast-tx-bytes",
            .broadcast_received_messages => "bcast-rx-msgs",
            .broadcast_lapped => "bcast-lapped",
            _ => for (named_elsewhere) |entry| {
                if (entry.type_id == type_id) break entry.name;
            } else null,
        };
    }
};

/// Types whose enums live with their structure (ring/ring_counters.zig, agent/runner.zig),
/// named here for the stat tool.
const named_elsewhere = [_]struct { type_id: i32, name: []const u8 }{
    .{ .type_id = 10, .name = "spsc-write-msgs" },
    .{ .type_id = 11, .name = "spsc-write-bytes" },
    .{ .type_id = 12, .name = "spsc-full" },
    .{ .type_id = 13, .name = "spsc-producer-pos" },
    .{ .type_id = 14, .name = "spsc-read-msgs" },
    .{ .type_id = 15, .name = "spsc-read-bytes" },
    .{ .type_id = 16, .name = "spsc-consumer-pos" },
    .{ .type_id = 20, .name = "mpsc-write-msgs" },
    .{ .type_id = 21, .name = "mpsc-write-bytes" },
    .{ .type_id = 22, .name = "mpsc-full" },
    .{ .type_id = 23, .name = "mpsc-read-msgs" },
    .{ .type_id = 24, .name = "mpsc-read-bytes" },
    .{ .type_id = 25, .name = "mpsc-lost-records" },
    .{ .type_id = 26, .name = "mpsc-consumer-pos" },
    .{ .type_id = 50, .name = "agent-duty-cycles" },
    .{ .type_id = 51, .name = "agent-work" },
    .{ .type_id = 52, .name = "agent-max-cycle-ns" },
    .{ .type_id = 53, .name = "agent-errors" },
};

test "every structure's counter types have a name for the stat tool" {
    const std = @import("std");
    const ring_types = @import("../ring/ring_counters.zig").Type;
    inline for (std.meta.fields(ring_types)) |field| {
        try std.testing.expect(TypeId.name(field.value) != null);
    }
    const agent_types = @import("../agent/runner.zig").counter_types;
    inline for (.{ agent_types.duty_cycles, agent_types.work_count, agent_types.max_cycle_ns, agent_types.errors }) |id| {
        try std.testing.expect(TypeId.name(id) != null);
    }
}

/// First type id free for applications.
pub const application_first: i32 = 1000;
