//! Aeron's wire-protocol frames, byte for byte (Aeron's protocol specification and its
//! HeaderFlyweight family; docs/codecs.md). Every frame starts with the same 8 bytes:
//!
//!   offset  size  field          type
//!   ------  ----  -------------  ----
//!        0     4  frame_length   i32   bytes in the frame, header included
//!        4     1  version        u8    0
//!        5     1  flags          u8    per frame type (below)
//!        6     2  type           u16   frame_type_*
//!
//! Then, by type (offsets from the frame start, little-endian, no alignment assumed):
//!
//!   DATA / PAD (32)      8 term_offset i32, 12 session_id i32, 16 stream_id i32,
//!                        20 term_id i32, 24 reserved_value i64; payload at 32
//!   SM status (36)       8 session_id, 12 stream_id, 16 consumption_term_id,
//!                        20 consumption_term_offset, 24 receiver_window_length (i32 each),
//!                        28 receiver_id i64; optional feedback bytes at 36
//!   NAK (28)             8 session_id, 12 stream_id, 16 term_id, 20 term_offset, 24 length
//!   SETUP (40)           8 term_offset, 12 session_id, 16 stream_id, 20 initial_term_id,
//!                        24 active_term_id, 28 term_length, 32 mtu, 36 ttl (i32 each)
//!   RTTM (40)            8 session_id, 12 stream_id, 16 echo_timestamp i64,
//!                        24 reception_delta i64, 32 receiver_id i64
//!   ERR (40 + message)   8 session_id, 12 stream_id, 16 receiver_id i64, 24 group_tag i64,
//!                        32 error_code i32, 36 error_string_length i32, 40 message bytes
//!
//! Each header is an `extern struct` of align(1) fields, so a frame at any offset of a
//! datagram or term is viewed by a pointer cast. `wrap` and `checkFrame` never read past the
//! bytes they are given: a short buffer is error.Truncated.

const std = @import("std");
const builtin = @import("builtin");
const Error = @import("../status.zig").Error;
const assert = std.debug.assert;

pub const current_version: u8 = 0;

pub const frame_type_pad: u16 = 0x00;
pub const frame_type_data: u16 = 0x01;
pub const frame_type_nak: u16 = 0x02;
pub const frame_type_status: u16 = 0x03;
pub const frame_type_error: u16 = 0x04;
pub const frame_type_setup: u16 = 0x05;
pub const frame_type_rtt: u16 = 0x06;
pub const frame_type_resolution: u16 = 0x07;
pub const frame_type_ats_data: u16 = 0x08;
pub const frame_type_ats_status: u16 = 0x09;
pub const frame_type_ats_setup: u16 = 0x0A;
pub const frame_type_response_setup: u16 = 0x0B;
pub const frame_type_extension: u16 = 0xFFFF;

/// DATA flags.
pub const flag_begin: u8 = 0x80;
pub const flag_end: u8 = 0x40;
pub const flag_begin_and_end: u8 = flag_begin | flag_end;
pub const flag_end_of_stream: u8 = 0x20;
pub const flag_revoked: u8 = 0x10;
/// Status message flags.
pub const flag_send_setup: u8 = 0x80;
pub const flag_status_end_of_stream: u8 = 0x40;
/// Setup flags.
pub const flag_send_response_setup: u8 = 0x80;
pub const flag_group: u8 = 0x40;
/// RTT measurement flags.
pub const flag_reply: u8 = 0x80;
/// Error frame flags: group_tag is meaningful.
pub const flag_has_group_tag: u8 = 0x08;

/// Longest error message an error frame carries.
pub const error_message_length_max = 1023;

comptime {
    assert(builtin.cpu.arch.endian() == .little);
}

pub const FrameHeader = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),

    pub const header_length = 8;
};

pub const DataHeader = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),
    term_offset: i32 align(1),
    session_id: i32 align(1),
    stream_id: i32 align(1),
    term_id: i32 align(1),
    reserved_value: i64 align(1),

    pub const header_length = 32;
    pub const frame_type_default = frame_type_data;

    pub fn isBeginFragment(self: *align(1) const DataHeader) bool {
        return self.flags & flag_begin != 0;
    }

    pub fn isEndFragment(self: *align(1) const DataHeader) bool {
        return self.flags & flag_end != 0;
    }

    /// A DATA frame of length 0 is a heartbeat: the header only, no payload.
    pub fn isHeartbeat(self: *align(1) const DataHeader) bool {
        return self.frame_type == frame_type_data and self.frame_length == 0;
    }
};

