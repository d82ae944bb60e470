//! The C ABI of SPSC and MPSC ring buffers (docs/spsc-ring.md, docs/mpsc-ring.md). Conventions as in exports.zig; helpers in common.zig.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const handles = @import("handles.zig");
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const SpscRingBuffer = zigbolt.SpscRingBuffer;
const MpscRingBuffer = zigbolt.MpscRingBuffer;
const statusOf = common.statusOf;
const handleOrNull = common.handleOrNull;
const code = common.statusCode;

pub const ReadHandler = *const fn (
    clientd: ?*anyopaque,
    data: [*]const u8,
    length: u32,
    msg_type_id: i32,
) callconv(.c) void;

// ---- SPSC ring buffer --------------------------------------------------------------------

pub export fn zigbolt_spsc_create_ex(name: ?[*:0]const u8, capacity: u32, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(common.createOwned(SpscRingBuffer, .spsc_ring, name, flags, .{ .capacity = capacity }));
}

pub export fn zigbolt_spsc_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(common.openOwned(SpscRingBuffer, .spsc_ring, name, flags));
}

pub export fn zigbolt_spsc_close(ring: ?*anyopaque) callconv(.c) i32 {
    return common.closeOwned(SpscRingBuffer, .spsc_ring, ring);
}

pub export fn zigbolt_spsc_write(ring: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) callconv(.c) i32 {
    return write(SpscRingBuffer, .spsc_ring, ring, data, length, msg_type_id);
}

pub export fn zigbolt_spsc_read(ring: ?*anyopaque, handler: ?ReadHandler, clientd: ?*anyopaque, limit: u32) callconv(.c) i32 {
    return read(SpscRingBuffer, .spsc_ring, ring, handler, clientd, limit);
}

/// Offset of the claimed payload in the segment (>= 0), or a negative status (BackPressure
/// when the ring is full).
pub export fn zigbolt_spsc_try_claim(ring: ?*anyopaque, length: u32, msg_type_id: i32) callconv(.c) i32 {
    return tryClaim(SpscRingBuffer, .spsc_ring, ring, length, msg_type_id);
}

pub export fn zigbolt_spsc_commit(ring: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return statusOf(finish(SpscRingBuffer, .spsc_ring, ring, claim_offset, .commit));
}

pub export fn zigbolt_spsc_abort(ring: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return statusOf(finish(SpscRingBuffer, .spsc_ring, ring, claim_offset, .abort));
}

pub export fn zigbolt_spsc_claim(ring: ?*anyopaque, role: u32) callconv(.c) i32 {
    const object = handles.resolve(SpscRingBuffer, .spsc_ring, ring) catch |err| return code(err);
    const which = std.meta.intToEnum(zigbolt.ring.Role, role) catch return code(error.InvalidArgument);
    return statusOf(object.claim(which));
}

pub export fn zigbolt_spsc_peer_state(ring: ?*anyopaque, role: u32) callconv(.c) i32 {
    const object = handles.resolve(SpscRingBuffer, .spsc_ring, ring) catch |err| return code(err);
    const which = std.meta.intToEnum(zigbolt.ring.Role, role) catch return code(error.InvalidArgument);
    return @intFromEnum(object.peerState(which));
}

pub export fn zigbolt_spsc_capacity(ring: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(SpscRingBuffer, .spsc_ring, ring) catch |err| return code(err);
    return @intCast(object.capacity());
}

/// The counters-file id of this handle's counter of `type_id` (10..16), or a negative status.
pub export fn zigbolt_spsc_counter_id(ring: ?*anyopaque, type_id: i32) callconv(.c) i32 {
    const object = handles.resolve(SpscRingBuffer, .spsc_ring, ring) catch |err| return code(err);
    if (type_id < 10 or type_id > 19) return code(error.InvalidArgument);
    const id = object.counterId(type_id) orelse return code(error.CountersFull);
    return @intCast(id);
}

pub export fn zigbolt_spsc_segment(ring: ?*anyopaque) callconv(.c) ?*anyopaque {
    return common.segmentOrNull(segmentOf(SpscRingBuffer, .spsc_ring, ring));
}

pub export fn zigbolt_spsc_segment_length(ring: ?*anyopaque) callconv(.c) i32 {
    return common.segmentLengthOrStatus(segmentOf(SpscRingBuffer, .spsc_ring, ring));
}

// ---- MPSC ring buffer --------------------------------------------------------------------

pub export fn zigbolt_mpsc_create_ex(name: ?[*:0]const u8, capacity: u32, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(common.createOwned(MpscRingBuffer, .mpsc_ring, name, flags, .{ .capacity = capacity }));
}

pub export fn zigbolt_mpsc_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return handleOrNull(common.openOwned(MpscRingBuffer, .mpsc_ring, name, flags));
}

pub export fn zigbolt_mpsc_close(ring: ?*anyopaque) callconv(.c) i32 {
    return common.closeOwned(MpscRingBuffer, .mpsc_ring, ring);
}

pub export fn zigbolt_mpsc_write(ring: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) callconv(.c) i32 {
    return write(MpscRingBuffer, .mpsc_ring, ring, data, length, msg_type_id);
}

pub export fn zigbolt_mpsc_read(ring: ?*anyopaque, handler: ?ReadHandler, clientd: ?*anyopaque, limit: u32) callconv(.c) i32 {
    return read(MpscRingBuffer, .mpsc_ring, ring, handler, clientd, limit);
}

