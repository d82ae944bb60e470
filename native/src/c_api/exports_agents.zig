//! The C ABI of idle strategies and agent runners (docs/agents.md). Conventions as in exports.zig; helpers in common.zig.
//!
//! An idle strategy handle (kind idle_strategy) owns one strategy's state: one thread at a
//! time may call it. An agent runner handle (kind agent_runner) owns a thread that calls the
//! C agent's do_work in a loop with a copy of an idle strategy; stop joins that thread and
//! releases the handle. The callbacks run on the agent thread, never on the caller's.

const std = @import("std");
const zigbolt = @import("zigbolt");
const common = @import("common.zig");
const handles = @import("handles.zig");
const Status = zigbolt.Status;
const Error = zigbolt.Error;
const agent_api = zigbolt.agent;
const IdleStrategy = agent_api.IdleStrategy;
const allocator = std.heap.c_allocator;
const record = common.record;
const statusOf = common.statusOf;
const handleOrNull = common.handleOrNull;
const statusCode = common.statusCode;

pub const DoWork = *const fn (clientd: ?*anyopaque) callconv(.c) i32;
pub const OnStart = *const fn (clientd: ?*anyopaque) callconv(.c) i32;
pub const OnClose = *const fn (clientd: ?*anyopaque) callconv(.c) void;
pub const OnError = *const fn (clientd: ?*anyopaque, status: i32) callconv(.c) i32;

/// zigbolt_agent_stats in zigbolt.h: 88 bytes, every field naturally aligned.
pub const AgentStats = extern struct {
    cycles: u64,
    busy_cycles: u64,
    work_count: u64,
    errors: u64,
    total_ns: u64,
    busy_ns: u64,
    max_cycle_ns: u64,
    p50_cycle_ns: u64,
    p99_cycle_ns: u64,
    busy_ratio: f64,
    /// 1 while the agent runs, 0 once it has closed (stopped, or its on_error said stop).
    running: i32,
    reserved: i32,
};

comptime {
    std.debug.assert(@sizeOf(AgentStats) == 88);
    std.debug.assert(@offsetOf(AgentStats, "busy_ratio") == 72);
    std.debug.assert(@offsetOf(AgentStats, "running") == 80);
}

// ---- idle strategies -------------------------------------------------------------------

pub export fn zigbolt_idle_strategy_create(
    kind: i32,
    max_spins: i32,
    max_yields: i32,
    min_park_ns: f64,
    max_park_ns: f64,
) callconv(.c) ?*anyopaque {
    return handleOrNull(createIdle(kind, max_spins, max_yields, min_park_ns, max_park_ns));
}

fn createIdle(kind: i32, max_spins: i32, max_yields: i32, min_park_ns: f64, max_park_ns: f64) Error!*anyopaque {
    const strategy = try idleOf(kind, max_spins, max_yields, min_park_ns, max_park_ns);
    const object = allocator.create(IdleStrategy) catch return error.OutOfMemory;
    errdefer allocator.destroy(object);
    object.* = strategy;
    return handles.register(.idle_strategy, object);
}

/// Parameters a kind does not use must be 0, so a period passed in the wrong slot is caught.
fn idleOf(kind: i32, max_spins: i32, max_yields: i32, min_park_ns: f64, max_park_ns: f64) Error!IdleStrategy {
    const which = std.meta.intToEnum(agent_api.IdleKind, kind) catch return error.InvalidArgument;
    switch (which) {
        .busy_spin, .yielding, .no_op => {
            if (max_spins != 0 or max_yields != 0 or min_park_ns != 0 or max_park_ns != 0) {
                return error.InvalidArgument;
            }
            return switch (which) {
                .busy_spin => .busy_spin,
                .yielding => .yielding,
                else => .no_op,
            };
        },
        .sleeping => {
            if (max_spins != 0 or max_yields != 0 or max_park_ns != 0) return error.InvalidArgument;
            return IdleStrategy.initSleeping(try nanoseconds(min_park_ns));
        },
        .backoff => {
            if (max_spins < 0 or max_yields < 0) return error.InvalidArgument;
            return IdleStrategy.initBackoff(.{
                .max_spins = @intCast(max_spins),
                .max_yields = @intCast(max_yields),
                .min_park_ns = try nanoseconds(min_park_ns),
                .max_park_ns = try nanoseconds(max_park_ns),
            });
        },
    }
}

