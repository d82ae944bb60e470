//! zigbolt-bench: the Zig side of the IPC benchmarks that bench/run.ts drives. It has the
//! same modes, flags, message protocol and one-line JSON output as bench/ipc_peer.ts, so any
//! Zig, Bun or Deno process can sit on either side of a pair.
//!
//!   zigbolt-bench ping      --ping-channel N --pong-channel N --size B --warmup K --count K
//!                           [--calibrate 0]  (skip the clock and empty-poll costs)
//!   zigbolt-bench pong      --ping-channel N --pong-channel N
//!   zigbolt-bench publish   --channel N --size B --seconds S --warmup-seconds S
//!   zigbolt-bench subscribe --channel N --limit L
//!   zigbolt-bench costs     --channel N --sizes 32,64 --messages K  (per-call costs, one process)
//!   zigbolt-bench cold      --channel N --size B    (open, publish one message, exit)
//!   zigbolt-bench noop                              (the process start-up floor)
//!
//! The driver creates every channel; peers only open them. Message type ids are listed in
//! bench/_protocol.ts and mirrored in `msg_type` below.

const std = @import("std");
const zigbolt = @import("zigbolt");
const IpcChannel = zigbolt.IpcChannel;
const monotonicNs = zigbolt.clock.monotonicNs;

const msg_type = struct {
    const ping: i32 = 1;
    const pong: i32 = 2;
    const stop: i32 = 3;
    const warm: i32 = 4;
    const data: i32 = 5;
    const end: i32 = 6;
};

const payload_size_max = 64 * 1024;
const open_timeout_ns = 20 * std.time.ns_per_s;

/// The driver creates every channel just before it starts us.
fn openChannel(name: []const u8) !IpcChannel {
    return IpcChannel.openWaiting(name, .{}, open_timeout_ns);
}
/// The clock-read and empty-poll micro-measurements: best of `rounds` x `iterations`.
const calibration = struct {
    const rounds = 5;
    const iterations = 1_000_000;
};

const Options = struct {
    mode: []const u8 = "",
    channel: []const u8 = "",
    ping_channel: []const u8 = "",
    pong_channel: []const u8 = "",
    size: usize = 32,
    warmup: u64 = 200_000,
    count: u64 = 1_000_000,
    seconds: f64 = 1.5,
    warmup_seconds: f64 = 0.3,
    limit: u32 = 256,
    calibrate: bool = true,
    sizes: []const u8 = "32,64,256,1024",
    messages: u64 = 100_000,
};

pub fn main() !void {
    var arena_state = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    driver_pid = std.os.linux.getppid();
    const options = try parseOptions(try std.process.argsAlloc(arena));
    if (options.size < 8 or options.size > payload_size_max) return error.InvalidSize;

    var stdout_buffer: [1024]u8 = undefined;
    var stdout = std.fs.File.stdout().writer(&stdout_buffer);
    const out = &stdout.interface;
    const mode = options.mode;
    if (std.mem.eql(u8, mode, "ping")) {
        try ping(arena, options, out);
    } else if (std.mem.eql(u8, mode, "pong")) {
        try pong(options, out);
    } else if (std.mem.eql(u8, mode, "publish")) {
        try publish(options, out);
    } else if (std.mem.eql(u8, mode, "subscribe")) {
        try subscribe(options, out);
    } else if (std.mem.eql(u8, mode, "costs")) {
        try costs(options, out);
    } else if (std.mem.eql(u8, mode, "cold")) {
        try cold(options);
    } else if (std.mem.eql(u8, mode, "noop")) {
        return;
    } else {
        std.debug.print("zigbolt-bench: unknown mode \"{s}\"\n", .{mode});
        return error.UnknownMode;
    }
    try out.flush();
}