pub const StatusMessage = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),
    session_id: i32 align(1),
    stream_id: i32 align(1),
    consumption_term_id: i32 align(1),
    consumption_term_offset: i32 align(1),
    receiver_window_length: i32 align(1),
    receiver_id: i64 align(1),

    pub const header_length = 36;
    pub const frame_type_default = frame_type_status;
};

pub const Nak = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),
    session_id: i32 align(1),
    stream_id: i32 align(1),
    term_id: i32 align(1),
    term_offset: i32 align(1),
    length: i32 align(1),

    pub const header_length = 28;
    pub const frame_type_default = frame_type_nak;
};

pub const Setup = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),
    term_offset: i32 align(1),
    session_id: i32 align(1),
    stream_id: i32 align(1),
    initial_term_id: i32 align(1),
    active_term_id: i32 align(1),
    term_length: i32 align(1),
    mtu: i32 align(1),
    ttl: i32 align(1),

    pub const header_length = 40;
    pub const frame_type_default = frame_type_setup;
};

pub const RttMeasurement = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),
    session_id: i32 align(1),
    stream_id: i32 align(1),
    echo_timestamp: i64 align(1),
    reception_delta: i64 align(1),
    receiver_id: i64 align(1),

    pub const header_length = 40;
    pub const frame_type_default = frame_type_rtt;
};

/// The fixed part of an error frame; `error_string_length` message bytes follow it.
pub const ErrorHeader = extern struct {
    frame_length: i32 align(1),
    version: u8,
    flags: u8,
    frame_type: u16 align(1),
    session_id: i32 align(1),
    stream_id: i32 align(1),
    receiver_id: i64 align(1),
    group_tag: i64 align(1),
    error_code: i32 align(1),
    error_string_length: i32 align(1),

    pub const header_length = 40;
    pub const frame_type_default = frame_type_error;
};

comptime {
    for (.{ FrameHeader, DataHeader, StatusMessage, Nak, Setup, RttMeasurement, ErrorHeader }) |T| {
        assert(@sizeOf(T) == T.header_length);
        assert(@alignOf(T) == 1);
        assert(@offsetOf(T, "version") == 4);
        assert(@offsetOf(T, "flags") == 5);
        assert(@offsetOf(T, "frame_type") == 6);
    }
    assert(@offsetOf(DataHeader, "term_offset") == 8);
    assert(@offsetOf(DataHeader, "session_id") == 12);
    assert(@offsetOf(DataHeader, "stream_id") == 16);
    assert(@offsetOf(DataHeader, "term_id") == 20);
    assert(@offsetOf(DataHeader, "reserved_value") == 24);
    assert(@offsetOf(StatusMessage, "session_id") == 8);
    assert(@offsetOf(StatusMessage, "stream_id") == 12);
    assert(@offsetOf(StatusMessage, "consumption_term_id") == 16);
    assert(@offsetOf(StatusMessage, "consumption_term_offset") == 20);
    assert(@offsetOf(StatusMessage, "receiver_window_length") == 24);
    assert(@offsetOf(StatusMessage, "receiver_id") == 28);
    assert(@offsetOf(Nak, "session_id") == 8);
    assert(@offsetOf(Nak, "stream_id") == 12);
    assert(@offsetOf(Nak, "term_id") == 16);
    assert(@offsetOf(Nak, "term_offset") == 20);
    assert(@offsetOf(Nak, "length") == 24);
    assert(@offsetOf(Setup, "term_offset") == 8);
    assert(@offsetOf(Setup, "session_id") == 12);
    assert(@offsetOf(Setup, "stream_id") == 16);
    assert(@offsetOf(Setup, "initial_term_id") == 20);
    assert(@offsetOf(Setup, "active_term_id") == 24);
    assert(@offsetOf(Setup, "term_length") == 28);
    assert(@offsetOf(Setup, "mtu") == 32);
    assert(@offsetOf(Setup, "ttl") == 36);
    assert(@offsetOf(RttMeasurement, "session_id") == 8);
    assert(@offsetOf(RttMeasurement, "stream_id") == 12);
    assert(@offsetOf(RttMeasurement, "echo_timestamp") == 16);
    assert(@offsetOf(RttMeasurement, "reception_delta") == 24);
    assert(@offsetOf(RttMeasurement, "receiver_id") == 32);
    assert(@offsetOf(ErrorHeader, "session_id") == 8);
    assert(@offsetOf(ErrorHeader, "stream_id") == 12);
    assert(@offsetOf(ErrorHeader, "receiver_id") == 16);
    assert(@offsetOf(ErrorHeader, "group_tag") == 24);
    assert(@offsetOf(ErrorHeader, "error_code") == 32);
    assert(@offsetOf(ErrorHeader, "error_string_length") == 36);
}

