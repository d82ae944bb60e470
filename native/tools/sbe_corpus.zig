//! The golden corpus of the SBE FIX set, for the cross-language test (tests/sbe_corpus.test.ts):
//!
//!   zigbolt-sbe-corpus write <frames> <json> [--seed N]
//!       encodes every case of every message (src/sbe/corpus.zig) into <frames> (each
//!       message as a u32 little-endian length then its bytes) and writes the values it
//!       encoded as JSON into <json>.
//!   zigbolt-sbe-corpus verify <frames> [--seed N]
//!       decodes the frames another encoder wrote for the same seed, and compares each with
//!       the values and with the bytes this program encodes; exit 1 on any difference.
//!   zigbolt-sbe-corpus hostile <file> [--seed N] [--count N]
//!       writes N mutated buffers (src/sbe/fuzz.zig) with the status `fix.decodeAny` gives
//!       each and, when it decodes, the encoded length: u32 length, i32 status, u32 end,
//!       then the bytes. TypeScript's decoders must give the same answers.
//!   zigbolt-sbe-corpus layout        every message's layout as JSON (lib/sbe's test compares)
//!   zigbolt-sbe-corpus layout-md     the same as the Markdown tables of docs/sbe.md

const std = @import("std");
const zigbolt = @import("zigbolt");
const sbe = zigbolt.sbe;
const corpus = sbe.corpus;
const fix = sbe.fix;

const frame_max = 1 << 20;

pub fn main() !void {
    var arena_state = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const args = try std.process.argsAlloc(arena);
    var stdout_buffer: [4096]u8 = undefined;
    var stdout = std.fs.File.stdout().writerStreaming(&stdout_buffer);
    const out = &stdout.interface;
    if (args.len < 2) return usage();
    var seed: u64 = 1;
    var hostile_count: usize = 100_000;
    var positional: [2][]const u8 = .{ "", "" };
    var n_positional: usize = 0;
    var i: usize = 2;
    while (i < args.len) : (i += 1) {
        if (std.mem.eql(u8, args[i], "--seed") and i + 1 < args.len) {
            seed = try std.fmt.parseInt(u64, args[i + 1], 10);
            i += 1;
        } else if (std.mem.eql(u8, args[i], "--count") and i + 1 < args.len) {
            hostile_count = try std.fmt.parseInt(usize, args[i + 1], 10);
            i += 1;
        } else if (n_positional < positional.len) {
            positional[n_positional] = args[i];
            n_positional += 1;
        } else return usage();
    }
    const command = args[1];
    if (std.mem.eql(u8, command, "write") and n_positional == 2) {
        try write(arena, seed, positional[0], positional[1]);
        try out.print("wrote {d} messages\n", .{fix.messages.len * corpus.cases_per_message});
    } else if (std.mem.eql(u8, command, "verify") and n_positional == 1) {
        const failures = try verify(arena, seed, positional[0]);
        if (failures > 0) {
            std.debug.print("zigbolt-sbe-corpus: {d} difference(s)\n", .{failures});
            std.process.exit(1);
        }
        try out.print("verified {d} messages\n", .{fix.messages.len * corpus.cases_per_message});
    } else if (std.mem.eql(u8, command, "hostile") and n_positional == 1) {
        try hostile(arena, seed, hostile_count, positional[0]);
        try out.print("wrote {d} hostile buffers\n", .{hostile_count});
    } else if (std.mem.eql(u8, command, "layout")) {
        try layoutJson(out);
    } else if (std.mem.eql(u8, command, "layout-md")) {
        try layoutMarkdown(out);
    } else return usage();
    try out.flush();
}

fn usage() void {
    std.debug.print("usage: zigbolt-sbe-corpus write <frames> <json> | verify <frames> | hostile <file> " ++
        "| layout | layout-md [--seed N] [--count N]\n", .{});
    std.process.exit(2);
}

