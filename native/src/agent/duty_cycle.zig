//! DutyCycleTracker: how long an agent's duty cycles take and how often they find work.
//!
//! A cycle is one doWork plus the idle step after it, measured from one cycle's start to the
//! next (one clock read per cycle). Cycle times go into a log-linear histogram: values below
//! 8 ns have a bucket each, above that every power of two is split into 8 buckets, so a
//! percentile is reported as its bucket's upper bound, at most 12.5% above the true value.
//! lib/_duty_cycle.ts implements the same buckets.
//!
//! One thread records (the agent's); any thread may take a `snapshot` at any time. Every
//! field is a single-writer atomic, so a snapshot never sees a torn value, but its fields
//! may be one cycle apart. A window is the difference of two snapshots (`since`).

const std = @import("std");
const assert = std.debug.assert;

pub const sub_bucket_bits = 3;
pub const sub_buckets = 1 << sub_bucket_bits;
/// 0..7 exactly, then 8 buckets for each power of two from 2^3 to 2^63.
pub const bucket_count = sub_buckets + (64 - sub_bucket_bits) * sub_buckets;

comptime {
    assert(bucketOf(std.math.maxInt(u64)) == bucket_count - 1);
    assert(bucketOf(7) == 7 and bucketOf(8) == 8 and bucketOf(15) == 15 and bucketOf(16) == 16);
    assert(bucketOf(100) == 36 and bucketUpperNs(36) == 103); // as in tests/agents.test.ts
}

/// The bucket holding `value_ns`.
pub fn bucketOf(value_ns: u64) usize {
    if (value_ns < sub_buckets) return @intCast(value_ns);
    const exponent: u6 = @intCast(63 - @clz(value_ns));
    const shift: u6 = exponent - sub_bucket_bits;
    const mantissa: usize = @intCast((value_ns >> shift) & (sub_buckets - 1));
    return (@as(usize, exponent) - sub_bucket_bits + 1) * sub_buckets + mantissa;
}

/// The largest value bucket `index` holds.
pub fn bucketUpperNs(index: usize) u64 {
    assert(index < bucket_count);
    if (index < sub_buckets) return index;
    const exponent: u6 = @intCast(index / sub_buckets + sub_bucket_bits - 1);
    const shift: u6 = exponent - sub_bucket_bits;
    const lower = (@as(u64, sub_buckets) + index % sub_buckets) << shift;
    return lower + ((@as(u64, 1) << shift) - 1);
}

const Counter = std.atomic.Value(u64);

pub const DutyCycleTracker = struct {
    cycles: Counter = .init(0),
    busy_cycles: Counter = .init(0),
    work_count: Counter = .init(0),
    total_ns: Counter = .init(0),
    busy_ns: Counter = .init(0),
    max_cycle_ns: Counter = .init(0),
    buckets: [bucket_count]Counter = @splat(.init(0)),
    /// Start of the current cycle; the recording thread's alone.
    cycle_start_ns: u64 = 0,

    /// Marks the start of the first cycle.
    pub fn start(self: *DutyCycleTracker, now_ns: u64) void {
        self.cycle_start_ns = now_ns;
    }

    /// Ends the cycle that began at the last `start`/`record` and did `work` units; the
    /// next cycle begins at `now_ns`.
    pub fn record(self: *DutyCycleTracker, now_ns: u64, work: u64) void {
        const cycle_ns = now_ns -| self.cycle_start_ns;
        self.cycle_start_ns = now_ns;
        // monotonic: each counter has this one writer; readers need no ordering between them.
        bump(&self.cycles, 1);
        bump(&self.total_ns, cycle_ns);
        bump(&self.buckets[bucketOf(cycle_ns)], 1);
        if (work > 0) {
            bump(&self.busy_cycles, 1);
            bump(&self.work_count, work);
            bump(&self.busy_ns, cycle_ns);
        }
        if (cycle_ns > self.max_cycle_ns.raw) self.max_cycle_ns.store(cycle_ns, .monotonic);
    }

    pub fn snapshot(self: *const DutyCycleTracker) Snapshot {
        var out: Snapshot = .{
            .cycles = self.cycles.load(.monotonic),
            .busy_cycles = self.busy_cycles.load(.monotonic),
            .work_count = self.work_count.load(.monotonic),
            .total_ns = self.total_ns.load(.monotonic),
            .busy_ns = self.busy_ns.load(.monotonic),
            .max_cycle_ns = self.max_cycle_ns.load(.monotonic),
        };
        for (&out.buckets, &self.buckets) |*o, *b| o.* = b.load(.monotonic);
        return out;
    }
};

fn bump(counter: *Counter, by: u64) void {
    counter.store(counter.raw +% by, .monotonic);
}

