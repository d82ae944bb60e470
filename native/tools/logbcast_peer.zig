//! zigbolt-logbcast: the Zig side of the log buffer and broadcast cross-process tests
//! (tests/log_buffer_cross_process.test.ts, tests/broadcast_cross_process.test.ts) and
//! benchmarks (bench/core/_suite_log_buffer.ts, _suite_broadcast.ts). tests/peers/
//! logbcast_peer.ts is the Bun/Deno twin: same modes, flags, streams and JSON output.
//!
//!   log-write  --name N --count K [--pause-after K] [--slow 1]   claim/commit and append
//!   log-read   --name N --count K [--slow 1]                     checks every message
//!   log-read-until-dead --name N                                  until PeerDead
//!   bcast-transmit --name N --count K [--capacity C] [--interval-ns T]
//!                  creates the buffer, prints "created", waits for a line on stdin
//!   bcast-receive  --name N [--slow 1]                            prints "ready"
//!   bench-log-write  --name N --size B --seconds S
//!   bench-log-read   --name N
//!   bench-bcast-transmit --name N --size B --seconds S --capacity C [--warmup-seconds S]
//!                        [--wait-go 1]  (print "created", wait for a line on stdin)
//!   bench-bcast-receive  --name N [--yield-when-idle 1]  (yield the CPU on an empty poll)
//!
//! Log stream: message seq has msg_type_id = seq and the payload
//! pattern[(seq * 7) mod 4096 ..][0 .. 1 + (size(seq) - 1) mod 4096] (tests/peers/_stream.ts).
//! Broadcast stream: msg_type_id = seq mod 1000, payload [seq u32][fnv1a(rest) u32][rest],
//! rest[i] = (seq + 13 i) mod 256, 0..119 bytes; then one end record (type 1_000_000).

const std = @import("std");
const zigbolt = @import("zigbolt");
const LogBuffer = zigbolt.LogBuffer;
const peer_common = @import("_peer_common.zig");
const printJson = peer_common.printJson;
const Transmitter = zigbolt.broadcast.Transmitter;
const CopyReceiver = zigbolt.broadcast.CopyReceiver;
const monotonicNs = zigbolt.clock.monotonicNs;

const open_timeout_ns = 20 * std.time.ns_per_s;
const end_type: i32 = 1_000_000;

const bench_type = struct {
    const warm: i32 = 4;
    const data: i32 = 5;
    const end: i32 = 6;
};

const Options = struct {
    mode: []const u8 = "",
    name: []const u8 = "",
    count: u32 = 0,
    pause_after: ?u32 = null,
    slow: bool = false,
    capacity: u32 = 1 << 20,
    interval_ns: u64 = 0,
    size: u32 = 64,
    seconds: f64 = 1.0,
    warmup_seconds: f64 = 1.5,
    wait_go: bool = false,
    yield_when_idle: bool = false,
};

var pattern: [peer_common.pattern_length]u8 = undefined;

pub fn main() !void {
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    const options = parse(try std.process.argsAlloc(arena.allocator())) catch {
        std.debug.print("usage: see native/tools/logbcast_peer.zig\n", .{});
        std.process.exit(2);
    };
    peer_common.fillPattern(&pattern);
    const mode = options.mode;
    if (std.mem.eql(u8, mode, "log-write")) return logWrite(options);
    if (std.mem.eql(u8, mode, "log-read")) return logRead(options, false);
    if (std.mem.eql(u8, mode, "log-read-until-dead")) return logRead(options, true);
    if (std.mem.eql(u8, mode, "bcast-transmit")) return bcastTransmit(options);
    if (std.mem.eql(u8, mode, "bcast-receive")) return bcastReceive(options);
    if (std.mem.eql(u8, mode, "bench-log-write")) return benchLogWrite(options);
    if (std.mem.eql(u8, mode, "bench-log-read")) return benchLogRead(options);
    if (std.mem.eql(u8, mode, "bench-bcast-transmit")) return benchTransmit(options);
    if (std.mem.eql(u8, mode, "bench-bcast-receive")) return benchReceive(options);
    return error.UnknownMode;
}

