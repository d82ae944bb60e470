//! Typed messaging over an IPC channel (docs/codecs.md): a `Publisher(M)` encodes wire
//! messages of type `M` (a `wire.Message`) into frames whose msg_type_id is `M.type_id`; a
//! `Subscriber(M)` hands zero-copy views of those frames to a handler and skips everything
//! else. Raw publishers and subscribers carry bytes and a msg_type_id of the caller's choice.
//!
//! What a typed subscriber delivers: a frame with msg_type_id == M.type_id, at least
//! M.wire_length bytes long, that passes M's checked decode (enum and bool bytes). Frames of
//! other types, shorter ones and ones that fail the check are consumed, not delivered, and
//! counted (`skipped`, `invalid`). Each handle owns its channel and closes it on `close`.

const std = @import("std");
const IpcChannel = @import("../ipc/channel.zig").IpcChannel;
const channel_module = @import("../ipc/channel.zig");
const Error = @import("../status.zig").Error;

pub const CreateOptions = channel_module.CreateOptions;
pub const OpenOptions = channel_module.OpenOptions;

/// Publishes messages of type `M` (a `wire.Message(...)`).
pub fn Publisher(comptime M: type) type {
    return struct {
        const Self = @This();
        pub const Message = M;

        channel: IpcChannel,
        /// The encoding buffer, reused for every message.
        buffer: [M.wire_length]u8 align(8) = undefined,

        /// Takes ownership of `channel`.
        pub fn init(channel: IpcChannel) Self {
            return .{ .channel = channel };
        }

        pub fn close(self: *Self) void {
            self.channel.close();
        }

        /// Encodes `value` and publishes it; BackPressure (retry) and the channel's errors.
        pub fn offer(self: *Self, value: *const M.Value) Error!void {
            M.encodeInto(value, &self.buffer);
            return self.channel.publish(&self.buffer, M.type_id);
        }

        /// Publishes already-encoded bytes of one message (at least M.wire_length bytes).
        pub fn offerEncoded(self: *Self, bytes: *const [M.wire_length]u8) Error!void {
            return self.channel.publish(bytes, M.type_id);
        }
    };
}

/// Receives messages of type `M`, skipping frames of other types or too short for `M`.
pub fn Subscriber(comptime M: type) type {
    return struct {
        const Self = @This();
        pub const Message = M;

        channel: IpcChannel,
        /// Frames consumed without delivery: another msg_type_id, or shorter than M.
        skipped: u64 = 0,
        /// Frames of M's type and length that failed M's checked decode.
        invalid: u64 = 0,

        pub fn init(channel: IpcChannel) Self {
            return .{ .channel = channel };
        }

        pub fn close(self: *Self) void {
            self.channel.close();
        }

        /// Reads up to `limit` frames; hands each message of type M to
        /// `on_message(context, view)` (a view into the channel, valid during the call).
        /// Returns the number of messages delivered.
        pub fn poll(
            self: *Self,
            context: anytype,
            comptime on_message: fn (@TypeOf(context), M.View) void,
            limit: u32,
        ) Error!u32 {
            const Context = @TypeOf(context);
            const Relay = struct {
                subscriber: *Self,
                inner: Context,
                delivered: u32 = 0,

                fn onFrame(relay: *@This(), payload: []const u8, msg_type_id: i32) void {
                    if (msg_type_id != M.type_id or payload.len < M.wire_length) {
                        relay.subscriber.skipped += 1;
                        return;
                    }
                    const view = M.viewChecked(payload) catch {
                        relay.subscriber.invalid += 1;
                        return;
                    };
                    relay.delivered += 1;
                    on_message(relay.inner, view);
                }
            };
            var relay: Relay = .{ .subscriber = self, .inner = context };
            _ = try self.channel.poll(&relay, Relay.onFrame, limit);
            return relay.delivered;
        }
    };
}

