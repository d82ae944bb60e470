//! SBE encode / decode rates of the FIX set in Zig: the same cells as
//! bench/codecs/_sbe_rates.ts, one JSON line each in the CodecRow shape (runtime "zig").
//!
//!   zigbolt-sbe-bench [--quick] [--only NewOrderSingle,MassQuote]
//!
//! encode: `M.encode` of a `Values` struct (a field or two change per message);
//! decode: the checked `M.decode` plus reading every field, entry and var-data length;
//! encode+decode: both. MarketDataIncrementalRefresh carries 4 entries, MassQuote 2 quote
//! sets of 5 quotes. Runs of ~0.4 s (0.05 s with --quick), the median of 5 (3) reported.

const std = @import("std");
const zigbolt = @import("zigbolt");
const sbe = zigbolt.sbe;
const fix = sbe.fix;
const Price = fix.Price;

var buf: [4096]u8 align(64) = undefined;

const Options = struct {
    quick: bool = false,
    only: ?[]const u8 = null,
};

pub fn main() !void {
    var arena_state = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena_state.deinit();
    const args = try std.process.argsAlloc(arena_state.allocator());
    var options: Options = .{};
    var i: usize = 1;
    while (i < args.len) : (i += 1) {
        if (std.mem.eql(u8, args[i], "--quick")) {
            options.quick = true;
        } else if (std.mem.eql(u8, args[i], "--only") and i + 1 < args.len) {
            options.only = args[i + 1];
            i += 1;
        } else {
            std.debug.print("usage: zigbolt-sbe-bench [--quick] [--only NewOrderSingle,...]\n", .{});
            std.process.exit(2);
        }
    }
    var stdout_buffer: [4096]u8 = undefined;
    var stdout = std.fs.File.stdout().writerStreaming(&stdout_buffer);
    const out = &stdout.interface;
    try benchMessage(NosCase, options, out);
    try benchMessage(ErCase, options, out);
    try benchMessage(MdCase, options, out);
    try benchMessage(MqCase, options, out);
    try out.flush();
}

fn selected(options: Options, name: []const u8) bool {
    const only = options.only orelse return true;
    var it = std.mem.splitScalar(u8, only, ',');
    while (it.next()) |n| if (std.mem.eql(u8, n, name)) return true;
    return false;
}

const Operation = enum { encode, decode, encode_decode };

fn benchMessage(comptime Case: type, options: Options, out: *std.Io.Writer) !void {
    if (!selected(options, Case.M.name)) return;
    var case: Case = .{};
    case.init();
    inline for (.{ Operation.encode, Operation.decode, Operation.encode_decode }) |op| {
        const length = try case.encode(0);
        const runs: usize = if (options.quick) 3 else 5;
        const run_ns: u64 = if (options.quick) 50_000_000 else 400_000_000;
        _ = try loop(Case, &case, op, if (options.quick) 20_000 else 300_000, length);
        // Calibrate a batch to about run_ns.
        var n: u64 = 10_000;
        while (true) {
            const ns = try loop(Case, &case, op, n, length);
            if (ns > 20_000_000 or n >= 1 << 30) {
                n = @max(1000, n * run_ns / @max(ns, 1));
                break;
            }
            n *= 4;
        }
        var rates: [5]u64 = undefined;
        for (rates[0..runs]) |*rate| {
            const ns = try loop(Case, &case, op, n, length);
            rate.* = n * std.time.ns_per_s / @max(ns, 1);
        }
        var sorted = rates;
        std.mem.sort(u64, sorted[0..runs], {}, std.sort.asc(u64));
        try out.print("{{\"codec\":\"sbe\",\"message\":\"{s}\",\"operation\":\"{s}\",\"runtime\":\"zig\"," ++
            "\"perSecond\":{d},\"runs\":[", .{ Case.M.name, switch (op) {
            .encode => "encode",
            .decode => "decode",
            .encode_decode => "encode+decode",
        }, sorted[runs / 2] });
        for (rates[0..runs], 0..) |rate, k| try out.print("{s}{d}", .{ if (k > 0) "," else "", rate });
        try out.print("],\"encodedBytes\":{d}}}\n", .{length});
        try out.flush();
    }
}

fn loop(comptime Case: type, case: *Case, comptime op: Operation, n: u64, length: usize) !u64 {
    var timer = try std.time.Timer.start();
    var sum: u64 = 0;
    for (0..n) |i| {
        switch (op) {
            .encode => sum +%= try case.encode(i),
            .decode => sum +%= try decodeAll(Case.M, buf[0..length]),
            .encode_decode => {
                const len = try case.encode(i);
                sum +%= try decodeAll(Case.M, buf[0..len]);
            },
        }
    }
    std.mem.doNotOptimizeAway(sum);
    return timer.read();
}

/// Checked decode, then every field, entry and var-data length folded into a sum.
fn decodeAll(comptime M: type, bytes: []const u8) !u64 {
    const d = try M.decode(bytes);
    return readBlock(M.Body, .{ .fields = M.spec.fields, .groups = M.spec.groups, .data = M.spec.data }, d);
}

fn readBlock(comptime C: type, comptime shape: sbe.codec.Shape, view: C.View) u64 {
    var sum: u64 = 0;
    inline for (shape.fields) |f| sum +%= fold(view.get(f.name));
    inline for (shape.groups) |g| {
        var it = view.group(g.name);
        while (it.next()) |entry| sum +%= readBlock(C.GroupOf(g.name), .{ .fields = g.fields, .groups = g.groups, .data = g.data }, entry);
    }
    inline for (shape.data) |d| sum +%= view.data(d.name).len;
    return sum;
}

