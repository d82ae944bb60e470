//! Every symbol libzigbolt exports, in one place. include/zigbolt.h declares the same
//! functions and constants; c_api/header_test.zig fails the build of the tests if they drift.
//!
//! Conventions: handles are checked tokens (handles.zig); functions that return a status
//! return 0 or a negative ZIGBOLT_* code; functions that return a handle, a count or nothing
//! record their status for zigbolt_last_status().

const std = @import("std");
const zigbolt = @import("zigbolt");
const handles = @import("handles.zig");
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const IpcChannel = zigbolt.IpcChannel;
const Transport = zigbolt.Transport;
const ChannelName = zigbolt.ipc.ChannelName;
const allocator = std.heap.c_allocator;

const common = @import("common.zig");
const record = common.record;
const statusOf = common.statusOf;
const handleOrNull = common.handleOrNull;
const memoryOptions = common.memoryOptions;
pub const flag_pre_fault = common.flag_pre_fault;
pub const flag_hugepages = common.flag_hugepages;
pub const flag_mlock = common.flag_mlock;
pub const flag_replace = common.flag_replace;
pub const flag_keep_address = common.flag_keep_address;
const flags_known = common.flags_known;

/// Every file of the C ABI. Their exports are emitted because they are referenced here;
/// include/header_test.zig checks each against zigbolt.h.
pub const parts = .{
    @This(),
    @import("exports_counters.zig"),
    @import("exports_rings.zig"),
    @import("exports_log_buffer.zig"),
    @import("exports_broadcast.zig"),
    @import("exports_agents.zig"),
};

comptime {
    for (parts) |part| _ = part;
}

pub const PollHandler = *const fn (data: [*]const u8, length: u32, msg_type_id: i32) callconv(.c) void;
pub const PollHandlerEx = *const fn (
    clientd: ?*anyopaque,
    data: [*]const u8,
    length: u32,
    msg_type_id: i32,
) callconv(.c) void;

// ---- version ---------------------------------------------------------------------------

pub export fn zigbolt_version_major() callconv(.c) u32 {
    return zigbolt.version.major;
}

pub export fn zigbolt_version_minor() callconv(.c) u32 {
    return zigbolt.version.minor;
}

pub export fn zigbolt_version_patch() callconv(.c) u32 {
    return zigbolt.version.patch;
}

// ---- status ----------------------------------------------------------------------------

pub export fn zigbolt_last_status() callconv(.c) i32 {
    return @intFromEnum(common.lastStatus());
}

pub export fn zigbolt_status_name(status: i32) callconv(.c) [*:0]const u8 {
    const known = Status.fromInt(status) orelse return "Unknown";
    return known.name();
}

pub export fn zigbolt_status_message(status: i32) callconv(.c) [*:0]const u8 {
    const known = Status.fromInt(status) orelse return "unknown status code";
    return known.message();
}

// ---- transport -------------------------------------------------------------------------

pub export fn zigbolt_transport_create(term_length: u32, use_hugepages: u8, pre_fault: u8) callconv(.c) ?*anyopaque {
    var flags: u32 = 0;
    if (use_hugepages != 0) flags |= flag_hugepages;
    if (pre_fault != 0) flags |= flag_pre_fault;
    return zigbolt_transport_create_ex(term_length, flags);
}

pub export fn zigbolt_transport_create_ex(term_length: u32, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(createTransport(term_length, flags));
}

fn createTransport(term_length: u32, flags: u32) Error!*anyopaque {
    if (flags & ~(flags_known & ~flag_replace) != 0) return error.InvalidArgument;
    const transport = try Transport.init(.{
        .term_length = if (term_length == 0) zigbolt.limits.term_length_default else term_length,
        .memory = memoryOptions(flags),
    });
    const object = allocator.create(Transport) catch return error.OutOfMemory;
    errdefer allocator.destroy(object);
    object.* = transport;
    return handles.register(.transport, object);
}

pub export fn zigbolt_transport_destroy(transport: ?*anyopaque) callconv(.c) void {
    const object = handles.unregister(Transport, .transport, transport) catch |err| {
        return record(Status.fromError(err));
    };
    allocator.destroy(object);
    record(.ok);
}

pub export fn zigbolt_transport_ipc_create(transport: ?*anyopaque, name: ?[*:0]const u8) callconv(.c) ?*anyopaque {
    return handleOrNull(transportChannel(transport, name, .create));
}

