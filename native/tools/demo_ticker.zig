//! The exchange feed of the market-data demo (scripts/demo): the Zig process at both ends of
//! a three-process pipeline over three ZigBolt IPC channels.
//!
//!   feed (Zig) --ticks--> strategy (Bun) --orders--> risk gateway (Deno) --acks--> feed
//!
//! It publishes a seeded random walk of bid/ask quotes for a few symbols at a steady rate,
//! and from the acks that come back measures how long each tick took to become an
//! acknowledged order three processes later. Every timestamp is CLOCK_MONOTONIC
//! (zigbolt.clock), which the three processes share, so differences across them are honest.
//!
//! Arguments, all given by scripts/_demo/main.ts, which owns the scene's settings:
//!   ticks=/name acks=/name term_length=<bytes> rate=<ticks/s> count=<ticks>
//!   warmup=<ticks> seed=<u64> prices=<usd>,<usd>,... spin_ns=<ns> park_ns=<ns>
//! The first `warmup` ticks flow like the others, but their latencies are not counted: Bun's
//! and Deno's JIT compilers are still compiling the hot paths then.
//! Prints its report as one JSON line on stdout and progress on stderr; on failure prints
//! "feed: <what went wrong>" on stderr and exits 1.

const std = @import("std");
const builtin = @import("builtin");
const zigbolt = @import("zigbolt");
const assert = std.debug.assert;
const IpcChannel = zigbolt.IpcChannel;
const monotonicNs = zigbolt.clock.monotonicNs;

// ---------------------------------------------------------------------------------------------
// Wire format: the same tables as scripts/_demo/messages.ts. Little-endian, packed (fields
// at any byte offset), so every layout is an extern struct of align(1) fields, checked below.

comptime {
    // The layouts are little-endian on the wire; asBytes would be wrong on a big-endian CPU.
    assert(builtin.cpu.arch.endian() == .little);
}

/// msgTypeId of each message kind. hello and end are control messages: the feed's hello
/// travels round the ring and back, and each process ends its outbound channel with an end.
const MsgType = struct {
    const hello: i32 = 1;
    const end: i32 = 2;
    const tick: i32 = 10;
    const order: i32 = 11;
    const ack: i32 = 12;
};

/// TickMessage, 32 bytes, one quote:
///   offset size field
///        0    8 timestamp_ns  u64  CLOCK_MONOTONIC when published
///        8    4 symbol_id     u32
///       12    8 price         i64  fixed point, 1e-8 USD
///       20    8 volume        u64  fixed point, 1e-8 units of the symbol
///       28    1 side          u8   bid = 0, ask = 1
///       29    3 padding       zero
const TickMessage = extern struct {
    timestamp_ns: u64 align(1),
    symbol_id: u32 align(1),
    price: i64 align(1),
    volume: u64 align(1),
    side: u8,
    padding: [3]u8 = .{ 0, 0, 0 },
};

/// AckMessage, 40 bytes, the risk gateway's answer to one order, carrying its timeline:
///   offset size field
///        0    8 tick_timestamp_ns  u64  the order's timestamp_ns: when its tick was published
///        8    8 order_id           u64
///       16    8 received_ns        u64  when the risk gateway read the order
///       24    8 ack_ns             u64  when the risk gateway published this ack
///       32    4 symbol_id          u32
///       36    1 verdict            u8   accepted = 0, rejected = 1
///       37    1 reason             u8   none = 0, position limit = 1, notional limit = 2
///       38    2 padding            zero
const AckMessage = extern struct {
    tick_timestamp_ns: u64 align(1),
    order_id: u64 align(1),
    received_ns: u64 align(1),
    ack_ns: u64 align(1),
    symbol_id: u32 align(1),
    verdict: u8,
    reason: u8,
    padding: [2]u8 = .{ 0, 0 },
};

/// HelloMessage, 8 bytes: sent by the feed, forwarded by each stage, back at the feed when
/// the whole pipeline is up. timestamp_ns u64 @0, when the feed sent it.
const HelloMessage = extern struct { timestamp_ns: u64 align(1) };