fn parseOptions(args: []const [:0]const u8) !Options {
    if (args.len < 2) return error.MissingMode;
    var options = Options{ .mode = args[1] };
    var i: usize = 2;
    while (i + 1 < args.len) : (i += 2) {
        const key = args[i];
        const value = args[i + 1];
        if (std.mem.eql(u8, key, "--channel")) {
            options.channel = value;
        } else if (std.mem.eql(u8, key, "--ping-channel")) {
            options.ping_channel = value;
        } else if (std.mem.eql(u8, key, "--pong-channel")) {
            options.pong_channel = value;
        } else if (std.mem.eql(u8, key, "--size")) {
            options.size = try std.fmt.parseInt(usize, value, 10);
        } else if (std.mem.eql(u8, key, "--warmup")) {
            options.warmup = try std.fmt.parseInt(u64, value, 10);
        } else if (std.mem.eql(u8, key, "--count")) {
            options.count = try std.fmt.parseInt(u64, value, 10);
        } else if (std.mem.eql(u8, key, "--seconds")) {
            options.seconds = try std.fmt.parseFloat(f64, value);
        } else if (std.mem.eql(u8, key, "--warmup-seconds")) {
            options.warmup_seconds = try std.fmt.parseFloat(f64, value);
        } else if (std.mem.eql(u8, key, "--sizes")) {
            options.sizes = value;
        } else if (std.mem.eql(u8, key, "--messages")) {
            options.messages = try std.fmt.parseInt(u64, value, 10);
        } else if (std.mem.eql(u8, key, "--calibrate")) {
            options.calibrate = !std.mem.eql(u8, value, "0");
        } else if (std.mem.eql(u8, key, "--limit")) {
            options.limit = try std.fmt.parseInt(u32, value, 10);
        } else {
            std.debug.print("zigbolt-bench: unknown flag {s}\n", .{key});
            return error.UnknownFlag;
        }
    }
    if (i != args.len) return error.FlagWithoutValue;
    return options;
}

// ---- spinning safely ---------------------------------------------------------------------

/// Our parent (the driver) when we started. If it dies we are re-parented, and a peer
/// spinning on an empty channel would burn a CPU forever: every spin loop checks now and then.
var driver_pid: std.os.linux.pid_t = 0;
/// Spins between checks: a few milliseconds or more, never inside a normal wait.
const orphan_check_period = 1 << 24;

fn exitIfOrphaned() void {
    if (std.os.linux.getppid() == driver_pid) return;
    std.debug.print("zigbolt-bench: the driver has gone; exiting\n", .{});
    std.process.exit(3);
}

/// Counts spins of a wait loop and checks for the driver every `orphan_check_period`.
const SpinGuard = struct {
    spins: u32 = 0,

    inline fn spin(self: *SpinGuard) void {
        self.spins +%= 1;
        if (self.spins % orphan_check_period == 0) exitIfOrphaned();
    }
};

// ---- channels ---------------------------------------------------------------------------

/// Publishes, retrying while the subscriber is two terms behind. Returns the retries.
inline fn publishSpinning(channel: *IpcChannel, payload: []const u8, type_id: i32) !u64 {
    var spins: u64 = 0;
    var guard = SpinGuard{};
    while (true) {
        channel.publish(payload, type_id) catch |err| switch (err) {
            error.BackPressure => {
                spins += 1;
                guard.spin();
                continue;
            },
            else => return err,
        };
        return spins;
    }
}

fn waitForSubscriber(channel: *IpcChannel) !void {
    const deadline = monotonicNs() + open_timeout_ns;
    while (channel.peerState(.subscriber) != .alive) {
        if (monotonicNs() > deadline) return error.NoSubscriber;
        std.Thread.sleep(100 * std.time.ns_per_us);
    }
}

// ---- ping-pong --------------------------------------------------------------------------

