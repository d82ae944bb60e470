//! zigbolt-stat: shows the counters of a running ZigBolt system, live (like AeronStat).
//!
//!   zigbolt-stat [--counters NAME] [--interval MS] [--count N] [--filter TEXT]
//!
//! NAME defaults to $ZIGBOLT_COUNTERS, else /zigbolt-counters. Refreshes every MS
//! milliseconds (default 1000) until interrupted, or N times; each refresh prints every
//! allocated counter with its rate since the previous refresh and whether its owner lives.
//! When stdout is a terminal the screen is redrawn in place.

const std = @import("std");
const zigbolt = @import("zigbolt");
const counters = zigbolt.counters;

const Options = struct {
    name: []const u8,
    interval_ms: u64 = 1000,
    count: ?u64 = null,
    filter: ?[]const u8 = null,
};

const usage = "usage: zigbolt-stat [--counters NAME] [--interval MS] [--count N] [--filter TEXT]\n";

pub fn main() !u8 {
    var arena: std.heap.ArenaAllocator = .init(std.heap.page_allocator);
    defer arena.deinit();
    const args = try std.process.argsAlloc(arena.allocator());
    const options = parse(args) catch {
        std.debug.print(usage, .{});
        return 2;
    };
    var file = counters.CountersFile.open(options.name, .{}) catch |err| {
        const status = zigbolt.Status.fromError(err);
        std.debug.print("zigbolt-stat: cannot open counters file {s}: {s}\n", .{ options.name, status.message() });
        return 1;
    };
    defer file.close();

    const previous = try arena.allocator().alloc(Sample, file.counters_max);
    @memset(previous, .{});
    var buffer: [64 * 1024]u8 = undefined;
    var stdout = std.fs.File.stdout();
    var writer = stdout.writer(&buffer);
    const out = &writer.interface;
    const redraw = stdout.isTty();
    var refreshes: u64 = 0;
    var last_ns = zigbolt.clock.monotonicNs();
    while (true) {
        const now_ns = zigbolt.clock.monotonicNs();
        if (redraw) try out.writeAll("\x1b[H\x1b[2J");
        try printTable(out, &file, options, previous, now_ns - last_ns);
        try out.flush();
        last_ns = now_ns;
        refreshes += 1;
        if (options.count) |count| if (refreshes >= count) return 0;
        std.Thread.sleep(options.interval_ms * std.time.ns_per_ms);
    }
}

/// What we saw of a counter last time, to compute its rate (a different allocation time
/// means the record was freed and reused: no rate).
const Sample = struct { value: i64 = 0, allocated_ns: u64 = 0 };

fn printTable(
    out: *std.Io.Writer,
    file: *const counters.CountersFile,
    options: Options,
    previous: []Sample,
    elapsed_ns: u64,
) !void {
    var in_use: u32 = 0;
    var label: [counters.layout.label_length_max]u8 = undefined;
    for (0..file.counters_max) |index| {
        if (file.info(@intCast(index), &label) != null) in_use += 1;
    }
    try out.print("ZigBolt counters {s}: {d} of {d} in use, pid {d}\n", .{
        options.name, in_use, file.counters_max, std.os.linux.getpid(),
    });
    try out.print("{s:>5} {s:<20} {s:>20} {s:>14} {s:>8} {s:<6}  {s}\n", .{ "id", "type", "value", "per second", "pid", "owner", "label" });
    for (0..file.counters_max) |index| {
        const id: u32 = @intCast(index);
        const info = file.info(id, &label) orelse continue;
        if (options.filter) |text| if (std.mem.indexOf(u8, info.label, text) == null) continue;
        const before = previous[id];
        previous[id] = .{ .value = info.value, .allocated_ns = info.allocated_ns };
        var type_buffer: [24]u8 = undefined;
        const type_name = counters.types.TypeId.name(info.type_id) orelse
            (std.fmt.bufPrint(&type_buffer, "type {d}", .{info.type_id}) catch "?");
        var rate_buffer: [24]u8 = undefined;
        const rate = if (before.allocated_ns == info.allocated_ns and elapsed_ns > 0)
            std.fmt.bufPrint(&rate_buffer, "{d:.0}", .{
                @as(f64, @floatFromInt(info.value -% before.value)) * std.time.ns_per_s / @as(f64, @floatFromInt(elapsed_ns)),
            }) catch "?"
        else
            "";
        var value_buffer: [24]u8 = undefined;
        const value = std.fmt.bufPrint(&value_buffer, "{d}", .{info.value}) catch "?";
        try out.print("{d:>5} {s:<20} {s:>20} {s:>14} {d:>8} {s:<6}  {s}\n", .{
            id, type_name, value, rate, info.owner_pid, @tagName(info.owner_state), info.label,
        });
    }
}

fn parse(args: []const [:0]u8) !Options {
    var options: Options = .{
        .name = std.posix.getenv(counters.processDefault.env_name) orelse counters.processDefault.default_name,
    };
    var i: usize = 1;
    while (i < args.len) : (i += 1) {
        const arg = args[i];
        if (i + 1 >= args.len) return error.Usage;
        i += 1;
        const value = args[i];
        if (std.mem.eql(u8, arg, "--counters")) {
            options.name = value;
        } else if (std.mem.eql(u8, arg, "--interval")) {
            options.interval_ms = try std.fmt.parseInt(u64, value, 10);
        } else if (std.mem.eql(u8, arg, "--count")) {
            options.count = try std.fmt.parseInt(u64, value, 10);
        } else if (std.mem.eql(u8, arg, "--filter")) {
            options.filter = value;
        } else return error.Usage;
    }
    return options;
}
