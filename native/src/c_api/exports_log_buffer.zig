//! The C ABI of the log buffer (docs/log-buffer.md). Conventions as in exports.zig; helpers in common.zig.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const handles = @import("handles.zig");
const LogBuffer = zigbolt.LogBuffer;
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const ChannelName = zigbolt.ipc.ChannelName;
const allocator = std.heap.c_allocator;

pub const LogHandler = *const fn (
    clientd: ?*anyopaque,
    data: [*]const u8,
    length: u32,
    msg_type_id: i32,
) callconv(.c) void;

fn statusCode(err: Error) i32 {
    return @intFromEnum(Status.fromError(err));
}

fn resolve(log: ?*anyopaque) Error!*LogBuffer {
    return handles.resolve(LogBuffer, .log_buffer, log);
}

pub export fn zigbolt_log_buffer_create_ex(name: ?[*:0]const u8, term_length: u32, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(create(name, term_length, flags));
}

fn create(name: ?[*:0]const u8, term_length: u32, flags: u32) Error!*anyopaque {
    if (flags & ~common.flags_known != 0) return error.InvalidArgument;
    const log_name = try ChannelName.fromC(name);
    return register(try LogBuffer.create(log_name.slice(), .{
        .term_length = if (term_length == 0) zigbolt.log_buffer.layout.term_length_default else term_length,
        .memory = common.memoryOptions(flags),
        .replace = flags & common.flag_replace != 0,
    }));
}

pub export fn zigbolt_log_buffer_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(open(name, flags));
}

fn open(name: ?[*:0]const u8, flags: u32) Error!*anyopaque {
    if (flags & ~(common.flags_known & ~common.flag_replace) != 0) return error.InvalidArgument;
    const log_name = try ChannelName.fromC(name);
    return register(try LogBuffer.open(log_name.slice(), .{ .memory = common.memoryOptions(flags) }));
}

fn register(log: LogBuffer) Error!*anyopaque {
    var owned = log;
    const object = allocator.create(LogBuffer) catch {
        owned.close();
        return error.OutOfMemory;
    };
    object.* = owned;
    return handles.register(.log_buffer, object) catch |err| {
        object.close();
        allocator.destroy(object);
        return err;
    };
}

/// Closes the handle (aborting an outstanding claim); the creator's handle also unlinks the name.
pub export fn zigbolt_log_buffer_close(log: ?*anyopaque) callconv(.c) i32 {
    const object = handles.unregister(LogBuffer, .log_buffer, log) catch |err| return statusCode(err);
    object.close();
    allocator.destroy(object);
    return 0;
}

/// Offset of the claimed payload in the segment (>= 0), or a negative status:
/// ZIGBOLT_STATUS_BACK_PRESSURE when the consumer is a term behind.
pub export fn zigbolt_log_buffer_claim(log: ?*anyopaque, length: u32, msg_type_id: i32) callconv(.c) i32 {
    const object = resolve(log) catch |err| return statusCode(err);
    const claimed = object.claim(length, msg_type_id) catch |err| return statusCode(err);
    const claim = claimed orelse return @intFromEnum(Status.back_pressure);
    return @intCast(claim.segment_offset);
}

pub export fn zigbolt_log_buffer_commit(log: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return common.statusOf(finish(log, claim_offset, .commit));
}

pub export fn zigbolt_log_buffer_abort(log: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return common.statusOf(finish(log, claim_offset, .abort));
}

fn finish(log: ?*anyopaque, claim_offset: i32, how: enum { commit, abort }) Error!void {
    const object = try resolve(log);
    const claim = object.outstandingClaim() orelse return error.InvalidArgument;
    if (claim_offset < 0 or claim.segment_offset != @as(u32, @intCast(claim_offset))) return error.InvalidArgument;
    return switch (how) {
        .commit => object.commit(claim),
        .abort => object.abort(claim),
    };
}

pub export fn zigbolt_log_buffer_append(log: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) callconv(.c) i32 {
    return common.statusOf(append(log, data, length, msg_type_id));
}

fn append(log: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) Error!void {
    const object = try resolve(log);
    if (length == 0) return object.append(&.{}, msg_type_id);
    const bytes = data orelse return error.InvalidArgument;
    return object.append(bytes[0..length], msg_type_id);
}

