//! zigbolt-agents-measure: prints what one idle step costs per strategy and how late a short
//! sleep or park wakes up, with the default timer slack and with 1 ns (docs/agents.md).
//!
//!   zigbolt-agents-measure [steps]      steps per cost measurement (default 200000)

const std = @import("std");
const zigbolt = @import("zigbolt");
const IdleStrategy = zigbolt.IdleStrategy;
const agent = zigbolt.agent;
const monotonicNs = zigbolt.clock.monotonicNs;

pub fn main() !void {
    var args = std.process.args();
    _ = args.next();
    const steps: u64 = if (args.next()) |text| try std.fmt.parseInt(u64, text, 10) else 200_000;
    var buffer: [4096]u8 = undefined;
    var writer = std.fs.File.stdout().writer(&buffer);
    const out = &writer.interface;

    try out.print("| strategy (Zig) | ns per idle step |\n|---|---|\n", .{});
    const cases = [_]struct { []const u8, IdleStrategy }{
        .{ "busy_spin", .busy_spin },
        .{ "yielding", .yielding },
        .{ "no_op", .no_op },
        .{ "backoff (spin phase)", try IdleStrategy.initBackoff(.{ .max_spins = std.math.maxInt(u30) }) },
        .{ "backoff (yield phase)", try IdleStrategy.initBackoff(.{ .max_spins = 0, .max_yields = std.math.maxInt(u30) }) },
    };
    for (cases) |case| {
        var idle = case[1];
        const start = monotonicNs();
        for (0..steps) |_| idle.idle(0);
        try out.print("| {s} | {d:.1} |\n", .{ case[0], nsPer(monotonicNs() - start, steps) });
    }

    const default_slack = agent.timerSlack();
    try out.print("\n| wake-up, requested -> actual (Zig) | timer slack | p50 ns | p99 ns |\n|---|---|---|---|\n", .{});
    for ([_]u32{ @intCast(default_slack), 1 }) |slack| {
        try agent.setTimerSlack(@max(slack, 1));
        for ([_]u64{ 1_000, 50_000, 1_000_000 }) |period| {
            var idle = try IdleStrategy.initSleeping(period);
            try sleepLatency(out, "sleeping", &idle, period, @max(slack, 1));
        }
        // A backoff's first park (min_park_ns = 1 us, as by default).
        var backoff = try IdleStrategy.initBackoff(.{ .max_spins = 0, .max_yields = 0 });
        try sleepLatency(out, "backoff first park", &backoff, 1_000, @max(slack, 1));
    }
    try out.flush();
}

fn sleepLatency(out: *std.Io.Writer, label: []const u8, idle: *IdleStrategy, period: u64, slack: u32) !void {
    const samples: usize = if (period >= 1_000_000) 200 else 2_000;
    var times: [2_000]u64 = undefined;
    for (times[0..samples]) |*t| {
        idle.reset();
        const start = monotonicNs();
        idle.idle(0);
        t.* = monotonicNs() - start;
    }
    std.mem.sort(u64, times[0..samples], {}, std.sort.asc(u64));
    try out.print("| {s} {d} ns | {d} ns | {d} | {d} |\n", .{
        label,
        period,
        slack,
        times[samples / 2],
        times[samples * 99 / 100],
    });
}

fn nsPer(total: u64, count: u64) f64 {
    return @as(f64, @floatFromInt(total)) / @as(f64, @floatFromInt(count));
}