pub export fn zigbolt_transport_ipc_open(transport: ?*anyopaque, name: ?[*:0]const u8) callconv(.c) ?*anyopaque {
    return handleOrNull(transportChannel(transport, name, .open));
}

fn transportChannel(transport: ?*anyopaque, name: ?[*:0]const u8, how: enum { create, open }) Error!*anyopaque {
    const t = try handles.resolve(Transport, .transport, transport);
    const channel_name = try ChannelName.fromC(name);
    const channel = switch (how) {
        .create => try t.createChannel(channel_name.slice()),
        .open => try t.openChannel(channel_name.slice()),
    };
    return registerChannel(channel);
}

// ---- IPC channel -----------------------------------------------------------------------

pub export fn zigbolt_ipc_create(name: ?[*:0]const u8, term_length: u32) callconv(.c) ?*anyopaque {
    return zigbolt_ipc_create_ex(name, term_length, flag_pre_fault);
}

pub export fn zigbolt_ipc_open(name: ?[*:0]const u8, term_length: u32) callconv(.c) ?*anyopaque {
    return zigbolt_ipc_open_ex(name, term_length, flag_pre_fault);
}

pub export fn zigbolt_ipc_create_ex(name: ?[*:0]const u8, term_length: u32, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(createChannel(name, term_length, flags));
}

pub export fn zigbolt_ipc_open_ex(name: ?[*:0]const u8, term_length: u32, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(openChannel(name, term_length, flags));
}

fn createChannel(name: ?[*:0]const u8, term_length: u32, flags: u32) Error!*anyopaque {
    if (flags & ~flags_known != 0) return error.InvalidArgument;
    const channel_name = try ChannelName.fromC(name);
    return registerChannel(try IpcChannel.create(channel_name.slice(), .{
        .term_length = term_length,
        .memory = memoryOptions(flags),
        .replace = flags & flag_replace != 0,
    }));
}

fn openChannel(name: ?[*:0]const u8, term_length: u32, flags: u32) Error!*anyopaque {
    if (flags & ~(flags_known & ~flag_replace) != 0) return error.InvalidArgument;
    const channel_name = try ChannelName.fromC(name);
    return registerChannel(try IpcChannel.open(channel_name.slice(), .{
        .term_length = term_length,
        .memory = memoryOptions(flags),
    }));
}

fn registerChannel(channel: IpcChannel) Error!*anyopaque {
    return common.registerOwned(IpcChannel, .ipc_channel, channel);
}

pub export fn zigbolt_ipc_destroy(channel: ?*anyopaque) callconv(.c) void {
    record(Status.fromInt(zigbolt_ipc_close(channel)).?);
}

pub export fn zigbolt_ipc_close(channel: ?*anyopaque) callconv(.c) i32 {
    return common.closeOwned(IpcChannel, .ipc_channel, channel);
}

pub export fn zigbolt_publish(channel: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) callconv(.c) i32 {
    return statusOf(publish(channel, data, length, msg_type_id));
}

fn publish(channel: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) Error!void {
    const object = try handles.resolve(IpcChannel, .ipc_channel, channel);
    if (length == 0) return error.EmptyMessage;
    const bytes = data orelse return error.InvalidArgument;
    return object.publish(bytes[0..length], msg_type_id);
}

pub export fn zigbolt_poll(channel: ?*anyopaque, handler: ?PollHandler, limit: u32) callconv(.c) u32 {
    const Context = struct {
        callback: PollHandler,
        fn onMessage(self: *const @This(), payload: []const u8, msg_type_id: i32) void {
            self.callback(payload.ptr, @intCast(payload.len), msg_type_id);
        }
    };
    const callback = handler orelse {
        record(.invalid_argument);
        return 0;
    };
    const count = pollWith(channel, &Context{ .callback = callback }, Context.onMessage, limit);
    if (count < 0) {
        record(Status.fromInt(count).?);
        return 0;
    }
    record(.ok);
    return @intCast(count);
}

pub export fn zigbolt_ipc_poll_ex(channel: ?*anyopaque, handler: ?PollHandlerEx, clientd: ?*anyopaque, limit: u32) callconv(.c) i32 {
    const Context = struct {
        callback: PollHandlerEx,
        clientd: ?*anyopaque,
        fn onMessage(self: *const @This(), payload: []const u8, msg_type_id: i32) void {
            self.callback(self.clientd, payload.ptr, @intCast(payload.len), msg_type_id);
        }
    };
    const callback = handler orelse return @intFromEnum(Status.invalid_argument);
    return pollWith(channel, &Context{ .callback = callback, .clientd = clientd }, Context.onMessage, limit);
}

