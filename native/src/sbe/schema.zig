//! SBE schema declarations: the comptime vocabulary a message is declared in (primitive
//! types, char arrays, Decimal64, enums, repeating groups, variable-length data) and the
//! layout rules derived from it. docs/sbe.md is the spec; lib/sbe/schema.ts follows it.
//!
//! Message header (8 bytes, little-endian, before every message):
//!
//!   offset  size  field
//!        0     2  block_length   bytes of the root block (fixed-size fields)
//!        2     2  template_id    which message
//!        4     2  schema_id      which schema (1 for the FIX set)
//!        6     2  version        the schema version the sender encoded (acting version)
//!
//! After the header: the root block, then each repeating group in declaration order (a
//! 4-byte group header {block_length u16, num_in_group u16} then the entries, each entry a
//! block followed by its own nested groups and var data), then each var-data field
//! (a u16 or u32 length, then the bytes).
//!
//! Fields are laid out in declaration order without padding. A field added in a later
//! schema version (`since`) must come after every older field and must be optional, so a
//! block written by an older sender is a prefix of the current one.

const std = @import("std");

pub const header_length = 8;
pub const group_header_length = 4;

/// Largest var-data field with a u32 length prefix (u16 prefixes are capped by their type).
pub const var_data_u32_length_max = 1 << 30;
/// Largest count a group header can carry (numInGroup is a u16).
pub const group_count_max = std.math.maxInt(u16);

pub const Primitive = enum {
    char,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    float,
    double,

    pub fn Zig(comptime p: Primitive) type {
        return switch (p) {
            .char, .uint8 => u8,
            .int8 => i8,
            .int16 => i16,
            .int32 => i32,
            .int64 => i64,
            .uint16 => u16,
            .uint32 => u32,
            .uint64 => u64,
            .float => f32,
            .double => f64,
        };
    }

    pub fn size(comptime p: Primitive) comptime_int {
        return @sizeOf(p.Zig());
    }

    /// The SBE null value: 0 for char, the minimum for signed, the maximum for unsigned
    /// integers, NaN for float and double.
    pub fn nullValue(comptime p: Primitive) p.Zig() {
        const T = p.Zig();
        return switch (p) {
            .char => 0,
            .int8, .int16, .int32, .int64 => std.math.minInt(T),
            .uint8, .uint16, .uint32, .uint64 => std.math.maxInt(T),
            .float, .double => std.math.nan(T),
        };
    }

    pub fn isNull(comptime p: Primitive, value: p.Zig()) bool {
        return switch (p) {
            .float, .double => std.math.isNan(value),
            else => value == comptime p.nullValue(),
        };
    }
};

/// How an enum is carried on the wire: a uint8 (null 255) or a char (null 0).
pub const EnumEncoding = enum { uint8, char };

pub const Enumeration = struct {
    /// An exhaustive `enum(u8)`; its tag values are the wire values.
    E: type,
    encoding: EnumEncoding,
};

pub const Type = union(enum) {
    primitive: Primitive,
    /// A fixed-length char array: ASCII/Latin-1 bytes, NUL-padded; a full-length value has
    /// no NUL.
    chars: u16,
    /// A price: an int64 mantissa on the wire, scaled by 10^exponent; null is INT64_MIN.
    decimal64: i8,
    enumeration: Enumeration,

    pub fn size(comptime t: Type) comptime_int {
        return switch (t) {
            .primitive => |p| p.size(),
            .chars => |n| n,
            .decimal64 => 8,
            .enumeration => 1,
        };
    }
};

pub const Presence = enum { required, optional };

pub const Field = struct {
    name: [:0]const u8,
    type: Type,
    presence: Presence = .required,
    /// The schema version that added the field.
    since: u16 = 0,
};

pub const LengthEncoding = enum { uint16, uint32 };

pub const Data = struct {
    name: [:0]const u8,
    length: LengthEncoding = .uint16,
    since: u16 = 0,

    pub fn prefixLength(comptime d: Data) comptime_int {
        return if (d.length == .uint16) 2 else 4;
    }

    pub fn lengthMax(comptime d: Data) comptime_int {
        return if (d.length == .uint16) std.math.maxInt(u16) else var_data_u32_length_max;
    }
};

pub const Group = struct {
    name: [:0]const u8,
    fields: []const Field,
    groups: []const Group = &.{},
    data: []const Data = &.{},
    since: u16 = 0,
    /// Most entries a valid message carries; a larger num_in_group is InvalidGroup.
    count_max: u16 = group_count_max,
};

pub const Message = struct {
    name: [:0]const u8,
    template_id: u16,
    fields: []const Field,
    groups: []const Group = &.{},
    data: []const Data = &.{},
};

pub const SchemaId = struct {
    id: u16,
    version: u16,
};

// ---- field constructors, so a schema reads like the docs table ----

pub fn field(comptime name: [:0]const u8, comptime t: Type) Field {
    return .{ .name = name, .type = t };
}

pub fn optional(comptime name: [:0]const u8, comptime t: Type) Field {
    return .{ .name = name, .type = t, .presence = .optional };
}

pub fn optionalSince(comptime name: [:0]const u8, comptime t: Type, comptime since: u16) Field {
    return .{ .name = name, .type = t, .presence = .optional, .since = since };
}

pub const char: Type = .{ .primitive = .char };
pub const int8: Type = .{ .primitive = .int8 };
pub const int16: Type = .{ .primitive = .int16 };
pub const int32: Type = .{ .primitive = .int32 };
pub const int64: Type = .{ .primitive = .int64 };
pub const uint8: Type = .{ .primitive = .uint8 };
pub const uint16: Type = .{ .primitive = .uint16 };
pub const uint32: Type = .{ .primitive = .uint32 };
pub const uint64: Type = .{ .primitive = .uint64 };
pub const float: Type = .{ .primitive = .float };
pub const double: Type = .{ .primitive = .double };