pub const Snapshot = struct {
    cycles: u64 = 0,
    busy_cycles: u64 = 0,
    work_count: u64 = 0,
    total_ns: u64 = 0,
    busy_ns: u64 = 0,
    /// Exact over the tracker's life; over a window (`since`), its bucket's upper bound.
    max_cycle_ns: u64 = 0,
    buckets: [bucket_count]u64 = @splat(0),

    /// Fraction of cycles that did work (0 with no cycles).
    pub fn busyRatio(self: *const Snapshot) f64 {
        if (self.cycles == 0) return 0;
        return @as(f64, @floatFromInt(self.busy_cycles)) / @as(f64, @floatFromInt(self.cycles));
    }

    /// Fraction of the time spent in cycles that did work (0 with no time).
    pub fn busyTimeRatio(self: *const Snapshot) f64 {
        if (self.total_ns == 0) return 0;
        return @as(f64, @floatFromInt(self.busy_ns)) / @as(f64, @floatFromInt(self.total_ns));
    }

    /// The cycle time below which `quantile` (0..1) of the cycles fall: a bucket's upper
    /// bound, never above max_cycle_ns. 0 with no cycles.
    pub fn percentileNs(self: *const Snapshot, quantile: f64) u64 {
        var count: u64 = 0;
        for (self.buckets) |b| count += b;
        if (count == 0) return 0;
        const q = std.math.clamp(quantile, 0, 1);
        const rank: u64 = @max(1, @as(u64, @intFromFloat(@ceil(q * @as(f64, @floatFromInt(count))))));
        var seen: u64 = 0;
        for (self.buckets, 0..) |b, index| {
            seen += b;
            if (seen >= rank) return @min(bucketUpperNs(index), self.max_cycle_ns);
        }
        unreachable;
    }

    /// What happened between `older` and this snapshot (both of the same tracker).
    pub fn since(self: *const Snapshot, older: *const Snapshot) Snapshot {
        var out: Snapshot = .{
            .cycles = self.cycles -% older.cycles,
            .busy_cycles = self.busy_cycles -% older.busy_cycles,
            .work_count = self.work_count -% older.work_count,
            .total_ns = self.total_ns -% older.total_ns,
            .busy_ns = self.busy_ns -% older.busy_ns,
        };
        var highest: ?usize = null;
        for (&out.buckets, self.buckets, older.buckets, 0..) |*o, new, old, index| {
            o.* = new -% old;
            if (o.* != 0) highest = index;
        }
        if (highest) |index| out.max_cycle_ns = @min(bucketUpperNs(index), self.max_cycle_ns);
        return out;
    }
};

const testing = std.testing;

test "buckets are exact below 8 ns and within 12.5% above" {
    var value: u64 = 0;
    while (value < 100_000) : (value += 7) {
        const index = bucketOf(value);
        const upper = bucketUpperNs(index);
        try testing.expect(upper >= value);
        if (value < 8) try testing.expectEqual(value, upper);
        try testing.expect(@as(f64, @floatFromInt(upper - value)) <= 0.125 * @as(f64, @floatFromInt(value)));
        if (index > 0) try testing.expect(bucketUpperNs(index - 1) < value);
    }
    try testing.expectEqual(@as(u64, std.math.maxInt(u64)), bucketUpperNs(bucket_count - 1));
}

test "a scripted agent's cycles give exact counts, ratios and percentiles" {
    var tracker: DutyCycleTracker = .{};
    var now: u64 = 1_000;
    tracker.start(now);
    // 90 idle cycles of 100 ns, then 10 busy cycles of 1000 ns doing 3 units each.
    for (0..90) |_| {
        now += 100;
        tracker.record(now, 0);
    }
    const middle = tracker.snapshot();
    for (0..10) |_| {
        now += 1_000;
        tracker.record(now, 3);
    }
    const s = tracker.snapshot();
    try testing.expectEqual(@as(u64, 100), s.cycles);
    try testing.expectEqual(@as(u64, 10), s.busy_cycles);
    try testing.expectEqual(@as(u64, 30), s.work_count);
    try testing.expectEqual(@as(u64, 19_000), s.total_ns);
    try testing.expectEqual(@as(u64, 1_000), s.max_cycle_ns);
    try testing.expectApproxEqAbs(@as(f64, 0.1), s.busyRatio(), 1e-12);
    try testing.expectApproxEqAbs(@as(f64, 10_000.0 / 19_000.0), s.busyTimeRatio(), 1e-12);
    try testing.expectEqual(bucketUpperNs(bucketOf(100)), s.percentileNs(0.5));
    try testing.expectEqual(@as(u64, 1_000), s.percentileNs(0.99));

    const window = s.since(&middle);
    try testing.expectEqual(@as(u64, 10), window.cycles);
    try testing.expectEqual(@as(f64, 1), window.busyRatio());
    try testing.expectEqual(@as(u64, 1_000), window.percentileNs(0.5));
    try testing.expectEqual(@as(u64, 1_000), window.max_cycle_ns);
    try testing.expectEqual(@as(u64, 0), (DutyCycleTracker{}).snapshot().percentileNs(0.99));
}
