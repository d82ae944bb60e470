//! The log buffer's segment, byte for byte (docs/log-buffer.md is the spec; TypeScript reads
//! the same bytes through lib/_log_buffer_layout.ts).
//!
//!   offset  size  field                                  written by
//!   ------  ----  -------------------------------------  ------------------------------
//!        0   128  SegmentHeader (kind 3, version 1)      creator (segment/header.zig)
//!      128     4  term_length                            creator
//!      132     4  term_count = 3                         creator
//!      136     4  initial_term_id (i32)                  creator
//!      256     8  raw tail, partition 0                  writer
//!      264     8  raw tail, partition 1                  writer
//!      272     8  raw tail, partition 2                  writer
//!      280     4  active_term_count (u32)                writer
//!      384     8  consumer position (u64)                consumer
//!      512     8  writer owner word                      writer (claim of the role)
//!      640     8  consumer owner word                    consumer (claim of the role)
//!     4096        term 0, term 1, term 2 (term_length bytes each)
//!
//! raw tail = term_id << 32 | term_offset (Aeron's layout): the term a partition holds and
//! how far into it the writer has claimed. The partition of term t is
//! (t - initial_term_id) mod 3. A partition not yet used holds term_id - 3.
//!
//! Frame, at a 16-aligned offset in a term:
//!    0  i32 frame_length  header + payload bytes. < 0: claimed, not committed yet (-length);
//!                         > 0: committed. Never 0 below the tail. Stored last, with release.
//!    4  u16 frame_type    1 data, 2 padding (end of term, or an aborted claim)
//!    6  u16 flags         0
//!    8  i32 msg_type_id
//!   12  i32 term_id       the term the frame was written in
//!   16  payload, then zero to 15 bytes of alignment

const std = @import("std");
const segment_header = @import("../segment/header.zig");
const limits = @import("../limits.zig");
const assert = std.debug.assert;

pub const version: u32 = 1;
pub const term_count = 3;
pub const term_length_min = 4096;
/// 3 terms of 512 MiB keep the segment below 2 GiB: offsets fit the C ABI's int32_t.
pub const term_length_max = 1 << 29;
pub const term_length_default = 1 << 20;
pub const metadata_length = 4096;
pub const frame_header_length = 16;
pub const frame_alignment = 16;
/// Largest payload one frame carries (it must also fit in one term).
pub const payload_length_max = limits.payload_length_max;

pub const frame_type_data: u16 = 1;
pub const frame_type_padding: u16 = 2;

pub const Role = enum(u32) { writer = 0, consumer = 1 };

pub const OwnerLine = extern struct {
    owner: u64,
    _pad: [limits.cache_line_length - 8]u8,
};

pub const Metadata = extern struct {
    common: segment_header.SegmentHeader,
    term_length: u32,
    term_count: u32,
    initial_term_id: i32,
    _pad_meta: [limits.cache_line_length - 12]u8,
    raw_tails: [term_count]u64,
    active_term_count: u32,
    _pad_writer: [limits.cache_line_length - 8 * term_count - 4]u8,
    consumer_position: u64,
    _pad_consumer: [limits.cache_line_length - 8]u8,
    writer: OwnerLine,
    consumer: OwnerLine,
    _reserved: [metadata_length - 768]u8,
};

pub const FrameHeader = extern struct {
    frame_length: i32,
    frame_type: u16,
    flags: u16,
    msg_type_id: i32,
    term_id: i32,
};

comptime {
    assert(@sizeOf(Metadata) == metadata_length);
    assert(@offsetOf(Metadata, "term_length") == 128);
    assert(@offsetOf(Metadata, "term_count") == 132);
    assert(@offsetOf(Metadata, "initial_term_id") == 136);
    assert(@offsetOf(Metadata, "raw_tails") == 256);
    assert(@offsetOf(Metadata, "active_term_count") == 280);
    assert(@offsetOf(Metadata, "consumer_position") == 384);
    assert(@offsetOf(Metadata, "writer") == 512);
    assert(@offsetOf(Metadata, "consumer") == 640);
    assert(@sizeOf(FrameHeader) == frame_header_length);
    assert(@offsetOf(FrameHeader, "frame_type") == 4);
    assert(@offsetOf(FrameHeader, "msg_type_id") == 8);
    assert(@offsetOf(FrameHeader, "term_id") == 12);
    assert(std.math.isPowerOfTwo(term_length_min) and std.math.isPowerOfTwo(term_length_max));
    assert(metadata_length + term_count * @as(u64, term_length_max) < (1 << 31));
    assert(payload_length_max + frame_header_length <= term_length_max);
    assert(frame_header_length % frame_alignment == 0);
    // A padding frame's header always fits in what is left of a term.
    assert(term_length_min % frame_alignment == 0);
}

pub fn termLengthValid(term_length: u32) bool {
    return std.math.isPowerOfTwo(term_length) and
        term_length >= term_length_min and term_length <= term_length_max;
}

pub fn segmentLength(term_length: u32) usize {
    return metadata_length + term_count * @as(usize, term_length);
}

/// The checks of an opened log buffer's metadata (segment/open_checked.zig).
pub fn metadataValid(metadata: *const Metadata, segment_length: usize) bool {
    const term_length = metadata.term_length;
    return termLengthValid(term_length) and metadata.term_count == term_count and
        segment_length == segmentLength(term_length);
}

/// Bytes a frame of `payload_length` occupies in its term.
pub fn alignedFrameLength(payload_length: u32) u32 {
    return std.mem.alignForward(u32, payload_length + frame_header_length, frame_alignment);
}

pub fn rawTail(term_id: i32, term_offset: u32) u64 {
    return (@as(u64, @as(u32, @bitCast(term_id))) << 32) | term_offset;
}

pub fn termIdOf(raw_tail: u64) i32 {
    return @bitCast(@as(u32, @truncate(raw_tail >> 32)));
}

pub fn termOffsetOf(raw_tail: u64) u32 {
    return @truncate(raw_tail);
}
