//! The wire codec: fixed-layout messages declared once as a plain Zig struct (docs/codecs.md).
//!
//! `Message(Value, .{ .name = "TickMessage", .type_id = 10 })` lays the fields of `Value` out
//! in declaration order, little-endian, with no padding between fields (so a u64 may sit at
//! any byte offset), then pads the end with zeros to a multiple of 8. The layout is an
//! `extern struct` whose fields are all `align(1)` (`Wire`), so a view is a pointer cast and a
//! field read is one unaligned load.
//!
//!   Value field type     wire type           checked decode rejects
//!   -------------------  ------------------  ----------------------------
//!   u8 i8 ... u64 i64    the same            -
//!   f32 f64              the same (IEEE)     -
//!   bool                 u8 (0 or 1)         any other byte (InvalidEnumValue)
//!   enum(uN / iN)        its tag integer     a value that is not a tag (InvalidEnumValue)
//!   [N]u8                N bytes             -
//!
//! Anything else (pointers, slices, optionals, nested structs, floats of odd sizes, enums
//! without an explicit integer tag) is a compile error, and so is a message of more than
//! `message_length_max` bytes.
//!
//! Trust: `view` and `decodeTrusted` are for bytes this process (or a trusted peer) wrote with
//! `encode`: a bad enum byte there is illegal behaviour (a panic in safe builds). Bytes from
//! anywhere else go through `decode`, `viewChecked` or `decodeBatch`, which return
//! `error.Truncated` for a short buffer and `error.InvalidEnumValue` for a bad enum or bool
//! byte, and never read outside the buffer.

const std = @import("std");
const builtin = @import("builtin");
const Error = @import("../status.zig").Error;
const assert = std.debug.assert;

/// Largest message the codec lays out (it must fit in an IPC frame of the smallest term).
pub const message_length_max = 2048;
/// Every message's length is a multiple of this (IPC frames are 8-aligned too).
pub const message_alignment = 8;

comptime {
    // The wire is little-endian; the views read it in native order.
    assert(builtin.cpu.arch.endian() == .little);
    assert(message_length_max % message_alignment == 0);
}

pub const Options = struct {
    /// The message's name in docs, tests and benchmarks, e.g. "TickMessage".
    name: []const u8,
    /// The msg_type_id of its IPC frames (Publisher / Subscriber).
    type_id: i32,
    /// Total encoded length, to reserve zeroed room after the fields (a multiple of 8, at
    /// least the fields' length). Default: the fields' length rounded up to 8.
    wire_length: ?usize = null,
};

/// The wire type of a field, or a compile error naming the field.
fn WireType(comptime field: std.builtin.Type.StructField) type {
    const T = field.type;
    switch (@typeInfo(T)) {
        .int => |int| {
            if (int.bits != 8 and int.bits != 16 and int.bits != 32 and int.bits != 64) {
                @compileError("field '" ++ field.name ++ "': integers must be 8, 16, 32 or 64 bits");
            }
            return T;
        },
        .float => |float| {
            if (float.bits != 32 and float.bits != 64) {
                @compileError("field '" ++ field.name ++ "': floats must be f32 or f64");
            }
            return T;
        },
        .bool => return u8,
        .@"enum" => |info| {
            if (!info.is_exhaustive) {
                @compileError("field '" ++ field.name ++ "': enums must be exhaustive");
            }
            const tag = @typeInfo(info.tag_type).int;
            if (tag.bits != 8 and tag.bits != 16 and tag.bits != 32) {
                @compileError("field '" ++ field.name ++ "': give the enum an explicit u8/u16/u32 tag");
            }
            return info.tag_type;
        },
        .array => |array| {
            if (array.child != u8 or array.sentinel_ptr != null) {
                @compileError("field '" ++ field.name ++ "': only [N]u8 arrays are allowed");
            }
            return T;
        },
        else => @compileError("field '" ++ field.name ++ "' of type " ++ @typeName(T) ++
            ": a wire message holds only integers, floats, bools, enums and [N]u8 (no pointers)"),
    }
}

/// The `extern struct` of `Value`'s fields, all align(1), then zero padding to a multiple of 8.
fn WireStruct(comptime Value: type, comptime wire_length: ?usize) type {
    const value_fields = @typeInfo(Value).@"struct".fields;
    var length: usize = 0;
    for (value_fields) |field| length += @sizeOf(WireType(field));
    const total = wire_length orelse std.mem.alignForward(usize, length, message_alignment);
    if (total < length or total % message_alignment != 0) {
        @compileError(@typeName(Value) ++ ": wire_length must be a multiple of 8 that holds the fields");
    }
    const padding = total - length;
    const count = value_fields.len + @intFromBool(padding > 0);
    var fields: [count]std.builtin.Type.StructField = undefined;
    for (value_fields, 0..) |field, i| {
        fields[i] = .{
            .name = field.name,
            .type = WireType(field),
            .default_value_ptr = null,
            .is_comptime = false,
            .alignment = 1,
        };
    }
    if (padding > 0) {
        fields[count - 1] = .{
            .name = "_padding",
            .type = [padding]u8,
            .default_value_ptr = null,
            .is_comptime = false,
            .alignment = 1,
        };
    }
    return @Type(.{ .@"struct" = .{
        .layout = .@"extern",
        .fields = &fields,
        .decls = &.{},
        .is_tuple = false,
    } });
}

