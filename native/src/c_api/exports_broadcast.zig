//! The C ABI of broadcast transmitters and receivers (docs/broadcast.md). Conventions as in exports.zig; helpers in common.zig.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const handles = @import("handles.zig");
const Transmitter = zigbolt.broadcast.Transmitter;
const CopyReceiver = zigbolt.broadcast.CopyReceiver;
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const ChannelName = zigbolt.ipc.ChannelName;
const allocator = std.heap.c_allocator;

pub const BroadcastHandler = *const fn (
    clientd: ?*anyopaque,
    data: [*]const u8,
    length: u32,
    msg_type_id: i32,
) callconv(.c) void;

const statusCode = common.statusCode;

pub export fn zigbolt_broadcast_transmitter_create_ex(name: ?[*:0]const u8, capacity: u32, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(common.createOwned(Transmitter, .broadcast_transmitter, name, flags, .{
        .capacity = if (capacity == 0) zigbolt.broadcast.layout.capacity_default else capacity,
    }));
}

/// Becomes the transmitter of an existing buffer (PUBLISHER_EXISTS while another one lives).
pub export fn zigbolt_broadcast_transmitter_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(common.openOwned(Transmitter, .broadcast_transmitter, name, flags));
}

pub export fn zigbolt_broadcast_transmitter_close(transmitter: ?*anyopaque) callconv(.c) i32 {
    return common.closeOwned(Transmitter, .broadcast_transmitter, transmitter);
}

/// Copies one message into the buffer; never blocks. msg_type_id >= 0; at most capacity / 8 bytes.
pub export fn zigbolt_broadcast_transmit(transmitter: ?*anyopaque, msg_type_id: i32, data: ?[*]const u8, length: u32) callconv(.c) i32 {
    return common.statusOf(transmit(transmitter, msg_type_id, data, length));
}

fn transmit(transmitter: ?*anyopaque, msg_type_id: i32, data: ?[*]const u8, length: u32) Error!void {
    const object = try handles.resolve(Transmitter, .broadcast_transmitter, transmitter);
    if (length == 0) return object.transmit(msg_type_id, &.{});
    const bytes = data orelse return error.InvalidArgument;
    return object.transmit(msg_type_id, bytes[0..length]);
}

/// Joins an existing buffer at its latest message, with a scratch buffer for copies.
pub export fn zigbolt_broadcast_receiver_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(openReceiver(name, flags));
}

fn openReceiver(name: ?[*:0]const u8, flags: u32) Error!*anyopaque {
    try common.checkOpenFlags(flags);
    const buffer_name = try ChannelName.fromC(name);
    return common.registerOwned(CopyReceiver, .broadcast_receiver, try CopyReceiver.open(allocator, buffer_name.slice(), .{ .memory = common.memoryOptions(flags) }));
}

pub export fn zigbolt_broadcast_receiver_close(receiver: ?*anyopaque) callconv(.c) i32 {
    return common.closeOwned(CopyReceiver, .broadcast_receiver, receiver);
}

/// Calls handler with a validated copy of up to `limit` messages; returns the count or a
/// negative status. `data` is valid only during the call.
pub export fn zigbolt_broadcast_receive(receiver: ?*anyopaque, handler: ?BroadcastHandler, clientd: ?*anyopaque, limit: u32) callconv(.c) i32 {
    const Context = struct {
        callback: BroadcastHandler,
        clientd: ?*anyopaque,
        fn onMessage(self: *const @This(), msg_type_id: i32, payload: []const u8) void {
            self.callback(self.clientd, payload.ptr, @intCast(payload.len), msg_type_id);
        }
    };
    const callback = handler orelse return @intFromEnum(Status.invalid_argument);
    const object = handles.resolve(CopyReceiver, .broadcast_receiver, receiver) catch |err| return statusCode(err);
    const context: Context = .{ .callback = callback, .clientd = clientd };
    const count = object.receive(&context, Context.onMessage, @min(limit, std.math.maxInt(i32))) catch |err| {
        return statusCode(err);
    };
    return @intCast(count);
}

/// Copies up to `records_max` (at most 64) validated messages into `out` (8-byte aligned, at
/// least `zigbolt_broadcast_receiver_batch_length` bytes) and returns how many (0: nothing
/// new), or a negative status. Each record there is as in the buffer: its length (i32, the
/// 8-byte header included), msg type id (i32), then the payload padded to 8 bytes. For
/// bindings that hand messages over without a callback per message.
pub export fn zigbolt_broadcast_receive_batch(receiver: ?*anyopaque, out: ?[*]u8, out_length: u32, records_max: u32) callconv(.c) i32 {
    return common.countOrStatus(receiveBatch(receiver, out, out_length, records_max));
}

