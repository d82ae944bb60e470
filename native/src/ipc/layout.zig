//! The zigbolt-ipc-v1 segment layout, byte for byte (docs/ipc.md, shared/specs).
//!
//!   offset  size  field                          written by
//!   ------  ----  -----------------------------  -------------------------------
//!        0     8  magic 0x5A49_4742_4F4C_5421    creator, last, with release
//!        8     4  version = 1                    creator
//!       12     4  term_length                    creator
//!      128     8  tail position (u64, atomic)    publisher only
//!      256     8  head position (u64, atomic)    subscriber only
//!     1024     8  creator owner word             creator            (ZigBolt extension)
//!     1152     8  publisher owner word           publisher (claim)  (ZigBolt extension)
//!     1280     8  subscriber owner word          subscriber (claim) (ZigBolt extension)
//!     4096        term 0, term 1, term 2 (term_length bytes each)
//!
//! The three owner words sit in the v1 reserved area, which other v1 implementations leave
//! zero and never read: an owner word of 0 means "unknown", so mixing is safe.
//!
//! Frame header, 8 bytes at an 8-aligned position in a term:
//!   0  i32 frame_length  > 0 payload bytes, < 0 padding to the term end, 0 empty payload
//!   4  i32 msg_type_id
//!   8  payload, then zero to seven bytes of alignment

const std = @import("std");
const limits = @import("../limits.zig");
const assert = std.debug.assert;

pub const magic: u64 = 0x5A49_4742_4F4C_5421;
pub const version: u32 = 1;

pub const PeerRecord = extern struct {
    /// (process start time in clock ticks, low 32 bits) << 32 | pid; 0 = nobody known.
    owner: u64,
    _pad: [limits.cache_line_length - 8]u8,
};

pub const Header = extern struct {
    magic: u64,
    version: u32,
    term_length: u32,
    _pad_meta: [limits.cache_line_length - 16]u8,
    tail_position: u64,
    _pad_tail: [limits.cache_line_length - 8]u8,
    head_position: u64,
    _pad_head: [limits.cache_line_length - 8]u8,
    _reserved_low: [1024 - 3 * limits.cache_line_length]u8,
    creator: PeerRecord,
    publisher: PeerRecord,
    subscriber: PeerRecord,
    _reserved_high: [limits.header_length - 1024 - 3 * limits.cache_line_length]u8,
};

pub const FrameHeader = extern struct {
    frame_length: i32,
    msg_type_id: i32,
};

comptime {
    assert(@sizeOf(Header) == limits.header_length);
    assert(@offsetOf(Header, "magic") == 0);
    assert(@offsetOf(Header, "version") == 8);
    assert(@offsetOf(Header, "term_length") == 12);
    assert(@offsetOf(Header, "tail_position") == 128);
    assert(@offsetOf(Header, "head_position") == 256);
    assert(@offsetOf(Header, "creator") == 1024);
    assert(@offsetOf(Header, "publisher") == 1152);
    assert(@offsetOf(Header, "subscriber") == 1280);
    assert(@sizeOf(FrameHeader) == limits.frame_header_length);
    assert(@offsetOf(FrameHeader, "msg_type_id") == 4);
    // Bytes 21 54 4C 4F 42 47 49 5A on a little-endian machine: "!TLOBGIZ".
    assert(std.mem.eql(u8, std.mem.asBytes(&std.mem.nativeToLittle(u64, magic)), "!TLOBGIZ"));
}

pub fn segmentLength(term_length: u32) usize {
    return limits.header_length + limits.term_count * @as(usize, term_length);
}

pub fn termLengthValid(term_length: u64) bool {
    return term_length >= limits.term_length_min and term_length <= limits.term_length_max and
        std.math.isPowerOfTwo(term_length);
}

/// Bytes a frame with `payload_length` bytes of payload occupies in a term.
pub fn frameLength(payload_length: u32) u32 {
    return std.mem.alignForward(u32, limits.frame_header_length + payload_length, limits.frame_alignment);
}

/// What every reader and writer checks before deriving an address from shared positions.
pub fn positionsValid(term_length: u32, head: u64, tail: u64) bool {
    if (head > tail) return false;
    if (tail - head > limits.term_count * @as(u64, term_length)) return false;
    return head % limits.frame_alignment == 0 and tail % limits.frame_alignment == 0;
}

test "frame lengths are aligned to 8 and include the header" {
    try std.testing.expectEqual(@as(u32, 8), frameLength(0));
    try std.testing.expectEqual(@as(u32, 16), frameLength(1));
    try std.testing.expectEqual(@as(u32, 16), frameLength(8));
    try std.testing.expectEqual(@as(u32, 24), frameLength(9));
}

test "term lengths must be powers of two within limits" {
    try std.testing.expect(termLengthValid(4096));
    try std.testing.expect(termLengthValid(1 << 30));
    try std.testing.expect(!termLengthValid(2048));
    try std.testing.expect(!termLengthValid(4096 + 8));
    try std.testing.expect(!termLengthValid(1 << 31));
    try std.testing.expect(!termLengthValid(0));
}

test "positions are valid only when ordered, aligned and within three terms" {
    try std.testing.expect(positionsValid(4096, 0, 0));
    try std.testing.expect(positionsValid(4096, 8, 3 * 4096 + 8));
    try std.testing.expect(!positionsValid(4096, 16, 8));
    try std.testing.expect(!positionsValid(4096, 0, 3 * 4096 + 8));
    try std.testing.expect(!positionsValid(4096, 0, 12));
}
