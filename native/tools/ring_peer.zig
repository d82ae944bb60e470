//! The Zig side of the ring tests and benchmarks (tests/rings_cross_process.test.ts,
//! bench/core/_suite_rings.ts); tests/peers/ring_peer.ts is the same program in TypeScript.
//!
//! The ring stream (the same in tests/peers/_ring_stream.ts): producer `id`'s message `seq`
//! has msg_type_id = id and a payload of 12 + (seq * 7 + id) % 53 bytes:
//!   0  u32 id   4  u32 seq   8  u32 check = fmix32(id * 0x9E3779B1 + seq)
//!   12.. filler byte j = (seq + 31 * j + id) & 0xff
//!
//! Usage:
//!   zigbolt-ring-peer spsc-produce <name> <count> [--claim 1 [--abort-every N]]
//!   zigbolt-ring-peer spsc-consume <name> <count>
//!   zigbolt-ring-peer mpsc-produce <name> <count> --id N [--hang-after K] [--claim 1 [--abort-every N]]
//!   zigbolt-ring-peer mpsc-consume <name> --expect id:count,... [--expect-lost N]
//!   zigbolt-ring-peer bench-produce spsc|mpsc <name> --size S --millis T --start-at MS [--id N]
//!   zigbolt-ring-peer bench-consume spsc|mpsc <name> --producers P
//!   zigbolt-ring-peer ping <ping-ring> <pong-ring> --size S --warmup W --count N
//!   zigbolt-ring-peer pong <ping-ring> <pong-ring>
//! --claim: messages go through claims filled in place (tryClaim, commit); --abort-every N:
//! before every Nth, a claim is filled with garbage and aborted.
//! Prints one JSON line with the result; a wrong message exits 1 with the reason on stderr.

const std = @import("std");
const zigbolt = @import("zigbolt");
const SpscRingBuffer = zigbolt.SpscRingBuffer;
const MpscRingBuffer = zigbolt.MpscRingBuffer;
const clock = zigbolt.clock;
const fmix32 = @import("_peer_common.zig").fmix32;

const open_timeout_ns = 10 * std.time.ns_per_s;
const type_data: i32 = 0;
const type_end: i32 = 1;

fn streamLength(id: u32, seq: u32) usize {
    return 12 + (seq *% 7 +% id) % 53;
}

fn fillMessage(buffer: []u8, id: u32, seq: u32) []u8 {
    const length = streamLength(id, seq);
    std.mem.writeInt(u32, buffer[0..4], id, .little);
    std.mem.writeInt(u32, buffer[4..8], seq, .little);
    std.mem.writeInt(u32, buffer[8..12], fmix32(id *% 0x9E3779B1 +% seq), .little);
    for (12..length) |j| buffer[j] = @truncate(seq +% 31 *% @as(u32, @intCast(j)) +% id);
    return buffer[0..length];
}

/// Checks one stream message; returns its (id, seq) or why it is wrong.
fn checkMessage(payload: []const u8) error{BadMessage}!struct { u32, u32 } {
    if (payload.len < 12) return error.BadMessage;
    const id = std.mem.readInt(u32, payload[0..4], .little);
    const seq = std.mem.readInt(u32, payload[4..8], .little);
    if (payload.len != streamLength(id, seq)) return error.BadMessage;
    if (std.mem.readInt(u32, payload[8..12], .little) != fmix32(id *% 0x9E3779B1 +% seq)) return error.BadMessage;
    for (12..payload.len) |j| {
        if (payload[j] != @as(u8, @truncate(seq +% 31 *% @as(u32, @intCast(j)) +% id))) return error.BadMessage;
    }
    return .{ id, seq };
}

fn fail(comptime format: []const u8, args: anytype) noreturn {
    std.debug.print(format ++ "\n", args);
    std.process.exit(1);
}

fn print(comptime format: []const u8, args: anytype) void {
    var buffer: [4096]u8 = undefined;
    const text = std.fmt.bufPrint(&buffer, format ++ "\n", args) catch unreachable;
    std.fs.File.stdout().writeAll(text) catch {};
}

