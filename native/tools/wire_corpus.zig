//! Golden vectors for the wire codec and the Aeron flyweights, both ways
//! (tests/wire_golden.test.ts; the same corpus is defined in tests/_wire_corpus.ts):
//!
//!   zigbolt-wire-corpus write <file>   encode the corpus with the Zig codecs
//!   zigbolt-wire-corpus check <file>   decode a corpus (written by TypeScript) with the Zig
//!                                      codecs, compare field by field and byte by byte
//!
//! Prints one JSON line {"records": N}; a difference exits 1 naming schema, case and field.
//!
//! The corpus: for each schema s (0 TickMessage, 1 OrderMessage, 2 Quote, 3 DATA, 4 SM,
//! 5 NAK, 6 SETUP, 7 RTTM, 8 ERR) and case c in 0..32, field j (in declaration order) holds
//!   c = 0: zero (an enum's first value, false)
//!   c = 1: the type's minimum (floats: -max; enums: first value; bools: false)
//!   c = 2: the type's maximum (floats: +max; enums: last value; bools: true)
//!   c > 2: from r = splitmix64((s << 32) | (c << 16) | j): integers are r truncated to their
//!          width (two's complement), f64 = i32(r) / 1024, f32 = i16(r) / 8, bool = r & 1,
//!          enum = values[r % count]
//! Aeron frames then get frame_length = their header length (ERR: plus the message),
//! type = their frame type; an ERR frame carries "golden error frame <c>" and its length.
//!
//! File: "ZBWC" then u32 version 1, u32 record count; each record u16 schema, u16 case,
//! u32 length, then the encoded bytes. Little-endian.

const std = @import("std");
const zigbolt = @import("zigbolt");
const wire = zigbolt.wire;
const messages = zigbolt.messages;
const protocol = zigbolt.aeron.protocol;

pub const case_count = 32;
const file_magic = "ZBWC";
const file_version: u32 = 1;

/// The user-declared message of the corpus: one field of every kind the codec supports.
pub const Venue = enum(u16) { lse = 1, xetra = 7, cme = 300 };
pub const Quote = wire.Message(struct {
    a: u8,
    b: i8,
    c: u16,
    d: i16,
    e: u32,
    f: i32,
    g: u64,
    h: i64,
    i: f32,
    j: f64,
    live: bool,
    venue: Venue,
}, .{ .name = "Quote", .type_id = 77 });

comptime {
    std.debug.assert(Quote.wire_length == 48);
    std.debug.assert(Quote.offsetOf(.g) == 14);
    std.debug.assert(Quote.offsetOf(.venue) == 43);
}

const Schema = union(enum) { wire: type, aeron: type };
const schemas = [_]Schema{
    .{ .wire = messages.TickMessage },
    .{ .wire = messages.OrderMessage },
    .{ .wire = Quote },
    .{ .aeron = protocol.DataHeader },
    .{ .aeron = protocol.StatusMessage },
    .{ .aeron = protocol.Nak },
    .{ .aeron = protocol.Setup },
    .{ .aeron = protocol.RttMeasurement },
    .{ .aeron = protocol.ErrorHeader },
};

fn splitmix64(x: u64) u64 {
    var z = x +% 0x9E3779B97F4A7C15;
    z = (z ^ (z >> 30)) *% 0xBF58476D1CE4E5B9;
    z = (z ^ (z >> 27)) *% 0x94D049BB133111EB;
    return z ^ (z >> 31);
}

/// Field j of case c of schema s (see the top of the file).
fn valueOf(comptime T: type, s: u16, c: u16, j: u16) T {
    const r = splitmix64(@as(u64, s) << 32 | @as(u64, c) << 16 | j);
    switch (@typeInfo(T)) {
        .int => |int| return switch (c) {
            0 => 0,
            1 => std.math.minInt(T),
            2 => std.math.maxInt(T),
            else => @bitCast(@as(std.meta.Int(.unsigned, int.bits), @truncate(r))),
        },
        .float => return switch (c) {
            0 => 0,
            1 => -std.math.floatMax(T),
            2 => std.math.floatMax(T),
            else => if (T == f64)
                @as(f64, @floatFromInt(@as(i32, @bitCast(@as(u32, @truncate(r)))))) / 1024
            else
                @as(f32, @floatFromInt(@as(i16, @bitCast(@as(u16, @truncate(r)))))) / 8,
        },
        .bool => return switch (c) {
            0, 1 => false,
            2 => true,
            else => r & 1 == 1,
        },
        .@"enum" => {
            const values = std.enums.values(T);
            return switch (c) {
                0, 1 => values[0],
                2 => values[values.len - 1],
                else => values[@intCast(r % values.len)],
            };
        },
        else => @compileError("no corpus values for " ++ @typeName(T)),
    }
}