/// Calls handler for up to `limit` messages; returns the count or a negative status.
pub export fn zigbolt_log_buffer_poll(log: ?*anyopaque, handler: ?LogHandler, clientd: ?*anyopaque, limit: u32) callconv(.c) i32 {
    const Context = struct {
        callback: LogHandler,
        clientd: ?*anyopaque,
        fn onMessage(self: *const @This(), payload: []const u8, msg_type_id: i32) void {
            self.callback(self.clientd, payload.ptr, @intCast(payload.len), msg_type_id);
        }
    };
    const callback = handler orelse return @intFromEnum(Status.invalid_argument);
    const object = resolve(log) catch |err| return statusCode(err);
    const context: Context = .{ .callback = callback, .clientd = clientd };
    const count = object.poll(&context, Context.onMessage, @min(limit, std.math.maxInt(i32))) catch |err| {
        return statusCode(err);
    };
    return @intCast(count);
}

/// Takes ZIGBOLT_LOG_ROLE_WRITER or _CONSUMER (claim/append and poll take theirs on first use).
pub export fn zigbolt_log_buffer_take_role(log: ?*anyopaque, role: u32) callconv(.c) i32 {
    return common.statusOf(takeRole(log, role));
}

fn takeRole(log: ?*anyopaque, role: u32) Error!void {
    const object = try resolve(log);
    return object.takeRole(try roleOf(role));
}

pub export fn zigbolt_log_buffer_peer_state(log: ?*anyopaque, role: u32) callconv(.c) i32 {
    const object = resolve(log) catch |err| return statusCode(err);
    const which = roleOf(role) catch |err| return statusCode(err);
    return @intFromEnum(object.peerState(which));
}

pub export fn zigbolt_log_buffer_peer_pid(log: ?*anyopaque, role: u32) callconv(.c) i32 {
    const object = resolve(log) catch |err| return statusCode(err);
    const which = roleOf(role) catch |err| return statusCode(err);
    return std.math.cast(i32, object.peerPid(which)) orelse 0;
}

/// The writer's or the consumer's position (bytes since creation) from the metadata, as a
/// double (exact below 2^53), or a negative status.
pub export fn zigbolt_log_buffer_position(log: ?*anyopaque, role: u32) callconv(.c) f64 {
    const object = resolve(log) catch |err| return @floatFromInt(statusCode(err));
    const which = roleOf(role) catch |err| return @floatFromInt(statusCode(err));
    const position = switch (which) {
        .writer => object.writerPosition() catch |err| return @floatFromInt(statusCode(err)),
        .consumer => object.consumerPosition(),
    };
    return @floatFromInt(position);
}

pub export fn zigbolt_log_buffer_term_length(log: ?*anyopaque) callconv(.c) i32 {
    const object = resolve(log) catch |err| return statusCode(err);
    return @intCast(object.term_length);
}

/// Base address of the mapped segment, for bindings that read and write frames in place.
pub export fn zigbolt_log_buffer_segment(log: ?*anyopaque) callconv(.c) ?*anyopaque {
    const object = resolve(log) catch |err| {
        common.record(Status.fromError(err));
        return null;
    };
    common.record(.ok);
    return object.segment.memory.ptr;
}

pub export fn zigbolt_log_buffer_segment_length(log: ?*anyopaque) callconv(.c) i32 {
    const object = resolve(log) catch |err| return statusCode(err);
    return @intCast(object.segment.memory.len);
}

/// The counters-file id of the log buffer's counter of `type_id`
/// (ZIGBOLT_COUNTER_TYPE_LOG_*), or a negative status: COUNTERS_FULL when it has no such
/// counter (counters off or full, or that role not taken by this handle).
pub export fn zigbolt_log_buffer_counter_id(log: ?*anyopaque, type_id: i32) callconv(.c) i32 {
    return common.countOrStatus(counterId(log, type_id));
}

fn counterId(log: ?*anyopaque, type_id: i32) Error!u32 {
    const object = try resolve(log);
    if (type_id < 30 or type_id > 39) return error.InvalidArgument;
    return object.counterId(@enumFromInt(type_id)) orelse error.CountersFull;
}

fn roleOf(role: u32) Error!zigbolt.log_buffer.Role {
    return std.meta.intToEnum(zigbolt.log_buffer.Role, role) catch error.InvalidArgument;
}