fn openWaiting(comptime T: type, name: []const u8) !T {
    const deadline = clock.monotonicNs() + open_timeout_ns;
    while (true) {
        return T.open(name, .{}) catch |err| switch (err) {
            error.NoSuchChannel, error.InvalidChannel => {
                if (clock.monotonicNs() >= deadline) return err;
                std.Thread.sleep(std.time.ns_per_ms);
                continue;
            },
            else => err,
        };
    }
}

/// Writes, spinning (and now and then yielding the CPU) while the ring is full.
fn writeSpinning(ring: anytype, payload: []const u8, msg_type_id: i32) !u64 {
    var spins: u64 = 0;
    while (!try ring.write(payload, msg_type_id)) {
        spins += 1;
        if (spins % 64 == 0) std.Thread.yield() catch {};
    }
    return spins;
}

/// How a producer sends: `write`, or claims filled in place, every `abort_every`th message
/// (0: none) preceded by a claim filled with garbage and aborted.
const Sender = struct {
    claims: bool,
    abort_every: u64,

    fn of(args: Args) Sender {
        return .{ .claims = args.flag("claim") != null, .abort_every = args.number("abort-every", 0) };
    }

    /// Sends message `seq`; returns how often the ring was found full.
    fn send(self: Sender, ring: anytype, payload: []const u8, msg_type_id: i32, seq: u64) !u64 {
        if (!self.claims) return writeSpinning(ring, payload, msg_type_id);
        var spins: u64 = 0;
        if (self.abort_every != 0 and seq % self.abort_every == self.abort_every - 1) {
            const doomed = try claimSpinning(ring, payload.len, msg_type_id, &spins);
            @memset(doomed.payload, 0xEE);
            try ring.abort(doomed);
        }
        const claimed = try claimSpinning(ring, payload.len, msg_type_id, &spins);
        @memcpy(claimed.payload, payload);
        try ring.commit(claimed);
        return spins;
    }

    fn claimSpinning(ring: anytype, length: usize, msg_type_id: i32, spins: *u64) !zigbolt.ring.Claim {
        while (true) {
            if (try ring.tryClaim(length, msg_type_id)) |claimed| return claimed;
            spins.* += 1;
            if (spins.* % 64 == 0) std.Thread.yield() catch {};
        }
    }
};

const Args = struct {
    list: []const [:0]u8,

    fn positional(self: Args, index: usize) []const u8 {
        var seen: usize = 0;
        var i: usize = 1;
        while (i < self.list.len) : (i += 1) {
            if (std.mem.startsWith(u8, self.list[i], "--")) {
                i += 1;
                continue;
            }
            if (seen == index) return self.list[i];
            seen += 1;
        }
        fail("missing argument {d}", .{index});
    }

    fn flag(self: Args, name: []const u8) ?[]const u8 {
        var i: usize = 1;
        while (i + 1 < self.list.len) : (i += 1) {
            if (std.mem.startsWith(u8, self.list[i], "--") and std.mem.eql(u8, self.list[i][2..], name)) {
                return self.list[i + 1];
            }
        }
        return null;
    }

    fn number(self: Args, name: []const u8, default: u64) u64 {
        const text = self.flag(name) orelse return default;
        return std.fmt.parseInt(u64, text, 10) catch fail("bad --{s} {s}", .{ name, text });
    }
};

pub fn main() !void {
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    const args: Args = .{ .list = try std.process.argsAlloc(arena.allocator()) };
    const mode = args.positional(0);
    if (std.mem.eql(u8, mode, "spsc-produce")) return spscProduce(args);
    if (std.mem.eql(u8, mode, "spsc-consume")) return spscConsume(args);
    if (std.mem.eql(u8, mode, "mpsc-produce")) return mpscProduce(args);
    if (std.mem.eql(u8, mode, "mpsc-consume")) return mpscConsume(args, arena.allocator());
    if (std.mem.eql(u8, mode, "bench-produce")) return benchProduce(args);
    if (std.mem.eql(u8, mode, "bench-consume")) return benchConsume(args);
    if (std.mem.eql(u8, mode, "ping")) return ping(args, arena.allocator());
    if (std.mem.eql(u8, mode, "pong")) return pong(args);
    fail("unknown mode {s}", .{mode});
}