fn parse(args: []const [:0]u8) !Options {
    if (args.len < 2) return error.Usage;
    var options: Options = .{ .mode = args[1] };
    var i: usize = 2;
    while (i + 1 < args.len) : (i += 2) {
        const flag = args[i];
        const value = args[i + 1];
        if (std.mem.eql(u8, flag, "--name")) {
            options.name = value;
        } else if (std.mem.eql(u8, flag, "--count")) {
            options.count = try std.fmt.parseInt(u32, value, 10);
        } else if (std.mem.eql(u8, flag, "--pause-after")) {
            options.pause_after = try std.fmt.parseInt(u32, value, 10);
        } else if (std.mem.eql(u8, flag, "--slow")) {
            options.slow = !std.mem.eql(u8, value, "0");
        } else if (std.mem.eql(u8, flag, "--capacity")) {
            options.capacity = try std.fmt.parseInt(u32, value, 10);
        } else if (std.mem.eql(u8, flag, "--interval-ns")) {
            options.interval_ns = try std.fmt.parseInt(u64, value, 10);
        } else if (std.mem.eql(u8, flag, "--size")) {
            options.size = try std.fmt.parseInt(u32, value, 10);
        } else if (std.mem.eql(u8, flag, "--wait-go")) {
            options.wait_go = !std.mem.eql(u8, value, "0");
        } else if (std.mem.eql(u8, flag, "--yield-when-idle")) {
            options.yield_when_idle = !std.mem.eql(u8, value, "0");
        } else if (std.mem.eql(u8, flag, "--warmup-seconds")) {
            options.warmup_seconds = try std.fmt.parseFloat(f64, value);
        } else if (std.mem.eql(u8, flag, "--seconds")) {
            options.seconds = try std.fmt.parseFloat(f64, value);
        } else return error.Usage;
    }
    if (i != args.len or options.name.len == 0) return error.Usage;
    return options;
}

// ---- streams ------------------------------------------------------------------------

fn logPayload(seq: u32) []const u8 {
    return pattern[peer_common.streamOffset(seq)..][0 .. 1 + (peer_common.streamSize(seq) - 1) % 4096];
}

fn bcastMessage(buffer: *[128]u8, seq: u32) []const u8 {
    const rest_length = (seq *% 2654435761) % 120;
    const message = buffer[0 .. 8 + rest_length];
    std.mem.writeInt(u32, message[0..4], seq, .little);
    for (message[8..], 0..) |*byte, i| byte.* = @truncate(seq +% @as(u32, @intCast(i)) *% 13);
    std.mem.writeInt(u32, message[4..8], fnv1a(message[8..]), .little);
    return message;
}

fn fnv1a(bytes: []const u8) u32 {
    var sum: u32 = 0x811c9dc5;
    for (bytes) |byte| sum = (sum ^ byte) *% 0x01000193;
    return sum;
}

// ---- log buffer tests ---------------------------------------------------------------

fn openLog(name: []const u8) !LogBuffer {
    const deadline = monotonicNs() + open_timeout_ns;
    while (true) {
        return LogBuffer.open(name, .{}) catch |err| switch (err) {
            error.NoSuchChannel, error.InvalidChannel => {
                if (monotonicNs() > deadline) return err;
                std.Thread.sleep(std.time.ns_per_ms);
                continue;
            },
            else => err,
        };
    }
}

fn logWrite(options: Options) !void {
    var log = try openLog(options.name);
    defer log.close();
    var back_pressure: u64 = 0;
    var seq: u32 = 0;
    while (seq < options.count) {
        const payload = logPayload(seq);
        if (options.pause_after) |pause_after| if (seq == pause_after) {
            const claimed = (try log.claim(@intCast(payload.len), @intCast(seq))) orelse continue;
            @memcpy(claimed.payload[0 .. payload.len / 2], payload[0 .. payload.len / 2]);
            try printJson("claimed {d}\n", .{seq});
            while (true) std.Thread.sleep(std.time.ns_per_s); // killed here
        };
        // Even messages are written in place through a claim, odd ones copied by append.
        if (seq % 2 == 0) {
            if (try log.claim(@intCast(payload.len), @intCast(seq))) |claimed| {
                @memcpy(claimed.payload, payload);
                try log.commit(claimed);
                seq += 1;
                continue;
            }
        } else if (log.append(payload, @intCast(seq))) |_| {
            seq += 1;
            continue;
        } else |err| if (err != error.BackPressure) return err;
        back_pressure += 1;
        if (back_pressure % 64 == 0) std.Thread.yield() catch {};
    }
    try printJson("{{\"role\":\"writer\",\"written\":{d},\"backPressure\":{d}}}\n", .{ seq, back_pressure });
}

