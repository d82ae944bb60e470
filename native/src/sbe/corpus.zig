//! The golden corpus of the FIX set: for every message, an all-minimum case (min integers,
//! every optional null, empty strings, groups and data), an all-maximum case (max integers,
//! full-length strings, full groups, long var data) and seeded random cases. The same seed
//! always gives the same values, so `zigbolt-sbe-corpus` can write them (bytes and JSON)
//! and later re-create them to check what TypeScript encoded. Also writes any value of a
//! schema as JSON (64-bit integers and mantissas as decimal strings, var data as hex, enums
//! as their wire byte) for lib/sbe's test to compare against.

const std = @import("std");
const schema = @import("schema.zig");
const codec = @import("codec.zig");
const fix = @import("fix.zig");

pub const Mode = enum { min, max, random };

/// Random cases per message after the min and max ones.
pub const random_cases = 6;
pub const cases_per_message = 2 + random_cases;

pub const Gen = struct {
    arena: std.mem.Allocator,
    random: std.Random,
    mode: Mode,

    fn chance(self: *Gen, percent: u8) bool {
        return self.random.uintLessThan(u8, 100) < percent;
    }

    fn count(self: *Gen, max: u16) usize {
        return switch (self.mode) {
            .min => 0,
            .max => max,
            .random => self.random.uintAtMost(usize, @min(max, 5)),
        };
    }

    fn text(self: *Gen, max: usize) ![]const u8 {
        const len = switch (self.mode) {
            .min => 0,
            .max => max,
            .random => self.random.uintAtMost(usize, max),
        };
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/ ";
        const out = try self.arena.alloc(u8, len);
        for (out) |*c| c.* = alphabet[self.random.uintLessThan(usize, alphabet.len)];
        return out;
    }

    fn bytes(self: *Gen, comptime d: schema.Data) ![]const u8 {
        const len: usize = switch (self.mode) {
            .min => 0,
            // A u32 length longer than a u16 could carry.
            .max => if (d.length == .uint16) std.math.maxInt(u16) else 70_000,
            .random => self.random.uintAtMost(usize, 48),
        };
        const out = try self.arena.alloc(u8, len);
        self.random.bytes(out);
        return out;
    }

    fn int(self: *Gen, comptime T: type, comptime optional: bool) T {
        const null_value = if (@typeInfo(T).int.signedness == .signed) std.math.minInt(T) else std.math.maxInt(T);
        const v: T = switch (self.mode) {
            .min => std.math.minInt(T),
            .max => std.math.maxInt(T),
            .random => self.random.int(T),
        };
        // An optional field cannot carry its null value as a value: step off it.
        if (optional and v == null_value) return if (null_value == std.math.minInt(T)) v + 1 else v - 1;
        return v;
    }

    fn field(self: *Gen, comptime f: schema.Field) !codec.FieldValue(f) {
        const optional = f.presence == .optional;
        if (optional and f.type != .chars and (self.mode == .min or (self.mode == .random and self.chance(25)))) {
            return null;
        }
        switch (f.type) {
            .primitive => |p| switch (p) {
                .char => return if (self.mode == .random) 'A' + self.random.uintLessThan(u8, 26) else if (self.mode == .max) '~' else '!',
                .float => return if (self.mode == .max) std.math.floatMax(f32) else @as(f32, @floatFromInt(self.random.int(i16))) / 64.0,
                .double => return if (self.mode == .max) std.math.floatMax(f64) else @as(f64, @floatFromInt(self.random.int(i32))) / 1024.0,
                else => return self.int(p.Zig(), optional),
            },
            .chars => |n| return self.text(n),
            .decimal64 => |e| return schema.Decimal64(e){ .mantissa = self.int(i64, true) },
            .enumeration => |e| {
                const tags = comptime std.enums.values(e.E);
                return switch (self.mode) {
                    .min => tags[0],
                    .max => tags[tags.len - 1],
                    .random => tags[self.random.uintLessThan(usize, tags.len)],
                };
            },
        }
    }

    /// Values of a whole block (`C` is its codec.Composite) with groups and data.
    pub fn block(self: *Gen, comptime C: type, comptime shape: codec.Shape) !C.Values {
        var v: C.Values = undefined;
        inline for (shape.fields) |f| @field(v, f.name) = try self.field(f);
        inline for (shape.groups) |g| {
            const G = C.GroupOf(g.name);
            const entries = try self.arena.alloc(G.Values, self.count(g.count_max));
            for (entries) |*e| e.* = try self.block(G, .{ .fields = g.fields, .groups = g.groups, .data = g.data });
            @field(v, g.name) = entries;
        }
        inline for (shape.data) |d| @field(v, d.name) = try self.bytes(d);
        return v;
    }
};

