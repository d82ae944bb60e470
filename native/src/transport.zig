//! A transport holds the defaults (term length, memory options) for the channels it makes.

const std = @import("std");
const limits = @import("limits.zig");
const layout = @import("ipc/layout.zig");
const channel_module = @import("ipc/channel.zig");
const IpcChannel = channel_module.IpcChannel;
const Error = @import("status.zig").Error;

pub const Transport = struct {
    options: Options,

    pub const Options = struct {
        term_length: u32 = limits.term_length_default,
        memory: channel_module.MemoryOptions = .{},
    };

    pub fn init(options: Options) Error!Transport {
        if (!layout.termLengthValid(options.term_length)) return error.InvalidTermLength;
        return .{ .options = options };
    }

    pub fn createChannel(self: *const Transport, name: []const u8) Error!IpcChannel {
        return IpcChannel.create(name, .{
            .term_length = self.options.term_length,
            .memory = self.options.memory,
        });
    }

    /// Opens with the creator's term length, whatever the transport's default is.
    pub fn openChannel(self: *const Transport, name: []const u8) Error!IpcChannel {
        return IpcChannel.open(name, .{ .memory = self.options.memory });
    }
};

test "a transport refuses an invalid term length" {
    try std.testing.expectError(error.InvalidTermLength, Transport.init(.{ .term_length = 5000 }));
}

test "a transport creates and opens channels with its defaults" {
    const transport = try Transport.init(.{ .term_length = 8192 });
    var created = try transport.createChannel("/zigbolt-test-transport");
    defer created.close();
    var opened = try transport.openChannel("/zigbolt-test-transport");
    defer opened.close();
    try std.testing.expectEqual(@as(u32, 8192), opened.term_length);
}