/// EndMessage, 16 bytes: the last message on a channel. timestamp_ns u64 @0; count u64 @8,
/// how many ticks, orders or acks its sender published on that channel before it.
const EndMessage = extern struct { timestamp_ns: u64 align(1), count: u64 align(1) };

const Verdict = struct {
    const accepted: u8 = 0;
    const rejected: u8 = 1;
};
const Reason = struct {
    const position_limit: u8 = 1;
    const notional_limit: u8 = 2;
};

comptime {
    assert(@sizeOf(TickMessage) == 32);
    assert(@offsetOf(TickMessage, "symbol_id") == 8);
    assert(@offsetOf(TickMessage, "price") == 12);
    assert(@offsetOf(TickMessage, "volume") == 20);
    assert(@offsetOf(TickMessage, "side") == 28);
    assert(@sizeOf(AckMessage) == 40);
    assert(@offsetOf(AckMessage, "order_id") == 8);
    assert(@offsetOf(AckMessage, "received_ns") == 16);
    assert(@offsetOf(AckMessage, "ack_ns") == 24);
    assert(@offsetOf(AckMessage, "symbol_id") == 32);
    assert(@offsetOf(AckMessage, "verdict") == 36);
    assert(@offsetOf(AckMessage, "reason") == 37);
    assert(@sizeOf(HelloMessage) == 8);
    assert(@sizeOf(EndMessage) == 16);
}

// ---------------------------------------------------------------------------------------------
// Limits and settings.

const symbols_max = 8;
const poll_limit = 256;
/// Fixed point: 1 USD (or 1 unit of a symbol) = 10^8.
const fixed_one = 100_000_000.0;
/// The random walk: each quote moves its symbol's mid by N(0, 1 bp).
const step_sigma = 0.0001;
/// Quotes sit half a basis point either side of the mid.
const half_spread_ratio = 0.00005;
/// A quote's size is worth 1,000 to 50,000 USD.
const quote_notional_usd_min = 1_000.0;
const quote_notional_usd_max = 50_000.0;
/// How long a consumer waits between peer liveness checks while idle.
const peer_check_interval_ns = 100 * std.time.ns_per_ms;
/// Retry period of open() while the risk gateway has not created the acks channel yet.
const Config = struct {
    ticks_name: []const u8,
    acks_name: []const u8,
    term_length: u32,
    rate: u64,
    count: u64,
    warmup: u64,
    seed: u64,
    prices: [symbols_max]f64,
    symbol_count: u32,
    spin_ns: u64,
    park_ns: u64,

    fn parse(args: []const [:0]const u8) !Config {
        var config: Config = .{
            .ticks_name = try arg(args, "ticks"),
            .acks_name = try arg(args, "acks"),
            .term_length = std.math.cast(u32, try argInt(args, "term_length")) orelse
                return fail("term_length too large", .{}),
            .rate = try argInt(args, "rate"),
            .count = try argInt(args, "count"),
            .warmup = try argInt(args, "warmup"),
            .seed = try argInt(args, "seed"),
            .prices = undefined,
            .symbol_count = 0,
            .spin_ns = try argInt(args, "spin_ns"),
            .park_ns = try argInt(args, "park_ns"),
        };
        var prices = std.mem.splitScalar(u8, try arg(args, "prices"), ',');
        while (prices.next()) |price| {
            if (config.symbol_count == symbols_max) {
                return fail("more than {d} prices", .{symbols_max});
            }
            const value = std.fmt.parseFloat(f64, price) catch 0;
            if (!(value > 0)) return fail("bad price {s}", .{price});
            config.prices[config.symbol_count] = value;
            config.symbol_count += 1;
        }
        if (config.symbol_count == 0) return fail("no prices", .{});
        if (config.rate == 0 or config.count == 0) return fail("rate and count must be > 0", .{});
        if (config.warmup >= config.count) return fail("warmup must be < count", .{});
        return config;
    }

    fn arg(args: []const [:0]const u8, key: []const u8) ![]const u8 {
        for (args[1..]) |a| {
            if (a.len > key.len and std.mem.startsWith(u8, a, key) and a[key.len] == '=') {
                return a[key.len + 1 ..];
            }
        }
        return fail("missing argument {s}=...", .{key});
    }

    fn argInt(args: []const [:0]const u8, key: []const u8) !u64 {
        const text = try arg(args, key);
        return std.fmt.parseInt(u64, text, 10) catch return fail("bad {s}={s}", .{ key, text });
    }
};