/// A whole, positive number of nanoseconds within the park limit.
fn nanoseconds(value: f64) Error!u64 {
    if (!(value >= 1) or value > @as(f64, @floatFromInt(agent_api.idle.park_ns_max))) return error.InvalidArgument;
    if (@floor(value) != value) return error.InvalidArgument;
    return @intFromFloat(value);
}

/// One idle step after a duty cycle that did `work_count` units (> 0 resets, 0 idles).
pub export fn zigbolt_idle_strategy_idle(idle: ?*anyopaque, work_count: i32) callconv(.c) i32 {
    const object = handles.resolve(IdleStrategy, .idle_strategy, idle) catch |err| return statusCode(err);
    if (work_count < 0) return @intFromEnum(Status.invalid_argument);
    object.idle(@intCast(work_count));
    return 0;
}

pub export fn zigbolt_idle_strategy_reset(idle: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(IdleStrategy, .idle_strategy, idle) catch |err| return statusCode(err);
    object.reset();
    return 0;
}

/// ZIGBOLT_BACKOFF_* after the last step (NOT_IDLE for the other kinds), or a negative status.
pub export fn zigbolt_idle_strategy_state(idle: ?*anyopaque) callconv(.c) i32 {
    const object = handles.resolve(IdleStrategy, .idle_strategy, idle) catch |err| return statusCode(err);
    return @intFromEnum(object.backoffState());
}

/// The period the next step may sleep (sleeping: its period; backoff: its next park; else
/// 0), or a negative status.
pub export fn zigbolt_idle_strategy_park_ns(idle: ?*anyopaque) callconv(.c) f64 {
    const object = handles.resolve(IdleStrategy, .idle_strategy, idle) catch |err| return @floatFromInt(statusCode(err));
    return @floatFromInt(object.nextParkNs());
}

pub export fn zigbolt_idle_strategy_close(idle: ?*anyopaque) callconv(.c) i32 {
    const object = handles.unregister(IdleStrategy, .idle_strategy, idle) catch |err| return statusCode(err);
    allocator.destroy(object);
    return 0;
}

/// sched_yield() for bindings whose runtime has none (the TypeScript yielding strategy's
/// synchronous form). Always 0.
pub export fn zigbolt_thread_yield() callconv(.c) i32 {
    std.Thread.yield() catch {};
    return 0;
}

/// Sets the calling thread's timer slack (Linux; see docs/agents.md). 0 is InvalidArgument.
pub export fn zigbolt_set_timer_slack(slack_ns: u32) callconv(.c) i32 {
    return statusOf(agent_api.setTimerSlack(slack_ns));
}

/// The calling thread's timer slack in ns (0 where there is none).
pub export fn zigbolt_timer_slack_ns() callconv(.c) f64 {
    return @floatFromInt(agent_api.timerSlack());
}

// ---- agent runners ---------------------------------------------------------------------

/// Longest role name a C agent may have (it labels the runner's counters).
pub const role_name_length_max = 255;

const CRunner = struct {
    do_work: DoWork,
    on_start: ?OnStart,
    on_close: ?OnClose,
    on_error: ?OnError,
    clientd: ?*anyopaque,
    role_name_buffer: [role_name_length_max]u8 = undefined,
    /// The status of the last failing callback, for on_error.
    failed_status: i32 = 0,
    runner: agent_api.AgentRunner = undefined,

    pub fn doWork(self: *CRunner) anyerror!u32 {
        return self.checked(self.do_work(self.clientd));
    }

    pub fn onStart(self: *CRunner) anyerror!void {
        const start = self.on_start orelse return;
        _ = try self.checked(start(self.clientd));
    }

    /// A callback's result (>= 0), or AgentFailed with the status kept for on_error.
    inline fn checked(self: *CRunner, result: i32) error{AgentFailed}!u32 {
        if (result < 0) {
            self.failed_status = result;
            return error.AgentFailed;
        }
        return @intCast(result);
    }

    pub fn onClose(self: *CRunner) void {
        if (self.on_close) |close| close(self.clientd);
    }

    fn handleError(context: ?*anyopaque, _: agent_api.Agent, _: anyerror) agent_api.ErrorAction {
        const self: *CRunner = @ptrCast(@alignCast(context.?));
        const on_error = self.on_error orelse return .keep_running;
        return if (on_error(self.clientd, self.failed_status) != 0) .stop else .keep_running;
    }
};