fn parseCount(text: []const u8) u32 {
    return std.fmt.parseInt(u32, text, 10) catch fail("bad count {s}", .{text});
}

fn spscProduce(args: Args) !void {
    var ring = try openWaiting(SpscRingBuffer, args.positional(1));
    defer ring.close();
    const count = parseCount(args.positional(2));
    var buffer: [64]u8 = undefined;
    var spins: u64 = 0;
    const sender = Sender.of(args);
    for (0..count) |seq| spins += try sender.send(&ring, fillMessage(&buffer, 0, @intCast(seq)), type_data, seq);
    print("{{\"written\":{d},\"fullSpins\":{d}}}", .{ count, spins });
}

const SpscCheck = struct {
    next: u32 = 0,
    bytes: u64 = 0,

    fn onMessage(self: *SpscCheck, payload: []const u8, msg_type_id: i32) void {
        const id, const seq = checkMessage(payload) catch fail("bad message after seq {d}", .{self.next});
        if (id != 0 or msg_type_id != type_data or seq != self.next) {
            fail("expected seq {d}, got id {d} seq {d} type {d}", .{ self.next, id, seq, msg_type_id });
        }
        self.next += 1;
        self.bytes += payload.len;
    }
};

fn spscConsume(args: Args) !void {
    var ring = try openWaiting(SpscRingBuffer, args.positional(1));
    defer ring.close();
    const count = parseCount(args.positional(2));
    var check: SpscCheck = .{};
    var idle: u64 = 0;
    while (check.next < count) {
        if (try ring.read(&check, SpscCheck.onMessage, 1024) == 0) {
            idle += 1;
            if (idle % 256 == 0) std.Thread.yield() catch {};
        }
    }
    print("{{\"received\":{d},\"bytes\":{d}}}", .{ check.next, check.bytes });
}

fn mpscProduce(args: Args) !void {
    var ring = try openWaiting(MpscRingBuffer, args.positional(1));
    defer ring.close();
    const count = parseCount(args.positional(2));
    const id: u32 = @intCast(args.number("id", 0));
    if (args.flag("hang-after")) |_| ring.hang_after_claim_countdown = args.number("hang-after", 0);
    var buffer: [64]u8 = undefined;
    var spins: u64 = 0;
    const sender = Sender.of(args);
    for (0..count) |seq| spins += try sender.send(&ring, fillMessage(&buffer, id, @intCast(seq)), @intCast(id), seq);
    print("{{\"id\":{d},\"written\":{d},\"fullSpins\":{d},\"slot\":{d}}}", .{ id, count, spins, ring.slot_index.? });
}

const producers_max = 64;

const MpscCheck = struct {
    next: [producers_max]u32 = @splat(0),
    received: u64 = 0,

    fn onMessage(self: *MpscCheck, payload: []const u8, msg_type_id: i32) void {
        const id, const seq = checkMessage(payload) catch fail("bad message (received {d})", .{self.received});
        if (id >= producers_max or msg_type_id != @as(i32, @intCast(id))) fail("bad id {d} type {d}", .{ id, msg_type_id });
        if (seq != self.next[id]) fail("producer {d}: expected seq {d}, got {d}", .{ id, self.next[id], seq });
        self.next[id] += 1;
        self.received += 1;
    }
};

