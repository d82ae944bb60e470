//! Agent: something that does units of work when asked and says how many it did, like an
//! Aeron agent. A runner (runner.zig) calls `doWork` in a loop on its own thread and idles
//! between cycles that found nothing to do.
//!
//! Any type becomes an agent through `Agent.init(&value, role_name)` if it has
//!   fn doWork(self: *T) anyerror!u32        required: units of work done (0 = idle)
//!   fn onStart(self: *T) anyerror!void      optional: on the agent thread, before any doWork
//!   fn onClose(self: *T) void               optional: on the agent thread, after the last doWork

const std = @import("std");

pub const Agent = struct {
    context: *anyopaque,
    role_name: []const u8,
    vtable: *const VTable,

    pub const VTable = struct {
        do_work: *const fn (context: *anyopaque) anyerror!u32,
        on_start: ?*const fn (context: *anyopaque) anyerror!void = null,
        on_close: ?*const fn (context: *anyopaque) void = null,
    };

    /// Wraps `pointer` (a `*T` with `doWork`, and optionally `onStart`/`onClose`). The pointee
    /// must outlive the agent.
    pub fn init(pointer: anytype, role_name: []const u8) Agent {
        const T = @typeInfo(@TypeOf(pointer)).pointer.child;
        const gen = struct {
            fn doWorkOf(context: *anyopaque) anyerror!u32 {
                const self: *T = @ptrCast(@alignCast(context));
                return self.doWork();
            }
            fn onStartOf(context: *anyopaque) anyerror!void {
                const self: *T = @ptrCast(@alignCast(context));
                return self.onStart();
            }
            fn onCloseOf(context: *anyopaque) void {
                const self: *T = @ptrCast(@alignCast(context));
                self.onClose();
            }
            const vtable: VTable = .{
                .do_work = doWorkOf,
                .on_start = if (@hasDecl(T, "onStart")) onStartOf else null,
                .on_close = if (@hasDecl(T, "onClose")) onCloseOf else null,
            };
        };
        return .{ .context = @ptrCast(pointer), .role_name = role_name, .vtable = &gen.vtable };
    }

    pub fn doWork(self: Agent) anyerror!u32 {
        return self.vtable.do_work(self.context);
    }

    pub fn onStart(self: Agent) anyerror!void {
        if (self.vtable.on_start) |f| try f(self.context);
    }

    pub fn onClose(self: Agent) void {
        if (self.vtable.on_close) |f| f(self.context);
    }
};

/// Called with each member's error (and the member) when a composite has an error handler.
pub const MemberErrorHandler = struct {
    context: ?*anyopaque = null,
    handle: *const fn (context: ?*anyopaque, member: Agent, err: anyerror) void,
};

/// Several agents run as one, in order: the work counts add up; every member's onStart,
/// doWork and onClose run even if an earlier member failed. A member's error goes to
/// `on_member_error` if set; otherwise the composite returns the first error of the cycle
/// once all members have run (so the runner's error handler sees it and counts it).
pub const CompositeAgent = struct {
    members: []const Agent,
    on_member_error: ?MemberErrorHandler = null,

    pub fn agent(self: *CompositeAgent, role_name: []const u8) Agent {
        return Agent.init(self, role_name);
    }

    pub fn onStart(self: *CompositeAgent) anyerror!void {
        var first: ?anyerror = null;
        for (self.members) |member| {
            member.onStart() catch |err| self.failed(member, err, &first);
        }
        if (first) |err| return err;
    }

    pub fn doWork(self: *CompositeAgent) anyerror!u32 {
        var total: u32 = 0;
        var first: ?anyerror = null;
        for (self.members) |member| {
            const work = member.doWork() catch |err| {
                self.failed(member, err, &first);
                continue;
            };
            total +|= work;
        }
        if (first) |err| return err;
        return total;
    }

    pub fn onClose(self: *CompositeAgent) void {
        for (self.members) |member| member.onClose();
    }

    fn failed(self: *CompositeAgent, member: Agent, err: anyerror, first: *?anyerror) void {
        if (self.on_member_error) |handler| {
            handler.handle(handler.context, member, err);
        } else if (first.* == null) {
            first.* = err;
        }
    }
};

const testing = std.testing;

const Scripted = struct {
    name: u8,
    log: *std.ArrayList(u8),
    fail_start: bool = false,
    fail_work: bool = false,
    work: u32 = 1,

    fn onStart(self: *Scripted) anyerror!void {
        try self.log.append(testing.allocator, 'S');
        try self.log.append(testing.allocator, self.name);
        if (self.fail_start) return error.StartFailed;
    }
    fn doWork(self: *Scripted) anyerror!u32 {
        try self.log.append(testing.allocator, self.name);
        if (self.fail_work) return error.WorkFailed;
        return self.work;
    }
    fn onClose(self: *Scripted) void {
        self.log.append(testing.allocator, 'C') catch {};
        self.log.append(testing.allocator, self.name) catch {};
    }
};

test "a composite runs every member in order, sums work and isolates a failure" {
    var log: std.ArrayList(u8) = .empty;
    defer log.deinit(testing.allocator);
    var a: Scripted = .{ .name = 'a', .log = &log, .work = 2 };
    var b: Scripted = .{ .name = 'b', .log = &log, .fail_start = true, .fail_work = true };
    var c: Scripted = .{ .name = 'c', .log = &log, .work = 5 };
    const members = [_]Agent{ Agent.init(&a, "a"), Agent.init(&b, "b"), Agent.init(&c, "c") };
    var composite: CompositeAgent = .{ .members = &members };
    const agent = composite.agent("abc");

    try testing.expectError(error.StartFailed, agent.onStart());
    try testing.expectError(error.WorkFailed, agent.doWork());
    agent.onClose();
    try testing.expectEqualStrings("SaSbScabcCaCbCc", log.items);

    b.fail_work = false;
    try testing.expectEqual(@as(u32, 8), try agent.doWork());
}

test "a composite with a member error handler reports each failure and keeps the work" {
    var log: std.ArrayList(u8) = .empty;
    defer log.deinit(testing.allocator);
    var a: Scripted = .{ .name = 'a', .log = &log, .fail_work = true };
    var b: Scripted = .{ .name = 'b', .log = &log, .work = 4 };
    const members = [_]Agent{ Agent.init(&a, "first"), Agent.init(&b, "second") };
    const Seen = struct {
        var count: u32 = 0;
        var role: []const u8 = "";
        fn handle(_: ?*anyopaque, member: Agent, err: anyerror) void {
            count += 1;
            role = member.role_name;
            std.debug.assert(err == error.WorkFailed);
        }
    };
    var composite: CompositeAgent = .{ .members = &members, .on_member_error = .{ .handle = Seen.handle } };
    try testing.expectEqual(@as(u32, 4), try composite.agent("ab").doWork());
    try testing.expectEqual(@as(u32, 1), Seen.count);
    try testing.expectEqualStrings("first", Seen.role);
}
