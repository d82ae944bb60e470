//! A transport holds the defaults (term length, memory options) for the channels it makes.

const std = @import("std");
const limits = @import("limits.zig");
const layout = @import("ipc/layout.zig");
const channel_module = @import("ipc/channel.zig");
const IpcChannel = channel_module.IpcChannel;
const Error = @import("status.zig").Error;
const typed = @import("messaging/typed.zig");

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

    /// Typed messaging (messaging/typed.zig): whether a handle creates its channel or opens
    /// one that exists.
    pub const Binding = enum { create, open };

    pub fn publisher(self: *const Transport, comptime M: type, name: []const u8, binding: Binding) Error!typed.Publisher(M) {
        return typed.Publisher(M).init(try self.channelFor(name, binding));
    }

    pub fn subscriber(self: *const Transport, comptime M: type, name: []const u8, binding: Binding) Error!typed.Subscriber(M) {
        return typed.Subscriber(M).init(try self.channelFor(name, binding));
    }

    pub fn rawPublisher(self: *const Transport, name: []const u8, binding: Binding) Error!typed.RawPublisher {
        return typed.RawPublisher.init(try self.channelFor(name, binding));
    }

    pub fn rawSubscriber(self: *const Transport, name: []const u8, binding: Binding) Error!typed.RawSubscriber {
        return typed.RawSubscriber.init(try self.channelFor(name, binding));
    }

    fn channelFor(self: *const Transport, name: []const u8, binding: Binding) Error!IpcChannel {
        return switch (binding) {
            .create => self.createChannel(name),
            .open => self.openChannel(name),
        };
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

test "a transport makes typed publishers and subscribers by channel name" {
    const messages = @import("codec/messages.zig");
    const transport = try Transport.init(.{ .term_length = 4096 });
    var publisher = try transport.publisher(messages.OrderMessage, "/zigbolt-test-transport-typed", .create);
    defer publisher.close();
    var subscriber = try transport.subscriber(messages.OrderMessage, "/zigbolt-test-transport-typed", .open);
    defer subscriber.close();
    const order: messages.Order = .{
        .timestamp_ns = 1,
        .order_id = 2,
        .symbol_id = 3,
        .price = 4,
        .quantity = 5,
        .side = .sell,
        .order_type = .cancel,
    };
    try publisher.offer(&order);
    const Got = struct {
        fn on(got: *messages.Order, view: messages.OrderMessage.View) void {
            got.* = view.value();
        }
    };
    var got: messages.Order = undefined;
    try std.testing.expectEqual(@as(u32, 1), try subscriber.poll(&got, Got.on, 10));
    try std.testing.expectEqual(order, got);
}