const LogChecker = struct {
    next: u32 = 0,
    bytes: u64 = 0,
    failure: ?[]const u8 = null,

    fn onMessage(self: *LogChecker, payload: []const u8, msg_type_id: i32) void {
        if (self.failure != null) return;
        if (msg_type_id != @as(i32, @bitCast(self.next))) {
            self.failure = "a message arrived out of order, twice, or was lost";
        } else if (!std.mem.eql(u8, payload, logPayload(self.next))) {
            self.failure = "a payload differs from what was written";
        }
        self.next += 1;
        self.bytes += payload.len;
    }
};

fn logRead(options: Options, until_dead: bool) !void {
    var log = try openLog(options.name);
    defer log.close();
    var checker: LogChecker = .{};
    var peer_error: []const u8 = "none";
    while (until_dead or checker.next < options.count) {
        const received = log.poll(&checker, LogChecker.onMessage, if (options.slow) 4 else 256) catch |err| {
            if (err == error.PeerDead and until_dead) {
                peer_error = @errorName(err);
                break;
            }
            return err;
        };
        if (checker.failure) |reason| {
            std.debug.print("zigbolt-logbcast: seq {d}: {s}\n", .{ checker.next - 1, reason });
            std.process.exit(1);
        }
        if (options.slow) std.Thread.sleep(50 * std.time.ns_per_us);
        if (received == 0) std.atomic.spinLoopHint();
    }
    try printJson(
        "{{\"role\":\"consumer\",\"received\":{d},\"bytes\":{d},\"peerError\":\"{s}\",\"position\":{d}}}\n",
        .{ checker.next, checker.bytes, peer_error, log.consumerPosition() },
    );
}

// ---- broadcast tests ----------------------------------------------------------------

fn bcastTransmit(options: Options) !void {
    var transmitter = try Transmitter.create(options.name, .{ .capacity = options.capacity });
    defer transmitter.close();
    try printJson("created\n", .{});
    var line: [16]u8 = undefined;
    _ = try std.fs.File.stdin().read(&line); // the driver says go once every receiver is ready
    var buffer: [128]u8 = undefined;
    var deadline = monotonicNs();
    var seq: u32 = 0;
    while (seq < options.count) : (seq += 1) {
        if (options.interval_ns != 0) {
            deadline += options.interval_ns;
            while (monotonicNs() < deadline) std.atomic.spinLoopHint();
        }
        try transmitter.transmit(@intCast(seq % 1000), bcastMessage(&buffer, seq));
    }
    std.mem.writeInt(u32, buffer[0..4], seq, .little);
    try transmitter.transmit(end_type, buffer[0..4]);
    try printJson("{{\"role\":\"transmitter\",\"transmitted\":{d}}}\n", .{seq});
    // Stay until the driver closes stdin: our close would unlink the name under a slow opener.
    while ((std.fs.File.stdin().read(&line) catch 0) > 0) {}
}

fn openReceiver(name: []const u8) !CopyReceiver {
    const deadline = monotonicNs() + open_timeout_ns;
    while (true) {
        return CopyReceiver.open(std.heap.page_allocator, name, .{}) catch |err| switch (err) {
            error.NoSuchChannel, error.InvalidChannel => {
                if (monotonicNs() > deadline) return err;
                std.Thread.sleep(std.time.ns_per_ms);
                continue;
            },
            else => err,
        };
    }
}

const BcastChecker = struct {
    last: ?u32 = null,
    received: u32 = 0,
    ended: bool = false,
    announced: u32 = 0,
    failure: ?[]const u8 = null,
    slow: bool = false,

    fn onMessage(self: *BcastChecker, msg_type_id: i32, bytes: []const u8) void {
        if (msg_type_id == end_type) {
            self.ended = true;
            self.announced = std.mem.readInt(u32, bytes[0..4], .little);
            return;
        }
        // Slow: 1 ms of sleep every 8 messages, far behind any transmitter.
        if (self.slow and self.received % 8 == 7) std.Thread.sleep(std.time.ns_per_ms);
        if (bytes.len < 8) return self.fail("a message shorter than its header");
        const seq = std.mem.readInt(u32, bytes[0..4], .little);
        if (std.mem.readInt(u32, bytes[4..8], .little) != fnv1a(bytes[8..])) return self.fail("a torn message");
        if (bytes.len != 8 + (seq *% 2654435761) % 120) return self.fail("a message of the wrong length");
        if (msg_type_id != @as(i32, @intCast(seq % 1000))) return self.fail("a wrong type id");
        if (self.last) |last| if (seq <= last) return self.fail("a sequence that did not increase");
        self.last = seq;
        self.received += 1;
    }

    fn fail(self: *BcastChecker, reason: []const u8) void {
        if (self.failure == null) self.failure = reason;
    }
};

