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

fn statusCode(err: Error) i32 {
    return @intFromEnum(Status.fromError(err));
}

pub export fn zigbolt_broadcast_transmitter_create_ex(name: ?[*:0]const u8, capacity: u32, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(createTransmitter(name, capacity, flags));
}

fn createTransmitter(name: ?[*:0]const u8, capacity: u32, flags: u32) Error!*anyopaque {
    if (flags & ~common.flags_known != 0) return error.InvalidArgument;
    const buffer_name = try ChannelName.fromC(name);
    return registerTransmitter(try Transmitter.create(buffer_name.slice(), .{
        .capacity = if (capacity == 0) zigbolt.broadcast.layout.capacity_default else capacity,
        .memory = common.memoryOptions(flags),
        .replace = flags & common.flag_replace != 0,
    }));
}

/// Becomes the transmitter of an existing buffer (PUBLISHER_EXISTS while another one lives).
pub export fn zigbolt_broadcast_transmitter_open_ex(name: ?[*:0]const u8, flags: u32) callconv(.c) ?*anyopaque {
    return common.handleOrNull(openTransmitter(name, flags));
}

fn openTransmitter(name: ?[*:0]const u8, flags: u32) Error!*anyopaque {
    if (flags & ~(common.flags_known & ~common.flag_replace) != 0) return error.InvalidArgument;
    const buffer_name = try ChannelName.fromC(name);
    return registerTransmitter(try Transmitter.open(buffer_name.slice(), .{ .memory = common.memoryOptions(flags) }));
}

fn registerTransmitter(transmitter: Transmitter) Error!*anyopaque {
    var owned = transmitter;
    const object = allocator.create(Transmitter) catch {
        owned.close();
        return error.OutOfMemory;
    };
    object.* = owned;
    return handles.register(.broadcast_transmitter, object) catch |err| {
        object.close();
        allocator.destroy(object);
        return err;
    };
}

pub export fn zigbolt_broadcast_transmitter_close(transmitter: ?*anyopaque) callconv(.c) i32 {
    const object = handles.unregister(Transmitter, .broadcast_transmitter, transmitter) catch |err| {
        return statusCode(err);
    };
    object.close();
    allocator.destroy(object);
    return 0;
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
    if (flags & ~(common.flags_known & ~common.flag_replace) != 0) return error.InvalidArgument;
    const buffer_name = try ChannelName.fromC(name);
    var receiver = try CopyReceiver.open(allocator, buffer_name.slice(), .{ .memory = common.memoryOptions(flags) });
    const object = allocator.create(CopyReceiver) catch {
        receiver.close();
        return error.OutOfMemory;
    };
    object.* = receiver;
    return handles.register(.broadcast_receiver, object) catch |err| {
        object.close();
        allocator.destroy(object);
        return err;
    };
}

pub export fn zigbolt_broadcast_receiver_close(receiver: ?*anyopaque) callconv(.c) i32 {
    const object = handles.unregister(CopyReceiver, .broadcast_receiver, receiver) catch |err| {
        return statusCode(err);
    };
    object.close();
    allocator.destroy(object);
    return 0;
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
    const memory = segmentOf(handle) catch |err| {
        common.record(Status.fromError(err));
        return null;
    };
    common.record(.ok);
    return memory.ptr;
}

pub export fn zigbolt_broadcast_segment_length(handle: ?*anyopaque) callconv(.c) i32 {
    const memory = segmentOf(handle) catch |err| return statusCode(err);
    return @intCast(memory.len);
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
