//! POSIX shared-memory segments: create exclusively, open, map, unlink, and the best-effort
//! memory options (pre-fault, transparent huge pages, mlock).

const std = @import("std");
const posix = std.posix;
const linux = std.os.linux;
const Error = @import("../status.zig").Error;
const kept_mappings = @import("kept_mappings.zig");

pub const page_length = std.heap.page_size_min;

/// madvise advice values that std does not name (Linux 5.14+).
const madv_populate_write = 23;
/// renameat2 flag (Linux 3.15+).
const rename_noreplace = 1;
/// Where Linux libcs keep POSIX shared-memory objects: shm_open("/x") is this ++ "/x".
const shm_directory = "/dev/shm";

pub const Segment = struct {
    memory: []align(page_length) u8,

    /// Unmaps, or leaves zero pages at the address of a mapping kept with `keepAddress`
    /// until the binding releases it (kept_mappings.zig).
    pub fn unmap(segment: Segment) void {
        kept_mappings.closeMapping(segment.memory);
    }

    /// The handle's views may outlive it (MemoryOptions.keep_address): call once the handle
    /// is complete, so an open that fails earlier unmaps as usual. Untracked when out of
    /// memory, and then unmapped at close like any other.
    pub fn keepAddress(segment: Segment) void {
        _ = kept_mappings.track(segment.memory);
    }
};

/// Which best-effort options took effect; the same bits as ZIGBOLT_MEMORY_* in zigbolt.h.
pub const MemoryFlags = packed struct(u32) {
    pre_fault: bool = false,
    hugepages: bool = false,
    mlock: bool = false,
    _unused: u29 = 0,
};

/// Creates a new object; fails with ChannelInUse if the name exists (O_EXCL).
pub fn createExclusive(name: [*:0]const u8) Error!posix.fd_t {
    const flags: std.c.O = .{ .ACCMODE = .RDWR, .CREAT = true, .EXCL = true };
    const fd = try shmOpen(name, flags, 0o600);
    // The umask may have cleared bits; 0600 keeps other users off the segment.
    posix.fchmod(fd, 0o600) catch {};
    return fd;
}

pub fn openExisting(name: [*:0]const u8) Error!posix.fd_t {
    return shmOpen(name, .{ .ACCMODE = .RDWR }, 0);
}

pub fn close(fd: posix.fd_t) void {
    posix.close(fd);
}

pub fn unlink(name: [*:0]const u8) void {
    _ = std.c.shm_unlink(name);
}

/// Gives object `from` the name `to` in one step, so that openers of `to` never see a
/// half-made object. Without `replace`, an existing `to` is ChannelInUse.
pub fn rename(from: [*:0]const u8, to: [*:0]const u8, replace: bool) Error!void {
    var from_path: [shm_directory.len + 257]u8 = undefined;
    var to_path: [shm_directory.len + 257]u8 = undefined;
    const flags: u32 = if (replace) 0 else rename_noreplace;
    const rc = linux.renameat2(
        linux.AT.FDCWD,
        try objectPath(&from_path, from),
        linux.AT.FDCWD,
        try objectPath(&to_path, to),
        flags,
    );
    return switch (linux.E.init(rc)) {
        .SUCCESS => {},
        .EXIST => error.ChannelInUse,
        .ACCES, .PERM => error.PermissionDenied,
        .NOENT, .NAMETOOLONG => error.InvalidName,
        else => error.SystemError,
    };
}

fn objectPath(buffer: []u8, name: [*:0]const u8) Error![*:0]const u8 {
    const path = std.fmt.bufPrintZ(buffer, "{s}{s}", .{ shm_directory, std.mem.span(name) }) catch {
        return error.InvalidName;
    };
    return path.ptr;
}

pub fn resize(fd: posix.fd_t, length: u64) Error!void {
    posix.ftruncate(fd, length) catch |err| return switch (err) {
        error.AccessDenied => error.PermissionDenied,
        error.FileTooBig => error.OutOfMemory,
        else => error.SystemError,
    };
}

pub fn objectLength(fd: posix.fd_t) Error!u64 {
    const stat = posix.fstat(fd) catch return error.SystemError;
    return @intCast(@max(stat.size, 0));
}