/// Starts a thread that runs on_start, then do_work in a loop with a copy of `idle_strategy`
/// (NULL: the default backoff), then on_close. `role_name` (1..255 bytes; NULL: "c-agent")
/// labels its counters. NULL with the status recorded on failure.
pub export fn zigbolt_agent_runner_start(
    role_name: ?[*:0]const u8,
    do_work: ?DoWork,
    on_start: ?OnStart,
    on_close: ?OnClose,
    on_error: ?OnError,
    clientd: ?*anyopaque,
    idle_strategy: ?*anyopaque,
) callconv(.c) ?*anyopaque {
    return handleOrNull(startRunner(role_name, .{
        .do_work = do_work,
        .on_start = on_start,
        .on_close = on_close,
        .on_error = on_error,
        .clientd = clientd,
    }, idle_strategy));
}

/// The C agent's callbacks as zigbolt_agent_runner_start receives them (do_work may be NULL
/// here: startRunner rejects it).
const Callbacks = struct {
    do_work: ?DoWork,
    on_start: ?OnStart,
    on_close: ?OnClose,
    on_error: ?OnError,
    clientd: ?*anyopaque,
};

fn startRunner(role_name: ?[*:0]const u8, callbacks: Callbacks, idle_strategy: ?*anyopaque) Error!*anyopaque {
    const work = callbacks.do_work orelse return error.InvalidArgument;
    const role: []const u8 = if (role_name) |text| std.mem.span(text) else "c-agent";
    if (role.len == 0 or role.len > role_name_length_max) return error.InvalidArgument;
    const idle: IdleStrategy = if (idle_strategy == null)
        agent_api.idle.default_backoff
    else
        (try handles.resolve(IdleStrategy, .idle_strategy, idle_strategy)).*;
    const object = allocator.create(CRunner) catch return error.OutOfMemory;
    errdefer allocator.destroy(object);
    object.* = .{
        .do_work = work,
        .on_start = callbacks.on_start,
        .on_close = callbacks.on_close,
        .on_error = callbacks.on_error,
        .clientd = callbacks.clientd,
    };
    @memcpy(object.role_name_buffer[0..role.len], role);
    const agent = agent_api.Agent.init(object, object.role_name_buffer[0..role.len]);
    object.runner = agent_api.AgentRunner.init(agent, .{
        .idle = idle,
        .error_handler = .{ .context = object, .handle = CRunner.handleError },
    });
    const handle = try handles.register(.agent_runner, object);
    errdefer _ = handles.unregister(CRunner, .agent_runner, handle) catch {};
    try object.runner.start();
    return handle;
}

/// A snapshot of the runner's statistics into `out` (fields may be one cycle apart).
pub export fn zigbolt_agent_runner_stats(runner: ?*anyopaque, out: ?*AgentStats) callconv(.c) i32 {
    const object = handles.resolve(CRunner, .agent_runner, runner) catch |err| return statusCode(err);
    const stats = out orelse return @intFromEnum(Status.invalid_argument);
    stats.* = statsOf(&object.runner);
    return 0;
}

