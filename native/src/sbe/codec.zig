//! Encoders and decoders generated at compile time from a schema.Message: `encode` writes a
//! `Values` struct into a caller's buffer (no allocation); `decode` validates untrusted
//! bytes once and returns a `Decoder`, a zero-copy view whose accessors read the buffer.
//!
//! What a successful `decode` guarantees (docs/sbe.md, "Checked decode"):
//!   - the header's schema id and template id are the message's (else UnknownTemplate);
//!   - the root block, every group header, every entry and every var-data field lies inside
//!     the buffer (else Truncated), every block is at least as long as the acting version
//!     requires and no group holds more than its count_max entries (else InvalidGroup);
//!   - every enum byte, in the root and in every entry of every (nested) group, is one of
//!     the enum's values, or its null value where the field is optional (else
//!     InvalidEnumValue).
//! So every later accessor reads inside `buf` and `@enumFromInt` sees only valid tags.
//! `at(i)` past a group's count returns IndexOutOfRange.

const std = @import("std");
const schema = @import("schema.zig");

const Field = schema.Field;
const Group = schema.Group;
const Data = schema.Data;

pub const DecodeError = error{ Truncated, InvalidGroup, InvalidEnumValue, UnknownTemplate };
pub const EncodeError = error{ BufferTooSmall, IndexOutOfRange };

pub const Header = struct {
    block_length: u16,
    template_id: u16,
    schema_id: u16,
    version: u16,
};

/// Reads the 8-byte message header (Truncated if the buffer is shorter).
pub fn readHeader(buf: []const u8) error{Truncated}!Header {
    if (buf.len < schema.header_length) return error.Truncated;
    return .{
        .block_length = readPrim(u16, buf, 0),
        .template_id = readPrim(u16, buf, 2),
        .schema_id = readPrim(u16, buf, 4),
        .version = readPrim(u16, buf, 6),
    };
}

pub fn writeHeader(buf: []u8, header: Header) void {
    writePrim(u16, buf, 0, header.block_length);
    writePrim(u16, buf, 2, header.template_id);
    writePrim(u16, buf, 4, header.schema_id);
    writePrim(u16, buf, 6, header.version);
}

inline fn readPrim(comptime T: type, buf: []const u8, offset: usize) T {
    const U = std.meta.Int(.unsigned, @bitSizeOf(T));
    return @bitCast(std.mem.readInt(U, buf[offset..][0..@sizeOf(T)], .little));
}

inline fn writePrim(comptime T: type, buf: []u8, offset: usize, value: T) void {
    const U = std.meta.Int(.unsigned, @bitSizeOf(T));
    std.mem.writeInt(U, buf[offset..][0..@sizeOf(T)], @bitCast(value), .little);
}

/// The Zig type an accessor returns and `Values` holds for a field: optional fields are
/// `?T` (null for the SBE null value); char arrays are the bytes before the first NUL.
pub fn FieldValue(comptime f: Field) type {
    const Base = switch (f.type) {
        .primitive => |p| p.Zig(),
        .chars => []const u8,
        .decimal64 => |e| schema.Decimal64(e),
        .enumeration => |e| e.E,
    };
    return if (f.presence == .optional and f.type != .chars) ?Base else Base;
}

fn readField(comptime f: Field, buf: []const u8, offset: usize) FieldValue(f) {
    const optional = f.presence == .optional;
    switch (f.type) {
        .primitive => |p| {
            const v = readPrim(p.Zig(), buf, offset);
            if (optional) return if (p.isNull(v)) null else v;
            return v;
        },
        .chars => |n| {
            const raw = buf[offset..][0..n];
            return raw[0 .. std.mem.indexOfScalar(u8, raw, 0) orelse n];
        },
        .decimal64 => |e| {
            const d = schema.Decimal64(e){ .mantissa = readPrim(i64, buf, offset) };
            if (optional) return if (d.isNull()) null else d;
            return d;
        },
        .enumeration => |e| {
            const byte = buf[offset];
            if (optional and byte == nullByte(e)) return null;
            return @enumFromInt(byte);
        },
    }
}