pub fn map(fd: posix.fd_t, length: usize) Error!Segment {
    const protection = posix.PROT.READ | posix.PROT.WRITE;
    const memory = posix.mmap(null, length, protection, .{ .TYPE = .SHARED }, fd, 0) catch |err| {
        return switch (err) {
            error.AccessDenied, error.PermissionDenied => error.PermissionDenied,
            error.OutOfMemory, error.LockedMemoryLimitExceeded => error.OutOfMemory,
            else => error.SystemError,
        };
    };
    return .{ .memory = memory };
}

pub const MemoryOptions = struct {
    pre_fault: bool = true,
    hugepages: bool = false,
    mlock: bool = false,
    /// close() leaves private zero pages at the mapping's address until the binding
    /// releases it: for garbage-collected views that may outlive the handle.
    keep_address: bool = false,
};

/// Applies each option as far as the machine allows and reports which took effect.
/// Pre-faulting uses MADV_POPULATE_WRITE, which never rewrites bytes, so it is safe on a
/// segment that another process is already writing.
pub fn applyMemoryOptions(segment: Segment, options: MemoryOptions) MemoryFlags {
    var applied: MemoryFlags = .{};
    const base = segment.memory.ptr;
    const length = segment.memory.len;
    if (options.hugepages) {
        applied.hugepages = linux.E.init(linux.madvise(base, length, linux.MADV.HUGEPAGE)) == .SUCCESS;
    }
    if (options.pre_fault) {
        applied.pre_fault = linux.E.init(linux.madvise(base, length, madv_populate_write)) == .SUCCESS;
    }
    if (options.mlock) {
        // Bounded by RLIMIT_MEMLOCK (`ulimit -l`): a failure is reported, not fatal.
        applied.mlock = linux.E.init(linux.mlock(base, length)) == .SUCCESS;
    }
    return applied;
}

fn shmOpen(name: [*:0]const u8, flags: std.c.O, mode: std.c.mode_t) Error!posix.fd_t {
    const rc = std.c.shm_open(name, @bitCast(flags), mode);
    if (rc >= 0) return rc;
    return switch (posix.errno(rc)) {
        .NOENT => error.NoSuchChannel,
        .EXIST => error.ChannelInUse,
        .ACCES, .PERM => error.PermissionDenied,
        .INVAL, .NAMETOOLONG => error.InvalidName,
        .NOMEM, .NOSPC => error.OutOfMemory,
        else => error.SystemError,
    };
}

test "a segment can be created, mapped by two handles and unlinked" {
    const name = "/zigbolt-test-shm-basic";
    unlink(name);
    const fd = try createExclusive(name);
    defer close(fd);
    defer unlink(name);
    try resize(fd, 2 * page_length);
    try std.testing.expectEqual(@as(u64, 2 * page_length), try objectLength(fd));
    try std.testing.expectError(error.ChannelInUse, createExclusive(name));

    const a = try map(fd, 2 * page_length);
    defer a.unmap();
    const other_fd = try openExisting(name);
    defer close(other_fd);
    const b = try map(other_fd, 2 * page_length);
    defer b.unmap();
    a.memory[page_length + 5] = 0xAB;
    try std.testing.expectEqual(@as(u8, 0xAB), b.memory[page_length + 5]);

    const applied = applyMemoryOptions(a, .{ .pre_fault = true, .mlock = true });
    try std.testing.expect(applied.pre_fault);
    try std.testing.expectEqual(@as(u8, 0xAB), b.memory[page_length + 5]);
}

test "rename publishes an object under a new name, refusing to overwrite unless asked" {
    const a = "/zigbolt-test-rename-a";
    const b = "/zigbolt-test-rename-b";
    unlink(a);
    unlink(b);
    close(try createExclusive(a));
    close(try createExclusive(b));
    defer unlink(b);
    try std.testing.expectError(error.ChannelInUse, rename(a, b, false));
    try rename(a, b, true);
    try std.testing.expectError(error.NoSuchChannel, openExisting(a));
}

test "opening a missing segment is NoSuchChannel" {
    try std.testing.expectError(error.NoSuchChannel, openExisting("/zigbolt-test-no-such-thing"));
}
