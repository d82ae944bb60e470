//! A named shared-memory segment that starts with the common SegmentHeader (header.zig):
//! made whole under a temporary name and renamed into place, opened with its magic, kind,
//! version and length checked, closed with the name unlinked only if it is still ours.
//! Every core structure (rings, log buffer, broadcast, counters) is built on this.

const std = @import("std");
const shm = @import("../platform/shm.zig");
const process = @import("../platform/process.zig");
const peer = @import("../ipc/peer.zig");
const ChannelName = @import("../ipc/name.zig").ChannelName;
const Error = @import("../status.zig").Error;
const segment_header = @import("header.zig");
const SegmentHeader = segment_header.SegmentHeader;
pub const Kind = segment_header.Kind;

pub const CreateOptions = struct {
    memory: shm.MemoryOptions = .{},
    /// Replace a segment of the same name even if a live process uses it.
    replace: bool = false,
};

pub const NamedSegment = struct {
    mapping: shm.Segment,
    /// The segment's own bytes: `segment_length` of them (the object may be longer).
    memory: []align(shm.page_length) u8,
    name: ChannelName,
    /// Identity of the object we created, so close() never unlinks a replacement.
    created_inode: ?u64,
    owner_word: u64,
    memory_applied: shm.MemoryFlags,

    /// Builds a `length`-byte segment under a temporary name: `init(context, memory)` fills
    /// in the structure (everything after the common header) before any opener can see it.
    /// An existing segment of that name is refused with ChannelInUse while its creator is
    /// alive or `in_use(existing)` says a live process still uses it; `options.replace`
    /// skips that check.
    pub fn create(
        name: []const u8,
        kind: Kind,
        version: u32,
        length: usize,
        options: CreateOptions,
        context: anytype,
        comptime init: fn (@TypeOf(context), []align(shm.page_length) u8) void,
        comptime in_use: ?fn ([]const u8) bool,
    ) Error!NamedSegment {
        std.debug.assert(length >= segment_header.length);
        const segment_name = try ChannelName.init(name);
        var temporary = try TemporaryName.create();
        defer shm.close(temporary.fd);
        errdefer shm.unlink(temporary.name.z());
        try shm.resize(temporary.fd, length);
        const mapping = try shm.map(temporary.fd, length);
        errdefer mapping.unmap();

        var self: NamedSegment = .{
            .mapping = mapping,
            .memory = mapping.memory,
            .name = segment_name,
            .created_inode = inodeOf(temporary.fd),
            .owner_word = process.ownerWordOfSelf(),
            .memory_applied = shm.applyMemoryOptions(mapping, options.memory),
        };
        init(context, self.memory);
        const common = self.header();
        common.kind = @intFromEnum(kind);
        common.version = version;
        common.segment_length = length;
        @atomicStore(u64, &common.creator, self.owner_word, .monotonic);
        // release: pairs with open's acquire load of magic.
        @atomicStore(u64, &common.magic, segment_header.magic, .release);
        try takeName(temporary.name.z(), &segment_name, options.replace, InUseCheck(in_use).refuse);
        if (options.memory.keep_address) self.mapping.keepAddress();
        return self;
    }

    /// Opens and checks an existing segment: InvalidChannel (no magic: not ours, or not
    /// complete), WrongStructure (another kind), UnsupportedVersion, ShmTooSmall.
    pub fn open(name: []const u8, kind: Kind, version: u32, memory: shm.MemoryOptions) Error!NamedSegment {
        const segment_name = try ChannelName.init(name);
        const fd = try shm.openExisting(segment_name.z());
        defer shm.close(fd);
        const object_length = try shm.objectLength(fd);
        if (object_length < segment_header.length) return error.ShmTooSmall;
        const mapping = try shm.map(fd, std.math.cast(usize, object_length) orelse return error.ShmTooSmall);
        errdefer mapping.unmap();
        const common: *const SegmentHeader = @ptrCast(mapping.memory.ptr);
        // acquire: pairs with create's release store of magic.
        if (@atomicLoad(u64, &common.magic, .acquire) != segment_header.magic) return error.InvalidChannel;
        if (common.kind != @intFromEnum(kind)) return error.WrongStructure;
        if (common.version != version) return error.UnsupportedVersion;
        const length = common.segment_length;
        if (length > object_length) return error.ShmTooSmall;
        if (length < segment_header.length) return error.CorruptChannel;
        var self: NamedSegment = .{
            .mapping = mapping,
            .memory = mapping.memory[0..@intCast(length)],
            .name = segment_name,
            .created_inode = null,
            .owner_word = process.ownerWordOfSelf(),
            .memory_applied = shm.applyMemoryOptions(mapping, memory),
        };
        if (memory.keep_address) self.mapping.keepAddress();
        return self;
    }

    /// Marks the creator word closed and unlinks the name if we created it, then unmaps.
    pub fn close(self: *NamedSegment) void {
        if (self.created_inode) |inode| {
            peer.release(&self.header().creator, self.owner_word);
            unlinkIfStillOurs(&self.name, inode);
        }
        self.mapping.unmap();
        self.* = undefined;
    }

    pub fn header(self: *const NamedSegment) *SegmentHeader {
        return @ptrCast(self.memory.ptr);
    }

    /// A typed pointer into the segment; the caller has checked `offset + @sizeOf(T)`.
    pub fn at(self: *const NamedSegment, comptime T: type, offset: usize) *T {
        std.debug.assert(offset + @sizeOf(T) <= self.memory.len);
        return @ptrCast(@alignCast(self.memory.ptr + offset));
    }
};