fn mpscConsume(args: Args, allocator: std.mem.Allocator) !void {
    var ring = try openWaiting(MpscRingBuffer, args.positional(1));
    defer ring.close();
    var expected: [producers_max]u32 = @splat(0);
    var ids = std.ArrayList(u32){};
    var parts = std.mem.tokenizeScalar(u8, args.flag("expect") orelse fail("need --expect", .{}), ',');
    while (parts.next()) |part| {
        const colon = std.mem.indexOfScalar(u8, part, ':') orelse fail("bad --expect {s}", .{part});
        const id = parseCount(part[0..colon]);
        expected[id] = parseCount(part[colon + 1 ..]);
        try ids.append(allocator, id);
    }
    const lost_expected = args.number("expect-lost", 0);
    var check: MpscCheck = .{};
    try ring.claimConsumerRole();
    print("consuming", .{});
    var idle: u64 = 0;
    var lost_seen: u64 = 0;
    while (!std.mem.eql(u32, &check.next, &expected) or ring.lost_records < lost_expected) {
        if (ring.lost_records != lost_seen) {
            lost_seen = ring.lost_records;
            print("lost {d}", .{lost_seen});
        }
        if (try ring.read(&check, MpscCheck.onMessage, 1024) == 0) {
            idle += 1;
            if (idle % 256 == 0) std.Thread.yield() catch {};
        }
        for (ids.items) |id| if (check.next[id] > expected[id]) fail("producer {d}: too many", .{id});
    }
    var text = std.ArrayList(u8){};
    try text.print(allocator, "{{\"received\":{d},\"lostRecords\":{d},\"lostBytes\":{d},\"perProducer\":{{", .{ check.received, ring.lost_records, ring.lost_bytes });
    for (ids.items, 0..) |id, i| try text.print(allocator, "{s}\"{d}\":{d}", .{ if (i == 0) "" else ",", id, check.next[id] });
    try text.appendSlice(allocator, "}}");
    print("{s}", .{text.items});
}

// ---- benchmarks ---------------------------------------------------------------------------

fn waitUntil(start_at_ms: u64) void {
    while (@as(u64, @intCast(std.time.milliTimestamp())) < start_at_ms) std.Thread.sleep(100 * std.time.ns_per_us);
}

fn benchProduce(args: Args) !void {
    const kind = args.positional(1);
    if (std.mem.eql(u8, kind, "spsc")) {
        var ring = try openWaiting(SpscRingBuffer, args.positional(2));
        defer ring.close();
        return benchProduceOn(&ring, args);
    }
    var ring = try openWaiting(MpscRingBuffer, args.positional(2));
    defer ring.close();
    return benchProduceOn(&ring, args);
}

fn benchProduceOn(ring: anytype, args: Args) !void {
    const size: usize = @intCast(args.number("size", 32));
    const millis = args.number("millis", 1000);
    var buffer: [4096]u8 = @splat(0xA5);
    const message = buffer[0..@max(size, 8)];
    waitUntil(args.number("start-at", 0));
    const t0 = clock.monotonicNs();
    const deadline = t0 + millis * std.time.ns_per_ms;
    var messages: u64 = 0;
    var full: u64 = 0;
    while (true) {
        std.mem.writeInt(u64, message[0..8], messages, .little);
        // Full: spin, and now and then give the CPU to a producer that may be mid-claim.
        while (!try ring.write(message, type_data)) {
            full += 1;
            if (full % 64 == 0) std.Thread.yield() catch {};
        }
        messages += 1;
        if (messages % 1024 == 0 and clock.monotonicNs() >= deadline) break;
    }
    const t1 = clock.monotonicNs();
    // The end message announces the count as an f64 (what TypeScript peers read and write).
    std.mem.writeInt(u64, message[0..8], @bitCast(@as(f64, @floatFromInt(messages))), .little);
    _ = try writeSpinning(ring, message, type_end);
    print("{{\"mode\":\"produce\",\"runtime\":\"zig\",\"messages\":{d},\"seconds\":{d},\"fullSpins\":{d}}}", .{ messages, @as(f64, @floatFromInt(t1 - t0)) / 1e9, full });
}

const BenchCount = struct {
    messages: u64 = 0,
    announced: u64 = 0,
    ends: u32 = 0,
    first_ns: u64 = 0,
    last_ns: u64 = 0,

    fn onMessage(self: *BenchCount, payload: []const u8, msg_type_id: i32) void {
        if (msg_type_id == type_end) {
            self.ends += 1;
            const count: f64 = @bitCast(std.mem.readInt(u64, payload[0..8], .little));
            self.announced += @intFromFloat(count);
            return;
        }
        if (self.messages == 0) self.first_ns = clock.monotonicNs();
        self.messages += 1;
    }
};

