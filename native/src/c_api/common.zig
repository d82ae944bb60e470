//! What every part of the C ABI shares: the per-thread last status, the conversions from
//! Zig errors to status codes, and the memory flags of the *_ex calls.

const std = @import("std");
const zigbolt = @import("zigbolt");
const Status = zigbolt.Status;
const Error = zigbolt.Error;

/// Flags of the *_ex calls (zigbolt_ipc_create_ex, zigbolt_spsc_create_ex, ...).
pub const flag_pre_fault: u32 = 1;
pub const flag_hugepages: u32 = 2;
pub const flag_mlock: u32 = 4;
pub const flag_replace: u32 = 8;
pub const flags_known = flag_pre_fault | flag_hugepages | flag_mlock | flag_replace;

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
pub fn countOrStatus(result: Error!u32) i32 {
    const count = result catch |err| return @intFromEnum(Status.fromError(err));
    return @intCast(@min(count, std.math.maxInt(i32)));
}

pub fn memoryOptions(flags: u32) zigbolt.ipc.MemoryOptions {
    return .{
        .pre_fault = flags & flag_pre_fault != 0,
        .hugepages = flags & flag_hugepages != 0,
        .mlock = flags & flag_mlock != 0,
    };
}