fn receiveBatch(receiver: ?*anyopaque, out: ?[*]u8, out_length: u32, records_max: u32) Error!u32 {
    const object = try handles.resolve(CopyReceiver, .broadcast_receiver, receiver);
    const bytes = out orelse return error.InvalidArgument;
    if (@intFromPtr(bytes) % 8 != 0) return error.InvalidArgument;
    const aligned: [*]align(8) u8 = @alignCast(bytes);
    return object.receiveBatch(aligned[0..out_length], records_max);
}

/// Bytes the buffer given to `zigbolt_broadcast_receive_batch` needs, or a negative status.
pub export fn zigbolt_broadcast_receiver_batch_length(receiver: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(CopyReceiver, .broadcast_receiver, receiver) catch |err| return statusCode(err);
    return @intCast(object.batchLength());
}

/// How many times the receiver was overrun (and skipped to the latest message), as a double,
/// or a negative status.
pub export fn zigbolt_broadcast_receiver_lapped_count(receiver: ?*anyopaque) callconv(.c) f64 {
    const object = handles.resolve(CopyReceiver, .broadcast_receiver, receiver) catch |err| {
        return @floatFromInt(statusCode(err));
    };
    return @floatFromInt(object.lappedCount());
}

/// ZIGBOLT_PEER_* of the transmitter, from a transmitter or a receiver handle.
pub export fn zigbolt_broadcast_transmitter_state(handle: ?*anyopaque) callconv(.c) i32 {
    const memory = segmentOf(handle) catch |err| return statusCode(err);
    return @intFromEnum(zigbolt.broadcast.transmitterState(memory));
}

/// Bytes of records (a power of two), from a transmitter or a receiver handle.
pub export fn zigbolt_broadcast_capacity(handle: ?*anyopaque) callconv(.c) i32 {
    const memory = segmentOf(handle) catch |err| return statusCode(err);
    return @intCast(memory.len - zigbolt.broadcast.layout.metadata_length);
}

/// Base address of the mapped segment, from a transmitter or a receiver handle.
pub export fn zigbolt_broadcast_segment(handle: ?*anyopaque) callconv(.c) ?*anyopaque {
    return common.segmentOrNull(segmentOf(handle));
}

pub export fn zigbolt_broadcast_segment_length(handle: ?*anyopaque) callconv(.c) i32 {
    return common.segmentLengthOrStatus(segmentOf(handle));
}

/// The counters-file id of a transmitter's or receiver's counter of `type_id`
/// (ZIGBOLT_COUNTER_TYPE_BROADCAST_*), or a negative status (COUNTERS_FULL: no such counter).
pub export fn zigbolt_broadcast_counter_id(handle: ?*anyopaque, type_id: i32) callconv(.c) i32 {
    return common.countOrStatus(counterId(handle, type_id));
}

fn counterId(handle: ?*anyopaque, type_id: i32) Error!u32 {
    if (type_id < 40 or type_id > 49) return error.InvalidArgument;
    const type_enum: zigbolt.counters.types.TypeId = @enumFromInt(type_id);
    if (handles.resolve(Transmitter, .broadcast_transmitter, handle)) |transmitter| {
        return transmitter.counterId(type_enum) orelse error.CountersFull;
    } else |err| if (err != error.WrongHandleKind) return err;
    const receiver = try handles.resolve(CopyReceiver, .broadcast_receiver, handle);
    return receiver.counterId(type_enum) orelse error.CountersFull;
}

fn segmentOf(handle: ?*anyopaque) Error![]u8 {
    if (handles.resolve(Transmitter, .broadcast_transmitter, handle)) |transmitter| {
        return transmitter.segment.memory;
    } else |err| if (err != error.WrongHandleKind) return err;
    const receiver = try handles.resolve(CopyReceiver, .broadcast_receiver, handle);
    return receiver.receiver.segment.memory;
}

const testing = std.testing;

const Collected = struct {
    count: u32 = 0,
    last_type: i32 = -1,

    fn onMessage(clientd: ?*anyopaque, data: [*]const u8, length: u32, msg_type_id: i32) callconv(.c) void {
        const self: *Collected = @ptrCast(@alignCast(clientd.?));
        self.count += 1;
        self.last_type = msg_type_id;
        _ = data;
        _ = length;
    }
};

