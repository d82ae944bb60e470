//! Keeps zigbolt.h and src/c_api/exports.zig in step: the same functions with the same C
//! shapes, the same status codes, flags, roles and peer states.

const std = @import("std");
const exports = @import("exports");
const zigbolt = @import("zigbolt");
const c = @cImport(@cInclude("zigbolt.h"));

comptime {
    // The build cache does not see @cInclude'd files; embedding the header makes any edit
    // to it recompile this test.
    _ = @embedFile("zigbolt.h");
}

/// A parameter or result reduced to what the C ABI sees.
const Shape = union(enum) { void, int: struct { bits: u16, signed: bool }, float: u16, pointer, function };

fn shapeOf(comptime T: type) Shape {
    return switch (@typeInfo(T)) {
        .void => .void,
        .int => |int| .{ .int = .{ .bits = int.bits, .signed = int.signedness == .signed } },
        .float => |float| .{ .float = float.bits },
        .pointer => |pointer| if (@typeInfo(pointer.child) == .@"fn") .function else .pointer,
        .optional => |optional| shapeOf(optional.child),
        else => @compileError("unexpected type in the C ABI: " ++ @typeName(T)),
    };
}

fn expectSameFunction(comptime name: []const u8, comptime A: type, comptime B: type) !void {
    const a = @typeInfo(A).@"fn";
    const b = @typeInfo(B).@"fn";
    errdefer std.debug.print("zigbolt.h and exports.zig disagree on {s}\n", .{name});
    try std.testing.expectEqual(a.params.len, b.params.len);
    inline for (a.params, b.params) |pa, pb| {
        try std.testing.expectEqual(shapeOf(pa.type.?), shapeOf(pb.type.?));
        if (comptime shapeOf(pa.type.?) == .function) {
            try expectSameFunction(name ++ " (callback)", FnOf(pa.type.?), FnOf(pb.type.?));
        }
    }
    try std.testing.expectEqual(shapeOf(a.return_type.?), shapeOf(b.return_type.?));
}

fn FnOf(comptime T: type) type {
    return switch (@typeInfo(T)) {
        .optional => |o| FnOf(o.child),
        .pointer => |p| p.child,
        else => @compileError("not a function pointer: " ++ @typeName(T)),
    };
}

fn isExportName(comptime name: []const u8) bool {
    return std.mem.startsWith(u8, name, "zigbolt_");
}

test "every export is declared in zigbolt.h with the same C signature" {
    @setEvalBranchQuota(1_000_000);
    inline for (exports.parts) |part| {
        inline for (@typeInfo(part).@"struct".decls) |decl| {
            if (comptime !isExportName(decl.name)) continue;
            if (!@hasDecl(c, decl.name)) {
                std.debug.print("zigbolt.h lacks {s}\n", .{decl.name});
                return error.MissingFromHeader;
            }
            try expectSameFunction(decl.name, @TypeOf(@field(c, decl.name)), @TypeOf(@field(part, decl.name)));
        }
    }
}

test "every function in zigbolt.h is exported" {
    @setEvalBranchQuota(1_000_000);
    inline for (@typeInfo(c).@"struct".decls) |decl| {
        if (comptime !isExportName(decl.name)) continue;
        if (@typeInfo(@TypeOf(@field(c, decl.name))) != .@"fn") continue;
        if (!comptime exportedByAnyPart(decl.name)) {
            std.debug.print("exports.zig lacks {s}\n", .{decl.name});
            return error.MissingFromExports;
        }
    }
}

test "status codes, flags, roles and peer states agree" {
    inline for (std.meta.fields(zigbolt.Status)) |field| {
        const c_name = "ZIGBOLT_STATUS_" ++ comptime upper(field.name);
        try std.testing.expectEqual(field.value, @field(c, c_name));
    }
    try std.testing.expectEqual(exports.flag_pre_fault, c.ZIGBOLT_FLAG_PRE_FAULT);
    try std.testing.expectEqual(exports.flag_hugepages, c.ZIGBOLT_FLAG_HUGEPAGES);
    try std.testing.expectEqual(exports.flag_mlock, c.ZIGBOLT_FLAG_MLOCK);
    try std.testing.expectEqual(exports.flag_replace, c.ZIGBOLT_FLAG_REPLACE);
    try std.testing.expectEqual(exports.flag_keep_address, c.ZIGBOLT_FLAG_KEEP_ADDRESS);
    inline for (std.meta.fields(zigbolt.ipc.Role)) |field| {
        try std.testing.expectEqual(field.value, @field(c, "ZIGBOLT_ROLE_" ++ upper(field.name)));
    }
    inline for (std.meta.fields(zigbolt.ipc.PeerState)) |field| {
        try std.testing.expectEqual(field.value, @field(c, "ZIGBOLT_PEER_" ++ upper(field.name)));
    }
    inline for (std.meta.fields(zigbolt.counters.types.TypeId)) |field| {
        try std.testing.expectEqual(field.value, @field(c, "ZIGBOLT_COUNTER_TYPE_" ++ upper(field.name)));
    }
    const memory: zigbolt.ipc.MemoryFlags = .{ .pre_fault = true, .hugepages = true, .mlock = true };
    try std.testing.expectEqual(@as(u32, 7), @as(u32, @bitCast(memory)));
}

fn exportedByAnyPart(comptime name: []const u8) bool {
    inline for (exports.parts) |part| {
        if (@hasDecl(part, name)) return true;
    }
    return false;
}

fn upper(comptime name: []const u8) []const u8 {
    comptime {
        @setEvalBranchQuota(10_000);
        var out: [name.len]u8 = undefined;
        for (name, 0..) |ch, i| out[i] = std.ascii.toUpper(ch);
        const result = out;
        return &result;
    }
}