/// Copies each message it is handed (the payload view is valid only during the call).
const Echo = struct {
    buffer: [payload_size_max]u8 = undefined,
    length: usize = 0,
    msg_type_id: i32 = 0,

    fn onMessage(self: *Echo, payload: []const u8, msg_type_id: i32) void {
        const length = @min(payload.len, self.buffer.len);
        @memcpy(self.buffer[0..length], payload[0..length]);
        self.length = length;
        self.msg_type_id = msg_type_id;
    }

    fn echoed(self: *const Echo) []const u8 {
        return self.buffer[0..self.length];
    }
};

const Pinger = struct {
    ping: *IpcChannel,
    pong: *IpcChannel,
    message: []u8,
    echo: Echo = .{},

    /// One round trip: t0, publish, spin until the echo arrives, t1. Returns t1 - t0.
    fn roundTrip(self: *Pinger, seq: u32) !u64 {
        std.mem.writeInt(u32, self.message[0..4], seq, .little);
        const t0 = monotonicNs();
        _ = try publishSpinning(self.ping, self.message, msg_type.ping);
        var guard = SpinGuard{};
        while (try self.pong.poll(&self.echo, Echo.onMessage, 1) == 0) guard.spin();
        const t1 = monotonicNs();
        const echoed = std.mem.readInt(u32, self.echo.buffer[0..4], .little);
        if (echoed != seq or self.echo.length != self.message.len) return error.WrongEcho;
        return t1 - t0;
    }
};

fn ping(arena: std.mem.Allocator, options: Options, out: *std.Io.Writer) !void {
    var ping_channel = try openChannel(options.ping_channel);
    defer ping_channel.close();
    var pong_channel = try openChannel(options.pong_channel);
    defer pong_channel.close();

    const clock_ns = if (options.calibrate) clockReadCost() else 0;
    // Nobody echoes before our first ping, so the pong channel is empty here.
    const empty_poll_ns = if (options.calibrate) try emptyPollCost(&pong_channel) else 0;
    const samples = try arena.alloc(u64, options.count);
    // Touch every page now: a page fault inside a timed round trip would be measured.
    @memset(samples, 0);
    const message = try arena.alloc(u8, options.size);
    @memset(message, 0xA5);

    var pinger = Pinger{ .ping = &ping_channel, .pong = &pong_channel, .message = message };
    var seq: u32 = 0;
    for (0..options.warmup) |_| {
        _ = try pinger.roundTrip(seq);
        seq +%= 1;
    }
    const meter = CpuMeter.start();
    for (samples) |*sample| {
        sample.* = try pinger.roundTrip(seq);
        seq +%= 1;
    }
    const cpu_share = meter.share();
    _ = try publishSpinning(&ping_channel, message, msg_type.stop);

    const summary = summarize(samples);
    try out.print(
        "{{\"mode\":\"ping\",\"runtime\":\"zig\",\"size\":{d},\"warmup\":{d},\"count\":{d}," ++
            "\"clockNs\":{d:.1},\"emptyPollNs\":{d:.1},\"cpuShare\":{d:.3},\"rttNs\":",
        .{ options.size, options.warmup, options.count, clock_ns, empty_poll_ns, cpu_share },
    );
    try printSummary(out, summary);
    try out.print("}}\n", .{});
}

fn pong(options: Options, out: *std.Io.Writer) !void {
    var ping_channel = try openChannel(options.ping_channel);
    defer ping_channel.close();
    var pong_channel = try openChannel(options.pong_channel);
    defer pong_channel.close();

    var echo = Echo{};
    var echoes: u64 = 0;
    const meter = CpuMeter.start();
    var guard = SpinGuard{};
    while (true) {
        if (try ping_channel.poll(&echo, Echo.onMessage, 1) == 0) {
            guard.spin();
            continue;
        }
        if (echo.msg_type_id == msg_type.stop) break;
        _ = try publishSpinning(&pong_channel, echo.echoed(), msg_type.pong);
        echoes += 1;
    }
    try out.print(
        "{{\"mode\":\"pong\",\"runtime\":\"zig\",\"echoes\":{d},\"cpuShare\":{d:.3}}}\n",
        .{ echoes, meter.share() },
    );
}

