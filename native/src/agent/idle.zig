//! Idle strategies: what an agent's thread does after a duty cycle, given how much work that
//! cycle did. The same five strategies, with the same names, parameters and step sequences,
//! exist in TypeScript (lib/idle_strategy.ts) and behind the C ABI (zigbolt_idle_strategy_*).
//! docs/agents.md is the reference.
//!
//!   strategy    one idle step (work_count == 0)                     params
//!   ---------   ------------------------------------------------   ------------------------
//!   busy_spin   a CPU spin hint (PAUSE on x86), no syscall          -
//!   yielding    sched_yield(): give the core to another thread     -
//!   sleeping    nanosleep(period_ns)                                period_ns >= 1
//!   backoff     spin max_spins steps, then yield max_yields         max_spins, max_yields,
//!               steps, then park min_park_ns, doubling each step    min_park_ns >= 1,
//!               up to max_park_ns                                   max_park_ns >= min_park_ns
//!   no_op       nothing (the caller's loop spins without a hint)    -
//!
//! `idle(work_count)` with work_count > 0 resets the strategy (backoff returns to spinning)
//! and does not idle; with 0 it takes exactly one step. `reset()` starts the sequence over.

const std = @import("std");
const builtin = @import("builtin");
const Error = @import("../status.zig").Error;
const clock = @import("../platform/clock.zig");
const assert = std.debug.assert;

/// Longest park or sleep period a strategy accepts (one minute): a longer one is a bug,
/// and it bounds how long `AgentRunner.stop` may wait for a sleeping agent.
pub const park_ns_max: u64 = 60 * std.time.ns_per_s;
/// Most spin or yield steps a backoff accepts before parking.
pub const steps_max: u32 = 1 << 30;

/// Values are ABI (ZIGBOLT_IDLE_*, TS `IdleKind`): append only.
pub const Kind = enum(i32) {
    busy_spin = 1,
    yielding = 2,
    sleeping = 3,
    backoff = 4,
    no_op = 5,
};

/// What a backoff's last step did. Values are ABI (ZIGBOLT_BACKOFF_*): append only.
pub const BackoffState = enum(i32) {
    not_idle = 0,
    spinning = 1,
    yielding = 2,
    parking = 3,
};

/// Aeron's agent defaults: 10 spins, 5 yields, then parks from 1 us up to 1 ms.
pub const BackoffOptions = struct {
    max_spins: u32 = 10,
    max_yields: u32 = 5,
    min_park_ns: u64 = std.time.ns_per_us,
    max_park_ns: u64 = std.time.ns_per_ms,
};

pub const Backoff = struct {
    options: BackoffOptions,
    state: BackoffState = .not_idle,
    spins: u32 = 0,
    yields: u32 = 0,
    /// The period the next parking step sleeps for.
    park_ns: u64,

    pub fn init(options: BackoffOptions) Error!Backoff {
        if (options.max_spins > steps_max or options.max_yields > steps_max) return error.InvalidArgument;
        if (options.min_park_ns == 0 or options.min_park_ns > park_ns_max) return error.InvalidArgument;
        if (options.max_park_ns < options.min_park_ns or options.max_park_ns > park_ns_max) {
            return error.InvalidArgument;
        }
        return .{ .options = options, .park_ns = options.min_park_ns };
    }

    pub fn reset(self: *Backoff) void {
        self.state = .not_idle;
        self.spins = 0;
        self.yields = 0;
        self.park_ns = self.options.min_park_ns;
    }

    /// One step: which one follows only from the number of steps since the last reset.
    pub fn step(self: *Backoff) void {
        if (self.spins < self.options.max_spins) {
            self.spins += 1;
            self.state = .spinning;
            std.atomic.spinLoopHint();
        } else if (self.yields < self.options.max_yields) {
            self.yields += 1;
            self.state = .yielding;
            yieldThread();
        } else {
            self.state = .parking;
            const period = self.park_ns;
            assert(period >= self.options.min_park_ns and period <= self.options.max_park_ns);
            self.park_ns = @min(period *| 2, self.options.max_park_ns);
            std.Thread.sleep(period);
        }
    }
};

/// An idle strategy. Plain data: copy it into each agent thread (strategies keep state).
pub const IdleStrategy = union(Kind) {
    busy_spin,
    yielding,
    sleeping: struct { period_ns: u64 },
    backoff: Backoff,
    no_op,

    /// `.busy_spin`, `.yielding` and `.no_op` need no parameters: use the literals.
    pub fn initSleeping(period_ns: u64) Error!IdleStrategy {
        if (period_ns == 0 or period_ns > park_ns_max) return error.InvalidArgument;
        return .{ .sleeping = .{ .period_ns = period_ns } };
    }

    pub fn initBackoff(options: BackoffOptions) Error!IdleStrategy {
        return .{ .backoff = try Backoff.init(options) };
    }

    /// After a duty cycle that did `work_count` units: resets on work, otherwise one step.
    pub fn idle(self: *IdleStrategy, work_count: u64) void {
        if (work_count > 0) return self.reset();
        self.step();
    }

    /// One idle step, whatever the last cycle did.
    pub fn step(self: *IdleStrategy) void {
        switch (self.*) {
            .busy_spin => std.atomic.spinLoopHint(),
            .yielding => yieldThread(),
            .sleeping => |s| std.Thread.sleep(s.period_ns),
            .backoff => |*b| b.step(),
            .no_op => {},
        }
    }

    pub fn reset(self: *IdleStrategy) void {
        switch (self.*) {
            .backoff => |*b| b.reset(),
            else => {},
        }
    }

    pub fn kind(self: IdleStrategy) Kind {
        return std.meta.activeTag(self);
    }

    /// The backoff state after the last step (`not_idle` for the other kinds).
    pub fn backoffState(self: IdleStrategy) BackoffState {
        return switch (self) {
            .backoff => |b| b.state,
            else => .not_idle,
        };
    }

    /// How long the next step may sleep: the period, the backoff's next park, or 0.
    pub fn nextParkNs(self: IdleStrategy) u64 {
        return switch (self) {
            .sleeping => |s| s.period_ns,
            .backoff => |b| b.park_ns,
            else => 0,
        };
    }
};