fn bcastReceive(options: Options) !void {
    var receiver = try openReceiver(options.name);
    defer receiver.close();
    try printJson("ready\n", .{});
    var checker: BcastChecker = .{ .slow = options.slow };
    while (!checker.ended) {
        if (try receiver.receive(&checker, BcastChecker.onMessage, if (options.slow) 1 else 256) == 0) {
            std.atomic.spinLoopHint();
        }
        if (checker.failure) |reason| {
            std.debug.print("zigbolt-logbcast: after seq {?d}: {s}\n", .{ checker.last, reason });
            std.process.exit(1);
        }
    }
    try printJson(
        "{{\"role\":\"receiver\",\"received\":{d},\"lapped\":{d},\"announced\":{d},\"lastSeq\":{d}}}\n",
        .{ checker.received, receiver.lappedCount(), checker.announced, checker.last orelse 0 },
    );
}

// ---- benchmarks ---------------------------------------------------------------------

fn benchLogWrite(options: Options) !void {
    var log = try openLog(options.name);
    defer log.close();
    const deadline = monotonicNs() + open_timeout_ns;
    while (log.peerState(.consumer) != .alive) {
        if (monotonicNs() > deadline) return error.NoConsumer;
        std.Thread.sleep(100 * std.time.ns_per_us);
    }
    const size = @max(options.size, 8);
    var back_pressure: u64 = 0;
    _ = try logBurst(&log, size, bench_type.warm, 0.3, &back_pressure);
    back_pressure = 0;
    const t0 = monotonicNs();
    const messages = try logBurst(&log, size, bench_type.data, options.seconds, &back_pressure);
    const t1 = monotonicNs();
    while (true) {
        const claimed = try log.claim(size, bench_type.end) orelse continue;
        // The count as a little-endian f64, as the TypeScript peers write and read it.
        std.mem.writeInt(u64, claimed.payload[0..8], @bitCast(@as(f64, @floatFromInt(messages))), .little);
        try log.commit(claimed);
        break;
    }
    try printJson(
        "{{\"mode\":\"bench-log-write\",\"runtime\":\"zig\",\"messages\":{d},\"seconds\":{d},\"backPressure\":{d}}}\n",
        .{ messages, @as(f64, @floatFromInt(t1 - t0)) / 1e9, back_pressure },
    );
}

fn logBurst(log: *LogBuffer, size: u32, msg_type_id: i32, seconds: f64, back_pressure: *u64) !u64 {
    const deadline = monotonicNs() + @as(u64, @intFromFloat(seconds * 1e9));
    var messages: u64 = 0;
    while (true) {
        const claimed = try log.claim(size, msg_type_id) orelse {
            back_pressure.* += 1;
            continue;
        };
        std.mem.writeInt(u32, claimed.payload[0..4], @truncate(messages), .little);
        try log.commit(claimed);
        messages += 1;
        if (messages % 1024 == 0 and monotonicNs() >= deadline) return messages;
    }
}

const BenchLogReader = struct {
    messages: u64 = 0,
    out_of_order: u64 = 0,
    announced: u64 = 0,
    first_ns: u64 = 0,
    end_ns: u64 = 0,
    done: bool = false,

    fn onMessage(self: *BenchLogReader, payload: []const u8, msg_type_id: i32) void {
        switch (msg_type_id) {
            bench_type.data => {
                if (self.messages == 0) self.first_ns = monotonicNs();
                if (std.mem.readInt(u32, payload[0..4], .little) != @as(u32, @truncate(self.messages))) {
                    self.out_of_order += 1;
                }
                self.messages += 1;
            },
            bench_type.end => {
                self.end_ns = monotonicNs();
                const announced: f64 = @bitCast(std.mem.readInt(u64, payload[0..8], .little));
                self.announced = @intFromFloat(announced);
                self.done = true;
            },
            else => {},
        }
    }
};

