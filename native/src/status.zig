//! Status codes: one per distinct failure, shared by the Zig API (as an error set), the C ABI
//! (as negative integers) and TypeScript (as error classes with a `code`).
//!
//! Values are ABI: never renumber, only append. include/zigbolt.h repeats them and a test
//! checks that the two agree.

const std = @import("std");

pub const Status = enum(i32) {
    ok = 0,
    invalid_handle = -1,
    handle_closed = -2,
    wrong_handle_kind = -3,
    invalid_argument = -4,
    invalid_name = -5,
    invalid_term_length = -6,
    no_such_channel = -7,
    invalid_channel = -8,
    unsupported_version = -9,
    shm_too_small = -10,
    term_length_mismatch = -11,
    message_too_large = -12,
    empty_message = -13,
    back_pressure = -14,
    corrupt_channel = -15,
    channel_in_use = -16,
    publisher_exists = -17,
    subscriber_exists = -18,
    peer_dead = -19,
    permission_denied = -20,
    out_of_memory = -21,
    too_many_handles = -22,
    system_error = -23,
    invalid_capacity = -24,
    wrong_structure = -25,
    counters_full = -26,
    truncated = -27,
    invalid_group = -28,
    invalid_enum_value = -29,
    index_out_of_range = -30,
    buffer_too_small = -31,
    unknown_template = -32,

    pub fn message(status: Status) [:0]const u8 {
        return switch (status) {
            .ok => "success",
            .invalid_handle => "not a ZigBolt handle (null or garbage)",
            .handle_closed => "the handle was closed",
            .wrong_handle_kind => "the handle is of another kind (e.g. a transport passed as a channel)",
            .invalid_argument => "invalid argument (null pointer or unknown flag)",
            .invalid_name => "invalid channel name: it must be \"/\" then 1..254 bytes " ++
                "without \"/\" or NUL",
            .invalid_term_length => "invalid term length: it must be a power of two " ++
                "in [4096, 1 GiB]",
            .no_such_channel => "no such channel or structure: create it first or check the name",
            .invalid_channel => "not a ZigBolt channel or structure (wrong magic), or still being created",
            .unsupported_version => "the channel uses an unsupported layout version",
            .shm_too_small => "the shared-memory segment is smaller than its header says",
            .term_length_mismatch => "the channel's term length differs from the one expected",
            .message_too_large => "message too large: it must fit in one term and in 16 MiB",
            .empty_message => "a zero-length message cannot be published: readers of the " ++
                "v1 layout would stall on it",
            .back_pressure => "back-pressure: the subscriber is two terms behind; retry later",
            .corrupt_channel => "the shared positions, header or frames are corrupt " ++
                "(another process wrote them)",
            .channel_in_use => "a live process still uses a channel of that name",
            .publisher_exists => "the channel already has a live publisher",
            .subscriber_exists => "the channel already has a live subscriber",
            .peer_dead => "the process on the other side of the channel has died",
            .permission_denied => "permission denied on the shared-memory segment",
            .out_of_memory => "out of memory (or address space) while mapping the channel",
            .too_many_handles => "too many open ZigBolt handles in this process",
            .system_error => "unexpected operating-system error",
            .invalid_capacity => "invalid capacity: it must be a power of two within the structure's limits",
            .wrong_structure => "the named segment holds another kind of ZigBolt structure",
            .counters_full => "the counters file has no free counter slot",
            .truncated => "the message is shorter than its header, block or lengths say",
            .invalid_group => "a repeating group's header is invalid (block length or count out of range)",
            .invalid_enum_value => "a field holds a value that is not one of its enum's values",
            .index_out_of_range => "an index is past the end of a group, string or array",
            .buffer_too_small => "the destination buffer is too small for the encoded message",
            .unknown_template => "the message's schema or template id is not the one expected",
        };
    }

    pub fn name(status: Status) [:0]const u8 {
        return pascal_names[@intCast(-@intFromEnum(status))];
    }

    pub fn fromError(err: Error) Status {
        inline for (error_statuses) |status| {
            if (err == @field(Error, pascalCase(@tagName(status)))) return status;
        }
        unreachable;
    }

    pub fn toError(status: Status) Error!void {
        inline for (error_statuses) |s| {
            if (status == s) return @field(Error, pascalCase(@tagName(s)));
        }
    }

    pub fn fromInt(value: i32) ?Status {
        return std.meta.intToEnum(Status, value) catch null;
    }
};

/// The Zig view of the same failures. `Status` and `Error` must list the same names:
/// checked below at compile time.
pub const Error = error{
    InvalidHandle,
    HandleClosed,
    WrongHandleKind,
    InvalidArgument,
    InvalidName,
    InvalidTermLength,
    NoSuchChannel,
    InvalidChannel,
    UnsupportedVersion,
    ShmTooSmall,
    TermLengthMismatch,
    MessageTooLarge,
    EmptyMessage,
    BackPressure,
    CorruptChannel,
    ChannelInUse,
    PublisherExists,
    SubscriberExists,
    PeerDead,
    PermissionDenied,
    OutOfMemory,
    TooManyHandles,
    SystemError,
    InvalidCapacity,
    WrongStructure,
    CountersFull,
    Truncated,
    InvalidGroup,
    InvalidEnumValue,
    IndexOutOfRange,
    BufferTooSmall,
    UnknownTemplate,
};

const error_statuses = blk: {
    const fields = std.meta.fields(Status);
    var list: [fields.len - 1]Status = undefined;
    for (fields[1..], 0..) |field, i| list[i] = @enumFromInt(field.value);
    break :blk list;
};

const pascal_names = blk: {
    const fields = std.meta.fields(Status);
    var names: [fields.len][:0]const u8 = undefined;
    for (fields) |field| names[@intCast(-field.value)] = pascalCase(field.name);
    break :blk names;
};

fn pascalCase(comptime snake: []const u8) [:0]const u8 {
    comptime {
        var out: [:0]const u8 = "";
        var upper = true;
        for (snake) |c| {
            if (c == '_') {
                upper = true;
                continue;
            }
            out = out ++ [_]u8{if (upper) std.ascii.toUpper(c) else c};
            upper = false;
        }
        return out;
    }
}

comptime {
    // Codes are dense 0, -1, -2, ... so `name` can index a table.
    for (std.meta.fields(Status), 0..) |field, i| {
        if (field.value != -@as(i32, i)) @compileError("status codes must be 0, -1, -2, ...");
    }
    // One error per non-ok status, same names.
    const errors = @typeInfo(Error).error_set.?;
    if (errors.len != error_statuses.len) @compileError("Status and Error differ in length");
    for (error_statuses) |status| _ = @errorName(@field(Error, pascalCase(@tagName(status))));
}

test "every status round-trips through the error set" {
    for (error_statuses) |status| {
        const err = if (status.toError()) |_| unreachable else |e| e;
        try std.testing.expectEqual(status, Status.fromError(err));
    }
    try Status.ok.toError();
}

test "status names are PascalCase of the tags" {
    try std.testing.expectEqualStrings("BackPressure", Status.back_pressure.name());
    try std.testing.expectEqualStrings("Ok", Status.ok.name());
    try std.testing.expectEqual(@as(?Status, null), Status.fromInt(-1000));
    try std.testing.expectEqual(@as(?Status, .corrupt_channel), Status.fromInt(-15));
}