test "C ABI: transmit, receive with a callback, lapped count, bad input as status codes" {
    const transmitter = zigbolt_broadcast_transmitter_create_ex("/zigbolt-test-cabi-bcast", 1024, 0).?;
    defer _ = zigbolt_broadcast_transmitter_close(transmitter);
    const receiver = zigbolt_broadcast_receiver_open_ex("/zigbolt-test-cabi-bcast", 0).?;
    defer _ = zigbolt_broadcast_receiver_close(receiver);
    try testing.expectEqual(@as(i32, 0), zigbolt_broadcast_transmit(transmitter, 3, "abc", 3));
    var collected: Collected = .{};
    try testing.expectEqual(@as(i32, 1), zigbolt_broadcast_receive(receiver, Collected.onMessage, &collected, 10));
    try testing.expectEqual(@as(i32, 3), collected.last_type);
    var big: [200]u8 = @splat(1);
    for (0..100) |_| try testing.expectEqual(@as(i32, 0), zigbolt_broadcast_transmit(transmitter, 4, &big, 64));
    _ = zigbolt_broadcast_receive(receiver, Collected.onMessage, &collected, 1000);
    try testing.expect(zigbolt_broadcast_receiver_lapped_count(receiver) > 0);
    try testing.expectEqual(@as(i32, 1024), zigbolt_broadcast_capacity(receiver));
    try testing.expectEqual(@as(i32, 1), zigbolt_broadcast_transmitter_state(receiver));

    const status = struct {
        fn of(s: Status) i32 {
            return @intFromEnum(s);
        }
    }.of;
    try testing.expectEqual(status(.message_too_large), zigbolt_broadcast_transmit(transmitter, 1, &big, 200));
    try testing.expectEqual(status(.invalid_argument), zigbolt_broadcast_transmit(transmitter, -1, &big, 1));
    try testing.expectEqual(status(.invalid_argument), zigbolt_broadcast_transmit(transmitter, 1, null, 1));
    try testing.expectEqual(status(.wrong_handle_kind), zigbolt_broadcast_transmit(receiver, 1, &big, 1));
    try testing.expectEqual(status(.invalid_argument), zigbolt_broadcast_receive(receiver, null, null, 1));
    try testing.expectEqual(status(.invalid_handle), zigbolt_broadcast_capacity(null));

    // Batches: one message in, its record out; bad buffers and handles are statuses.
    var batch: [8 + 128 + 8192 + 8]u8 align(8) = undefined;
    try testing.expectEqual(@as(i32, 8 + 128 + 8192), zigbolt_broadcast_receiver_batch_length(receiver));
    try testing.expectEqual(@as(i32, 0), zigbolt_broadcast_transmit(transmitter, 5, "hello", 5));
    try testing.expectEqual(@as(i32, 1), zigbolt_broadcast_receive_batch(receiver, &batch, batch.len, 64));
    try testing.expectEqual(@as(u32, 8 + 5), std.mem.readInt(u32, batch[0..4], .little));
    try testing.expectEqual(@as(i32, 5), std.mem.readInt(i32, batch[4..8], .little));
    try testing.expectEqualStrings("hello", batch[8..13]);
    try testing.expectEqual(@as(i32, 0), zigbolt_broadcast_receive_batch(receiver, &batch, batch.len, 64));
    try testing.expectEqual(status(.invalid_argument), zigbolt_broadcast_receive_batch(receiver, null, 8192, 64));
    try testing.expectEqual(status(.invalid_argument), zigbolt_broadcast_receive_batch(receiver, batch[1..].ptr, batch.len - 8, 64));
    try testing.expectEqual(status(.invalid_argument), zigbolt_broadcast_receive_batch(receiver, &batch, 64, 64));
    try testing.expectEqual(status(.wrong_handle_kind), zigbolt_broadcast_receive_batch(transmitter, &batch, batch.len, 64));
    try testing.expectEqual(status(.invalid_handle), zigbolt_broadcast_receiver_batch_length(null));
    try testing.expect(zigbolt_broadcast_transmitter_create_ex("/zigbolt-test-cabi-bcast2", 1000, 0) == null);
    try testing.expectEqual(status(.invalid_capacity), @intFromEnum(common.lastStatus()));
    try testing.expect(zigbolt_broadcast_transmitter_open_ex("/zigbolt-test-cabi-bcast", 0) == null);
    try testing.expectEqual(status(.publisher_exists), @intFromEnum(common.lastStatus()));
}