fn benchLogRead(options: Options) !void {
    var log = try openLog(options.name);
    defer log.close();
    var reader: BenchLogReader = .{};
    while (!reader.done) {
        if (try log.poll(&reader, BenchLogReader.onMessage, 256) == 0) std.atomic.spinLoopHint();
    }
    try printJson(
        "{{\"mode\":\"bench-log-read\",\"runtime\":\"zig\",\"ok\":{},\"messages\":{d},\"seconds\":{d}}}\n",
        .{
            reader.out_of_order == 0 and reader.announced == reader.messages,
            reader.messages,
            @as(f64, @floatFromInt(reader.end_ns - reader.first_ns)) / 1e9,
        },
    );
}

fn benchTransmit(options: Options) !void {
    var transmitter = try Transmitter.create(options.name, .{ .capacity = options.capacity });
    defer transmitter.close();
    const size = @max(options.size, 8);
    var buffer: [4096]u8 = @splat(0xA5);
    const message = buffer[0..size];
    // The driver starts the receivers once we print "created" and says go once they are all
    // in; receivers that join later (no driver) join during the warm-up.
    try printJson("created\n", .{});
    if (options.wait_go) {
        var line: [16]u8 = undefined;
        _ = try std.fs.File.stdin().read(&line);
    }
    _ = try transmitBurst(&transmitter, message, bench_type.warm, options.warmup_seconds);
    const t0 = monotonicNs();
    const messages = try transmitBurst(&transmitter, message, bench_type.data, options.seconds);
    const t1 = monotonicNs();
    std.mem.writeInt(u64, message[0..8], @bitCast(@as(f64, @floatFromInt(messages))), .little);
    try transmitter.transmit(bench_type.end, message);
    // Receivers that were lapped get the end record as the latest: give them time to see it.
    std.Thread.sleep(500 * std.time.ns_per_ms);
    try printJson(
        "{{\"mode\":\"bench-bcast-transmit\",\"runtime\":\"zig\",\"messages\":{d},\"seconds\":{d}}}\n",
        .{ messages, @as(f64, @floatFromInt(t1 - t0)) / 1e9 },
    );
}

fn transmitBurst(transmitter: *Transmitter, message: []u8, msg_type_id: i32, seconds: f64) !u64 {
    const deadline = monotonicNs() + @as(u64, @intFromFloat(seconds * 1e9));
    var messages: u64 = 0;
    while (true) {
        std.mem.writeInt(u32, message[0..4], @truncate(messages), .little);
        try transmitter.transmit(msg_type_id, message);
        messages += 1;
        if (messages % 1024 == 0 and monotonicNs() >= deadline) return messages;
    }
}

const BenchReceiver = struct {
    messages: u64 = 0,
    backwards: u64 = 0,
    last: ?u32 = null,
    first_ns: u64 = 0,
    end_ns: u64 = 0,
    done: bool = false,

    fn onMessage(self: *BenchReceiver, msg_type_id: i32, bytes: []const u8) void {
        switch (msg_type_id) {
            bench_type.data => {
                if (self.messages == 0) self.first_ns = monotonicNs();
                const seq = std.mem.readInt(u32, bytes[0..4], .little);
                if (self.last) |last| if (seq <= last) {
                    self.backwards += 1;
                };
                self.last = seq;
                self.messages += 1;
            },
            bench_type.end => {
                self.end_ns = monotonicNs();
                self.done = true;
            },
            else => {},
        }
    }
};

fn benchReceive(options: Options) !void {
    var receiver = try openReceiver(options.name);
    defer receiver.close();
    try printJson("ready\n", .{});
    var state: BenchReceiver = .{};
    while (!state.done) {
        if (try receiver.receive(&state, BenchReceiver.onMessage, 256) != 0) continue;
        if (options.yield_when_idle) std.Thread.yield() catch {} else std.atomic.spinLoopHint();
    }
    try printJson(
        "{{\"mode\":\"bench-bcast-receive\",\"runtime\":\"zig\",\"ok\":{},\"messages\":{d},\"lapped\":{d},\"seconds\":{d}}}\n",
        .{
            state.backwards == 0,
            state.messages,
            receiver.lappedCount(),
            @as(f64, @floatFromInt(state.end_ns -| state.first_ns)) / 1e9,
        },
    );
}