/// Stops the agent: waits for its current cycle and on_close, writes the final statistics
/// to `final_stats` if not NULL, and releases the handle (a second stop: HANDLE_CLOSED).
pub export fn zigbolt_agent_runner_stop(runner: ?*anyopaque, final_stats: ?*AgentStats) callconv(.c) i32 {
    const object = handles.unregister(CRunner, .agent_runner, runner) catch |err| return statusCode(err);
    object.runner.stop();
    if (final_stats) |out| out.* = statsOf(&object.runner);
    allocator.destroy(object);
    return 0;
}

/// The counters-file id of the runner's counter of type ZIGBOLT_AGENT_COUNTER_*, or a
/// negative status (COUNTERS_FULL: the runner has no such counter).
pub export fn zigbolt_agent_runner_counter_id(runner: ?*anyopaque, type_id: i32) callconv(.c) i32 {
    const object = handles.resolve(CRunner, .agent_runner, runner) catch |err| return statusCode(err);
    const id = object.runner.counterId(type_id) orelse return @intFromEnum(Status.counters_full);
    return @intCast(id);
}

fn statsOf(runner: *const agent_api.AgentRunner) AgentStats {
    const stats = runner.stats();
    const duty = &stats.duty;
    return .{
        .cycles = duty.cycles,
        .busy_cycles = duty.busy_cycles,
        .work_count = duty.work_count,
        .errors = stats.errors,
        .total_ns = duty.total_ns,
        .busy_ns = duty.busy_ns,
        .max_cycle_ns = duty.max_cycle_ns,
        .p50_cycle_ns = duty.percentileNs(0.5),
        .p99_cycle_ns = duty.percentileNs(0.99),
        .busy_ratio = duty.busyRatio(),
        .running = @intFromBool(stats.state == .running or stats.state == .closing),
        .reserved = 0,
    };
}

// ---- tests: the C ABI as a C caller sees it --------------------------------------------

const testing = std.testing;

test "idle strategies: create by kind, step, reset, close; bad input is a status" {
    const backoff = zigbolt_idle_strategy_create(4, 2, 1, 1000, 4000) orelse return error.CreateFailed;
    const expected_states = [_]i32{ 1, 1, 2, 3, 3, 3 };
    const expected_park = [_]f64{ 1000, 1000, 1000, 2000, 4000, 4000 };
    for (expected_states, expected_park) |state, park| {
        try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_idle(backoff, 0));
        try testing.expectEqual(state, zigbolt_idle_strategy_state(backoff));
        try testing.expectEqual(park, zigbolt_idle_strategy_park_ns(backoff));
    }
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_idle(backoff, 3));
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_state(backoff));
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_idle(backoff, 0));
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_reset(backoff));
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_state(backoff));
    try testing.expectEqual(@as(i32, -4), zigbolt_idle_strategy_idle(backoff, -1));
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_close(backoff));
    // Use after close, second close.
    try testing.expectEqual(@as(i32, -2), zigbolt_idle_strategy_idle(backoff, 0));
    try testing.expectEqual(@as(i32, -2), zigbolt_idle_strategy_close(backoff));
    try testing.expectEqual(@as(f64, -2), zigbolt_idle_strategy_park_ns(backoff));
    try testing.expectEqual(@as(i32, -1), zigbolt_idle_strategy_idle(null, 0));

    for ([_]i32{ 1, 2, 5 }) |kind| {
        const idle = zigbolt_idle_strategy_create(kind, 0, 0, 0, 0) orelse return error.CreateFailed;
        try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_idle(idle, 0));
        try testing.expectEqual(@as(f64, 0), zigbolt_idle_strategy_park_ns(idle));
        try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_close(idle));
    }
    const sleeping = zigbolt_idle_strategy_create(3, 0, 0, 1000, 0) orelse return error.CreateFailed;
    try testing.expectEqual(@as(f64, 1000), zigbolt_idle_strategy_park_ns(sleeping));
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_close(sleeping));

    const bad = [_]struct { i32, i32, i32, f64, f64 }{
        .{ 0, 0, 0, 0, 0 }, // unknown kind
        .{ 6, 0, 0, 0, 0 },
        .{ -1, 0, 0, 0, 0 },
        .{ 1, 1, 0, 0, 0 }, // a parameter busy spin does not take
        .{ 3, 0, 0, 0, 0 }, // sleeping for 0 ns
        .{ 3, 0, 0, -5, 0 },
        .{ 3, 0, 0, 1.5, 0 },
        .{ 3, 0, 0, std.math.nan(f64), 0 },
        .{ 3, 0, 0, 61e9, 0 },
        .{ 4, -1, 0, 1, 1 }, // negative spins
        .{ 4, 0, -1, 1, 1 },
        .{ 4, 0, 0, 0, 1 },
        .{ 4, 0, 0, 10, 9 }, // max below min
        .{ 4, 0, 0, 1, std.math.inf(f64) },
    };
    for (bad) |b| {
        try testing.expect(zigbolt_idle_strategy_create(b[0], b[1], b[2], b[3], b[4]) == null);
        try testing.expectEqual(@as(i32, -4), @intFromEnum(common.lastStatus()));
    }
}