// ---------------------------------------------------------------------------------------------
// The scene.

pub fn main() u8 {
    var arena = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena.deinit();
    run(arena.allocator()) catch |err| {
        if (err != error.Reported) std.debug.print("feed: {s}\n", .{@errorName(err)});
        return 1;
    };
    return 0;
}

fn run(allocator: std.mem.Allocator) !void {
    const args = try std.process.argsAlloc(allocator);
    const config = try Config.parse(args);

    const options: zigbolt.ipc.CreateOptions = .{ .term_length = config.term_length };
    var ticks = IpcChannel.create(config.ticks_name, options) catch |err|
        return fail("cannot create {s}: {s}", .{ config.ticks_name, @errorName(err) });
    defer ticks.close();
    // Sent first: the hello waits in the log until the strategy subscribes.
    const hello: HelloMessage = .{ .timestamp_ns = monotonicNs() };
    try ticks.publish(std.mem.asBytes(&hello), MsgType.hello);

    var acks = try openWhenCreated(config.acks_name);
    defer acks.close();

    var feed = try Feed.init(allocator, &config, &ticks, &acks);
    try feed.awaitPipeline(hello.timestamp_ns);
    try feed.publishTicks();
    try feed.publishEnd();
    try feed.drainAcks();
    try feed.writeReport(allocator);
}

/// The risk gateway creates the acks channel when it starts, maybe after us: wait for it
/// (the orchestrator stops us if the gateway fails).
fn openWhenCreated(name: []const u8) !IpcChannel {
    return IpcChannel.openWaiting(name, .{}, std.math.maxInt(u64)) catch |err| {
        return fail("cannot open {s}: {s}", .{ name, @errorName(err) });
    };
}