/// Nanoseconds per clock read: every latency sample contains about one.
fn clockReadCost() f64 {
    var best: f64 = std.math.inf(f64);
    for (0..calibration.rounds) |_| {
        var sum: u64 = 0;
        const t0 = monotonicNs();
        for (0..calibration.iterations) |_| sum +%= monotonicNs();
        const t1 = monotonicNs();
        std.mem.doNotOptimizeAway(sum);
        best = @min(best, nsPer(t1 - t0, calibration.iterations));
    }
    return best;
}

/// Nanoseconds per poll that finds nothing: the cost of one spin of a waiting subscriber.
fn emptyPollCost(channel: *IpcChannel) !f64 {
    var echo = Echo{};
    var best: f64 = std.math.inf(f64);
    for (0..calibration.rounds) |_| {
        var found: u64 = 0;
        const t0 = monotonicNs();
        for (0..calibration.iterations) |_| found += try channel.poll(&echo, Echo.onMessage, 1);
        const t1 = monotonicNs();
        if (found != 0) return error.PongChannelNotEmpty;
        best = @min(best, nsPer(t1 - t0, calibration.iterations));
    }
    return best;
}

fn nsPer(elapsed_ns: u64, iterations: u64) f64 {
    return @as(f64, @floatFromInt(elapsed_ns)) / @as(f64, @floatFromInt(iterations));
}

/// How much of the wall time since `start` this process spent on a CPU. A pinned spinner
/// below ~0.9 was preempted by another process: the driver retries it (bench/_quiet.ts).
const CpuMeter = struct {
    cpu_ns: u64,
    wall_ns: u64,

    fn start() CpuMeter {
        return .{ .cpu_ns = cpuNs(), .wall_ns = monotonicNs() };
    }

    fn share(self: CpuMeter) f64 {
        return nsPer(cpuNs() - self.cpu_ns, monotonicNs() - self.wall_ns);
    }

    fn cpuNs() u64 {
        const usage = std.posix.getrusage(std.posix.rusage.SELF);
        return timevalNs(usage.utime) + timevalNs(usage.stime);
    }

    fn timevalNs(time: std.posix.timeval) u64 {
        const sec: u64 = @intCast(time.sec);
        const usec: u64 = @intCast(time.usec);
        return sec * std.time.ns_per_s + usec * std.time.ns_per_us;
    }
};

// ---- statistics -------------------------------------------------------------------------

const Summary = struct { min: u64, p50: u64, p90: u64, p99: u64, p999: u64, max: u64, mean: f64 };

/// Sorts the samples in place. Percentiles by nearest rank, as bench/_stats.ts does.
fn summarize(samples: []u64) Summary {
    std.debug.assert(samples.len > 0);
    std.mem.sort(u64, samples, {}, std.sort.asc(u64));
    var sum: u128 = 0;
    for (samples) |sample| sum += sample;
    const mean = @as(f64, @floatFromInt(sum)) / @as(f64, @floatFromInt(samples.len));
    return .{
        .min = samples[0],
        .p50 = percentile(samples, 0.50),
        .p90 = percentile(samples, 0.90),
        .p99 = percentile(samples, 0.99),
        .p999 = percentile(samples, 0.999),
        .max = samples[samples.len - 1],
        .mean = mean,
    };
}

fn percentile(sorted: []const u64, fraction: f64) u64 {
    const count: f64 = @floatFromInt(sorted.len);
    const rank: usize = @intFromFloat(@ceil(fraction * count));
    return sorted[@max(rank, 1) - 1];
}

fn printSummary(out: *std.Io.Writer, s: Summary) !void {
    try out.print(
        "{{\"min\":{d},\"p50\":{d},\"p90\":{d},\"p99\":{d},\"p999\":{d}," ++
            "\"max\":{d},\"mean\":{d:.1}}}",
        .{ s.min, s.p50, s.p90, s.p99, s.p999, s.max, s.mean },
    );
}