test "timer slack of the calling thread" {
    try testing.expectEqual(@as(i32, 0), zigbolt_thread_yield());
    try testing.expectEqual(@as(i32, -4), zigbolt_set_timer_slack(0));
    if (@import("builtin").os.tag != .linux) return;
    const before = zigbolt_timer_slack_ns();
    try testing.expectEqual(@as(i32, 0), zigbolt_set_timer_slack(1));
    try testing.expectEqual(@as(f64, 1), zigbolt_timer_slack_ns());
    try testing.expectEqual(@as(i32, 0), zigbolt_set_timer_slack(@intFromFloat(@max(before, 1))));
}

const TestAgent = struct {
    calls: std.atomic.Value(i32) = .init(0),
    started: std.atomic.Value(i32) = .init(0),
    closed: std.atomic.Value(i32) = .init(0),
    errors_seen: std.atomic.Value(i32) = .init(0),
    last_error: i32 = 0,
    fail_from: i32 = std.math.maxInt(i32),
    stop_after_errors: i32 = std.math.maxInt(i32),

    fn doWork(clientd: ?*anyopaque) callconv(.c) i32 {
        const self: *TestAgent = @ptrCast(@alignCast(clientd.?));
        const n = self.calls.fetchAdd(1, .monotonic) + 1;
        if (n >= self.fail_from) return -1000 - n;
        return if (@rem(n, 4) == 0) 2 else 0;
    }
    fn onStart(clientd: ?*anyopaque) callconv(.c) i32 {
        const self: *TestAgent = @ptrCast(@alignCast(clientd.?));
        self.started.store(1, .release);
        return 0;
    }
    fn onClose(clientd: ?*anyopaque) callconv(.c) void {
        const self: *TestAgent = @ptrCast(@alignCast(clientd.?));
        self.closed.store(1, .release);
    }
    fn onError(clientd: ?*anyopaque, status: i32) callconv(.c) i32 {
        const self: *TestAgent = @ptrCast(@alignCast(clientd.?));
        self.last_error = status;
        const seen = self.errors_seen.fetchAdd(1, .monotonic) + 1;
        return @intFromBool(seen >= self.stop_after_errors);
    }
    fn waitFor(self: *TestAgent, calls: i32) void {
        while (self.calls.load(.monotonic) < calls) std.Thread.sleep(100 * std.time.ns_per_us);
    }
};

