//! The C ABI of counters files (docs/counters.md). Conventions as in exports.zig; helpers in common.zig.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const statusCode = common.statusCode;
const handles = @import("handles.zig");
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const CountersFile = zigbolt.counters.CountersFile;
const ChannelName = zigbolt.ipc.ChannelName;
const allocator = std.heap.c_allocator;

/// A counters-file handle: our own mapping, or the process's default file (not ours to unmap).
const CountersHandle = union(enum) {
    owned: CountersFile,
    process_default: *const CountersFile,

    fn file(self: *const CountersHandle) *const CountersFile {
        return switch (self.*) {
            .owned => |*own| own,
            .process_default => |shared| shared,
        };
    }
};

/// Opens the counters file `name`, creating it with room for `counters_max` counters (0: the
/// default 4096) if it does not exist. Flags: ZIGBOLT_FLAG_PRE_FAULT/_HUGEPAGES/_MLOCK.
pub export fn zigbolt_counters_open_ex(name: ?[*:0]const u8, counters_max: u32, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(openCounters(name, counters_max, flags));
}

fn openCounters(name: ?[*:0]const u8, counters_max: u32, flags: u32) Error!*anyopaque {
    if (flags & ~(common.flags_known & ~common.flag_replace) != 0) return error.InvalidArgument;
    const counters_name = try ChannelName.fromC(name);
    const object = allocator.create(CountersHandle) catch return error.OutOfMemory;
    errdefer allocator.destroy(object);
    object.* = .{ .owned = try CountersFile.openOrCreate(counters_name.slice(), .{
        .counters_max = if (counters_max == 0) zigbolt.counters.layout.counters_max_default else counters_max,
        .memory = common.memoryOptions(flags),
    }) };
    errdefer object.owned.close();
    return handles.register(.counters, object);
}

/// The process's default counters file (ZIGBOLT_COUNTERS, else "/zigbolt-counters"), which
/// every channel and structure of this process reports to. NULL with
/// ZIGBOLT_STATUS_NO_SUCH_CHANNEL when counters are off, or with the reason it cannot open.
pub export fn zigbolt_counters_default() callconv(.c) ?*anyopaque {
    return common.handleOrNull(openDefault());
}

fn openDefault() Error!*anyopaque {
    const file = zigbolt.counters.processDefault.get() orelse {
        return zigbolt.counters.processDefault.lastError() orelse error.NoSuchChannel;
    };
    const object = allocator.create(CountersHandle) catch return error.OutOfMemory;
    errdefer allocator.destroy(object);
    object.* = .{ .process_default = file };
    return handles.register(.counters, object);
}

pub export fn zigbolt_counters_close(counters: ?*anyopaque) callconv(.c) i32 {
    const object = handles.unregister(CountersHandle, .counters, counters) catch |err| return statusCode(err);
    switch (object.*) {
        .owned => |*own| own.close(),
        .process_default => {},
    }
    allocator.destroy(object);
    return 0;
}

/// How many counters the file holds (its length is 4096 + counters_max * 640 bytes).
pub export fn zigbolt_counters_max(counters: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(CountersHandle, .counters, counters) catch |err| return statusCode(err);
    return @intCast(object.file().counters_max);
}

/// Base address of the mapped file, for bindings that read and write counters in place.
pub export fn zigbolt_counters_segment(counters: ?*anyopaque) callconv(.c) ?*anyopaque {
    return common.segmentOrNull(segmentOf(counters));
}

fn segmentOf(counters: ?*anyopaque) Error![]u8 {
    return (try handles.resolve(CountersHandle, .counters, counters)).file().segment.memory;
}

/// Allocates a counter (value 0) owned by this process; returns its id or a negative status
/// (ZIGBOLT_STATUS_COUNTERS_FULL, _INVALID_ARGUMENT for a label over 384 bytes).
pub export fn zigbolt_counters_allocate(counters: ?*anyopaque, type_id: i32, label: ?[*]const u8, label_length: u32) callconv(.c) i32 {
    return common.countOrStatus(allocateCounter(counters, type_id, label, label_length));
}

fn allocateCounter(counters: ?*anyopaque, type_id: i32, label: ?[*]const u8, label_length: u32) Error!u32 {
    const object = try handles.resolve(CountersHandle, .counters, counters);
    const bytes: []const u8 = if (label_length == 0) "" else (label orelse return error.InvalidArgument)[0..label_length];
    const counter = try object.file().allocate(type_id, bytes);
    return counter.id;
}

/// Frees a counter this process allocated. INVALID_ARGUMENT for an id that is out of range,
/// not allocated, or owned by another process.
pub export fn zigbolt_counters_free(counters: ?*anyopaque, id: i32) callconv(.c) i32 {
    return common.statusOf(freeCounter(counters, id));
}

fn freeCounter(counters: ?*anyopaque, id: i32) Error!void {
    const object = try handles.resolve(CountersHandle, .counters, counters);
    const counter = try object.file().ownCounter(std.math.cast(u32, id) orelse return error.InvalidArgument);
    counter.free();
}

/// The address of a counter's 64-bit value, for C users' own atomics. NULL for a bad id.
pub export fn zigbolt_counters_value_address(counters: ?*anyopaque, id: i32) callconv(.c) ?*i64 {
    const object = handles.resolve(CountersHandle, .counters, counters) catch |err| {
        common.record(Status.fromError(err));
        return null;
    };
    const index = std.math.cast(u32, id) orelse return invalid();
    if (index >= object.file().counters_max) return invalid();
    common.record(.ok);
    return &object.file().values[index].value;
}

fn invalid() ?*i64 {
    common.record(.invalid_argument);
    return null;
}

/// The counters-file id of an IPC channel's counter of `type_id` (ZIGBOLT_COUNTER_TYPE_IPC_*),
/// or a negative status: COUNTERS_FULL when the channel has no such counter (counters off or
/// full, or that role not taken by this handle), INVALID_ARGUMENT for another type.
pub export fn zigbolt_ipc_counter_id(channel: ?*anyopaque, type_id: i32) callconv(.c) i32 {
    return common.countOrStatus(ipcCounterId(channel, type_id));
}

fn ipcCounterId(channel: ?*anyopaque, type_id: i32) Error!u32 {
    const object = try handles.resolve(zigbolt.IpcChannel, .ipc_channel, channel);
    if (type_id < 1 or type_id > 9) return error.InvalidArgument;
    return object.counterId(@enumFromInt(type_id)) orelse error.CountersFull;
}