/// Backoff with Aeron's defaults (10 spins, 5 yields, parks 1 us .. 1 ms).
pub const default_backoff: IdleStrategy = IdleStrategy.initBackoff(.{}) catch unreachable;

fn yieldThread() void {
    // sched_yield cannot fail on Linux; elsewhere a failed yield is just a shorter idle.
    std.Thread.yield() catch std.atomic.spinLoopHint();
}

/// Sets the calling thread's timer slack (Linux): the kernel may delay a sleep's wake-up by
/// up to this much to batch wake-ups, 50 us by default, which turns a 1 us park into ~55 us.
/// 1 ns is the smallest (0 would restore the default). No-op on other systems.
pub fn setTimerSlack(slack_ns: u32) Error!void {
    if (slack_ns == 0) return error.InvalidArgument;
    if (builtin.os.tag != .linux) return;
    _ = std.posix.prctl(.SET_TIMERSLACK, .{slack_ns}) catch return error.SystemError;
}

/// The calling thread's timer slack in ns (Linux; 0 elsewhere).
pub fn timerSlack() u64 {
    if (builtin.os.tag != .linux) return 0;
    return std.posix.prctl(.GET_TIMERSLACK, .{}) catch 0;
}

const testing = std.testing;

test "backoff spins, yields, then parks with a doubling period up to the max" {
    var idle = try IdleStrategy.initBackoff(.{
        .max_spins = 3,
        .max_yields = 2,
        .min_park_ns = 1_000,
        .max_park_ns = 5_000,
    });
    const expected = [_]struct { BackoffState, u64 }{
        .{ .spinning, 1_000 }, .{ .spinning, 1_000 }, .{ .spinning, 1_000 },
        .{ .yielding, 1_000 }, .{ .yielding, 1_000 }, .{ .parking, 2_000 },
        .{ .parking, 4_000 },  .{ .parking, 5_000 },  .{ .parking, 5_000 },
    };
    try testing.expectEqual(BackoffState.not_idle, idle.backoffState());
    for (expected) |e| {
        idle.idle(0);
        try testing.expectEqual(e[0], idle.backoffState());
        try testing.expectEqual(e[1], idle.nextParkNs());
    }
    // Work resets to the start of the sequence.
    idle.idle(1);
    try testing.expectEqual(BackoffState.not_idle, idle.backoffState());
    try testing.expectEqual(@as(u64, 1_000), idle.nextParkNs());
    idle.idle(0);
    try testing.expectEqual(BackoffState.spinning, idle.backoffState());
    idle.reset();
    try testing.expectEqual(BackoffState.not_idle, idle.backoffState());
}

test "backoff with no spins or yields parks at once" {
    var idle = try IdleStrategy.initBackoff(.{
        .max_spins = 0,
        .max_yields = 0,
        .min_park_ns = 1,
        .max_park_ns = 1,
    });
    idle.idle(0);
    try testing.expectEqual(BackoffState.parking, idle.backoffState());
    try testing.expectEqual(@as(u64, 1), idle.nextParkNs());
}

test "bad parameters are InvalidArgument" {
    try testing.expectError(error.InvalidArgument, IdleStrategy.initSleeping(0));
    try testing.expectError(error.InvalidArgument, IdleStrategy.initSleeping(park_ns_max + 1));
    try testing.expectError(error.InvalidArgument, IdleStrategy.initBackoff(.{ .min_park_ns = 0 }));
    try testing.expectError(error.InvalidArgument, IdleStrategy.initBackoff(.{
        .min_park_ns = 10,
        .max_park_ns = 9,
    }));
    try testing.expectError(error.InvalidArgument, IdleStrategy.initBackoff(.{
        .max_park_ns = park_ns_max + 1,
    }));
    try testing.expectError(error.InvalidArgument, IdleStrategy.initBackoff(.{ .max_spins = steps_max + 1 }));
    try testing.expectError(error.InvalidArgument, setTimerSlack(0));
}

test "sleeping sleeps at least its period" {
    var idle = try IdleStrategy.initSleeping(2 * std.time.ns_per_ms);
    const start = clock.monotonicNs();
    idle.idle(0);
    try testing.expect(clock.monotonicNs() - start >= 2 * std.time.ns_per_ms);
    // Work does not sleep.
    idle.idle(5);
}

test "every kind takes a step and resets without sleeping on work" {
    var all = [_]IdleStrategy{
        .busy_spin,
        .yielding,
        try IdleStrategy.initSleeping(1_000),
        try IdleStrategy.initBackoff(.{}),
        .no_op,
    };
    for (&all, 1..) |*idle, value| {
        try testing.expectEqual(@as(i32, @intCast(value)), @intFromEnum(idle.kind()));
        idle.idle(0);
        idle.idle(1);
        idle.reset();
    }
}

test "timer slack can be lowered for this thread and restored" {
    if (builtin.os.tag != .linux) return error.SkipZigTest;
    const before = timerSlack();
    try setTimerSlack(1);
    try testing.expectEqual(@as(u64, 1), timerSlack());
    try setTimerSlack(@intCast(@max(before, 1)));
    try testing.expectEqual(@max(before, 1), timerSlack());
}