/// Offset of the claimed payload in the segment (>= 0), or a negative status (BackPressure
/// when the ring is full).
pub export fn zigbolt_mpsc_try_claim(ring: ?*anyopaque, length: u32, msg_type_id: i32) callconv(.c) i32 {
    return tryClaim(MpscRingBuffer, .mpsc_ring, ring, length, msg_type_id);
}

pub export fn zigbolt_mpsc_commit(ring: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return statusOf(finish(MpscRingBuffer, .mpsc_ring, ring, claim_offset, .commit));
}

pub export fn zigbolt_mpsc_abort(ring: ?*anyopaque, claim_offset: i32) callconv(.c) i32 {
    return statusOf(finish(MpscRingBuffer, .mpsc_ring, ring, claim_offset, .abort));
}

/// The producer slot index (0..63) this handle writes with, taking one if it has none.
pub export fn zigbolt_mpsc_claim_producer(ring: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    const index = object.claimProducerSlot() catch |err| return code(err);
    return @intCast(index);
}

pub export fn zigbolt_mpsc_claim_consumer(ring: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    return statusOf(object.claimConsumerRole());
}

pub export fn zigbolt_mpsc_resolve_stuck(ring: ?*anyopaque, position: u32) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    const length = object.resolveStuck(position) catch |err| return code(err);
    return @intCast(length);
}

/// Crash tests' hook: the next `countdown` writes of this handle complete, the one after
/// claims its space, prints "claimed-and-hanging" and never returns (so a test can SIGKILL
/// a producer, of any runtime, between claim and commit).
pub export fn zigbolt_mpsc_test_hang_after_claim(ring: ?*anyopaque, countdown: u32) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    object.hang_after_claim_countdown = countdown;
    return 0;
}

pub export fn zigbolt_mpsc_consumer_state(ring: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    return @intFromEnum(object.consumerState());
}

/// Dead producers' claims this handle's reads have skipped, as a double (negative status
/// on a bad handle).
pub export fn zigbolt_mpsc_lost_records(ring: ?*anyopaque) callconv(.c) f64 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return @floatFromInt(code(err));
    return @floatFromInt(object.lost_records);
}

pub export fn zigbolt_mpsc_capacity(ring: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    return @intCast(object.capacity());
}

/// The counters-file id of this handle's counter of `type_id` (20..26), or a negative status.
pub export fn zigbolt_mpsc_counter_id(ring: ?*anyopaque, type_id: i32) callconv(.c) i32 {
    const object = handles.resolve(MpscRingBuffer, .mpsc_ring, ring) catch |err| return code(err);
    if (type_id < 20 or type_id > 29) return code(error.InvalidArgument);
    const id = object.counterId(type_id) orelse return code(error.CountersFull);
    return @intCast(id);
}

pub export fn zigbolt_mpsc_segment(ring: ?*anyopaque) callconv(.c) ?*anyopaque {
    return common.segmentOrNull(segmentOf(MpscRingBuffer, .mpsc_ring, ring));
}

pub export fn zigbolt_mpsc_segment_length(ring: ?*anyopaque) callconv(.c) i32 {
    return common.segmentLengthOrStatus(segmentOf(MpscRingBuffer, .mpsc_ring, ring));
}

// ---- shared by both ----------------------------------------------------------------------

fn write(comptime T: type, comptime kind: handles.Kind, ring: ?*anyopaque, data: ?[*]const u8, length: u32, msg_type_id: i32) i32 {
    const object = handles.resolve(T, kind, ring) catch |err| return code(err);
    const bytes: []const u8 = if (length == 0) &.{} else (data orelse return code(error.InvalidArgument))[0..length];
    const written = object.write(bytes, msg_type_id) catch |err| return code(err);
    return if (written) 0 else @intFromEnum(Status.back_pressure);
}

fn tryClaim(comptime T: type, comptime kind: handles.Kind, ring: ?*anyopaque, length: u32, msg_type_id: i32) i32 {
    const object = handles.resolve(T, kind, ring) catch |err| return code(err);
    return common.claimOffsetOrStatus(object.tryClaim(length, msg_type_id));
}

fn finish(comptime T: type, comptime kind: handles.Kind, ring: ?*anyopaque, claim_offset: i32, how: common.ClaimEnd) Error!void {
    return common.finishClaim(try handles.resolve(T, kind, ring), claim_offset, how);
}

fn read(comptime T: type, comptime kind: handles.Kind, ring: ?*anyopaque, handler: ?ReadHandler, clientd: ?*anyopaque, limit: u32) i32 {
    const Context = struct {
        callback: ReadHandler,
        clientd: ?*anyopaque,
        fn onMessage(self: *const @This(), payload: []const u8, msg_type_id: i32) void {
            self.callback(self.clientd, payload.ptr, @intCast(payload.len), msg_type_id);
        }
    };
    const object = handles.resolve(T, kind, ring) catch |err| return code(err);
    const callback = handler orelse return code(error.InvalidArgument);
    const context: Context = .{ .callback = callback, .clientd = clientd };
    const count = object.read(&context, Context.onMessage, @min(limit, std.math.maxInt(i32))) catch |err| return code(err);
    return @intCast(count);
}

fn segmentOf(comptime T: type, comptime kind: handles.Kind, ring: ?*anyopaque) Error![]u8 {
    return (try handles.resolve(T, kind, ring)).ring.named.memory;
}