fn write(arena: std.mem.Allocator, seed: u64, frames_path: []const u8, json_path: []const u8) !void {
    const frames_file = try std.fs.cwd().createFile(frames_path, .{});
    defer frames_file.close();
    const json_file = try std.fs.cwd().createFile(json_path, .{});
    defer json_file.close();
    var frames_buffer: [64 * 1024]u8 = undefined;
    var json_buffer: [64 * 1024]u8 = undefined;
    var frames_writer = frames_file.writer(&frames_buffer);
    var json_writer = json_file.writer(&json_buffer);
    const frames = &frames_writer.interface;
    const json = &json_writer.interface;
    const buf = try arena.alloc(u8, frame_max);
    try json.print("{{\"seed\":{d},\"messages\":[", .{seed});
    var first = true;
    inline for (fix.messages) |M| {
        for (0..corpus.cases_per_message) |case| {
            const v = try corpus.values(M, arena, seed, case);
            const len = try M.encode(buf, v);
            try frames.writeInt(u32, @intCast(len), .little);
            try frames.writeAll(buf[0..len]);
            if (!first) try json.writeByte(',');
            first = false;
            try json.print("\n{{\"message\":\"{s}\",\"case\":{d},\"values\":", .{ M.name, case });
            try corpus.writeJson(M.Body, corpus.shapeOf(M), v, json);
            try json.writeByte('}');
        }
    }
    try json.writeAll("\n]}\n");
    try frames.flush();
    try json.flush();
}

fn verify(arena: std.mem.Allocator, seed: u64, frames_path: []const u8) !usize {
    const data = try std.fs.cwd().readFileAlloc(arena, frames_path, 1 << 30);
    const own = try arena.alloc(u8, frame_max);
    var pos: usize = 0;
    var failures: usize = 0;
    inline for (fix.messages) |M| {
        for (0..corpus.cases_per_message) |case| {
            if (data.len - pos < 4) {
                std.debug.print("{s} case {d}: the file ends early\n", .{ M.name, case });
                return failures + 1;
            }
            const len = std.mem.readInt(u32, data[pos..][0..4], .little);
            pos += 4;
            if (data.len - pos < len) {
                std.debug.print("{s} case {d}: frame of {d} bytes past the end\n", .{ M.name, case, len });
                return failures + 1;
            }
            const frame = data[pos..][0..len];
            pos += len;
            const expected = try corpus.values(M, arena, seed, case);
            const own_len = try M.encode(own, expected);
            if (!std.mem.eql(u8, own[0..own_len], frame)) {
                std.debug.print("{s} case {d}: bytes differ from Zig's encoding ({d} vs {d} bytes)\n", .{ M.name, case, len, own_len });
                failures += 1;
            }
            if (M.decode(frame)) |d| {
                if (d.firstDifference(expected)) |name| {
                    std.debug.print("{s} case {d}: field {s} differs\n", .{ M.name, case, name });
                    failures += 1;
                } else if (d.end() != len) {
                    std.debug.print("{s} case {d}: decoded {d} of {d} bytes\n", .{ M.name, case, d.end(), len });
                    failures += 1;
                }
            } else |err| {
                std.debug.print("{s} case {d}: decode failed: {s}\n", .{ M.name, case, @errorName(err) });
                failures += 1;
            }
        }
    }
    if (pos != data.len) {
        std.debug.print("{d} bytes after the last frame\n", .{data.len - pos});
        failures += 1;
    }
    return failures;
}

fn hostile(arena: std.mem.Allocator, seed: u64, n: usize, path: []const u8) !void {
    const file = try std.fs.cwd().createFile(path, .{});
    defer file.close();
    var buffer: [64 * 1024]u8 = undefined;
    var file_writer = file.writer(&buffer);
    const w = &file_writer.interface;
    const pool = try sbe.fuzz.buildPool(arena, seed);
    var largest: usize = 0;
    for (pool) |m| largest = @max(largest, m.len);
    const scratch = try arena.alloc(u8, largest + 64 + 256);
    var prng = std.Random.DefaultPrng.init(seed);
    for (0..n) |_| {
        const len = sbe.fuzz.mutate(prng.random(), pool, scratch);
        const input = scratch[0..len];
        var status: i32 = 0;
        var end: u32 = 0;
        if (fix.decodeAny(input)) |any| {
            switch (any) {
                inline else => |d| end = @intCast(d.end()),
            }
        } else |err| status = @intFromEnum(zigbolt.Status.fromError(err));
        try w.writeInt(u32, @intCast(len), .little);
        try w.writeInt(i32, status, .little);
        try w.writeInt(u32, end, .little);
        try w.writeAll(input);
    }
    try w.flush();
}