// ---- throughput -------------------------------------------------------------------------

const Burst = struct { messages: u64, back_pressure_spins: u64 };

/// Publishes numbered messages (seq in the first 4 bytes) until `seconds` have passed.
fn publishFor(channel: *IpcChannel, message: []u8, type_id: i32, seconds: f64) !Burst {
    const deadline = monotonicNs() + @as(u64, @intFromFloat(seconds * std.time.ns_per_s));
    var burst = Burst{ .messages = 0, .back_pressure_spins = 0 };
    while (true) {
        std.mem.writeInt(u32, message[0..4], @truncate(burst.messages), .little);
        burst.back_pressure_spins += try publishSpinning(channel, message, type_id);
        burst.messages += 1;
        // Read the clock once per 1024 messages: its ~20 ns would otherwise dominate.
        if (burst.messages % 1024 == 0 and monotonicNs() >= deadline) return burst;
    }
}

fn publish(options: Options, out: *std.Io.Writer) !void {
    var channel = try openChannel(options.channel);
    defer channel.close();
    try waitForSubscriber(&channel);
    var message_buffer: [payload_size_max]u8 = undefined;
    const message = message_buffer[0..options.size];
    @memset(message, 0xA5);

    _ = try publishFor(&channel, message, msg_type.warm, options.warmup_seconds);
    const meter = CpuMeter.start();
    const t0 = monotonicNs();
    const burst = try publishFor(&channel, message, msg_type.data, options.seconds);
    const t1 = monotonicNs();
    const cpu_share = meter.share();
    // The end message announces the count, so the subscriber can verify it.
    const announced: f64 = @floatFromInt(burst.messages);
    std.mem.writeInt(u64, message[0..8], @bitCast(announced), .little);
    _ = try publishSpinning(&channel, message, msg_type.end);

    try out.print(
        "{{\"mode\":\"publish\",\"runtime\":\"zig\",\"size\":{d},\"messages\":{d}," ++
            "\"seconds\":{d:.6},\"backPressureSpins\":{d},\"cpuShare\":{d:.3}}}\n",
        .{
            options.size,
            burst.messages,
            nsPer(t1 - t0, std.time.ns_per_s),
            burst.back_pressure_spins,
            cpu_share,
        },
    );
}

const Counter = struct {
    warm: u64 = 0,
    messages: u64 = 0,
    out_of_order: u64 = 0,
    first_ns: u64 = 0,
    end_ns: u64 = 0,
    announced: f64 = -1,
    done: bool = false,
    meter: ?CpuMeter = null,
    cpu_share: f64 = 0,

    fn onMessage(self: *Counter, payload: []const u8, msg_type_id: i32) void {
        switch (msg_type_id) {
            msg_type.data => {
                if (self.messages == 0) {
                    self.meter = CpuMeter.start();
                    self.first_ns = monotonicNs();
                }
                const seq = std.mem.readInt(u32, payload[0..4], .little);
                if (seq != @as(u32, @truncate(self.messages))) self.out_of_order += 1;
                self.messages += 1;
            },
            msg_type.end => {
                self.end_ns = monotonicNs();
                if (self.meter) |meter| self.cpu_share = meter.share();
                self.announced = @bitCast(std.mem.readInt(u64, payload[0..8], .little));
                self.done = true;
            },
            else => self.warm += 1,
        }
    }
};