fn writeField(comptime f: Field, buf: []u8, offset: usize, value: FieldValue(f)) EncodeError!void {
    switch (f.type) {
        .primitive => |p| {
            const v = if (f.presence == .optional) (value orelse p.nullValue()) else value;
            writePrim(p.Zig(), buf, offset, v);
        },
        .chars => |n| {
            if (value.len > n) return error.IndexOutOfRange;
            @memcpy(buf[offset..][0..value.len], value);
            @memset(buf[offset + value.len ..][0 .. n - value.len], 0);
        },
        .decimal64 => |e| {
            const D = schema.Decimal64(e);
            const d: D = if (f.presence == .optional) (value orelse D.null) else value;
            writePrim(i64, buf, offset, d.mantissa);
        },
        .enumeration => |e| {
            const byte: u8 = if (f.presence == .optional)
                (if (value) |v| @intFromEnum(v) else nullByte(e))
            else
                @intFromEnum(value);
            buf[offset] = byte;
        },
    }
}

fn readLength(comptime d: Data, buf: []const u8, pos: usize) usize {
    return if (d.length == .uint16) readPrim(u16, buf, pos) else readPrim(u32, buf, pos);
}

fn nullByte(comptime e: schema.Enumeration) u8 {
    return if (e.encoding == .uint8) 255 else 0;
}

fn fieldEqual(comptime f: Field, a: FieldValue(f), b: FieldValue(f)) bool {
    if (f.type == .chars) return std.mem.eql(u8, a, b);
    if (f.presence == .optional) {
        if (a == null or b == null) return a == null and b == null;
        return plainEqual(f, a.?, b.?);
    }
    return plainEqual(f, a, b);
}

fn plainEqual(comptime f: Field, a: anytype, b: @TypeOf(a)) bool {
    return switch (f.type) {
        .primitive => |p| switch (p) {
            .float => @as(u32, @bitCast(a)) == @as(u32, @bitCast(b)) or (a != a and b != b),
            .double => @as(u64, @bitCast(a)) == @as(u64, @bitCast(b)) or (a != a and b != b),
            else => a == b,
        },
        .decimal64 => a.mantissa == b.mantissa,
        else => a == b,
    };
}

/// The layout of one block with its groups and var data: a message's root or a group entry.
pub const Shape = struct {
    fields: []const Field,
    groups: []const Group = &.{},
    data: []const Data = &.{},
};

fn shapeOf(comptime g: Group) Shape {
    return .{ .fields = g.fields, .groups = g.groups, .data = g.data };
}

fn groupIndex(comptime groups: []const Group, comptime name: []const u8) comptime_int {
    for (groups, 0..) |g, i| if (std.mem.eql(u8, g.name, name)) return i;
    @compileError("no group named \"" ++ name ++ "\"");
}

fn dataIndex(comptime data: []const Data, comptime name: []const u8) comptime_int {
    for (data, 0..) |d, i| if (std.mem.eql(u8, d.name, name)) return i;
    @compileError("no var-data field named \"" ++ name ++ "\"");
}