test "a C agent runs on its own thread until stopped; stats count its cycles" {
    var agent: TestAgent = .{};
    const idle = zigbolt_idle_strategy_create(2, 0, 0, 0, 0).?;
    const runner = zigbolt_agent_runner_start(
        "c-test-agent",
        TestAgent.doWork,
        TestAgent.onStart,
        TestAgent.onClose,
        TestAgent.onError,
        &agent,
        idle,
    ) orelse return error.StartFailed;
    // Its counters, when the process's counters file is available.
    const cycles_id = zigbolt_agent_runner_counter_id(runner, 50);
    try testing.expect(cycles_id >= 0 or cycles_id == @intFromEnum(Status.counters_full));
    try testing.expectEqual(@intFromEnum(Status.counters_full), zigbolt_agent_runner_counter_id(runner, 99));
    // The runner copied the strategy: the handle may go.
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_close(idle));
    agent.waitFor(400);
    var live: AgentStats = undefined;
    try testing.expectEqual(@as(i32, 0), zigbolt_agent_runner_stats(runner, &live));
    try testing.expectEqual(@as(i32, 1), live.running);
    try testing.expectEqual(@as(i32, -4), zigbolt_agent_runner_stats(runner, null));
    // A runner handle is not an idle strategy.
    try testing.expectEqual(@as(i32, -3), zigbolt_idle_strategy_idle(runner, 0));

    var final: AgentStats = undefined;
    try testing.expectEqual(@as(i32, 0), zigbolt_agent_runner_stop(runner, &final));
    try testing.expectEqual(@as(i32, 1), agent.started.load(.acquire));
    try testing.expectEqual(@as(i32, 1), agent.closed.load(.acquire));
    try testing.expectEqual(@as(u64, @intCast(agent.calls.load(.monotonic))), final.cycles);
    try testing.expectEqual(final.cycles / 4, final.busy_cycles);
    try testing.expectEqual(final.busy_cycles * 2, final.work_count);
    try testing.expectEqual(@as(u64, 0), final.errors);
    try testing.expectEqual(@as(i32, 0), final.running);
    try testing.expect(final.max_cycle_ns >= final.p99_cycle_ns and final.p99_cycle_ns >= final.p50_cycle_ns);
    try testing.expectApproxEqAbs(@as(f64, 0.25), final.busy_ratio, 0.01);
    // Stop twice, stats after stop: the handle is gone.
    try testing.expectEqual(@as(i32, -2), zigbolt_agent_runner_stop(runner, null));
    try testing.expectEqual(@as(i32, -2), zigbolt_agent_runner_stats(runner, &live));
}

test "negative do_work results reach on_error with their code; on_error can stop the agent" {
    var agent: TestAgent = .{ .fail_from = 10, .stop_after_errors = 3 };
    const runner = zigbolt_agent_runner_start(
        null,
        TestAgent.doWork,
        null,
        TestAgent.onClose,
        TestAgent.onError,
        &agent,
        null,
    ).?;
    var stats: AgentStats = undefined;
    while (true) {
        try testing.expectEqual(@as(i32, 0), zigbolt_agent_runner_stats(runner, &stats));
        if (stats.running == 0) break;
        std.Thread.sleep(100 * std.time.ns_per_us);
    }
    try testing.expectEqual(@as(i32, 0), zigbolt_agent_runner_stop(runner, &stats));
    try testing.expectEqual(@as(u64, 3), stats.errors);
    try testing.expectEqual(@as(i32, 12), agent.calls.load(.monotonic));
    try testing.expectEqual(@as(i32, -1012), agent.last_error);
    try testing.expectEqual(@as(i32, 1), agent.closed.load(.acquire));
}

test "a runner needs a do_work and a live idle strategy" {
    try testing.expect(zigbolt_agent_runner_start(null, null, null, null, null, null, null) == null);
    try testing.expectEqual(@as(i32, -4), @intFromEnum(common.lastStatus()));
    try testing.expect(zigbolt_agent_runner_start("", TestAgent.doWork, null, null, null, null, null) == null);
    try testing.expectEqual(@as(i32, -4), @intFromEnum(common.lastStatus()));
    const idle = zigbolt_idle_strategy_create(1, 0, 0, 0, 0).?;
    try testing.expectEqual(@as(i32, 0), zigbolt_idle_strategy_close(idle));
    var agent: TestAgent = .{};
    try testing.expect(zigbolt_agent_runner_start("x", TestAgent.doWork, null, null, null, &agent, idle) == null);
    try testing.expectEqual(@as(i32, -2), @intFromEnum(common.lastStatus()));
    try testing.expectEqual(@as(i32, -1), zigbolt_agent_runner_stop(null, null));
    try testing.expectEqual(@as(i32, -1), zigbolt_agent_runner_counter_id(null, 50));
}
