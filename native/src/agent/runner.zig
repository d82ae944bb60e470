//! AgentRunner: drives one agent on its own thread (std.Thread) until stopped.
//!
//!   onStart -> loop { doWork -> idle(work) -> record the cycle } -> onClose
//!
//! all on the agent thread. `stop()` asks the loop to end and waits for the thread: the
//! current cycle (including an idle step that sleeps, at most the strategy's longest period)
//! finishes, then onClose runs. An error from doWork or onStart goes to the error handler and
//! is counted; the agent keeps running unless the handler answers `.stop` (an onStart error
//! skips the loop: onClose still runs).

const std = @import("std");
const Error = @import("../status.zig").Error;
const clock = @import("../platform/clock.zig");
const Agent = @import("agent.zig").Agent;
const IdleStrategy = @import("idle.zig").IdleStrategy;
const setTimerSlack = @import("idle.zig").setTimerSlack;
const duty_cycle = @import("duty_cycle.zig");
const DutyCycleTracker = duty_cycle.DutyCycleTracker;
const monotonicNs = clock.monotonicNs;

pub const ErrorAction = enum { keep_running, stop };

pub const ErrorHandler = struct {
    context: ?*anyopaque = null,
    handle: *const fn (context: ?*anyopaque, agent: Agent, err: anyerror) ErrorAction,

    /// The default: log the error and keep running.
    pub const log_and_continue: ErrorHandler = .{ .handle = logError };

    fn logError(_: ?*anyopaque, agent: Agent, err: anyerror) ErrorAction {
        std.log.scoped(.zigbolt_agent).err("agent \"{s}\": {s}", .{ agent.role_name, @errorName(err) });
        return .keep_running;
    }
};

pub const RunnerOptions = struct {
    idle: IdleStrategy = @import("idle.zig").default_backoff,
    error_handler: ErrorHandler = .log_and_continue,
    /// Timer slack for the agent thread (Linux), so a 1 us park sleeps ~1 us rather than the
    /// default 50 us slack later. null leaves the default. See docs/agents.md.
    timer_slack_ns: ?u32 = 1,
};

pub const State = enum(u8) { created, running, closing, closed };

pub const Stats = struct {
    /// Duty cycles, work, time and the cycle-time histogram since start.
    duty: duty_cycle.Snapshot,
    /// Errors from onStart and doWork (each counted once, whatever the handler answered).
    errors: u64,
    state: State,
};

pub const AgentRunner = struct {
    agent: Agent,
    options: RunnerOptions,
    thread: ?std.Thread = null,
    stop_requested: std.atomic.Value(bool) = .init(false),
    state: std.atomic.Value(State) = .init(.created),
    errors: std.atomic.Value(u64) = .init(0),
    tracker: DutyCycleTracker = .{},

    pub fn init(agent: Agent, options: RunnerOptions) AgentRunner {
        return .{ .agent = agent, .options = options };
    }

    /// Starts the agent thread. The runner must not move until `stop` returns.
    /// InvalidArgument if it was started before; SystemError if no thread can be spawned.
    pub fn start(self: *AgentRunner) Error!void {
        if (self.state.load(.acquire) != .created or self.thread != null) return error.InvalidArgument;
        self.state.store(.running, .release);
        self.thread = std.Thread.spawn(.{}, run, .{self}) catch {
            self.state.store(.closed, .release);
            return error.SystemError;
        };
    }

    /// Asks the agent to stop and waits until onClose has run on its thread. Safe to call
    /// again (it returns at once), and on a runner that was never started.
    pub fn stop(self: *AgentRunner) void {
        // release: pairs with the loop's acquire load, so the thread sees the request.
        self.stop_requested.store(true, .release);
        if (self.thread) |thread| {
            thread.join();
            self.thread = null;
        }
    }

    /// True until the agent has closed (by `stop`, or its error handler's `.stop`).
    pub fn isRunning(self: *const AgentRunner) bool {
        const state = self.state.load(.acquire);
        return state == .running or state == .closing;
    }

    pub fn stats(self: *const AgentRunner) Stats {
        return .{
            .duty = self.tracker.snapshot(),
            .errors = self.errors.load(.monotonic),
            .state = self.state.load(.acquire),
        };
    }

    fn run(self: *AgentRunner) void {
        if (self.options.timer_slack_ns) |slack| setTimerSlack(slack) catch {};
        var idle = self.options.idle;
        idle.reset();
        var started = true;
        self.agent.onStart() catch |err| {
            _ = self.failed(err);
            started = false;
        };
        if (started) self.loop(&idle);
        self.state.store(.closing, .release);
        self.agent.onClose();
        // release: stats written by this thread are visible to whoever sees `closed`.
        self.state.store(.closed, .release);
    }

    fn loop(self: *AgentRunner, idle: *IdleStrategy) void {
        self.tracker.start(monotonicNs());
        // acquire: pairs with stop()'s release.
        while (!self.stop_requested.load(.acquire)) {
            const work: u32 = self.agent.doWork() catch |err| blk: {
                if (self.failed(err) == .stop) return;
                break :blk 0;
            };
            idle.idle(work);
            self.tracker.record(monotonicNs(), work);
        }
    }

    fn failed(self: *AgentRunner, err: anyerror) ErrorAction {
        // monotonic: a statistic; only this thread writes it.
        self.errors.store(self.errors.raw + 1, .monotonic);
        const handler = self.options.error_handler;
        return handler.handle(handler.context, self.agent, err);
    }
};