/// A view of a `T` header at the start of `bytes` (Truncated if shorter). No other check:
/// `checkFrame` validates a received frame.
pub fn wrap(comptime T: type, bytes: []u8) Error!*align(1) T {
    if (bytes.len < T.header_length) return error.Truncated;
    return @ptrCast(bytes[0..T.header_length]);
}

pub fn wrapConst(comptime T: type, bytes: []const u8) Error!*align(1) const T {
    if (bytes.len < T.header_length) return error.Truncated;
    return @ptrCast(bytes[0..T.header_length]);
}

/// Writes a zeroed `T` header with its type, version 0 and frame_length = its length.
pub fn init(comptime T: type, bytes: []u8) Error!*align(1) T {
    const frame = try wrap(T, bytes);
    frame.* = std.mem.zeroes(T);
    frame.frame_length = T.header_length;
    frame.version = current_version;
    frame.frame_type = T.frame_type_default;
    return frame;
}

/// The frame types `checkFrame` knows, with the length of their fixed header.
pub fn headerLength(frame_type: u16) ?usize {
    return switch (frame_type) {
        frame_type_pad, frame_type_data => DataHeader.header_length,
        frame_type_status => StatusMessage.header_length,
        frame_type_nak => Nak.header_length,
        frame_type_setup => Setup.header_length,
        frame_type_rtt => RttMeasurement.header_length,
        frame_type_error => ErrorHeader.header_length,
        else => null,
    };
}

/// Validates a frame received from anyone: at least the common header (Truncated), a known
/// type (InvalidEnumValue), a frame_length that covers the type's header and lies within
/// `bytes` (Truncated; a DATA frame of length 0, a heartbeat, needs only its header), and
/// for an error frame a message length within the frame (IndexOutOfRange). Returns the type.
pub fn checkFrame(bytes: []const u8) Error!u16 {
    const header = try wrapConst(FrameHeader, bytes);
    const frame_type = header.frame_type;
    const fixed = headerLength(frame_type) orelse return error.InvalidEnumValue;
    if (bytes.len < fixed) return error.Truncated;
    const frame_length = header.frame_length;
    const heartbeat = frame_type == frame_type_data and frame_length == 0;
    if (!heartbeat) {
        if (frame_length < fixed) return error.Truncated;
        if (frame_length > bytes.len) return error.Truncated;
    }
    if (frame_type == frame_type_error) {
        const err: *align(1) const ErrorHeader = @ptrCast(bytes[0..ErrorHeader.header_length]);
        const message_length = err.error_string_length;
        if (message_length < 0 or message_length > frame_length - ErrorHeader.header_length) {
            return error.IndexOutOfRange;
        }
    }
    return frame_type;
}

/// The message of an error frame that passed `checkFrame`.
pub fn errorMessage(bytes: []const u8) Error![]const u8 {
    if (try checkFrame(bytes) != frame_type_error) return error.InvalidArgument;
    const err: *align(1) const ErrorHeader = @ptrCast(bytes[0..ErrorHeader.header_length]);
    return bytes[ErrorHeader.header_length..][0..@intCast(err.error_string_length)];
}

