//! The Zig side of the cross-process tests (tests/cross_process.test.ts): publishes or
//! subscribes to the test stream on a channel that the test driver created.
//!
//! The test stream (the same in tests/peers/_stream.ts): message `seq` has msg_type_id = seq
//! and a payload that is a window of a fixed pseudo-random pattern, so every byte is checked:
//!   pattern[i]  = low byte of xorshift32 step i from 0x9E3779B9
//!   size(seq)   = from fmix32(seq): 70% 1..256, 25% 1..4096, 4.5% 1..16384, 0.5% 1..65536
//!   offset(seq) = (seq * 7) mod 4096; payload = pattern[offset .. offset + size]
//!
//! Usage:
//!   zigbolt-peer publish <name> <count>
//!   zigbolt-peer subscribe <name> <count> [--slow] [--progress-at N]
//!   zigbolt-peer subscribe-until-dead <name> [--progress-at N]
//! Prints one JSON line with the result; a wrong message exits 1 with the reason on stderr.

const std = @import("std");
const zigbolt = @import("zigbolt");
const IpcChannel = zigbolt.IpcChannel;
const peer_common = @import("_peer_common.zig");
const printJson = peer_common.printJson;

const open_timeout_ns = 10 * std.time.ns_per_s;

const Stream = struct {
    pattern: [peer_common.pattern_length]u8,

    fn init() Stream {
        var stream: Stream = .{ .pattern = undefined };
        peer_common.fillPattern(&stream.pattern);
        return stream;
    }

    fn payload(self: *const Stream, seq: u32) []const u8 {
        return self.pattern[peer_common.streamOffset(seq)..][0..peer_common.streamSize(seq)];
    }
};

const Options = struct {
    mode: []const u8,
    name: []const u8,
    count: u32 = 0,
    slow: bool = false,
    progress_at: u32 = std.math.maxInt(u32),
};

pub fn main() !void {
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    const args = try std.process.argsAlloc(arena.allocator());
    const options = parse(args) catch {
        std.debug.print("usage: zigbolt-peer publish|subscribe|subscribe-until-dead <name> [count] [--slow] [--progress-at N]\n", .{});
        std.process.exit(2);
    };
    const stream = try arena.allocator().create(Stream);
    stream.* = Stream.init();

    // The driver creates the channel before starting us; tolerate a short race anyway.
    var channel = try IpcChannel.openWaiting(options.name, .{}, open_timeout_ns);
    defer channel.close();
    if (std.mem.eql(u8, options.mode, "publish")) {
        try publish(&channel, stream, options.count);
    } else if (std.mem.eql(u8, options.mode, "subscribe")) {
        try subscribe(&channel, stream, options, false);
    } else if (std.mem.eql(u8, options.mode, "subscribe-until-dead")) {
        try subscribe(&channel, stream, options, true);
    } else return error.UnknownMode;
}

fn parse(args: []const [:0]u8) !Options {
    if (args.len < 3) return error.Usage;
    var options: Options = .{ .mode = args[1], .name = args[2] };
    var i: usize = 3;
    if (i < args.len and args[i][0] != '-') {
        options.count = try std.fmt.parseInt(u32, args[i], 10);
        i += 1;
    }
    while (i < args.len) : (i += 1) {
        if (std.mem.eql(u8, args[i], "--slow")) {
            options.slow = true;
        } else if (std.mem.eql(u8, args[i], "--progress-at") and i + 1 < args.len) {
            i += 1;
            options.progress_at = try std.fmt.parseInt(u32, args[i], 10);
        } else return error.Usage;
    }
    return options;
}

fn publish(channel: *IpcChannel, stream: *const Stream, count: u32) !void {
    var back_pressure: u64 = 0;
    var seq: u32 = 0;
    while (seq < count) {
        channel.publish(stream.payload(seq), @intCast(seq)) catch |err| switch (err) {
            error.BackPressure => {
                back_pressure += 1;
                if (back_pressure % 64 == 0) std.Thread.yield() catch {};
                continue;
            },
            else => return err,
        };
        seq += 1;
    }
    try printJson("{{\"role\":\"publisher\",\"published\":{d},\"backPressure\":{d}}}\n", .{ count, back_pressure });
}

const Checker = struct {
    stream: *const Stream,
    next: u32 = 0,
    bytes: u64 = 0,
    failure: ?[]const u8 = null,

    fn onMessage(self: *Checker, payload: []const u8, msg_type_id: i32) void {
        if (self.failure != null) return;
        if (msg_type_id != @as(i32, @intCast(self.next))) {
            self.failure = "a message arrived out of order, twice, or was lost";
        } else if (!std.mem.eql(u8, payload, self.stream.payload(self.next))) {
            self.failure = "a payload differs from what was published";
        }
        self.next += 1;
        self.bytes += payload.len;
    }
};

fn subscribe(channel: *IpcChannel, stream: *const Stream, options: Options, until_dead: bool) !void {
    var checker: Checker = .{ .stream = stream };
    var progress_printed = false;
    var empty_polls: u64 = 0;
    var publisher_dead = false;
    while (until_dead or checker.next < options.count) {
        const received = try channel.poll(&checker, Checker.onMessage, if (options.slow) 4 else 256);
        if (checker.failure) |reason| {
            std.debug.print("zigbolt-peer: seq {d}: {s}\n", .{ checker.next - 1, reason });
            std.process.exit(1);
        }
        if (!progress_printed and checker.next >= options.progress_at) {
            try printJson("progress {d}\n", .{checker.next});
            progress_printed = true;
        }
        if (options.slow) std.Thread.sleep(50 * std.time.ns_per_us);
        if (received > 0) {
            empty_polls = 0;
            continue;
        }
        empty_polls += 1;
        if (empty_polls % 64 == 0) std.Thread.yield() catch {};
        // A dead publisher can commit nothing more: one last poll drains what it committed.
        if (until_dead and empty_polls % 1024 == 0 and channel.peerState(.publisher) == .dead) {
            _ = try channel.poll(&checker, Checker.onMessage, std.math.maxInt(u32));
            publisher_dead = true;
            break;
        }
    }
    const peer_error = if (channel.ensurePeerAlive(.publisher)) |_| "none" else |err| @errorName(err);
    try printJson(
        "{{\"role\":\"subscriber\",\"received\":{d},\"bytes\":{d},\"publisherDead\":{},\"peerError\":\"{s}\"}}\n",
        .{ checker.next, checker.bytes, publisher_dead, peer_error },
    );
}