const testing = std.testing;

const Counting = struct {
    work_every: u32 = 2,
    calls: std.atomic.Value(u32) = .init(0),
    started_on: ?std.Thread.Id = null,
    closed_on: ?std.Thread.Id = null,
    fail_from: u32 = std.math.maxInt(u32),

    pub fn onStart(self: *Counting) anyerror!void {
        self.started_on = std.Thread.getCurrentId();
    }
    pub fn doWork(self: *Counting) anyerror!u32 {
        const n = self.calls.fetchAdd(1, .monotonic) + 1;
        if (n >= self.fail_from) return error.Boom;
        return if (n % self.work_every == 0) 1 else 0;
    }
    pub fn onClose(self: *Counting) void {
        self.closed_on = std.Thread.getCurrentId();
    }
};

fn waitForCalls(agent: *Counting, count: u32) void {
    while (agent.calls.load(.monotonic) < count) std.Thread.sleep(100 * std.time.ns_per_us);
}

test "a runner starts its agent on a thread, counts cycles and stops after onClose" {
    var agent: Counting = .{};
    var runner = AgentRunner.init(Agent.init(&agent, "counting"), .{ .idle = .yielding });
    try runner.start();
    try testing.expectError(error.InvalidArgument, runner.start());
    waitForCalls(&agent, 1000);
    try testing.expect(runner.isRunning());
    runner.stop();
    runner.stop();
    try testing.expect(!runner.isRunning());
    const s = runner.stats();
    try testing.expectEqual(State.closed, s.state);
    try testing.expect(s.duty.cycles >= 999);
    try testing.expectEqual(s.duty.cycles, s.duty.busy_cycles * 2 + s.duty.cycles % 2);
    try testing.expectEqual(s.duty.busy_cycles, s.duty.work_count);
    try testing.expect(s.duty.max_cycle_ns > 0);
    try testing.expect(agent.started_on.? != std.Thread.getCurrentId());
    try testing.expectEqual(agent.started_on.?, agent.closed_on.?);
}

test "errors go to the handler, are counted, and stop the agent only when it says so" {
    const Handler = struct {
        var seen: std.atomic.Value(u32) = .init(0);
        fn handle(_: ?*anyopaque, agent: Agent, err: anyerror) ErrorAction {
            std.debug.assert(err == error.Boom);
            std.debug.assert(std.mem.eql(u8, agent.role_name, "failing"));
            return if (seen.fetchAdd(1, .monotonic) + 1 >= 5) .stop else .keep_running;
        }
    };
    var agent: Counting = .{ .fail_from = 3 };
    var runner = AgentRunner.init(Agent.init(&agent, "failing"), .{
        .idle = .busy_spin,
        .error_handler = .{ .handle = Handler.handle },
    });
    try runner.start();
    while (runner.isRunning()) std.Thread.sleep(100 * std.time.ns_per_us);
    runner.stop();
    try testing.expectEqual(@as(u64, 5), runner.stats().errors);
    try testing.expectEqual(@as(u32, 7), agent.calls.load(.monotonic));
    try testing.expect(agent.closed_on != null);
}

test "an onStart error skips the loop but onClose still runs" {
    const Failing = struct {
        closed: bool = false,
        pub fn onStart(_: *@This()) anyerror!void {
            return error.NoStart;
        }
        pub fn doWork(_: *@This()) anyerror!u32 {
            unreachable;
        }
        pub fn onClose(self: *@This()) void {
            self.closed = true;
        }
    };
    const Quiet = struct {
        fn handle(_: ?*anyopaque, _: Agent, _: anyerror) ErrorAction {
            return .keep_running;
        }
    };
    var agent: Failing = .{};
    var runner = AgentRunner.init(Agent.init(&agent, "no-start"), .{ .error_handler = .{ .handle = Quiet.handle } });
    try runner.start();
    runner.stop();
    try testing.expect(agent.closed);
    try testing.expectEqual(@as(u64, 1), runner.stats().errors);
    try testing.expectEqual(@as(u64, 0), runner.stats().duty.cycles);
}

test "a runner that was never started stops at once" {
    var agent: Counting = .{};
    var runner = AgentRunner.init(Agent.init(&agent, "idle"), .{});
    runner.stop();
    try testing.expectEqual(State.created, runner.stats().state);
}

test "a sleeping agent stops within about one period" {
    var agent: Counting = .{ .work_every = 1_000_000 };
    var runner = AgentRunner.init(Agent.init(&agent, "sleepy"), .{
        .idle = try IdleStrategy.initSleeping(std.time.ns_per_ms),
    });
    try runner.start();
    waitForCalls(&agent, 3);
    runner.stop();
    const s = runner.stats();
    try testing.expect(s.duty.cycles >= 2);
    // Every idle cycle slept at least its period.
    try testing.expect(s.duty.percentileNs(0) >= std.time.ns_per_ms - std.time.ns_per_ms / 8);
}