const Feed = struct {
    config: *const Config,
    ticks: *IpcChannel,
    acks: *IpcChannel,
    quotes: Quotes,
    /// A quote refused by back-pressure, to publish before any new one.
    pending: ?TickMessage = null,
    idle: Idle,
    start_ns: u64 = 0,
    pipeline_up_ns: u64 = 0,
    ticking_ns: u64 = 0,
    ticks_published: u64 = 0,
    /// The timestamp of the first tick after the warm-up: acks of older ticks are not timed.
    /// Until that tick is out, every ack is of a warm-up tick.
    measured_from_ns: u64 = std.math.maxInt(u64),
    ticks_per_symbol: [symbols_max]u64 = @splat(0),
    hello_back: bool = false,
    end: ?EndMessage = null,
    acks_received: u64 = 0,
    accepted: u64 = 0,
    rejected_position: u64 = 0,
    rejected_notional: u64 = 0,
    failure: ?[]const u8 = null,
    /// Latency of each ack's stages, all measured from its tick's publication.
    tick_to_risk: Latencies,
    tick_to_ack_sent: Latencies,
    tick_to_ack: Latencies,
    /// The acks channel alone: risk gateway publishes, feed reads.
    ack_hop: Latencies,

    fn init(
        allocator: std.mem.Allocator,
        config: *const Config,
        ticks: *IpcChannel,
        acks: *IpcChannel,
    ) !Feed {
        // The strategy sends at most one order per tick, so count bounds the acks.
        return .{
            .config = config,
            .ticks = ticks,
            .acks = acks,
            .quotes = Quotes.init(config),
            .idle = .{ .spin_ns = config.spin_ns, .park_ns = config.park_ns },
            .tick_to_risk = try Latencies.init(allocator, config.count),
            .tick_to_ack_sent = try Latencies.init(allocator, config.count),
            .tick_to_ack = try Latencies.init(allocator, config.count),
            .ack_hop = try Latencies.init(allocator, config.count),
        };
    }

    /// Waits for our hello to come back through the strategy and the risk gateway: then
    /// all three processes are up and connected.
    fn awaitPipeline(self: *Feed, sent_ns: u64) !void {
        while (!self.hello_back) try self.pollAcks(false);
        self.pipeline_up_ns = monotonicNs() - sent_ns;
    }

    /// Publishes `count` ticks at `rate`, reading acks in between. A tick is due at
    /// start + i / rate; after a sleep every tick that fell due goes out at once, as a
    /// real feed sends a packet of updates.
    fn publishTicks(self: *Feed) !void {
        self.start_ns = monotonicNs();
        var progress_ns = self.start_ns + std.time.ns_per_s;
        while (self.ticks_published < self.config.count) {
            const now = monotonicNs();
            const due = self.ticksDue(now);
            var work: u64 = 0;
            while (self.ticks_published < due) : (work += 1) {
                if (!try self.publishTick()) break;
            }
            work += try self.acks.poll(self, onAck, poll_limit);
            try self.checkFailure();
            if (now >= progress_ns) {
                self.printProgress(now);
                progress_ns += std.time.ns_per_s;
            }
            if (work == 0) self.idle.idle() else self.idle.reset();
        }
        self.ticking_ns = monotonicNs() - self.start_ns;
    }

    /// How many ticks should be out by `now`: one at the start, then `rate` a second.
    fn ticksDue(self: *const Feed, now: u64) u64 {
        const elapsed_ns: u128 = now - self.start_ns;
        const due = elapsed_ns * self.config.rate / std.time.ns_per_s + 1;
        return @intCast(@min(due, self.config.count));
    }

    /// False on back-pressure: the strategy is two terms behind; the same quote goes out
    /// next round, so the walk depends on the seed alone.
    fn publishTick(self: *Feed) !bool {
        var tick = self.pending orelse self.quotes.next();
        tick.timestamp_ns = monotonicNs();
        self.ticks.publish(std.mem.asBytes(&tick), MsgType.tick) catch |err| switch (err) {
            error.BackPressure => {
                self.pending = tick;
                if (self.ticks.peerState(.subscriber) != .alive) {
                    return fail("the strategy stopped reading {s}", .{self.config.ticks_name});
                }
                return false;
            },
            else => return err,
        };
        self.pending = null;
        if (self.ticks_published == self.config.warmup) self.measured_from_ns = tick.timestamp_ns;
        self.ticks_published += 1;
        self.ticks_per_symbol[tick.symbol_id] += 1;
        return true;
    }

    /// On back-pressure, keeps reading acks: the three channels form a ring, and a feed that
    /// stopped reading could leave each process waiting on the next.
    fn publishEnd(self: *Feed) !void {
        const end: EndMessage = .{ .timestamp_ns = monotonicNs(), .count = self.ticks_published };
        while (true) {
            return self.ticks.publish(std.mem.asBytes(&end), MsgType.end) catch |err| switch (err) {
                error.BackPressure => {
                    try self.pollAcks(true);
                    continue;
                },
                else => err,
            };
        }
    }

    /// Reads acks until the risk gateway's end message, which follows its last ack.
    fn drainAcks(self: *Feed) !void {
        while (self.end == null) try self.pollAcks(true);
        const sent = self.end.?.count;
        const received = self.acks_received;
        if (sent != received) {
            return fail("the risk gateway sent {d} acks, {d} arrived", .{ sent, received });
        }
    }

    /// One poll of the acks channel; idles when empty. With `watch_peer`, fails once the
    /// risk gateway is gone without having sent its end message.
    fn pollAcks(self: *Feed, watch_peer: bool) !void {
        // Ask before polling: an end message published before the peer left is then seen.
        const peer_gone = watch_peer and self.idle.peerCheckDue() and
            self.acks.peerState(.publisher) != .alive;
        const count = try self.acks.poll(self, onAck, poll_limit);
        try self.checkFailure();
        if (count != 0) return self.idle.reset();
        if (peer_gone and self.end == null) {
            return fail("the risk gateway left without an end message", .{});
        }
        self.idle.idle();
    }

    fn onAck(self: *Feed, payload: []const u8, msg_type_id: i32) void {
        const now = monotonicNs();
        switch (msg_type_id) {
            MsgType.ack => {
                if (payload.len != @sizeOf(AckMessage)) return self.reject("a short or long ack");
                self.recordAck(std.mem.bytesToValue(AckMessage, payload), now);
            },
            MsgType.hello => self.hello_back = true,
            MsgType.end => {
                if (payload.len != @sizeOf(EndMessage)) return self.reject("a short or long end");
                self.end = std.mem.bytesToValue(EndMessage, payload);
            },
            else => self.reject("an unknown message type"),
        }
    }

    fn recordAck(self: *Feed, ack: AckMessage, now: u64) void {
        // The clock is shared and monotonic: each stage happens after the one before.
        const in_order = ack.tick_timestamp_ns <= ack.received_ns and
            ack.received_ns <= ack.ack_ns and ack.ack_ns <= now;
        if (!in_order) return self.reject("an ack whose timeline goes backwards");
        self.acks_received += 1;
        if (ack.tick_timestamp_ns >= self.measured_from_ns) {
            self.tick_to_risk.record(ack.received_ns - ack.tick_timestamp_ns);
            self.tick_to_ack_sent.record(ack.ack_ns - ack.tick_timestamp_ns);
            self.tick_to_ack.record(now - ack.tick_timestamp_ns);
            self.ack_hop.record(now - ack.ack_ns);
        }
        if (ack.verdict == Verdict.accepted) {
            self.accepted += 1;
        } else if (ack.reason == Reason.position_limit) {
            self.rejected_position += 1;
        } else if (ack.reason == Reason.notional_limit) {
            self.rejected_notional += 1;
        } else {
            self.reject("a rejection without a known reason");
        }
    }

    /// Handlers cannot return errors: note the first problem, the loop turns it into one.
    fn reject(self: *Feed, what: []const u8) void {
        if (self.failure == null) self.failure = what;
    }

    fn checkFailure(self: *Feed) !void {
        if (self.failure) |what| {
            return fail("received {s} on {s}", .{ what, self.config.acks_name });
        }
    }

    fn printProgress(self: *const Feed, now: u64) void {
        const seconds = @as(f64, @floatFromInt(now - self.start_ns)) / std.time.ns_per_s;
        std.debug.print("{d:.1} s: {f} ticks published, {f} acks received\n", .{
            seconds, Grouped{ .n = self.ticks_published }, Grouped{ .n = self.acks_received },
        });
    }

    fn writeReport(self: *Feed, allocator: std.mem.Allocator) !void {
        const ticks_per_symbol = self.ticks_per_symbol[0..self.config.symbol_count];
        const report = .{
            .role = "feed",
            .pipelineUpNs = self.pipeline_up_ns,
            .tickingNs = self.ticking_ns,
            .ticksPublished = self.ticks_published,
            .ticksPerSymbol = try allocator.dupe(u64, ticks_per_symbol),
            .acksReceived = self.acks_received,
            .accepted = self.accepted,
            .rejectedPosition = self.rejected_position,
            .rejectedNotional = self.rejected_notional,
            .cpuNs = cpuNs(),
            .latencyNs = .{
                .tickToRisk = self.tick_to_risk.summary(),
                .tickToAckSent = self.tick_to_ack_sent.summary(),
                .tickToAck = self.tick_to_ack.summary(),
                .ackHop = self.ack_hop.summary(),
            },
        };
        var buffer: [4096]u8 = undefined;
        var writer = std.fs.File.stdout().writer(&buffer);
        const out = &writer.interface;
        try std.json.Stringify.value(report, .{}, out);
        try out.writeByte('\n');
        try out.flush();
    }
};

