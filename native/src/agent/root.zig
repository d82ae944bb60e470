//! Idle strategies and agents (docs/agents.md): what a polling thread does between duty
//! cycles, and a runner that drives an agent on its own thread.

const std = @import("std");

pub const idle = @import("idle.zig");
pub const IdleStrategy = idle.IdleStrategy;
pub const IdleKind = idle.Kind;
pub const BackoffOptions = idle.BackoffOptions;
pub const BackoffState = idle.BackoffState;
pub const setTimerSlack = idle.setTimerSlack;
pub const timerSlack = idle.timerSlack;

pub const Agent = @import("agent.zig").Agent;
pub const CompositeAgent = @import("agent.zig").CompositeAgent;
pub const MemberErrorHandler = @import("agent.zig").MemberErrorHandler;

pub const duty_cycle = @import("duty_cycle.zig");
pub const DutyCycleTracker = duty_cycle.DutyCycleTracker;

pub const runner = @import("runner.zig");
pub const AgentRunner = runner.AgentRunner;
pub const RunnerOptions = runner.RunnerOptions;
pub const ErrorHandler = runner.ErrorHandler;
pub const ErrorAction = runner.ErrorAction;

test {
    std.testing.refAllDecls(@This());
    _ = @import("idle.zig");
    _ = @import("agent.zig");
    _ = @import("duty_cycle.zig");
    _ = @import("runner.zig");
}