/// Encoder, validator, view and `Values` type of one shape at schema `version`.
pub fn Composite(comptime shape: Shape, comptime version: u16) type {
    comptime schema.checkFields(shape.fields, version);
    return struct {
        const Self = @This();
        pub const block_length = schema.blockLength(shape.fields, version);
        const block_lengths = schema.blockLengths(shape.fields, version);
        /// No nested groups or var data: entries of a group of this shape have a fixed stride.
        pub const fixed_size = shape.groups.len == 0 and shape.data.len == 0;
        const has_enums = blk: {
            for (shape.fields) |f| if (f.type == .enumeration) break :blk true;
            break :blk false;
        };

        pub fn GroupOf(comptime name: []const u8) type {
            return Composite(shapeOf(shape.groups[groupIndex(shape.groups, name)]), version);
        }

        pub fn FieldOf(comptime name: []const u8) type {
            return FieldValue(shape.fields[schema.fieldIndex(shape.fields, name)]);
        }

        /// Plain values of a whole block, its groups (slices of entries) and var data.
        pub const Values = blk: {
            const n = shape.fields.len + shape.groups.len + shape.data.len;
            var fields: [n]std.builtin.Type.StructField = undefined;
            for (shape.fields, 0..) |f, i| {
                const T = FieldValue(f);
                const default: ?*const anyopaque = if (@typeInfo(T) == .optional)
                    @ptrCast(&@as(T, null))
                else
                    null;
                fields[i] = .{
                    .name = f.name,
                    .type = T,
                    .default_value_ptr = default,
                    .is_comptime = false,
                    .alignment = @alignOf(T),
                };
            }
            for (shape.groups, 0..) |g, i| {
                const T = []const Composite(shapeOf(g), version).Values;
                const empty: T = &.{};
                fields[shape.fields.len + i] = .{
                    .name = g.name,
                    .type = T,
                    .default_value_ptr = @ptrCast(&empty),
                    .is_comptime = false,
                    .alignment = @alignOf(T),
                };
            }
            for (shape.data, 0..) |d, i| {
                const empty: []const u8 = "";
                fields[shape.fields.len + shape.groups.len + i] = .{
                    .name = d.name,
                    .type = []const u8,
                    .default_value_ptr = @ptrCast(&empty),
                    .is_comptime = false,
                    .alignment = @alignOf([]const u8),
                };
            }
            break :blk @Type(.{ .@"struct" = .{
                .layout = .auto,
                .fields = &fields,
                .decls = &.{},
                .is_tuple = false,
            } });
        };

        /// Writes a block, its groups and var data at `pos`; returns the position after them.
        pub fn encodeAt(buf: []u8, pos: usize, values: Values) EncodeError!usize {
            std.debug.assert(pos <= buf.len);
            if (buf.len - pos < block_length) return error.BufferTooSmall;
            inline for (shape.fields, 0..) |f, i| {
                const offset = pos + comptime schema.fieldOffset(shape.fields, i);
                try writeField(f, buf, offset, @field(values, f.name));
            }
            var p = pos + block_length;
            inline for (shape.groups) |g| {
                const Entry = Composite(shapeOf(g), version);
                const entries = @field(values, g.name);
                if (entries.len > g.count_max) return error.IndexOutOfRange;
                if (buf.len - p < schema.group_header_length) return error.BufferTooSmall;
                writePrim(u16, buf, p, Entry.block_length);
                writePrim(u16, buf, p + 2, @intCast(entries.len));
                p += schema.group_header_length;
                for (entries) |entry| p = try Entry.encodeAt(buf, p, entry);
            }
            inline for (shape.data) |d| {
                const bytes: []const u8 = @field(values, d.name);
                if (bytes.len > d.lengthMax()) return error.IndexOutOfRange;
                if (buf.len - p < d.prefixLength() + bytes.len) return error.BufferTooSmall;
                switch (d.length) {
                    .uint16 => writePrim(u16, buf, p, @intCast(bytes.len)),
                    .uint32 => writePrim(u32, buf, p, @intCast(bytes.len)),
                }
                p += d.prefixLength();
                @memcpy(buf[p..][0..bytes.len], bytes);
                p += bytes.len;
            }
            std.debug.assert(p <= buf.len);
            return p;
        }

        /// The block length an acting version requires at least.
        pub fn blockLengthMin(acting_version: u16) u16 {
            return block_lengths[@min(acting_version, version)];
        }

        /// Checks one entry whose block (`block_len` bytes at `pos`) is inside `buf`;
        /// returns the position after its nested groups and var data.
        pub fn validateAt(
            buf: []const u8,
            pos: usize,
            block_len: usize,
            acting: u16,
        ) DecodeError!usize {
            std.debug.assert(block_len >= blockLengthMin(acting) and buf.len - pos >= block_len);
            inline for (shape.fields, 0..) |f, i| {
                if (comptime f.type == .enumeration) {
                    const valid = comptime schema.enumValid(f.type.enumeration, f.presence);
                    const byte = buf[pos + comptime schema.fieldOffset(shape.fields, i)];
                    if (f.since <= acting and !valid[byte]) {
                        return error.InvalidEnumValue;
                    }
                }
            }
            var p = pos + block_len;
            inline for (shape.groups) |g| {
                const G = Composite(shapeOf(g), version);
                if (g.since <= acting) p = try G.validateGroup(buf, p, acting, g.count_max);
            }
            inline for (shape.data) |d| {
                if (d.since <= acting) {
                    if (buf.len - p < d.prefixLength()) return error.Truncated;
                    const len = readLength(d, buf, p);
                    p += d.prefixLength();
                    if (len > d.lengthMax() or buf.len - p < len) return error.Truncated;
                    p += len;
                }
            }
            return p;
        }

        /// Checks a group (header at `pos`) whose entries have this shape.
        pub fn validateGroup(
            buf: []const u8,
            pos: usize,
            acting: u16,
            count_max: u16,
        ) DecodeError!usize {
            if (buf.len - pos < schema.group_header_length) return error.Truncated;
            const block_len: usize = readPrim(u16, buf, pos);
            const count: usize = readPrim(u16, buf, pos + 2);
            if (block_len < blockLengthMin(acting) or count > count_max) return error.InvalidGroup;
            var p = pos + schema.group_header_length;
            if (fixed_size) {
                // All entries must fit before any is looked at (lib/sbe checks in this order too).
                if (count * block_len > buf.len - p) return error.Truncated;
                if (has_enums) {
                    for (0..count) |_| p = try validateAt(buf, p, block_len, acting);
                    return p;
                }
                return p + count * block_len;
            }
            for (0..count) |_| {
                if (buf.len - p < block_len) return error.Truncated;
                p = try validateAt(buf, p, block_len, acting);
            }
            return p;
        }

        /// A view over one validated block (a message's root or one group entry).
        pub const View = struct {
            buf: []const u8,
            offset: usize,
            block_len: usize,
            acting_version: u16,

            /// The field `name`; optional fields are null when they hold the null value or
            /// when the sender's version predates them.
            pub fn get(self: View, comptime name: []const u8) FieldOf(name) {
                const i = comptime schema.fieldIndex(shape.fields, name);
                const f = shape.fields[i];
                if (f.since > 0 and self.acting_version < f.since) return null;
                const offset = self.offset + comptime schema.fieldOffset(shape.fields, i);
                return readField(f, self.buf, offset);
            }

            /// The repeating group `name` (empty when the sender's version predates it).
            pub fn group(self: View, comptime name: []const u8) GroupOf(name).GroupView {
                const gi = comptime groupIndex(shape.groups, name);
                const G = GroupOf(name);
                if (shape.groups[gi].since > self.acting_version) return G.GroupView.empty(self.buf);
                return G.GroupView.init(self.buf, self.sectionStart(gi), self.acting_version);
            }

            /// The bytes of var-data field `name` (a view into the buffer).
            pub fn data(self: View, comptime name: []const u8) []const u8 {
                const di = comptime dataIndex(shape.data, name);
                const d = shape.data[di];
                if (d.since > self.acting_version) return "";
                const p = self.sectionStart(shape.groups.len + di);
                const len = readLength(d, self.buf, p);
                return self.buf[p + d.prefixLength() ..][0..len];
            }

            /// The position just after this block's groups and var data.
            pub fn end(self: View) usize {
                return self.sectionStart(shape.groups.len + shape.data.len);
            }

            fn sectionStart(self: View, comptime k: usize) usize {
                var p = self.offset + self.block_len;
                inline for (0..k) |j| {
                    if (j < shape.groups.len) {
                        const g = shape.groups[j];
                        if (g.since <= self.acting_version) {
                            const G = Composite(shapeOf(g), version);
                            p = G.GroupView.init(self.buf, p, self.acting_version).end();
                        }
                    } else {
                        const d = shape.data[j - shape.groups.len];
                        if (d.since <= self.acting_version) {
                            const len = readLength(d, self.buf, p);
                            p += d.prefixLength() + len;
                        }
                    }
                }
                return p;
            }

            /// The name of the first field, group or data that differs from `values`, or null.
            pub fn firstDifference(self: View, values: Values) ?[]const u8 {
                inline for (shape.fields) |f| {
                    if (!fieldEqual(f, self.get(f.name), @field(values, f.name))) return f.name;
                }
                inline for (shape.groups) |g| {
                    var it = self.group(g.name);
                    const expected = @field(values, g.name);
                    if (it.count != expected.len) return g.name;
                    for (expected) |e| {
                        if (it.next().?.firstDifference(e)) |name| return name;
                    }
                }
                inline for (shape.data) |d| {
                    if (!std.mem.eql(u8, self.data(d.name), @field(values, d.name))) return d.name;
                }
                return null;
            }
        };

        /// A view over a validated group whose entries have this shape.
        pub const GroupView = struct {
            buf: []const u8,
            /// Offset of the group header.
            offset: usize,
            entry_block_len: usize,
            count: usize,
            acting_version: u16,
            next_index: usize,
            next_pos: usize,

            fn init(buf: []const u8, pos: usize, acting: u16) GroupView {
                return .{
                    .buf = buf,
                    .offset = pos,
                    .entry_block_len = readPrim(u16, buf, pos),
                    .count = readPrim(u16, buf, pos + 2),
                    .acting_version = acting,
                    .next_index = 0,
                    .next_pos = pos + schema.group_header_length,
                };
            }

            fn empty(buf: []const u8) GroupView {
                return .{
                    .buf = buf,
                    .offset = 0,
                    .entry_block_len = 0,
                    .count = 0,
                    .acting_version = 0,
                    .next_index = 0,
                    .next_pos = 0,
                };
            }

            /// The next entry in order, or null after the last one.
            pub fn next(self: *GroupView) ?View {
                if (self.next_index >= self.count) return null;
                const entry = self.viewAt(self.next_pos);
                self.next_pos = if (fixed_size) self.next_pos + self.entry_block_len else entry.end();
                self.next_index += 1;
                return entry;
            }

            /// Entry `index` (constant time for fixed-size entries, a walk otherwise).
            pub fn at(self: GroupView, index: usize) error{IndexOutOfRange}!View {
                if (index >= self.count) return error.IndexOutOfRange;
                const first = self.offset + schema.group_header_length;
                if (fixed_size) return self.viewAt(first + index * self.entry_block_len);
                var p = first;
                for (0..index) |_| p = self.viewAt(p).end();
                return self.viewAt(p);
            }

            /// The position after the last entry.
            pub fn end(self: GroupView) usize {
                const first = self.offset + schema.group_header_length;
                if (fixed_size) return first + self.count * self.entry_block_len;
                var p = first;
                for (0..self.count) |_| p = self.viewAt(p).end();
                return p;
            }

            fn viewAt(self: GroupView, pos: usize) View {
                return .{
                    .buf = self.buf,
                    .offset = pos,
                    .block_len = self.entry_block_len,
                    .acting_version = self.acting_version,
                };
            }
        };
    };
}