/// A message type: its wire layout and every way to encode and decode it.
pub fn Message(comptime Value_: type, comptime options: Options) type {
    if (@typeInfo(Value_) != .@"struct" or @typeInfo(Value_).@"struct".layout == .@"packed") {
        @compileError(@typeName(Value_) ++ ": declare a message as a plain struct of fields");
    }
    return struct {
        pub const Value = Value_;
        pub const Wire = WireStruct(Value_, options.wire_length);
        pub const Field = std.meta.FieldEnum(Value_);
        pub const name = options.name;
        pub const type_id = options.type_id;
        /// Encoded length in bytes: the fields, then zero padding to a multiple of 8.
        pub const wire_length = @sizeOf(Wire);
        const fields = @typeInfo(Value_).@"struct".fields;

        comptime {
            assert(@alignOf(Wire) == 1);
            assert(wire_length % message_alignment == 0);
            if (wire_length == 0) @compileError(name ++ ": a message needs at least one field");
            if (wire_length > message_length_max) @compileError(name ++ ": longer than message_length_max");
            // No padding between fields: each starts where the one before ends.
            var offset: usize = 0;
            for (fields) |field| {
                assert(@offsetOf(Wire, field.name) == offset);
                offset += @sizeOf(@FieldType(Wire, field.name));
            }
        }

        /// Byte offset of `field` in the message.
        pub fn offsetOf(comptime field: Field) usize {
            return @offsetOf(Wire, @tagName(field));
        }

        /// Writes `value` into `out[0..wire_length]`; BufferTooSmall if `out` is shorter.
        pub fn encode(value: *const Value, out: []u8) Error!void {
            if (out.len < wire_length) return error.BufferTooSmall;
            encodeInto(value, out[0..wire_length]);
        }

        /// Writes `value` into exactly `wire_length` bytes (padding zeroed).
        pub fn encodeInto(value: *const Value, out: *[wire_length]u8) void {
            const wire: *align(1) Wire = @ptrCast(out);
            inline for (fields) |field| {
                @field(wire, field.name) = toWire(field.type, @field(value, field.name));
            }
            if (@hasField(Wire, "_padding")) wire._padding = @splat(0);
        }

        /// Encodes `values` back to back into `out`; returns the bytes written.
        /// BufferTooSmall (nothing written) if they do not all fit.
        pub fn encodeBatch(values: []const Value, out: []u8) Error!usize {
            const length = values.len * wire_length;
            if (out.len < length) return error.BufferTooSmall;
            for (values, 0..) |*value, i| encodeInto(value, out[i * wire_length ..][0..wire_length]);
            return length;
        }

        /// Checked decode of untrusted bytes: Truncated if shorter than the message,
        /// InvalidEnumValue for a bad enum or bool byte. Bytes past `wire_length` are ignored.
        pub fn decode(bytes: []const u8) Error!Value {
            const checked = try viewChecked(bytes);
            return checked.value();
        }

        /// Decodes bytes known to be valid (written by `encode`).
        pub fn decodeTrusted(bytes: *const [wire_length]u8) Value {
            return view(bytes).value();
        }

        /// Decodes `bytes`, a whole number of messages back to back, into `out`; returns
        /// the count. Truncated if `bytes` ends inside a message, BufferTooSmall if `out`
        /// cannot hold them all, InvalidEnumValue as `decode` (nothing is half-decoded:
        /// every message is checked before any is written to `out`).
        pub fn decodeBatch(bytes: []const u8, out: []Value) Error!usize {
            if (bytes.len % wire_length != 0) return error.Truncated;
            const count = bytes.len / wire_length;
            if (out.len < count) return error.BufferTooSmall;
            for (0..count) |i| try validate(@ptrCast(bytes[i * wire_length ..][0..wire_length]));
            for (out[0..count], 0..) |*value, i| {
                value.* = decodeTrusted(bytes[i * wire_length ..][0..wire_length]);
            }
            return count;
        }

        /// A zero-copy view of trusted bytes.
        pub fn view(bytes: *const [wire_length]u8) View {
            return .{ .wire = @ptrCast(bytes) };
        }

        /// A zero-copy view of untrusted bytes, after the checks of `decode`.
        pub fn viewChecked(bytes: []const u8) Error!View {
            if (bytes.len < wire_length) return error.Truncated;
            const wire: *align(1) const Wire = @ptrCast(bytes[0..wire_length]);
            try validate(wire);
            return .{ .wire = wire };
        }

        /// A zero-copy view that can also write fields in place (e.g. in a claimed frame).
        pub fn mutable(bytes: *[wire_length]u8) MutableView {
            return .{ .wire = @ptrCast(bytes) };
        }

        /// A checked mutable view (the checks of `decode`).
        pub fn mutableChecked(bytes: []u8) Error!MutableView {
            if (bytes.len < wire_length) return error.Truncated;
            const wire: *align(1) Wire = @ptrCast(bytes[0..wire_length]);
            try validate(wire);
            return .{ .wire = wire };
        }

        /// The field's type in `Value`.
        pub fn FieldType(comptime field: Field) type {
            return @FieldType(Value, @tagName(field));
        }

        pub const View = struct {
            wire: *align(1) const Wire,

            pub fn get(self: View, comptime field: Field) FieldType(field) {
                return fromWire(FieldType(field), @field(self.wire, @tagName(field)));
            }

            pub fn value(self: View) Value {
                var result: Value = undefined;
                inline for (fields) |f| {
                    @field(result, f.name) = fromWire(f.type, @field(self.wire, f.name));
                }
                return result;
            }

            pub fn bytes(self: View) *const [wire_length]u8 {
                return @ptrCast(self.wire);
            }
        };

        pub const MutableView = struct {
            wire: *align(1) Wire,

            pub fn get(self: MutableView, comptime field: Field) FieldType(field) {
                return fromWire(FieldType(field), @field(self.wire, @tagName(field)));
            }

            pub fn set(self: MutableView, comptime field: Field, v: FieldType(field)) void {
                @field(self.wire, @tagName(field)) = toWire(FieldType(field), v);
            }

            pub fn value(self: MutableView) Value {
                return (View{ .wire = self.wire }).value();
            }

            pub fn store(self: MutableView, v: *const Value) void {
                encodeInto(v, @ptrCast(self.wire));
            }
        };

        fn validate(wire: *align(1) const Wire) Error!void {
            inline for (fields) |field| {
                const raw = @field(wire, field.name);
                switch (@typeInfo(field.type)) {
                    .bool => if (raw > 1) return error.InvalidEnumValue,
                    .@"enum" => if (std.enums.fromInt(field.type, raw) == null) {
                        return error.InvalidEnumValue;
                    },
                    else => {},
                }
            }
        }
    };
}