/// Publishes bytes with a msg_type_id of the caller's choice.
pub const RawPublisher = struct {
    channel: IpcChannel,

    pub fn init(channel: IpcChannel) RawPublisher {
        return .{ .channel = channel };
    }

    pub fn close(self: *RawPublisher) void {
        self.channel.close();
    }

    pub fn offer(self: *RawPublisher, payload: []const u8, msg_type_id: i32) Error!void {
        return self.channel.publish(payload, msg_type_id);
    }
};

/// Hands every frame's bytes and msg_type_id to a handler.
pub const RawSubscriber = struct {
    channel: IpcChannel,

    pub fn init(channel: IpcChannel) RawSubscriber {
        return .{ .channel = channel };
    }

    pub fn close(self: *RawSubscriber) void {
        self.channel.close();
    }

    pub fn poll(
        self: *RawSubscriber,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
        limit: u32,
    ) Error!u32 {
        return self.channel.poll(context, on_message, limit);
    }
};

const testing = std.testing;
const messages = @import("../codec/messages.zig");
const TickMessage = messages.TickMessage;

const Collected = struct {
    ticks: [8]messages.Tick = undefined,
    count: usize = 0,

    fn onTick(self: *Collected, view: TickMessage.View) void {
        self.ticks[self.count] = view.value();
        self.count += 1;
    }
};

test "a typed subscriber delivers its type and skips other types, short and invalid frames" {
    const name = "/zigbolt-test-typed";
    var publisher = Publisher(TickMessage).init(try IpcChannel.create(name, .{ .term_length = 4096 }));
    defer publisher.close();
    var raw = RawPublisher.init(try IpcChannel.open(name, .{}));
    defer raw.close();
    var subscriber = Subscriber(TickMessage).init(try IpcChannel.open(name, .{}));
    defer subscriber.close();

    const tick: messages.Tick = .{ .timestamp_ns = 1, .symbol_id = 2, .price = -3, .volume = 4, .side = .ask };
    try publisher.offer(&tick);
    // The publisher role is taken: raw frames go through a second channel handle only
    // after the typed publisher is done, so publish them on its channel directly.
    var bytes: [32]u8 = undefined;
    TickMessage.encodeInto(&tick, &bytes);
    try publisher.channel.publish(&bytes, TickMessage.type_id + 1); // another type
    try publisher.channel.publish(bytes[0..31], TickMessage.type_id); // too short
    bytes[28] = 7;
    try publisher.channel.publish(&bytes, TickMessage.type_id); // bad enum byte
    try publisher.offer(&.{ .timestamp_ns = 5, .symbol_id = 6, .price = 7, .volume = 8, .side = .bid });

    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 2), try subscriber.poll(&collected, Collected.onTick, 100));
    try testing.expectEqual(tick, collected.ticks[0]);
    try testing.expectEqual(@as(u64, 5), collected.ticks[1].timestamp_ns);
    try testing.expectEqual(@as(u64, 2), subscriber.skipped);
    try testing.expectEqual(@as(u64, 1), subscriber.invalid);
    try testing.expectError(error.PublisherExists, raw.offer("x", 1));
}

test "raw publisher and subscriber carry any bytes and type id" {
    const name = "/zigbolt-test-raw";
    var publisher = RawPublisher.init(try IpcChannel.create(name, .{ .term_length = 4096 }));
    defer publisher.close();
    var subscriber = RawSubscriber.init(try IpcChannel.open(name, .{}));
    defer subscriber.close();
    try publisher.offer("hello", -5);
    const Seen = struct {
        fn on(seen: *[2]i32, payload: []const u8, msg_type_id: i32) void {
            seen[0] = @intCast(payload.len);
            seen[1] = msg_type_id;
        }
    };
    var seen: [2]i32 = .{ 0, 0 };
    try testing.expectEqual(@as(u32, 1), try subscriber.poll(&seen, Seen.on, 10));
    try testing.expectEqual([2]i32{ 5, -5 }, seen);
}