/// The encoder and checked decoder of one message of schema `id`.
pub fn MessageType(comptime id: schema.SchemaId, comptime m: schema.Message) type {
    const Root = Composite(.{ .fields = m.fields, .groups = m.groups, .data = m.data }, id.version);
    return struct {
        pub const name = m.name;
        pub const template_id = m.template_id;
        pub const schema_id = id.id;
        pub const schema_version = id.version;
        pub const spec = m;
        pub const block_length = Root.block_length;
        pub const Values = Root.Values;
        /// A checked view over one encoded message: `get`, `group`, `data`, `end()` (the
        /// encoded length).
        pub const Decoder = Root.View;
        pub const Body = Root;

        /// The codec of group `name`'s entries: `.Values` to encode one, `.GroupOf(...)`
        /// for its nested groups.
        pub fn Group(comptime group_name: []const u8) type {
            return Root.GroupOf(group_name);
        }

        /// Encodes header and body into `buf`; returns the encoded length.
        pub fn encode(buf: []u8, values: Values) EncodeError!usize {
            if (buf.len < schema.header_length) return error.BufferTooSmall;
            writeHeader(buf, .{
                .block_length = block_length,
                .template_id = template_id,
                .schema_id = schema_id,
                .version = schema_version,
            });
            return Root.encodeAt(buf, schema.header_length, values);
        }

        /// Validates `buf` (one message from its header on) and returns a view over it.
        pub fn decode(buf: []const u8) DecodeError!Decoder {
            const header = try readHeader(buf);
            if (header.schema_id != schema_id or header.template_id != template_id) {
                return error.UnknownTemplate;
            }
            return decodeBody(buf, header);
        }

        /// `decode` for a header already read (and matched) by a dispatcher.
        pub fn decodeBody(buf: []const u8, header: Header) DecodeError!Decoder {
            std.debug.assert(header.template_id == template_id);
            const block_len: usize = header.block_length;
            if (block_len < Root.blockLengthMin(header.version)) return error.Truncated;
            if (buf.len - schema.header_length < block_len) return error.Truncated;
            const end = try Root.validateAt(buf, schema.header_length, block_len, header.version);
            return .{
                .buf = buf[0..end],
                .offset = schema.header_length,
                .block_len = block_len,
                .acting_version = header.version,
            };
        }
    };
}