fn fold(v: anytype) u64 {
    const T = @TypeOf(v);
    return switch (@typeInfo(T)) {
        .int => @truncate(@as(u128, @bitCast(@as(i128, v)))),
        .float => @as(std.meta.Int(.unsigned, @bitSizeOf(T)), @bitCast(v)),
        .optional => if (v) |x| fold(x) else 0,
        .@"enum" => @intFromEnum(v),
        .@"struct" => @bitCast(v.mantissa),
        .pointer => v.len +% (if (v.len > 0) v[0] else 0),
        else => @compileError("unexpected field type " ++ @typeName(T)),
    };
}

// ---- the messages ----

const NosCase = struct {
    const M = fix.NewOrderSingle;
    values: M.Values = undefined,

    fn init(self: *NosCase) void {
        self.values = .{
            .price = Price.fromFloat(4512.25),
            .stop_px = null,
            .transact_time = 1_700_000_000_000_000,
            .order_qty = 1,
            .min_qty = null,
            .security_id = 42,
            .side = .buy,
            .ord_type = .limit,
            .time_in_force = .day,
            .cust_order_handling_inst = null,
            .cl_ord_id = "ORD-000000000001",
            .account = "ACCT-7",
            .self_match_prevention_id = null,
        };
    }

    fn encode(self: *NosCase, i: usize) !usize {
        self.values.price = .{ .mantissa = 4_512_250_000_000 + @as(i64, @intCast(i & 7)) * 1_000_000_000 };
        self.values.transact_time = 1_700_000_000_000_000 + i;
        self.values.order_qty = @intCast(1 + (i & 63));
        return M.encode(&buf, self.values);
    }
};

const ErCase = struct {
    const M = fix.ExecutionReport;
    values: M.Values = undefined,

    fn init(self: *ErCase) void {
        self.values = .{
            .order_id = 900_000,
            .transact_time = 1_700_000_000_000_000,
            .price = Price.fromFloat(4512.25),
            .last_px = Price.fromFloat(4512.25),
            .fee = 0.25,
            .security_id = 42,
            .order_qty = 10,
            .last_qty = 1,
            .leaves_qty = 9,
            .cum_qty = 1,
            .exec_type = .trade,
            .ord_status = .partially_filled,
            .side = .sell,
            .liquidity_indicator = .added,
            .cl_ord_id = "ORD-000000000001",
            .exec_id = "EXEC-0000000001",
            .account = "ACCT-7",
        };
    }

    fn encode(self: *ErCase, i: usize) !usize {
        self.values.order_id = 900_000 + i;
        self.values.transact_time = 1_700_000_000_000_000 + i;
        self.values.last_qty = @intCast(1 + (i & 7));
        return M.encode(&buf, self.values);
    }
};

const MdCase = struct {
    const M = fix.MarketDataIncrementalRefresh;
    const Entry = fix.MDIncrementalEntry;
    entries: [4]Entry = undefined,

    fn init(self: *MdCase) void {
        for (&self.entries, 0..) |*e, k| e.* = .{
            .md_entry_px = .{ .mantissa = 4_512_250_000_000 + @as(i64, @intCast(k)) * 250_000_000 },
            .md_entry_size = @intCast(10 + k),
            .security_id = 42,
            .rpt_seq = @intCast(k),
            .number_of_orders = 3,
            .md_price_level = @intCast(k + 1),
            .md_update_action = .change,
            .md_entry_type = if (k < 2) .bid else .offer,
            .tick_direction = null,
        };
    }

    fn encode(self: *MdCase, i: usize) !usize {
        for (&self.entries, 0..) |*e, k| e.rpt_seq = @truncate(i + k);
        return M.encode(&buf, .{ .transact_time = 1_700_000_000_000_000 + i, .match_event_indicator = 0x80, .entries = &self.entries });
    }
};

const MqCase = struct {
    const M = fix.MassQuote;
    const Set = M.Body.GroupOf("quote_sets");
    const Quote = Set.GroupOf("quote_entries").Values;
    quotes: [2][5]Quote = undefined,
    sets: [2]Set.Values = undefined,

    fn init(self: *MqCase) void {
        for (&self.quotes, &self.sets, 0..) |*quotes, *set, s| {
            for (quotes, 0..) |*q, k| q.* = .{
                .security_id = @intCast(100 + k),
                .quote_entry_id = @intCast(k),
                .bid_px = .{ .mantissa = 1_250_000_000 + @as(i64, @intCast(k)) * 50_000_000 },
                .offer_px = .{ .mantissa = 1_300_000_000 + @as(i64, @intCast(k)) * 50_000_000 },
                .bid_size = 10,
                .offer_size = 10,
                .bid_volatility = null,
            };
            set.* = .{ .quote_set_id = @intCast(s), .underlying_security_id = 7, .tot_no_quote_entries = 5, .quote_entries = quotes };
        }
    }

    fn encode(self: *MqCase, i: usize) !usize {
        return M.encode(&buf, .{
            .transact_time = 1_700_000_000_000_000 + i,
            .quote_id = "QUOTE-0000000001",
            .account = "MM-1",
            .mm_protection_reset = .false,
            .quote_sets = &self.sets,
        });
    }
};
