//! Channel names: "/" then 1..254 bytes, no further "/" and no NUL (POSIX shm_open rules,
//! and the file /dev/shm/<name> must fit NAME_MAX).

const std = @import("std");
const limits = @import("../limits.zig");
const Error = @import("../status.zig").Error;

pub const ChannelName = struct {
    bytes: [limits.name_length_max + 1]u8,
    length: u32,

    pub fn init(name: []const u8) Error!ChannelName {
        if (name.len < 2 or name.len > limits.name_length_max) return error.InvalidName;
        if (name[0] != '/') return error.InvalidName;
        for (name[1..]) |c| if (c == '/' or c == 0) return error.InvalidName;
        var result: ChannelName = .{ .bytes = undefined, .length = @intCast(name.len) };
        @memcpy(result.bytes[0..name.len], name);
        result.bytes[name.len] = 0;
        return result;
    }

    /// Reads a C string without ever scanning past name_length_max + 1 bytes.
    pub fn fromC(name: ?[*:0]const u8) Error!ChannelName {
        const pointer = name orelse return error.InvalidArgument;
        var length: usize = 0;
        while (pointer[length] != 0) : (length += 1) {
            if (length == limits.name_length_max) return error.InvalidName;
        }
        return init(pointer[0..length]);
    }

    pub fn slice(self: *const ChannelName) []const u8 {
        return self.bytes[0..self.length];
    }

    pub fn z(self: *const ChannelName) [*:0]const u8 {
        return @ptrCast(&self.bytes);
    }
};

test "valid names are kept, invalid ones refused" {
    const name = try ChannelName.init("/market-data");
    try std.testing.expectEqualStrings("/market-data", name.slice());
    try std.testing.expectEqual(@as(u8, 0), name.bytes[name.length]);
    const bad = [_][]const u8{ "", "/", "no-slash", "/a/b", "/a\x00b", "/" ++ "x" ** 255 };
    for (bad) |b| try std.testing.expectError(error.InvalidName, ChannelName.init(b));
    _ = try ChannelName.init("/" ++ "x" ** 254);
}

test "C names are bounded and null is an invalid argument" {
    try std.testing.expectError(error.InvalidArgument, ChannelName.fromC(null));
    const long: [*:0]const u8 = "/" ++ "y" ** 300;
    try std.testing.expectError(error.InvalidName, ChannelName.fromC(long));
    const name = try ChannelName.fromC("/ok");
    try std.testing.expectEqualStrings("/ok", name.slice());
}
