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
            _ => null,
        };
    }
};

/// First type id free for applications.
pub const application_first: i32 = 1000;