fn subscribe(options: Options, out: *std.Io.Writer) !void {
    var channel = try openChannel(options.channel);
    defer channel.close();
    var counter = Counter{};
    // The first poll claims the subscriber role, which the publisher waits for.
    var guard = SpinGuard{};
    while (!counter.done) {
        if (try channel.poll(&counter, Counter.onMessage, options.limit) == 0) guard.spin();
    }

    const ok = counter.out_of_order == 0 and
        counter.announced == @as(f64, @floatFromInt(counter.messages));
    try out.print(
        "{{\"mode\":\"subscribe\",\"runtime\":\"zig\",\"ok\":{},\"messages\":{d}," ++
            "\"announced\":{d},\"outOfOrder\":{d},\"warmMessages\":{d},\"seconds\":{d:.6}," ++
            "\"cpuShare\":{d:.3}}}\n",
        .{
            ok,
            counter.messages,
            counter.announced,
            counter.out_of_order,
            counter.warm,
            nsPer(counter.end_ns - counter.first_ns, std.time.ns_per_s),
            counter.cpu_share,
        },
    );
    if (!ok) return error.MessagesLostOrReordered;
}

// ---- per-call costs in one process -----------------------------------------------------

/// Publish and poll costs with this one process on both sides of the channel: what the
/// runtime adds, without another core contending for the cache lines (bench/_costs.ts).
fn costs(options: Options, out: *std.Io.Writer) !void {
    var channel = try openChannel(options.channel);
    defer channel.close();
    const meter = CpuMeter.start();
    const clock_ns = clockReadCost();
    const empty_poll_ns = try emptyPollCost(&channel);
    try out.print(
        "{{\"mode\":\"costs\",\"runtime\":\"zig\",\"clockNs\":{d:.1}," ++
            "\"emptyPollNs\":{d:.1},\"bySize\":[",
        .{ clock_ns, empty_poll_ns },
    );
    var sizes = std.mem.splitScalar(u8, options.sizes, ',');
    var first = true;
    while (sizes.next()) |text| {
        const size = try std.fmt.parseInt(usize, text, 10);
        if (size == 0 or size > payload_size_max) return error.InvalidSize;
        const cost = try publishAndPollCost(&channel, size, options.messages);
        if (!first) try out.print(",", .{});
        first = false;
        try out.print(
            "{{\"size\":{d},\"publishNs\":{d:.1},\"pollNs\":{d:.1}}}",
            .{ size, cost.publish_ns, cost.poll_ns },
        );
    }
    try out.print("],\"cpuShare\":{d:.3}}}\n", .{meter.share()});
}

const Discard = struct {
    fn onMessage(_: *Discard, _: []const u8, _: i32) void {}
};

const Cost = struct { publish_ns: f64, poll_ns: f64 };

fn publishAndPollCost(channel: *IpcChannel, size: usize, messages: u64) !Cost {
    var message_buffer: [payload_size_max]u8 = undefined;
    const message = message_buffer[0..size];
    @memset(message, 0xA5);
    var discard = Discard{};
    var publish_ns: f64 = std.math.inf(f64);
    var poll_ns: f64 = std.math.inf(f64);
    for (0..calibration.rounds) |_| {
        const t0 = monotonicNs();
        // No retry: with nobody else reading, back-pressure would never clear.
        for (0..messages) |_| try channel.publish(message, msg_type.data);
        const t1 = monotonicNs();
        var read: u64 = 0;
        while (read < messages) read += try channel.poll(&discard, Discard.onMessage, 256);
        const t2 = monotonicNs();
        publish_ns = @min(publish_ns, nsPer(t1 - t0, messages));
        poll_ns = @min(poll_ns, nsPer(t2 - t1, messages));
    }
    return .{ .publish_ns = publish_ns, .poll_ns = poll_ns };
}

// ---- cold start -------------------------------------------------------------------------

fn cold(options: Options) !void {
    var channel = try IpcChannel.open(options.channel, .{});
    defer channel.close();
    var message_buffer: [payload_size_max]u8 = undefined;
    const message = message_buffer[0..options.size];
    @memset(message, 0xA5);
    // Bounded: the driver drains the channel, so back-pressure here means it has stopped.
    const deadline = monotonicNs() + open_timeout_ns;
    while (true) {
        channel.publish(message, msg_type.data) catch |err| switch (err) {
            error.BackPressure => if (monotonicNs() < deadline) continue else return err,
            else => return err,
        };
        return;
    }
}
