//! Hostile input for every checked decoder of the wire codec and the Aeron flyweights:
//! a million random and mutated buffers from a fixed seed (truncations, bad enum and bool
//! bytes, frame and message lengths past the end). Each buffer is an exact-length slice, so
//! in safe builds any read past its end panics. Only the documented errors may come back.

const std = @import("std");
const wire = @import("wire.zig");
const messages = @import("messages.zig");
const protocol = @import("../aeron/protocol.zig");
const Error = @import("../status.zig").Error;

const iterations = 1_000_000;
const seed = 0x5EED_C0DEC;
const buffer_length_max = 112;

const Probe = wire.Message(struct {
    flag: bool,
    kind: enum(u16) { a = 1, b = 7, c = 300 },
    value: i64,
    ratio: f32,
}, .{ .name = "Probe", .type_id = 99 });

const Outcomes = struct {
    ok: u64 = 0,
    truncated: u64 = 0,
    invalid_enum: u64 = 0,
    index_out_of_range: u64 = 0,
    other: u64 = 0,

    fn count(self: *Outcomes, result: anytype) !void {
        _ = result catch |err| {
            switch (err) {
                error.Truncated => self.truncated += 1,
                error.InvalidEnumValue => self.invalid_enum += 1,
                error.IndexOutOfRange => self.index_out_of_range += 1,
                error.BufferTooSmall, error.InvalidArgument => self.other += 1,
                else => return err,
            }
            return;
        };
        self.ok += 1;
    }
};

/// A valid encoding of one of the decoders' inputs, to mutate.
fn seedBytes(random: std.Random, out: []u8) usize {
    switch (random.uintLessThan(u8, 5)) {
        0 => {
            var tick: messages.Tick = undefined;
            random.bytes(std.mem.asBytes(&tick.price));
            tick = .{ .timestamp_ns = random.int(u64), .symbol_id = random.int(u32), .price = tick.price, .volume = random.int(u64), .side = .ask };
            messages.TickMessage.encodeInto(&tick, out[0..32]);
            return 32;
        },
        1 => {
            const order: messages.Order = .{
                .timestamp_ns = random.int(u64),
                .order_id = random.int(u64),
                .symbol_id = random.int(u32),
                .price = random.int(i64),
                .quantity = random.int(u64),
                .side = .sell,
                .order_type = .cancel,
            };
            messages.OrderMessage.encodeInto(&order, out[0..48]);
            return 48;
        },
        2 => {
            Probe.encodeInto(&.{ .flag = true, .kind = .c, .value = random.int(i64), .ratio = 0.5 }, out[0..Probe.wire_length]);
            return Probe.wire_length;
        },
        3 => {
            const types = [_]u16{ 0, 1, 2, 3, 5, 6 };
            const frame_type = types[random.uintLessThan(usize, types.len)];
            const length = protocol.headerLength(frame_type).?;
            random.bytes(out[0..length]);
            const header: *align(1) protocol.FrameHeader = @ptrCast(out[0..8]);
            header.frame_length = @intCast(length);
            header.frame_type = frame_type;
            return length;
        },
        else => {
            const message_length = random.uintLessThan(usize, 40);
            random.bytes(out[0 .. 40 + message_length]);
            const frame: *align(1) protocol.ErrorHeader = @ptrCast(out[0..40]);
            frame.frame_length = @intCast(40 + message_length);
            frame.frame_type = protocol.frame_type_error;
            frame.error_string_length = @intCast(message_length);
            return 40 + message_length;
        },
    }
}

/// Random bytes, or a valid encoding with 1-3 mutations; returns the buffer's length.
fn hostileBytes(random: std.Random, out: *[buffer_length_max]u8) usize {
    if (random.uintLessThan(u8, 4) == 0) {
        const length = random.uintAtMost(usize, buffer_length_max);
        random.bytes(out[0..length]);
        return length;
    }
    var length = seedBytes(random, out);
    for (0..1 + random.uintLessThan(usize, 3)) |_| {
        switch (random.uintLessThan(u8, 5)) {
            0 => length = random.uintAtMost(usize, length), // truncate
            1 => if (length > 0) {
                out[random.uintLessThan(usize, length)] = random.int(u8); // any byte, enums included
            },
            2 => if (length >= 4) { // frame_length: past the end, negative, short
                const values = [_]i32{ 0, -1, std.math.minInt(i32), std.math.maxInt(i32), @intCast(length + 1), 7 };
                std.mem.writeInt(i32, out[0..4], values[random.uintLessThan(usize, values.len)], .little);
            },
            3 => if (length >= 40) { // error_string_length past the frame
                const values = [_]i32{ -1, std.math.maxInt(i32), @intCast(length - 39), 0 };
                std.mem.writeInt(i32, out[36..40], values[random.uintLessThan(usize, values.len)], .little);
            },
            else => if (length < buffer_length_max) { // grow with junk
                const extra = random.uintAtMost(usize, buffer_length_max - length);
                random.bytes(out[length..][0..extra]);
                length += extra;
            },
        }
    }
    return length;
}

test "a million hostile buffers through every checked decoder: only typed errors" {
    var prng = std.Random.DefaultPrng.init(seed);
    const random = prng.random();
    var storage: [buffer_length_max]u8 = undefined;
    var outcomes: Outcomes = .{};
    var batch: [4]messages.Tick = undefined;
    for (0..iterations) |_| {
        const length = hostileBytes(random, &storage);
        const bytes: []u8 = storage[0..length];
        try outcomes.count(messages.TickMessage.decode(bytes));
        try outcomes.count(messages.OrderMessage.decode(bytes));
        try outcomes.count(Probe.decode(bytes));
        try outcomes.count(messages.TickMessage.viewChecked(bytes));
        try outcomes.count(messages.OrderMessage.mutableChecked(bytes));
        try outcomes.count(messages.TickMessage.decodeBatch(bytes, &batch));
        try outcomes.count(protocol.checkFrame(bytes));
        try outcomes.count(protocol.errorMessage(bytes));
        inline for (.{
            protocol.DataHeader,
            protocol.StatusMessage,
            protocol.Nak,
            protocol.Setup,
            protocol.RttMeasurement,
            protocol.ErrorHeader,
        }) |Frame| {
            if (protocol.wrapConst(Frame, bytes)) |frame| {
                std.mem.doNotOptimizeAway(frame.frame_length);
            } else |err| try std.testing.expectEqual(error.Truncated, err);
        }
        if (protocol.checkFrame(bytes)) |_| {
            const header = try protocol.wrapConst(protocol.FrameHeader, bytes);
            // What checkFrame promises: the frame (or a heartbeat's header) lies in the bytes.
            try std.testing.expect(header.frame_length <= bytes.len);
        } else |_| {}
        if (messages.TickMessage.decode(bytes)) |tick| {
            try std.testing.expect(@intFromEnum(tick.side) <= 1);
        } else |_| {}
    }
    // The fuzzer reached every outcome.
    try std.testing.expect(outcomes.ok > 100_000);
    try std.testing.expect(outcomes.truncated > 100_000);
    try std.testing.expect(outcomes.invalid_enum > 10_000);
    try std.testing.expect(outcomes.index_out_of_range > 1_000);
}