pub fn shapeOf(comptime M: type) codec.Shape {
    return .{ .fields = M.spec.fields, .groups = M.spec.groups, .data = M.spec.data };
}

/// Case `case` of message type `M` (0: min, 1: max, then random), the same for a given seed.
pub fn values(comptime M: type, arena: std.mem.Allocator, seed: u64, case: usize) !M.Values {
    var prng = std.Random.DefaultPrng.init(seed ^ (@as(u64, M.template_id) << 32) ^ case);
    var gen = Gen{
        .arena = arena,
        .random = prng.random(),
        .mode = if (case == 0) .min else if (case == 1) .max else .random,
    };
    return gen.block(M.Body, shapeOf(M));
}

// ---- JSON ----

pub fn writeJson(comptime C: type, comptime shape: codec.Shape, v: C.Values, w: *std.Io.Writer) !void {
    try w.writeByte('{');
    var first = true;
    inline for (shape.fields) |f| {
        try key(w, f.name, &first);
        try fieldJson(f, @field(v, f.name), w);
    }
    inline for (shape.groups) |g| {
        try key(w, g.name, &first);
        try w.writeByte('[');
        for (@field(v, g.name), 0..) |entry, i| {
            if (i > 0) try w.writeByte(',');
            try writeJson(C.GroupOf(g.name), .{ .fields = g.fields, .groups = g.groups, .data = g.data }, entry, w);
        }
        try w.writeByte(']');
    }
    inline for (shape.data) |d| {
        try key(w, d.name, &first);
        try w.print("\"{x}\"", .{@field(v, d.name)});
    }
    try w.writeByte('}');
}

fn key(w: *std.Io.Writer, name: []const u8, first: *bool) !void {
    if (!first.*) try w.writeByte(',');
    first.* = false;
    try w.print("\"{s}\":", .{name});
}

fn fieldJson(comptime f: schema.Field, value: codec.FieldValue(f), w: *std.Io.Writer) !void {
    if (f.type == .chars) return stringJson(value, w);
    if (f.presence == .optional) {
        if (value) |v| return plainJson(f, v, w);
        return w.writeAll("null");
    }
    return plainJson(f, value, w);
}

fn plainJson(comptime f: schema.Field, v: anytype, w: *std.Io.Writer) !void {
    switch (f.type) {
        .primitive => |p| switch (p) {
            .char => try stringJson(&.{v}, w),
            .int64, .uint64 => try w.print("\"{d}\"", .{v}),
            .float => try w.print("{e}", .{@as(f64, v)}),
            .double => try w.print("{e}", .{v}),
            else => try w.print("{d}", .{v}),
        },
        .decimal64 => try w.print("\"{d}\"", .{v.mantissa}),
        .enumeration => try w.print("{d}", .{@intFromEnum(v)}),
        .chars => unreachable,
    }
}

fn stringJson(s: []const u8, w: *std.Io.Writer) !void {
    try w.writeByte('"');
    for (s) |c| {
        if (c == '"' or c == '\\') try w.writeByte('\\');
        if (c < 0x20 or c >= 0x7f) {
            try w.print("\\u{x:0>4}", .{c});
        } else {
            try w.writeByte(c);
        }
    }
    try w.writeByte('"');
}

test "the corpus is deterministic and round-trips" {
    var arena_state = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const buf = try arena.alloc(u8, 1 << 20);
    inline for (fix.messages) |M| {
        for (0..cases_per_message) |case| {
            const a = try values(M, arena, 42, case);
            const b = try values(M, arena, 42, case);
            const len = try M.encode(buf, a);
            const copy = try arena.dupe(u8, buf[0..len]);
            try std.testing.expectEqual(len, try M.encode(buf, b));
            try std.testing.expectEqualSlices(u8, copy, buf[0..len]);
            const d = try M.decode(copy);
            try std.testing.expectEqual(@as(?[]const u8, null), d.firstDifference(a));
            try std.testing.expectEqual(len, d.end());
        }
    }
}
