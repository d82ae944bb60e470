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
const counters = @import("../counters/process_default.zig");
const counter_set = @import("../counters/counter_set.zig");
const Counter = @import("../counters/counter.zig").Counter;
const CountersFile = @import("../counters/counters_file.zig").CountersFile;

/// Counter type ids of an agent runner (the agents range 50-59 of docs/counters.md); the
/// same numbers as ZIGBOLT_AGENT_COUNTER_* and TypeScript's AgentCounterType.
pub const counter_types = struct {
    pub const duty_cycles: i32 = 50;
    pub const work_count: i32 = 51;
    pub const max_cycle_ns: i32 = 52;
    pub const errors: i32 = 53;
};

/// What a runner publishes, in this order, labelled "<what>: <role name>".
pub const counter_specs = [_]counter_set.Spec{
    .{ .type_id = @enumFromInt(counter_types.duty_cycles), .what = "agent duty cycles" },
    .{ .type_id = @enumFromInt(counter_types.work_count), .what = "agent work count" },
    .{ .type_id = @enumFromInt(counter_types.max_cycle_ns), .what = "agent max cycle ns" },
    .{ .type_id = @enumFromInt(counter_types.errors), .what = "agent errors" },
};

/// How often the agent thread copies its statistics into its counters.
pub const counters_publish_interval_ns: u64 = std.time.ns_per_ms;

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
    /// Where the runner's counters go (docs/counters.md): published every millisecond and
    /// at the end, freed by `stop`. Best effort: the runner runs without them if need be.
    counters: counters.Attach = .process_default,
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
    counter_set: ?[counter_specs.len]Counter = null,

    pub fn init(agent: Agent, options: RunnerOptions) AgentRunner {
        return .{ .agent = agent, .options = options };
    }

    /// Starts the agent thread. The runner must not move until `stop` returns.
    /// InvalidArgument if it was started before; SystemError if no thread can be spawned.
    pub fn start(self: *AgentRunner) Error!void {
        if (self.state.load(.acquire) != .created or self.thread != null) return error.InvalidArgument;
        self.counter_set = counter_set.allocate(
            counter_specs.len,
            self.options.counters.resolve(),
            &counter_specs,
            self.agent.role_name,
        );
        self.state.store(.running, .release);
        self.thread = std.Thread.spawn(.{}, run, .{self}) catch {
            self.state.store(.closed, .release);
            self.freeCounters();
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
        self.freeCounters();
    }

    /// The counters-file id of this runner's counter of `type_id` (counter_types), if any.
    pub fn counterId(self: *const AgentRunner, type_id: i32) ?u32 {
        const set = self.counter_set orelse return null;
        return counter_set.idOf(set, counter_specs, @enumFromInt(type_id));
    }

    fn freeCounters(self: *AgentRunner) void {
        if (self.counter_set) |set| counter_set.free(set);
        self.counter_set = null;
    }

    fn publishCounters(self: *AgentRunner) void {
        const set = self.counter_set orelse return;
        // release stores (Counter.set): readers in other processes see whole values.
        set[0].set(@bitCast(self.tracker.cycles.raw));
        set[1].set(@bitCast(self.tracker.work_count.raw));
        set[2].set(@bitCast(self.tracker.max_cycle_ns.raw));
        set[3].set(@bitCast(self.errors.raw));
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
        self.publishCounters();
        self.state.store(.closing, .release);
        self.agent.onClose();
        // release: stats written by this thread are visible to whoever sees `closed`.
        self.state.store(.closed, .release);
    }

    fn loop(self: *AgentRunner, idle: *IdleStrategy) void {
        var now = monotonicNs();
        var next_publish = now + counters_publish_interval_ns;
        self.tracker.start(now);
        // acquire: pairs with stop()'s release.
        while (!self.stop_requested.load(.acquire)) {
            const work: u32 = self.agent.doWork() catch |err| blk: {
                if (self.failed(err) == .stop) return;
                break :blk 0;
            };
            idle.idle(work);
            now = monotonicNs();
            self.tracker.record(now, work);
            if (now >= next_publish) {
                next_publish = now + counters_publish_interval_ns;
                self.publishCounters();
            }
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
    var runner = AgentRunner.init(Agent.init(&agent, "counting"), .{ .idle = .yielding, .counters = .none });
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
        .counters = .none,
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
    var runner = AgentRunner.init(Agent.init(&agent, "no-start"), .{
        .error_handler = .{ .handle = Quiet.handle },
        .counters = .none,
    });
    try runner.start();
    runner.stop();
    try testing.expect(agent.closed);
    try testing.expectEqual(@as(u64, 1), runner.stats().errors);
    try testing.expectEqual(@as(u64, 0), runner.stats().duty.cycles);
}

test "a runner that was never started stops at once" {
    var agent: Counting = .{};
    var runner = AgentRunner.init(Agent.init(&agent, "idle"), .{ .counters = .none });
    runner.stop();
    try testing.expectEqual(State.created, runner.stats().state);
}

test "a sleeping agent stops within about one period" {
    var agent: Counting = .{ .work_every = 1_000_000 };
    var runner = AgentRunner.init(Agent.init(&agent, "sleepy"), .{
        .idle = try IdleStrategy.initSleeping(std.time.ns_per_ms),
        .counters = .none,
    });
    try runner.start();
    waitForCalls(&agent, 3);
    runner.stop();
    const s = runner.stats();
    try testing.expect(s.duty.cycles >= 2);
    // Every idle cycle slept at least its period.
    try testing.expect(s.duty.percentileNs(0) >= std.time.ns_per_ms - std.time.ns_per_ms / 8);
}

test "a runner publishes cycles, work, max cycle time and errors as counters, freed by stop" {
    const name = "/zigbolt-test-agent-counters";
    CountersFile.remove(name) catch {};
    var file = try CountersFile.create(name, .{ .counters_max = 8 });
    defer file.close();
    defer CountersFile.remove(name) catch {};

    var agent: Counting = .{ .fail_from = 1000 };
    const Quiet = struct {
        fn handle(_: ?*anyopaque, _: Agent, _: anyerror) ErrorAction {
            return .keep_running;
        }
    };
    var runner = AgentRunner.init(Agent.init(&agent, "metered"), .{
        .idle = .yielding,
        .error_handler = .{ .handle = Quiet.handle },
        .counters = .{ .file = &file },
    });
    try runner.start();
    const cycles_id = runner.counterId(counter_types.duty_cycles).?;
    const errors_id = runner.counterId(counter_types.errors).?;
    try testing.expect(runner.counterId(99) == null);
    var label: [384]u8 = undefined;
    const info = file.info(cycles_id, &label).?;
    try testing.expectEqualStrings("agent duty cycles: metered", info.label);
    while (file.valueOf(errors_id).? < 10) std.Thread.sleep(100 * std.time.ns_per_us);
    runner.stop();
    // The last values were published before onClose, then the counters were freed.
    try testing.expect(file.info(cycles_id, &label) == null);
    try testing.expect(runner.counterId(counter_types.duty_cycles) == null);
    const s = runner.stats();
    try testing.expect(s.errors >= 10);
    try testing.expect(s.duty.cycles >= 1009);
}