fn expectedValue(comptime T: type, s: u16, c: u16) T {
    var value: T = undefined;
    inline for (@typeInfo(T).@"struct".fields, 0..) |field, j| {
        @field(value, field.name) = valueOf(field.type, s, c, j);
    }
    return value;
}

fn errorMessageOf(buffer: []u8, c: u16) []const u8 {
    return std.fmt.bufPrint(buffer, "golden error frame {d}", .{c}) catch unreachable;
}

fn expectedFrame(comptime T: type, s: u16, c: u16, message_length: usize) T {
    var frame = expectedValue(T, s, c);
    frame.frame_length = @intCast(T.header_length + message_length);
    frame.frame_type = T.frame_type_default;
    if (T == protocol.ErrorHeader) frame.error_string_length = @intCast(message_length);
    return frame;
}

/// Encodes case c of schema `schema_index` into `out`; returns its length.
fn encodeCase(comptime schema_index: usize, c: u16, out: []u8) usize {
    const s: u16 = schema_index;
    switch (schemas[schema_index]) {
        .wire => |M| {
            const value = expectedValue(M.Value, s, c);
            M.encodeInto(&value, out[0..M.wire_length]);
            return M.wire_length;
        },
        .aeron => |T| {
            var text: [64]u8 = undefined;
            const message = if (T == protocol.ErrorHeader) errorMessageOf(&text, c) else "";
            const frame = expectedFrame(T, s, c, message.len);
            @memcpy(out[0..T.header_length], std.mem.asBytes(&frame));
            @memcpy(out[T.header_length..][0..message.len], message);
            return T.header_length + message.len;
        },
    }
}

const Mismatch = error{Mismatch};

fn fail(s: u16, c: u16, what: []const u8) Mismatch {
    std.debug.print("zigbolt-wire-corpus: schema {d} case {d}: {s} differs\n", .{ s, c, what });
    return error.Mismatch;
}

fn same(comptime T: type, a: T, b: T) bool {
    return switch (@typeInfo(T)) {
        .float => std.mem.eql(u8, std.mem.asBytes(&a), std.mem.asBytes(&b)),
        else => a == b,
    };
}

/// Decodes one record with the Zig codecs and compares it, field by field, to the case.
fn checkCase(comptime schema_index: usize, c: u16, bytes: []const u8) !void {
    const s: u16 = schema_index;
    switch (schemas[schema_index]) {
        .wire => |M| {
            const expected = expectedValue(M.Value, s, c);
            const decoded = M.decode(bytes) catch |err| return fail(s, c, @errorName(err));
            if (bytes.len != M.wire_length) return fail(s, c, "length");
            inline for (@typeInfo(M.Value).@"struct".fields) |field| {
                const T = field.type;
                if (!same(T, @field(decoded, field.name), @field(expected, field.name))) return fail(s, c, field.name);
                // The zero-copy view agrees with the copy.
                const view = try M.viewChecked(bytes);
                if (!same(T, view.get(@field(M.Field, field.name)), @field(expected, field.name))) {
                    return fail(s, c, field.name);
                }
            }
        },
        .aeron => |T| {
            var text: [64]u8 = undefined;
            const message = if (T == protocol.ErrorHeader) errorMessageOf(&text, c) else "";
            const expected = expectedFrame(T, s, c, message.len);
            const frame_type = protocol.checkFrame(bytes) catch |err| return fail(s, c, @errorName(err));
            if (frame_type != T.frame_type_default) return fail(s, c, "frame type");
            const frame = try protocol.wrapConst(T, bytes);
            inline for (@typeInfo(T).@"struct".fields) |field| {
                if (@field(frame, field.name) != @field(expected, field.name)) return fail(s, c, field.name);
            }
            if (T == protocol.ErrorHeader) {
                const got = protocol.errorMessage(bytes) catch |err| return fail(s, c, @errorName(err));
                if (!std.mem.eql(u8, got, message)) return fail(s, c, "error message");
            }
            if (bytes.len != T.header_length + message.len) return fail(s, c, "length");
        },
    }
    // And the bytes are exactly what the Zig encoder writes.
    var own: [2048]u8 = undefined;
    const length = encodeCase(schema_index, c, &own);
    if (!std.mem.eql(u8, own[0..length], bytes)) return fail(s, c, "encoded bytes");
}

