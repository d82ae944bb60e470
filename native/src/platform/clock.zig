//! The monotonic clock every ZigBolt process (Zig, Bun, Deno) measures latency with, so that
//! timestamps taken in different processes compare.

const std = @import("std");

/// CLOCK_MONOTONIC through libc, which reads it from the vDSO (~20 ns, no syscall); it is
/// system-wide on Linux, so comparable across processes.
pub fn monotonicNs() u64 {
    const ts = std.posix.clock_gettime(.MONOTONIC) catch unreachable;
    return @as(u64, @intCast(ts.sec)) * std.time.ns_per_s + @as(u64, @intCast(ts.nsec));
}

test "the monotonic clock does not go back" {
    const a = monotonicNs();
    const b = monotonicNs();
    try std.testing.expect(b >= a);
}