fn benchConsume(args: Args) !void {
    const kind = args.positional(1);
    if (std.mem.eql(u8, kind, "spsc")) {
        var ring = try openWaiting(SpscRingBuffer, args.positional(2));
        defer ring.close();
        try ring.claim(.consumer);
        return benchConsumeOn(&ring, args);
    }
    var ring = try openWaiting(MpscRingBuffer, args.positional(2));
    defer ring.close();
    try ring.claimConsumerRole();
    return benchConsumeOn(&ring, args);
}

fn benchConsumeOn(ring: anytype, args: Args) !void {
    const producers = args.number("producers", 1);
    var count: BenchCount = .{};
    while (count.ends < producers) {
        const before = count.messages;
        _ = try ring.read(&count, BenchCount.onMessage, 4096);
        if (count.messages != before) count.last_ns = clock.monotonicNs();
    }
    if (count.announced != count.messages) fail("received {d} of {d} messages", .{ count.messages, count.announced });
    const seconds = @as(f64, @floatFromInt(count.last_ns - count.first_ns)) / 1e9;
    print("{{\"mode\":\"consume\",\"runtime\":\"zig\",\"messages\":{d},\"seconds\":{d},\"messagesPerSecond\":{d:.0}}}", .{ count.messages, seconds, @as(f64, @floatFromInt(count.messages)) / seconds });
}

const Echo = struct {
    out: *SpscRingBuffer,
    stop: bool = false,

    fn onMessage(self: *Echo, payload: []const u8, msg_type_id: i32) void {
        if (msg_type_id == type_end) {
            self.stop = true;
            return;
        }
        while (!(self.out.write(payload, msg_type_id) catch fail("pong write failed", .{}))) {}
    }
};

fn pong(args: Args) !void {
    var ping_ring = try openWaiting(SpscRingBuffer, args.positional(1));
    defer ping_ring.close();
    var pong_ring = try openWaiting(SpscRingBuffer, args.positional(2));
    defer pong_ring.close();
    try ping_ring.claim(.consumer);
    try pong_ring.claim(.producer);
    var echo: Echo = .{ .out = &pong_ring };
    while (!echo.stop) _ = try ping_ring.read(&echo, Echo.onMessage, 64);
    print("{{\"mode\":\"pong\",\"runtime\":\"zig\"}}", .{});
}

const Got = struct {
    got: bool = false,
    fn onMessage(self: *Got, _: []const u8, msg_type_id: i32) void {
        if (msg_type_id == type_data) self.got = true;
    }
};

fn ping(args: Args, allocator: std.mem.Allocator) !void {
    var ping_ring = try openWaiting(SpscRingBuffer, args.positional(1));
    defer ping_ring.close();
    var pong_ring = try openWaiting(SpscRingBuffer, args.positional(2));
    defer pong_ring.close();
    try ping_ring.claim(.producer);
    try pong_ring.claim(.consumer);
    const size: usize = @intCast(args.number("size", 32));
    const warmup = args.number("warmup", 10_000);
    const count = args.number("count", 100_000);
    var buffer: [4096]u8 = @splat(0x5A);
    const message = buffer[0..size];
    const samples = try allocator.alloc(u64, count);
    @memset(samples, 0);
    var i: u64 = 0;
    while (i < warmup + count) : (i += 1) {
        const t0 = clock.monotonicNs();
        while (!try ping_ring.write(message, type_data)) {}
        var got: Got = .{};
        while (!got.got) _ = try pong_ring.read(&got, Got.onMessage, 1);
        const t1 = clock.monotonicNs();
        if (i >= warmup) samples[i - warmup] = t1 - t0;
    }
    _ = try writeSpinning(&ping_ring, message, type_end);
    std.mem.sort(u64, samples, {}, std.sort.asc(u64));
    const p50 = samples[(count - 1) / 2];
    const p99 = samples[@min(count - 1, (count * 99 + 99) / 100 - 1)];
    print("{{\"mode\":\"ping\",\"runtime\":\"zig\",\"rttNs\":{{\"p50\":{d},\"p99\":{d}}}}}", .{ p50, p99 });
}