/// Count of messages delivered, or a negative status.
fn pollWith(
    channel: ?*anyopaque,
    context: anytype,
    comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
    limit: u32,
) i32 {
    const object = handles.resolve(IpcChannel, .ipc_channel, channel) catch |err| {
        return @intFromEnum(Status.fromError(err));
    };
    const count = object.poll(context, on_message, @min(limit, std.math.maxInt(i32))) catch |err| {
        return @intFromEnum(Status.fromError(err));
    };
    return @intCast(count);
}

pub export fn zigbolt_ipc_claim(channel: ?*anyopaque, role: u32) callconv(.c) i32 {
    return statusOf(claim(channel, role));
}

fn claim(channel: ?*anyopaque, role: u32) Error!void {
    const object = try handles.resolve(IpcChannel, .ipc_channel, channel);
    return object.claim(try roleOf(role));
}

pub export fn zigbolt_ipc_peer_state(channel: ?*anyopaque, role: u32) callconv(.c) i32 {
    const object = handles.resolve(IpcChannel, .ipc_channel, channel) catch |err| {
        return @intFromEnum(Status.fromError(err));
    };
    const which = roleOf(role) catch |err| return @intFromEnum(Status.fromError(err));
    return @intFromEnum(object.peerState(which));
}

pub export fn zigbolt_ipc_peer_pid(channel: ?*anyopaque, role: u32) callconv(.c) i32 {
    const object = handles.resolve(IpcChannel, .ipc_channel, channel) catch |err| {
        return @intFromEnum(Status.fromError(err));
    };
    const which = roleOf(role) catch |err| return @intFromEnum(Status.fromError(err));
    // The owner word is shared memory: a garbage pid must not become a negative "status".
    return std.math.cast(i32, object.peerPid(which)) orelse 0;
}

pub export fn zigbolt_ipc_term_length(channel: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(IpcChannel, .ipc_channel, channel) catch |err| {
        return @intFromEnum(Status.fromError(err));
    };
    return @intCast(object.term_length);
}

pub export fn zigbolt_ipc_memory_flags(channel: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(IpcChannel, .ipc_channel, channel) catch |err| {
        return @intFromEnum(Status.fromError(err));
    };
    return @intCast(@as(u32, @bitCast(object.memory_applied)));
}

/// The mapping itself, for bindings that read and write frames in place (TypeScript).
pub export fn zigbolt_ipc_segment(channel: ?*anyopaque) callconv(.c) ?*anyopaque {
    return common.segmentOrNull(segmentOf(channel));
}

fn segmentOf(channel: ?*anyopaque) Error![]u8 {
    return (try handles.resolve(IpcChannel, .ipc_channel, channel)).segment.memory;
}

// ---- clock -----------------------------------------------------------------------------

/// CLOCK_MONOTONIC in nanoseconds, as a double (exact for 104 days of uptime): the clock
/// that Zig, Bun and Deno processes share for latency measurements.
pub export fn zigbolt_clock_ns() callconv(.c) f64 {
    return @floatFromInt(zigbolt.clock.monotonicNs());
}

// ---- kept mappings (ZIGBOLT_FLAG_KEEP_ADDRESS) ------------------------------------------

/// The caller's views into the mapping that starts at `address` (a handle opened with
/// ZIGBOLT_FLAG_KEEP_ADDRESS) are gone: its address range is unmapped once the handle is
/// closed too. InvalidArgument for any other address.
pub export fn zigbolt_release_mapping(address: ?*anyopaque) callconv(.c) i32 {
    zigbolt.kept_mappings.release(@intFromPtr(address)) catch |err| return common.statusCode(err);
    return 0;
}

/// Mappings closed and not yet released (ZIGBOLT_FLAG_KEEP_ADDRESS).
pub export fn zigbolt_retired_mapping_count() callconv(.c) u32 {
    return zigbolt.kept_mappings.retiredCount();
}

// ---- helpers ---------------------------------------------------------------------------

fn roleOf(role: u32) Error!zigbolt.ipc.Role {
    return std.meta.intToEnum(zigbolt.ipc.Role, role) catch error.InvalidArgument;
}

test {
    _ = @import("handles.zig");
    _ = @import("common.zig");
    _ = @import("exports_test.zig");
}