// ---- layout ----

fn layoutJson(out: *std.Io.Writer) !void {
    try out.writeByte('{');
    inline for (fix.messages, 0..) |M, i| {
        if (i > 0) try out.writeByte(',');
        try out.print("\n\"{s}\":{{\"templateId\":{d},\"layout\":", .{ M.name, M.template_id });
        try blockJson(M.spec.fields, M.spec.groups, M.spec.data, out);
        try out.writeByte('}');
    }
    try out.writeAll("\n}\n");
}

fn blockJson(comptime fields: []const sbe.Field, comptime groups: []const sbe.Group, comptime data: []const sbe.Data, out: *std.Io.Writer) !void {
    try out.print("{{\"blockLength\":{d},\"fields\":[", .{sbe.schema.blockLength(fields, fix.schema_id.version)});
    inline for (fields, 0..) |f, i| {
        if (i > 0) try out.writeByte(',');
        try out.print("[\"{s}\",{d},{d},{d}]", .{ f.name, sbe.schema.fieldOffset(fields, i), f.type.size(), f.since });
    }
    try out.writeAll("],\"groups\":{");
    inline for (groups, 0..) |g, i| {
        if (i > 0) try out.writeByte(',');
        try out.print("\"{s}\":", .{g.name});
        try blockJson(g.fields, g.groups, g.data, out);
    }
    try out.writeAll("},\"data\":[");
    inline for (data, 0..) |d, i| {
        if (i > 0) try out.writeByte(',');
        try out.print("\"{s}\"", .{d.name});
    }
    try out.writeAll("]}");
}

fn layoutMarkdown(out: *std.Io.Writer) !void {
    inline for (fix.messages) |M| {
        try out.print("### {s} (template {d})\n\n", .{ M.name, M.template_id });
        try blockMarkdown(M.spec.fields, M.spec.groups, M.spec.data, "Root block", out);
    }
}

fn blockMarkdown(comptime fields: []const sbe.Field, comptime groups: []const sbe.Group, comptime data: []const sbe.Data, comptime title: []const u8, out: *std.Io.Writer) !void {
    try out.print("{s}, {d} bytes:\n\n| offset | size | field | type | presence |\n|---:|---:|---|---|---|\n", .{ title, sbe.schema.blockLength(fields, fix.schema_id.version) });
    inline for (fields, 0..) |f, i| {
        try out.print("| {d} | {d} | {s} | ", .{ sbe.schema.fieldOffset(fields, i), f.type.size(), f.name });
        switch (f.type) {
            .primitive => |p| try out.print("{s}", .{@tagName(p)}),
            .chars => |n| try out.print("char[{d}]", .{n}),
            .decimal64 => |e| try out.print("Decimal64 (exponent {d})", .{e}),
            .enumeration => |e| try out.print("{s} ({s})", .{ comptime shortName(@typeName(e.E)), @tagName(e.encoding) }),
        }
        try out.print(" | {s}{s} |\n", .{ @tagName(f.presence), if (f.since > 0) std.fmt.comptimePrint(", since version {d}", .{f.since}) else "" });
    }
    try out.writeByte('\n');
    inline for (groups) |g| {
        try blockMarkdown(g.fields, g.groups, g.data, std.fmt.comptimePrint("Group `{s}` (after the {s}; at most {d} entries), entry block", .{ g.name, if (std.mem.eql(u8, title, "Root block")) "root block" else "entry block", g.count_max }), out);
    }
    inline for (data) |d| {
        try out.print("Var data `{s}`: {s} length, then the bytes.\n\n", .{ d.name, @tagName(d.length) });
    }
}

fn shortName(comptime name: []const u8) []const u8 {
    const dot = std.mem.lastIndexOfScalar(u8, name, '.') orelse return name;
    return name[dot + 1 ..];
}
