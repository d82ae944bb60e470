//! The C ABI of the log buffer (docs/log-buffer.md). Conventions as in exports.zig; helpers in common.zig.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const handles = @import("handles.zig");
const LogBuffer = zigbolt.LogBuffer;
const Status = zigbolt.Status;
const Error = zigbolt.Error;

pub const LogHandler = *const fn (
    clientd: ?*anyopaque,
    data: [*]const u8,
    length: u32,
    msg_type_id: i32,
) callconv(.c) void;

const statusCode = common.statusCode;

fn resolve(log: ?*anyopaque) Error!*LogBuffer {
    return handles.resolve(LogBuffer, .log_buffer, log);
}

pub export fn zigbolt_log_buffer_create_ex(name: ?[*:0]const u8, term_length: u32, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(common.createOwned(LogBuffer, .log_buffer, name, flags, .{
        .term_length = if (term_length == 0) zigbolt.log_buffer.layout.term_length_default else term_length,
    }));
}

pub export fn zigbolt_log_buffer_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(common.openOwned(LogBuffer, .log_buffer, name, flags));
}

/// Closes the handle (aborting an outstanding claim); the creator's handle also unlinks the name.
pub export fn zigbolt_log_buffer_close(log: ?*anyopaque) callconv(.c) i32 {
    return common.closeOwned(LogBuffer, .log_buffer, log);
}

/// Offset of the claimed payload in the segment (>= 0), or a negative status:
/// ZIGBOLT_STATUS_BACK_PRESSURE when the consumer is a term behind.
pub export fn zigbolt_log_buffer_claim(log: ?*anyopaque, length: u32, msg_type_id: i32) callconv(.c) i32 {
    const object = resolve(log) catch |err| return statusCode(err);
    return common.claimOffsetOrStatus(object.claim(length, msg_type_id));
}

pub export fn zigbolt_log_buffer_commit(log: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return common.statusOf(finish(log, claim_offset, .commit));
}

pub export fn zigbolt_log_buffer_abort(log: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return common.statusOf(finish(log, claim_offset, .abort));
}

fn finish(log: ?*anyopaque, claim_offset: i32, how: common.ClaimEnd) Error!void {
    return common.finishClaim(try resolve(log), claim_offset, how);
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
    return common.segmentOrNull(segmentOf(log));
}

pub export fn zigbolt_log_buffer_segment_length(log: ?*anyopaque) callconv(.c) i32 {
    return common.segmentLengthOrStatus(segmentOf(log));
}

fn segmentOf(log: ?*anyopaque) Error![]u8 {
    return (try resolve(log)).segment.memory;
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

const testing = std.testing;

const Collected = struct {
    count: u32 = 0,
    last_type: i32 = 0,
    bytes: u64 = 0,

    fn onMessage(clientd: ?*anyopaque, data: [*]const u8, length: u32, msg_type_id: i32) callconv(.c) void {
        const self: *Collected = @ptrCast(@alignCast(clientd.?));
        self.count += 1;
        self.last_type = msg_type_id;
        self.bytes += length;
        _ = data;
    }
};

fn statusOfInt(status: Status) i32 {
    return @intFromEnum(status);
}

test "C ABI: a claim is written in place at the returned offset, committed, and polled" {
    const log = zigbolt_log_buffer_create_ex("/zigbolt-test-cabi-log", 4096, 0).?;
    defer _ = zigbolt_log_buffer_close(log);
    const reader = zigbolt_log_buffer_open_ex("/zigbolt-test-cabi-log", 0).?;
    defer _ = zigbolt_log_buffer_close(reader);
    const offset = zigbolt_log_buffer_claim(log, 12, 5);
    try testing.expect(offset >= 0);
    const base: [*]u8 = @ptrCast(zigbolt_log_buffer_segment(log).?);
    @memcpy(base[@intCast(offset)..][0..12], "hello, world");
    try testing.expectEqual(statusOfInt(.invalid_argument), zigbolt_log_buffer_commit(log, offset + 16));
    try testing.expectEqual(@as(i32, 0), zigbolt_log_buffer_commit(log, offset));
    try testing.expectEqual(@as(i32, 0), zigbolt_log_buffer_append(log, "abc", 3, 6));
    const aborted = zigbolt_log_buffer_claim(log, 100, 7);
    try testing.expectEqual(@as(i32, 0), zigbolt_log_buffer_abort(log, aborted));
    var collected: Collected = .{};
    try testing.expectEqual(@as(i32, 2), zigbolt_log_buffer_poll(reader, Collected.onMessage, &collected, 10));
    try testing.expectEqual(@as(i32, 6), collected.last_type);
    try testing.expectEqual(@as(u64, 15), collected.bytes);
    try testing.expectEqual(zigbolt_log_buffer_position(log, 0), zigbolt_log_buffer_position(reader, 1));
    try testing.expectEqual(@as(i32, 1), zigbolt_log_buffer_peer_state(reader, 0));
    try testing.expectEqual(@as(i32, 4096 + 3 * 4096), zigbolt_log_buffer_segment_length(log));
}

test "C ABI: bad handles, roles, sizes and arguments are status codes, never crashes" {
    try testing.expectEqual(statusOfInt(.invalid_handle), zigbolt_log_buffer_claim(null, 1, 1));
    try testing.expectEqual(statusOfInt(.invalid_handle), zigbolt_log_buffer_close(@ptrFromInt(0x1234)));
    try testing.expect(zigbolt_log_buffer_create_ex("/zigbolt-test-cabi-bad", 5000, 0) == null);
    try testing.expectEqual(statusOfInt(.invalid_term_length), @intFromEnum(common.lastStatus()));
    try testing.expect(zigbolt_log_buffer_create_ex(null, 4096, 0) == null);
    try testing.expect(zigbolt_log_buffer_open_ex("/zigbolt-test-cabi-none", 0) == null);
    try testing.expectEqual(statusOfInt(.no_such_channel), @intFromEnum(common.lastStatus()));
    const log = zigbolt_log_buffer_create_ex("/zigbolt-test-cabi-bad", 4096, 0).?;
    try testing.expectEqual(statusOfInt(.message_too_large), zigbolt_log_buffer_claim(log, 4096, 1));
    try testing.expectEqual(statusOfInt(.invalid_argument), zigbolt_log_buffer_append(log, null, 4, 1));
    try testing.expectEqual(statusOfInt(.invalid_argument), zigbolt_log_buffer_poll(log, null, null, 1));
    try testing.expectEqual(statusOfInt(.invalid_argument), zigbolt_log_buffer_take_role(log, 9));
    try testing.expectEqual(statusOfInt(.invalid_argument), zigbolt_log_buffer_commit(log, 0));
    try testing.expectEqual(@as(i32, 0), zigbolt_log_buffer_close(log));
    try testing.expectEqual(statusOfInt(.handle_closed), zigbolt_log_buffer_close(log));
    try testing.expectEqual(statusOfInt(.handle_closed), zigbolt_log_buffer_append(log, "x", 1, 1));
    try testing.expect(zigbolt_log_buffer_segment(log) == null);
}