fn toWire(comptime T: type, value: T) WireOf(T) {
    return switch (@typeInfo(T)) {
        .bool => @intFromBool(value),
        .@"enum" => @intFromEnum(value),
        else => value,
    };
}

fn fromWire(comptime T: type, raw: WireOf(T)) T {
    return switch (@typeInfo(T)) {
        .bool => raw != 0,
        .@"enum" => @enumFromInt(raw),
        else => raw,
    };
}

fn WireOf(comptime T: type) type {
    return switch (@typeInfo(T)) {
        .bool => u8,
        .@"enum" => |info| info.tag_type,
        else => T,
    };
}

const testing = std.testing;

test "fields are laid out in order without padding, and the end is padded to 8" {
    const Probe = Message(struct { a: u8, b: u64, c: u16, flag: bool }, .{ .name = "Probe", .type_id = 99 });
    try testing.expectEqual(0, Probe.offsetOf(.a));
    try testing.expectEqual(1, Probe.offsetOf(.b));
    try testing.expectEqual(9, Probe.offsetOf(.c));
    try testing.expectEqual(11, Probe.offsetOf(.flag));
    try testing.expectEqual(16, Probe.wire_length);
    var out: [16]u8 = @splat(0xAA);
    Probe.encodeInto(&.{ .a = 1, .b = 0x0102030405060708, .c = 0xBEEF, .flag = true }, &out);
    try testing.expectEqualSlices(u8, &.{ 1, 8, 7, 6, 5, 4, 3, 2, 1, 0xEF, 0xBE, 1, 0, 0, 0, 0 }, &out);
}

test "a bool byte other than 0 or 1 is InvalidEnumValue" {
    const Probe = Message(struct { flag: bool }, .{ .name = "Probe", .type_id = 99 });
    var bytes: [8]u8 = @splat(0);
    bytes[0] = 2;
    try testing.expectError(error.InvalidEnumValue, Probe.decode(&bytes));
    bytes[0] = 1;
    try testing.expect((try Probe.decode(&bytes)).flag);
}

test "floats and byte arrays round-trip" {
    const Probe = Message(struct { x: f64, y: f32, code: [4]u8 }, .{ .name = "Probe", .type_id = 99 });
    try testing.expectEqual(16, Probe.wire_length);
    var out: [16]u8 = undefined;
    const value: Probe.Value = .{ .x = -1.5, .y = std.math.inf(f32), .code = "ABCD".* };
    try Probe.encode(&value, &out);
    try testing.expectEqual(value, try Probe.decode(&out));
}