/// A fresh object under a name nobody else will pick: "/.zigbolt-<pid>-<n>".
pub const TemporaryName = struct {
    name: ChannelName,
    fd: std.posix.fd_t,

    var counter = std.atomic.Value(u32).init(0);

    pub fn create() Error!TemporaryName {
        var attempts: u32 = 0;
        while (attempts < 16) : (attempts += 1) {
            var buffer: [64]u8 = undefined;
            const text = std.fmt.bufPrint(&buffer, "/.zigbolt-{d}-{d}", .{
                std.os.linux.getpid(),
                counter.fetchAdd(1, .monotonic),
            }) catch unreachable;
            const name = try ChannelName.init(text);
            const fd = shm.createExclusive(name.z()) catch |err| switch (err) {
                error.ChannelInUse => continue, // left by a dead process with our pid
                else => return err,
            };
            return .{ .name = name, .fd = fd };
        }
        return error.SystemError;
    }
};

pub fn inodeOf(fd: std.posix.fd_t) ?u64 {
    const stat = std.posix.fstat(fd) catch return null;
    return stat.ino;
}

pub fn unlinkIfStillOurs(name: *const ChannelName, inode: u64) void {
    const fd = shm.openExisting(name.z()) catch return;
    defer shm.close(fd);
    if (inodeOf(fd) == inode) shm.unlink(name.z());
}

/// Renames the finished segment into place. An existing one is replaced only when
/// `refuse_if_in_use` finds no live user (or when asked to replace it anyway).
pub fn takeName(
    temporary: [*:0]const u8,
    name: *const ChannelName,
    replace: bool,
    comptime refuse_if_in_use: fn (*const ChannelName) Error!void,
) Error!void {
    if (replace) return shm.rename(temporary, name.z(), true);
    shm.rename(temporary, name.z(), false) catch |err| {
        if (err != error.ChannelInUse) return err;
        try refuse_if_in_use(name);
        return shm.rename(temporary, name.z(), true);
    };
}

fn InUseCheck(comptime in_use: ?fn ([]const u8) bool) type {
    return struct {
        fn refuse(name: *const ChannelName) Error!void {
            const fd = shm.openExisting(name.z()) catch |err| switch (err) {
                error.NoSuchChannel => return,
                else => return err,
            };
            defer shm.close(fd);
            const object_length = try shm.objectLength(fd);
            if (object_length < segment_header.length) return;
            const probe = try shm.map(fd, std.math.cast(usize, object_length) orelse return);
            defer probe.unmap();
            const common: *const SegmentHeader = @ptrCast(probe.memory.ptr);
            if (@atomicLoad(u64, &common.magic, .acquire) != segment_header.magic) return;
            if (peer.state(&common.creator) == .alive) return error.ChannelInUse;
            if (in_use) |check| if (check(probe.memory)) return error.ChannelInUse;
        }
    };
}

const testing = std.testing;

fn fillPattern(byte: u8, memory: []align(shm.page_length) u8) void {
    @memset(memory[segment_header.length..], byte);
}

test "a created segment opens with its kind, version and contents" {
    var created = try NamedSegment.create("/zigbolt-test-named-segment", .spsc_ring, 1, 8192, .{}, @as(u8, 0xAB), fillPattern, null);
    defer created.close();
    var opened = try NamedSegment.open("/zigbolt-test-named-segment", .spsc_ring, 1, .{});
    defer opened.close();
    try testing.expectEqual(@as(usize, 8192), opened.memory.len);
    try testing.expectEqual(@as(u8, 0xAB), opened.memory[4096]);
    try testing.expectError(error.WrongStructure, NamedSegment.open("/zigbolt-test-named-segment", .counters, 1, .{}));
    try testing.expectError(error.UnsupportedVersion, NamedSegment.open("/zigbolt-test-named-segment", .spsc_ring, 2, .{}));
    // Our creator is alive: a second create is refused unless it replaces.
    try testing.expectError(error.ChannelInUse, NamedSegment.create("/zigbolt-test-named-segment", .spsc_ring, 1, 8192, .{}, @as(u8, 0), fillPattern, null));
}

test "close unlinks what we created; open of a missing name is NoSuchChannel" {
    var created = try NamedSegment.create("/zigbolt-test-named-segment-2", .counters, 3, 4096, .{}, @as(u8, 0), fillPattern, null);
    created.close();
    try testing.expectError(error.NoSuchChannel, NamedSegment.open("/zigbolt-test-named-segment-2", .counters, 3, .{}));
}
