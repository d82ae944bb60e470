//! What every part of the C ABI shares: the per-thread last status, the conversions from
//! Zig errors to status codes, the memory flags of the *_ex calls, and the create/open/close/
//! segment plumbing of handles that own a mapping.

const std = @import("std");
const zigbolt = @import("zigbolt");
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const ChannelName = zigbolt.ipc.ChannelName;
const handles = @import("handles.zig");
const allocator = std.heap.c_allocator;

/// Flags of the *_ex calls (zigbolt_ipc_create_ex, zigbolt_spsc_create_ex, ...).
pub const flag_pre_fault: u32 = 1;
pub const flag_hugepages: u32 = 2;
pub const flag_mlock: u32 = 4;
pub const flag_replace: u32 = 8;
pub const flag_keep_address: u32 = 16;
pub const flags_known = flag_pre_fault | flag_hugepages | flag_mlock | flag_replace | flag_keep_address;

threadlocal var last_status: Status = .ok;

pub fn lastStatus() Status {
    return last_status;
}

/// Records the status of a call that returns a handle, a count or nothing.
pub fn record(status: Status) void {
    last_status = status;
}

/// 0 or the negative status of `result`.
pub fn statusOf(result: Error!void) i32 {
    result catch |err| return @intFromEnum(Status.fromError(err));
    return 0;
}

/// A handle, or null with the error recorded for zigbolt_last_status().
pub fn handleOrNull(result: Error!*anyopaque) ?*anyopaque {
    const handle = result catch |err| {
        record(Status.fromError(err));
        return null;
    };
    record(.ok);
    return handle;
}

/// A count (>= 0) or a negative status, for functions that return int32_t.
/// What a claim call returns through the C ABI: the claimed payload's offset in the segment
/// (>= 0), BackPressure when there was no room, or the error's status. `claimed` is the
/// result of a log buffer's `claim` or a ring's `tryClaim`.
pub fn claimOffsetOrStatus(claimed: anytype) i32 {
    const claim = (claimed catch |err| return statusCode(err)) orelse return @intFromEnum(Status.back_pressure);
    return @intCast(claim.segment_offset);
}

pub const ClaimEnd = enum { commit, abort };

/// Commits or aborts `object`'s outstanding claim (a log buffer's or a ring's), known by the
/// payload offset its claim call returned; InvalidArgument for any other offset.
pub fn finishClaim(object: anytype, claim_offset: i32, how: ClaimEnd) Error!void {
    const claim = object.outstandingClaim() orelse return error.InvalidArgument;
    if (claim_offset < 0 or claim.segment_offset != @as(u32, @intCast(claim_offset))) return error.InvalidArgument;
    return switch (how) {
        .commit => object.commit(claim),
        .abort => object.abort(claim),
    };
}

pub fn countOrStatus(result: Error!u32) i32 {
    const count = result catch |err| return @intFromEnum(Status.fromError(err));
    return @intCast(@min(count, std.math.maxInt(i32)));
}

pub fn memoryOptions(flags: u32) zigbolt.ipc.MemoryOptions {
    return .{
        .pre_fault = flags & flag_pre_fault != 0,
        .hugepages = flags & flag_hugepages != 0,
        .mlock = flags & flag_mlock != 0,
        .keep_address = flags & flag_keep_address != 0,
    };
}

/// The negative status code of `err`.
pub fn statusCode(err: Error) i32 {
    return @intFromEnum(Status.fromError(err));
}

/// Flags a create call accepts: every known flag.
pub fn checkCreateFlags(flags: u32) Error!void {
    if (flags & ~flags_known != 0) return error.InvalidArgument;
}

/// Flags an open call accepts: every known flag but flag_replace (create only).
pub fn checkOpenFlags(flags: u32) Error!void {
    if (flags & ~(flags_known & ~flag_replace) != 0) return error.InvalidArgument;
}

/// The body of a *_create_ex call: checks `flags` and `name`, then `T.create(name, options)`
/// with the memory and replace flags applied, registered as a `kind` handle.
pub fn createOwned(
    comptime T: type,
    comptime kind: handles.Kind,
    name: ?[*:0]const u8,
    flags: u32,
    options: CreateOptionsOf(T),
) Error!*anyopaque {
    try checkCreateFlags(flags);
    const structure_name = try ChannelName.fromC(name);
    var applied = options;
    applied.memory = memoryOptions(flags);
    applied.replace = flags & flag_replace != 0;
    return registerOwned(T, kind, try T.create(structure_name.slice(), applied));
}

/// The body of a *_open_ex call: checks `flags` and `name`, then `T.open(name, .{ .memory })`
/// registered as a `kind` handle.
pub fn openOwned(comptime T: type, comptime kind: handles.Kind, name: ?[*:0]const u8, flags: u32) Error!*anyopaque {
    try checkOpenFlags(flags);
    const structure_name = try ChannelName.fromC(name);
    return registerOwned(T, kind, try T.open(structure_name.slice(), .{ .memory = memoryOptions(flags) }));
}

fn CreateOptionsOf(comptime T: type) type {
    return @typeInfo(@TypeOf(T.create)).@"fn".params[1].type.?;
}

/// Moves `value` (anything with a `close()`) to the heap and registers it as a `kind`
/// handle. On any failure `value` is closed, so the caller never leaks its mapping.
pub fn registerOwned(comptime T: type, comptime kind: handles.Kind, value: T) Error!*anyopaque {
    var owned = value;
    const object = allocator.create(T) catch {
        owned.close();
        return error.OutOfMemory;
    };
    object.* = owned;
    return handles.register(kind, object) catch |err| {
        object.close();
        allocator.destroy(object);
        return err;
    };
}

/// Unregisters, closes and frees a handle made by registerOwned: 0 or a negative status.
pub fn closeOwned(comptime T: type, comptime kind: handles.Kind, handle: ?*anyopaque) i32 {
    const object = handles.unregister(T, kind, handle) catch |err| return statusCode(err);
    object.close();
    allocator.destroy(object);
    return 0;
}

/// For *_segment calls: the base address of the mapping, or null with the status recorded.
pub fn segmentOrNull(memory: Error![]u8) ?*anyopaque {
    const bytes = memory catch |err| {
        record(Status.fromError(err));
        return null;
    };
    record(.ok);
    // A kept mapping (ZIGBOLT_FLAG_KEEP_ADDRESS) may have views from now on.
    zigbolt.kept_mappings.handOut(@intFromPtr(bytes.ptr));
    return bytes.ptr;
}

/// For *_segment_length calls: the length of the mapping, or a negative status.
pub fn segmentLengthOrStatus(memory: Error![]u8) i32 {
    const bytes = memory catch |err| return statusCode(err);
    return @intCast(bytes.len);
}