fn write(allocator: std.mem.Allocator, path: []const u8) !usize {
    var out: std.ArrayList(u8) = .empty;
    defer out.deinit(allocator);
    const count: u32 = schemas.len * case_count;
    try out.appendSlice(allocator, file_magic);
    try appendInt(allocator, &out, u32, file_version);
    try appendInt(allocator, &out, u32, count);
    inline for (0..schemas.len) |schema_index| {
        for (0..case_count) |c| {
            var bytes: [2048]u8 = undefined;
            const length = encodeCase(schema_index, @intCast(c), &bytes);
            try appendInt(allocator, &out, u16, schema_index);
            try appendInt(allocator, &out, u16, @intCast(c));
            try appendInt(allocator, &out, u32, @intCast(length));
            try out.appendSlice(allocator, bytes[0..length]);
        }
    }
    try std.fs.cwd().writeFile(.{ .sub_path = path, .data = out.items });
    return count;
}

fn appendInt(allocator: std.mem.Allocator, out: *std.ArrayList(u8), comptime T: type, value: T) !void {
    var bytes: [@sizeOf(T)]u8 = undefined;
    std.mem.writeInt(T, &bytes, value, .little);
    try out.appendSlice(allocator, &bytes);
}

fn check(allocator: std.mem.Allocator, path: []const u8) !usize {
    const data = try std.fs.cwd().readFileAlloc(allocator, path, 16 << 20);
    defer allocator.free(data);
    if (data.len < 12 or !std.mem.eql(u8, data[0..4], file_magic)) return error.NotACorpus;
    if (std.mem.readInt(u32, data[4..8], .little) != file_version) return error.NotACorpus;
    const count = std.mem.readInt(u32, data[8..12], .little);
    if (count != schemas.len * case_count) return error.WrongRecordCount;
    var seen = [_][case_count]bool{[_]bool{false} ** case_count} ** schemas.len;
    var at: usize = 12;
    for (0..count) |_| {
        if (data.len - at < 8) return error.Truncated;
        const s = std.mem.readInt(u16, data[at..][0..2], .little);
        const c = std.mem.readInt(u16, data[at + 2 ..][0..2], .little);
        const length = std.mem.readInt(u32, data[at + 4 ..][0..4], .little);
        at += 8;
        if (data.len - at < length or s >= schemas.len or c >= case_count) return error.Truncated;
        const bytes = data[at..][0..length];
        at += length;
        inline for (0..schemas.len) |schema_index| {
            if (s == schema_index) try checkCase(schema_index, c, bytes);
        }
        seen[s][c] = true;
    }
    if (at != data.len) return error.TrailingBytes;
    for (seen) |cases| for (cases) |was| if (!was) return error.MissingRecord;
    return count;
}

pub fn main() !void {
    var gpa: std.heap.GeneralPurposeAllocator(.{}) = .init;
    defer _ = gpa.deinit();
    const allocator = gpa.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    if (args.len != 3) {
        std.debug.print("usage: zigbolt-wire-corpus write|check <file>\n", .{});
        std.process.exit(2);
    }
    const records = if (std.mem.eql(u8, args[1], "write"))
        try write(allocator, args[2])
    else if (std.mem.eql(u8, args[1], "check"))
        check(allocator, args[2]) catch |err| {
            std.debug.print("zigbolt-wire-corpus: {s}\n", .{@errorName(err)});
            std.process.exit(1);
        }
    else {
        std.debug.print("usage: zigbolt-wire-corpus write|check <file>\n", .{});
        std.process.exit(2);
    };
    var buffer: [128]u8 = undefined;
    var writer = std.fs.File.stdout().writerStreaming(&buffer);
    try writer.interface.print("{{\"records\":{d}}}\n", .{records});
    try writer.interface.flush();
}