/// The seeded random walk of each symbol's mid, quoted as a bid or an ask around it.
const Quotes = struct {
    prng: std.Random.DefaultPrng,
    mids: [symbols_max]f64,
    symbol_count: u32,

    fn init(config: *const Config) Quotes {
        return .{
            .prng = .init(config.seed),
            .mids = config.prices,
            .symbol_count = config.symbol_count,
        };
    }

    fn next(self: *Quotes) TickMessage {
        const random = self.prng.random();
        const symbol = random.uintLessThan(u32, self.symbol_count);
        const mid = &self.mids[symbol];
        mid.* *= 1.0 + step_sigma * random.floatNorm(f64);
        const side = random.uintLessThan(u8, 2);
        const half_spread = mid.* * half_spread_ratio;
        const price = if (side == 0) mid.* - half_spread else mid.* + half_spread;
        const notional_range = quote_notional_usd_max - quote_notional_usd_min;
        const notional = quote_notional_usd_min + random.float(f64) * notional_range;
        return .{
            .timestamp_ns = 0,
            .symbol_id = symbol,
            .price = @intFromFloat(@round(price * fixed_one)),
            .volume = @intFromFloat(@round(notional / mid.* * fixed_one)),
            .side = side,
        };
    }
};

/// Spin for `spin_ns` after the last piece of work (the next message is likely close), then
/// sleep `park_ns` at a time, so that three processes can share two cores.
const Idle = struct {
    spin_ns: u64,
    park_ns: u64,
    idle_since_ns: u64 = 0,
    peer_checked_ns: u64 = 0,

    fn reset(self: *Idle) void {
        self.idle_since_ns = 0;
    }

    fn idle(self: *Idle) void {
        const now = monotonicNs();
        if (self.idle_since_ns == 0) self.idle_since_ns = now;
        if (now - self.idle_since_ns < self.spin_ns) {
            std.atomic.spinLoopHint();
        } else {
            std.Thread.sleep(self.park_ns);
        }
    }

    /// True at most every peer_check_interval_ns, and only while idle: liveness costs a
    /// system call and a /proc read.
    fn peerCheckDue(self: *Idle) bool {
        if (self.idle_since_ns == 0) return false;
        const now = monotonicNs();
        if (now - self.peer_checked_ns < peer_check_interval_ns) return false;
        self.peer_checked_ns = now;
        return true;
    }
};