/// Writes an error frame header and `message` into `bytes`; returns the frame length.
/// BufferTooSmall if it does not fit; MessageTooLarge over error_message_length_max.
pub fn encodeError(
    bytes: []u8,
    fields: struct { session_id: i32, stream_id: i32, receiver_id: i64, group_tag: ?i64, error_code: i32 },
    message: []const u8,
) Error!usize {
    if (message.len > error_message_length_max) return error.MessageTooLarge;
    const frame_length = ErrorHeader.header_length + message.len;
    if (bytes.len < frame_length) return error.BufferTooSmall;
    const frame = try init(ErrorHeader, bytes);
    frame.frame_length = @intCast(frame_length);
    frame.session_id = fields.session_id;
    frame.stream_id = fields.stream_id;
    frame.receiver_id = fields.receiver_id;
    frame.group_tag = fields.group_tag orelse 0;
    if (fields.group_tag != null) frame.flags |= flag_has_group_tag;
    frame.error_code = fields.error_code;
    frame.error_string_length = @intCast(message.len);
    @memcpy(bytes[ErrorHeader.header_length..][0..message.len], message);
    return frame_length;
}

const testing = std.testing;

/// Little-endian bytes of an integer, for frames assembled by hand below.
fn le(comptime T: type, value: T) [@sizeOf(T)]u8 {
    var out: [@sizeOf(T)]u8 = undefined;
    std.mem.writeInt(T, &out, value, .little);
    return out;
}

test "a DATA frame assembled by hand from Aeron's documented offsets reads back field by field" {
    // frame_length 40, version 0, flags BEGIN|END, type DATA, term_offset 4096, session -7,
    // stream 1001, term_id 0x7FFFFFFF, reserved_value i64 min, then 8 payload bytes.
    const bytes = le(i32, 40) ++ [_]u8{ 0, 0xC0 } ++ le(u16, 1) ++ le(i32, 4096) ++ le(i32, -7) ++
        le(i32, 1001) ++ le(i32, std.math.maxInt(i32)) ++ le(i64, std.math.minInt(i64)) ++ "payload!".*;
    try testing.expectEqual(frame_type_data, try checkFrame(&bytes));
    const data = try wrapConst(DataHeader, &bytes);
    try testing.expectEqual(@as(i32, 40), data.frame_length);
    try testing.expectEqual(flag_begin_and_end, data.flags);
    try testing.expect(data.isBeginFragment() and data.isEndFragment() and !data.isHeartbeat());
    try testing.expectEqual(@as(i32, 4096), data.term_offset);
    try testing.expectEqual(@as(i32, -7), data.session_id);
    try testing.expectEqual(@as(i32, 1001), data.stream_id);
    try testing.expectEqual(std.math.maxInt(i32), data.term_id);
    try testing.expectEqual(std.math.minInt(i64), data.reserved_value);
}

