//! The counters file every structure of this process reports to unless told otherwise:
//! named by the environment variable ZIGBOLT_COUNTERS ("off" disables counters), else
//! "/zigbolt-counters". Opened (or created) on first use and kept for the process's life.
//! Counters are best effort: if the file cannot be opened, structures run without them and
//! `lastError` says why.

const std = @import("std");
const CountersFile = @import("counters_file.zig").CountersFile;
const Error = @import("../status.zig").Error;

pub const default_name = "/zigbolt-counters";
pub const env_name = "ZIGBOLT_COUNTERS";

/// Where a structure's counters go.
pub const Attach = union(enum) {
    /// The process's default counters file (this file).
    process_default,
    none,
    file: *const CountersFile,

    pub fn resolve(attach: Attach) ?*const CountersFile {
        return switch (attach) {
            .process_default => get(),
            .none => null,
            .file => |chosen| chosen,
        };
    }
};

var mutex: std.Thread.Mutex = .{};
var resolved = std.atomic.Value(bool).init(false);
var file: CountersFile = undefined;
var available = false;
var last_error: ?Error = null;
var name_override: ?[]const u8 = null;

/// The process's counters file, or null when disabled or unavailable.
pub fn get() ?*const CountersFile {
    // acquire: pairs with the release below, so `file` is complete when seen resolved.
    if (!resolved.load(.acquire)) resolve();
    return if (available) &file else null;
}

/// Why the default counters file is unavailable (null when it is available or disabled).
pub fn lastError() ?Error {
    _ = get();
    return last_error;
}

/// Chooses the file before first use (a program's flag, a test's private file); null
/// disables counters. Has no effect once the default has been resolved.
pub fn setName(name: ?[]const u8) void {
    mutex.lock();
    defer mutex.unlock();
    name_override = name orelse "off";
}

fn resolve() void {
    mutex.lock();
    defer mutex.unlock();
    if (resolved.load(.monotonic)) return;
    defer resolved.store(true, .release);
    const name = name_override orelse (std.posix.getenv(env_name) orelse default_name);
    if (std.mem.eql(u8, name, "off")) return;
    file = CountersFile.openOrCreate(name, .{}) catch |err| {
        last_error = err;
        return;
    };
    available = true;
}