/// Latency samples in nanoseconds, kept whole so that percentiles are exact.
const Latencies = struct {
    samples: []u64,
    count: usize = 0,

    const Summary = struct { count: u64, p50: u64, p90: u64, p99: u64, max: u64 };

    fn init(allocator: std.mem.Allocator, capacity: u64) !Latencies {
        return .{ .samples = try allocator.alloc(u64, capacity) };
    }

    fn record(self: *Latencies, ns: u64) void {
        if (self.count == self.samples.len) return;
        self.samples[self.count] = ns;
        self.count += 1;
    }

    fn summary(self: *Latencies) Summary {
        const sorted = self.samples[0..self.count];
        std.mem.sort(u64, sorted, {}, std.sort.asc(u64));
        return .{
            .count = sorted.len,
            .p50 = percentile(sorted, 50),
            .p90 = percentile(sorted, 90),
            .p99 = percentile(sorted, 99),
            .max = if (sorted.len == 0) 0 else sorted[sorted.len - 1],
        };
    }

    /// Nearest rank: the smallest sample with at least `p` percent of samples at or below it.
    fn percentile(sorted: []const u64, p: u64) u64 {
        if (sorted.len == 0) return 0;
        const rank = (sorted.len * p + 99) / 100;
        return sorted[@max(rank, 1) - 1];
    }
};

/// A count with thousands separators, as the summary prints them: "{f}" of Grouped{ .n = n }.
const Grouped = struct {
    n: u64,

    pub fn format(self: Grouped, writer: *std.Io.Writer) std.Io.Writer.Error!void {
        var buffer: [20]u8 = undefined;
        const digits = std.fmt.bufPrint(&buffer, "{d}", .{self.n}) catch unreachable;
        for (digits, 0..) |digit, i| {
            if (i != 0 and (digits.len - i) % 3 == 0) try writer.writeByte(',');
            try writer.writeByte(digit);
        }
    }
};

fn cpuNs() u64 {
    const usage = std.posix.getrusage(std.posix.rusage.SELF);
    const seconds = usage.utime.sec + usage.stime.sec;
    const micros = seconds * std.time.us_per_s + usage.utime.usec + usage.stime.usec;
    return @as(u64, @intCast(micros)) * std.time.ns_per_us;
}

/// Prints "feed: <message>" and returns error.Reported for main to exit 1 with.
fn fail(comptime format: []const u8, args: anytype) error{Reported} {
    std.debug.print("feed: " ++ format ++ "\n", args);
    return error.Reported;
}