test "status, NAK, setup and RTT frames assembled by hand read back field by field" {
    const sm = le(i32, 36) ++ [_]u8{ 0, 0x80 } ++ le(u16, 3) ++ le(i32, 11) ++ le(i32, 12) ++
        le(i32, 13) ++ le(i32, 14) ++ le(i32, 15) ++ le(i64, -16);
    try testing.expectEqual(frame_type_status, try checkFrame(&sm));
    const status = try wrapConst(StatusMessage, &sm);
    try testing.expectEqual(flag_send_setup, status.flags);
    try testing.expectEqual(@as(i32, 11), status.session_id);
    try testing.expectEqual(@as(i32, 12), status.stream_id);
    try testing.expectEqual(@as(i32, 13), status.consumption_term_id);
    try testing.expectEqual(@as(i32, 14), status.consumption_term_offset);
    try testing.expectEqual(@as(i32, 15), status.receiver_window_length);
    try testing.expectEqual(@as(i64, -16), status.receiver_id);

    const nak_bytes = le(i32, 28) ++ [_]u8{ 0, 0 } ++ le(u16, 2) ++ le(i32, 21) ++ le(i32, 22) ++
        le(i32, 23) ++ le(i32, 24) ++ le(i32, 25);
    try testing.expectEqual(frame_type_nak, try checkFrame(&nak_bytes));
    const nak = try wrapConst(Nak, &nak_bytes);
    try testing.expectEqual(@as(i32, 23), nak.term_id);
    try testing.expectEqual(@as(i32, 24), nak.term_offset);
    try testing.expectEqual(@as(i32, 25), nak.length);

    const setup_bytes = le(i32, 40) ++ [_]u8{ 0, 0x40 } ++ le(u16, 5) ++ le(i32, 31) ++ le(i32, 32) ++
        le(i32, 33) ++ le(i32, 34) ++ le(i32, 35) ++ le(i32, 65536) ++ le(i32, 1408) ++ le(i32, 8);
    try testing.expectEqual(frame_type_setup, try checkFrame(&setup_bytes));
    const setup = try wrapConst(Setup, &setup_bytes);
    try testing.expectEqual(flag_group, setup.flags);
    try testing.expectEqual(@as(i32, 31), setup.term_offset);
    try testing.expectEqual(@as(i32, 34), setup.initial_term_id);
    try testing.expectEqual(@as(i32, 35), setup.active_term_id);
    try testing.expectEqual(@as(i32, 65536), setup.term_length);
    try testing.expectEqual(@as(i32, 1408), setup.mtu);
    try testing.expectEqual(@as(i32, 8), setup.ttl);

    const rtt_bytes = le(i32, 40) ++ [_]u8{ 0, 0x80 } ++ le(u16, 6) ++ le(i32, 41) ++ le(i32, 42) ++
        le(i64, std.math.maxInt(i64)) ++ le(i64, 44) ++ le(i64, -45);
    try testing.expectEqual(frame_type_rtt, try checkFrame(&rtt_bytes));
    const rtt = try wrapConst(RttMeasurement, &rtt_bytes);
    try testing.expectEqual(flag_reply, rtt.flags);
    try testing.expectEqual(std.math.maxInt(i64), rtt.echo_timestamp);
    try testing.expectEqual(@as(i64, 44), rtt.reception_delta);
    try testing.expectEqual(@as(i64, -45), rtt.receiver_id);
}

test "an error frame assembled by hand, and one encoded, carry their message" {
    const bytes = le(i32, 45) ++ [_]u8{ 0, 0x08 } ++ le(u16, 4) ++ le(i32, 1) ++ le(i32, 2) ++
        le(i64, 3) ++ le(i64, 4) ++ le(i32, 5) ++ le(i32, 5) ++ "oops!".*;
    try testing.expectEqual(frame_type_error, try checkFrame(&bytes));
    try testing.expectEqualStrings("oops!", try errorMessage(&bytes));
    var out: [64]u8 = undefined;
    const length = try encodeError(&out, .{
        .session_id = 1,
        .stream_id = 2,
        .receiver_id = 3,
        .group_tag = 4,
        .error_code = 5,
    }, "oops!");
    try testing.expectEqualSlices(u8, &bytes, out[0..length]);
    try testing.expectError(error.BufferTooSmall, encodeError(out[0..44], .{
        .session_id = 1,
        .stream_id = 2,
        .receiver_id = 3,
        .group_tag = null,
        .error_code = 5,
    }, "oops!"));
}

test "checkFrame rejects short, unknown and overlong frames" {
    var bytes: [64]u8 = @splat(0);
    try testing.expectError(error.Truncated, checkFrame(bytes[0..7]));
    _ = try init(DataHeader, &bytes);
    try testing.expectEqual(frame_type_data, try checkFrame(&bytes));
    try testing.expectError(error.Truncated, checkFrame(bytes[0..31]));
    (try wrap(DataHeader, &bytes)).frame_length = 65;
    try testing.expectError(error.Truncated, checkFrame(&bytes));
    (try wrap(DataHeader, &bytes)).frame_length = 0;
    try testing.expect((try wrapConst(DataHeader, &bytes)).isHeartbeat());
    _ = try checkFrame(&bytes);
    (try wrap(DataHeader, &bytes)).frame_length = 12;
    try testing.expectError(error.Truncated, checkFrame(&bytes));
    (try wrap(FrameHeader, &bytes)).frame_type = 0x0C;
    try testing.expectError(error.InvalidEnumValue, checkFrame(&bytes));
    const err = try init(ErrorHeader, &bytes);
    err.error_string_length = 1;
    try testing.expectError(error.IndexOutOfRange, checkFrame(&bytes));
    err.error_string_length = -1;
    try testing.expectError(error.IndexOutOfRange, checkFrame(&bytes));
}
