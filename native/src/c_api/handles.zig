//! The handle table behind every `void*` the C ABI hands out. A handle is not a pointer but
//! a checked token, so a null, closed, stale or wrong-kind handle is an error code, never a
//! wild dereference:
//!
//!   bits  0..15  slot index
//!   bits 16..23  kind
//!   bits 24..45  generation of the slot (bumped on every reuse)
//!
//! Values stay below 2^46, so bun:ffi (pointers as JS numbers) carries them exactly.
//! Closing a handle while another thread is inside a call on it is not supported.

const std = @import("std");
const zigbolt = @import("zigbolt");
const limits = zigbolt.limits;
const Error = zigbolt.Error;

/// Values are part of every handle: append only.
pub const Kind = enum(u8) {
    transport = 1,
    ipc_channel = 2,
    counters = 3,
    counter = 4,
    spsc_ring = 5,
    mpsc_ring = 6,
    log_buffer = 7,
    broadcast_transmitter = 8,
    broadcast_receiver = 9,
    agent_runner = 10,
    idle_strategy = 11,
};

const generation_bits = 22;
const generation_mask: u32 = (1 << generation_bits) - 1;

const Slot = struct {
    /// generation << 8 | kind while live; 0 while free. Read lock-free on every call.
    tag: std.atomic.Value(u32) = .init(0),
    generation: u32 = 0,
    object: ?*anyopaque = null,
};

var slots: [limits.handles_max]Slot = @splat(.{});
var mutex: std.Thread.Mutex = .{};

pub fn register(kind: Kind, object: *anyopaque) Error!*anyopaque {
    mutex.lock();
    defer mutex.unlock();
    for (&slots, 0..) |*slot, index| {
        if (slot.tag.load(.monotonic) != 0) continue;
        slot.generation = (slot.generation + 1) & generation_mask;
        if (slot.generation == 0) slot.generation = 1;
        slot.object = object;
        // release: the object is fully built before anyone can resolve the handle.
        slot.tag.store(tagOf(slot.generation, kind), .release);
        const handle = (@as(usize, slot.generation) << 24) | (@as(usize, @intFromEnum(kind)) << 16) | index;
        return @ptrFromInt(handle);
    }
    return error.TooManyHandles;
}

pub fn resolve(comptime T: type, kind: Kind, handle: ?*anyopaque) Error!*T {
    const slot = try slotOf(kind, handle);
    return @ptrCast(@alignCast(slot.object.?));
}

/// Invalidates the handle and returns its object for the caller to destroy.
pub fn unregister(comptime T: type, kind: Kind, handle: ?*anyopaque) Error!*T {
    mutex.lock();
    defer mutex.unlock();
    const slot = try slotOf(kind, handle);
    const object = slot.object.?;
    slot.object = null;
    slot.tag.store(0, .release);
    return @ptrCast(@alignCast(object));
}

fn slotOf(kind: Kind, handle: ?*anyopaque) Error!*Slot {
    const value = @intFromPtr(handle orelse return error.InvalidHandle);
    if (value >> (24 + generation_bits) != 0) return error.InvalidHandle;
    const index = value & 0xFFFF;
    const handle_kind = std.meta.intToEnum(Kind, @as(u8, @truncate(value >> 16))) catch {
        return error.InvalidHandle;
    };
    if (index >= limits.handles_max) return error.InvalidHandle;
    if (handle_kind != kind) return error.WrongHandleKind;
    const generation: u32 = @intCast(value >> 24);
    if (generation == 0) return error.InvalidHandle;
    const slot = &slots[index];
    // acquire: pairs with register's release, so `object` is the one this tag names.
    if (slot.tag.load(.acquire) != tagOf(generation, kind)) return error.HandleClosed;
    return slot;
}

fn tagOf(generation: u32, kind: Kind) u32 {
    return (generation << 8) | @intFromEnum(kind);
}

test "handles resolve until closed, then report closed" {
    var object: u64 = 42;
    const handle = try register(.ipc_channel, &object);
    try std.testing.expectEqual(&object, try resolve(u64, .ipc_channel, handle));
    try std.testing.expectError(error.WrongHandleKind, resolve(u64, .transport, handle));
    _ = try unregister(u64, .ipc_channel, handle);
    try std.testing.expectError(error.HandleClosed, resolve(u64, .ipc_channel, handle));
    try std.testing.expectError(error.HandleClosed, unregister(u64, .ipc_channel, handle));
}

test "null, garbage and real pointers are invalid handles" {
    var object: u64 = 0;
    try std.testing.expectError(error.InvalidHandle, resolve(u64, .ipc_channel, null));
    try std.testing.expectError(error.InvalidHandle, resolve(u64, .ipc_channel, @ptrCast(&object)));
    try std.testing.expectError(error.InvalidHandle, resolve(u64, .ipc_channel, @ptrFromInt(0x1234)));
    try std.testing.expectError(error.InvalidHandle, resolve(u64, .ipc_channel, @ptrFromInt(0x0100_FFFF)));
}

test "a reused slot does not revive an old handle" {
    var a: u64 = 1;
    var b: u64 = 2;
    const first = try register(.transport, &a);
    _ = try unregister(u64, .transport, first);
    const second = try register(.transport, &b);
    defer _ = unregister(u64, .transport, second) catch {};
    try std.testing.expect(first != second);
    try std.testing.expectError(error.HandleClosed, resolve(u64, .transport, first));
    try std.testing.expectEqual(&b, try resolve(u64, .transport, second));
}