pub fn chars(comptime length: u16) Type {
    return .{ .chars = length };
}

pub fn decimal64(comptime exponent: i8) Type {
    return .{ .decimal64 = exponent };
}

pub fn enumUint8(comptime E: type) Type {
    return .{ .enumeration = .{ .E = E, .encoding = .uint8 } };
}

pub fn enumChar(comptime E: type) Type {
    return .{ .enumeration = .{ .E = E, .encoding = .char } };
}

// ---- layout ----

pub fn fieldOffset(comptime fields: []const Field, comptime index: usize) comptime_int {
    var offset = 0;
    for (fields[0..index]) |f| offset += f.type.size();
    return offset;
}

pub fn fieldIndex(comptime fields: []const Field, comptime name: []const u8) comptime_int {
    for (fields, 0..) |f, i| if (std.mem.eql(u8, f.name, name)) return i;
    @compileError("no field named \"" ++ name ++ "\"");
}

/// Bytes of a block encoded at schema `version`: every field with since <= version.
pub fn blockLength(comptime fields: []const Field, comptime version: u16) comptime_int {
    var length = 0;
    for (fields) |f| {
        if (f.since <= version) length += f.type.size();
    }
    return length;
}

/// Block lengths for acting versions 0..version, so a runtime version can be looked up.
pub fn blockLengths(comptime fields: []const Field, comptime version: u16) [version + 1]u16 {
    var lengths: [version + 1]u16 = undefined;
    for (&lengths, 0..) |*l, v| l.* = blockLength(fields, v);
    return lengths;
}

/// Checks the rules of a block at compile time: later-version fields come last and are
/// optional, enums are exhaustive u8 enums whose values avoid their null value.
pub fn checkFields(comptime fields: []const Field, comptime version: u16) void {
    var since = 0;
    for (fields) |f| {
        if (f.since < since) @compileError(f.name ++ ": a newer field must come after older ones");
        if (f.since > version) @compileError(f.name ++ ": since is newer than the schema");
        if (f.since > 0 and f.presence != .optional) @compileError(f.name ++ ": a field added in a later version must be optional");
        since = f.since;
        switch (f.type) {
            .enumeration => |e| {
                const info = @typeInfo(e.E).@"enum";
                if (info.tag_type != u8 or !info.is_exhaustive) @compileError(f.name ++ ": enums are exhaustive enum(u8)");
                const null_byte: u8 = if (e.encoding == .uint8) 255 else 0;
                for (info.fields) |ef| if (ef.value == null_byte) @compileError(f.name ++ ": an enum value equals the null value");
            },
            .chars => |n| if (n == 0) @compileError(f.name ++ ": empty char array"),
            else => {},
        }
    }
}

/// A table of the valid wire bytes of an enum (its values; the null byte when optional).
pub fn enumValid(comptime e: Enumeration, comptime presence: Presence) [256]bool {
    var table = [_]bool{false} ** 256;
    for (@typeInfo(e.E).@"enum".fields) |ef| table[ef.value] = true;
    if (presence == .optional) table[if (e.encoding == .uint8) 255 else 0] = true;
    return table;
}

/// A decimal whose mantissa is on the wire and whose exponent is part of the schema.
pub fn Decimal64(comptime exponent_: i8) type {
    return struct {
        mantissa: i64,

        const Self = @This();
        pub const exponent = exponent_;
        /// SBE's null for int64, used as the null decimal.
        pub const null_mantissa = std.math.minInt(i64);
        pub const @"null": Self = .{ .mantissa = null_mantissa };

        pub fn isNull(self: Self) bool {
            return self.mantissa == null_mantissa;
        }

        /// The value as a double (NaN for null); exact when |mantissa| <= 2^53.
        pub fn toFloat(self: Self) f64 {
            if (self.isNull()) return std.math.nan(f64);
            const m: f64 = @floatFromInt(self.mantissa);
            return if (exponent < 0) m / scale else m * scale;
        }

        /// Rounds `value` to the nearest representable decimal (NaN gives null).
        pub fn fromFloat(value: f64) Self {
            if (std.math.isNan(value)) return Self.null;
            const m = if (exponent < 0) @round(value * scale) else @round(value / scale);
            const limit: f64 = @floatFromInt(std.math.maxInt(i64));
            if (!(m < limit and m > -limit)) return Self.null;
            return .{ .mantissa = @intFromFloat(m) };
        }

        const scale: f64 = std.math.pow(f64, 10, @floatFromInt(@abs(@as(i32, exponent_))));
    };
}

test "null values follow SBE" {
    try std.testing.expectEqual(@as(i8, -128), Primitive.int8.nullValue());
    try std.testing.expectEqual(@as(u16, 65535), Primitive.uint16.nullValue());
    try std.testing.expectEqual(@as(i64, std.math.minInt(i64)), Primitive.int64.nullValue());
    try std.testing.expect(Primitive.double.isNull(std.math.nan(f64)));
    try std.testing.expect(!Primitive.char.isNull('A'));
}

test "Decimal64 converts to and from floats at exponent -9" {
    const Price = Decimal64(-9);
    const p = Price.fromFloat(101.25);
    try std.testing.expectEqual(@as(i64, 101_250_000_000), p.mantissa);
    try std.testing.expectEqual(@as(f64, 101.25), p.toFloat());
    try std.testing.expect(Price.fromFloat(std.math.nan(f64)).isNull());
    try std.testing.expect(std.math.isNan(Price.null.toFloat()));
}
