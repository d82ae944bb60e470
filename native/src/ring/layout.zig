//! The zigbolt-ring-v2 layout shared by the SPSC and MPSC ring buffers, byte for byte
//! (docs/spsc-ring.md, docs/mpsc-ring.md; lib/_ring_layout.ts reads the same bytes).
//!
//!   offset  size  field                                written by
//!   ------  ----  -----------------------------------  ------------------------------
//!        0   128  SegmentHeader (kind 1 SPSC, 2 MPSC)  creator (magic last)
//!      128     4  capacity (power of two)              creator
//!      132     4  payload_length_max                   creator
//!      136     4  producer_slot_count (0 SPSC, 64)     creator
//!      140     4  data_offset                          creator
//!      256     4  tail (u32 byte position)             producer / producers by CAS
//!      384     4  head (u32 byte position)             consumer
//!      388     4  read_position (MPSC)                 consumer
//!      512     8  consumer owner word                  consumer (claim)
//!      640     8  producer owner word (SPSC)           producer (claim)
//!      768     4  head_epoch (MPSC): head's 2^30 crossings consumer, before the head
//!     4096        MPSC: 64 producer slots of 128 bytes (ProducerSlot)
//!  data_offset    data: `capacity` bytes of records (4096 SPSC, 12288 MPSC)
//!
//! Positions are u32 byte counts that wrap at 2^32; a position's offset in the data is
//! `position & (capacity - 1)` (capacity divides 2^32). Differences are taken modulo 2^32
//! and are never more than `capacity`, so wrapping is harmless.
//!
//! Record: an 8-byte header at an 8-aligned offset, then the payload, then 0..7 bytes of
//! alignment. Records never cross the end of the data: a padding record fills it.
//!   0  i32 length   header + payload bytes (8..), 0 = not (yet) written
//!   4  i32 type     message type id >= 0; -1 padding; -2 lost (MPSC: a dead producer's claim)

const std = @import("std");
const segment_header = @import("../segment/header.zig");
const limits = @import("../limits.zig");
const assert = std.debug.assert;

/// 2: the MPSC head epoch (a version-1 consumer would never advance it).
pub const version: u32 = 2;

// ---- limits -----------------------------------------------------------------------------

pub const capacity_min: u32 = 1024;
pub const capacity_max: u32 = 1 << 30;
pub const record_alignment: u32 = 8;
pub const record_header_length: u32 = 8;
/// Producer slots of an MPSC ring: at most this many producers at once.
pub const producer_slot_count: u32 = 64;
pub const producer_slot_length: u32 = limits.cache_line_length;
pub const header_length: u32 = 4096;
pub const spsc_data_offset: u32 = header_length;
pub const mpsc_data_offset: u32 = header_length + producer_slot_count * producer_slot_length;

/// The MPSC head epoch counts how often the head crossed a multiple of 2^head_epoch_shift.
/// A producer whose cached head is from the epoch it sees now (or the one before) holds a
/// head less than 2^31 old, so its modular space check is sound (docs/mpsc-ring.md).
pub const head_epoch_shift = 30;

pub const type_padding: i32 = -1;
pub const type_lost: i32 = -2;

comptime {
    assert(std.math.isPowerOfTwo(capacity_min) and std.math.isPowerOfTwo(capacity_max));
    assert(capacity_min >= 8 * record_alignment * 2);
    // Modular position arithmetic needs capacity to divide 2^32 and differences < 2^31.
    assert(capacity_max <= 1 << 30);
    // One release frees at most a capacity: it crosses at most one epoch boundary.
    assert(capacity_max <= 1 << head_epoch_shift);
    assert(record_header_length % record_alignment == 0);
    assert(mpsc_data_offset + @as(u64, capacity_max) <= std.math.maxInt(i32));
    assert(mpsc_data_offset % std.heap.page_size_min == 0);
}

pub fn capacityValid(capacity: u64) bool {
    return capacity >= capacity_min and capacity <= capacity_max and std.math.isPowerOfTwo(capacity);
}

/// Largest payload one message may carry in a ring of `capacity` bytes: an eighth of it
/// (less the header), and never more than limits.payload_length_max.
pub fn payloadLengthMax(capacity: u32) u32 {
    return @min(capacity / 8 - record_header_length, limits.payload_length_max);
}

pub fn alignedLength(record_length: u32) u32 {
    return std.mem.alignForward(u32, record_length, record_alignment);
}

pub fn dataOffset(kind: segment_header.Kind) u32 {
    return if (kind == .mpsc_ring) mpsc_data_offset else spsc_data_offset;
}

pub fn segmentLength(kind: segment_header.Kind, capacity: u32) usize {
    return @as(usize, dataOffset(kind)) + capacity;
}

pub const RingHeader = extern struct {
    capacity: u32,
    payload_length_max: u32,
    producer_slot_count: u32,
    data_offset: u32,
    _pad_meta: [limits.cache_line_length - 16]u8,
    tail: u32,
    _pad_tail: [limits.cache_line_length - 4]u8,
    head: u32,
    read_position: u32,
    _pad_head: [limits.cache_line_length - 8]u8,
    consumer: u64,
    _pad_consumer: [limits.cache_line_length - 8]u8,
    producer: u64,
    _pad_producer: [limits.cache_line_length - 8]u8,
    /// MPSC: written once per 2^30 bytes consumed, so producers keep it in their caches.
    head_epoch: u32,
    _pad_head_epoch: [limits.cache_line_length - 4]u8,
};

/// One producer's claim record (MPSC): who it is, and the claim it is making, written before
/// the CAS that takes the space, so a consumer can tell a dead producer's claim from a
/// slow one's, and how long it is.
pub const ProducerSlot = extern struct {
    owner: u64,
    /// Position where the claim starts (the tail the producer saw).
    pending_start: u32,
    /// Bytes of the claim (padding included); 0 = no claim in progress.
    pending_length: u32,
    _pad: [producer_slot_length - 16]u8,
};

pub const RecordHeader = extern struct {
    length: i32,
    type: i32,
};

/// Offset of RingHeader in the segment.
pub const ring_header_offset = segment_header.structure_header_offset;

comptime {
    assert(ring_header_offset == 128);
    assert(@sizeOf(RingHeader) == 6 * limits.cache_line_length);
    assert(ring_header_offset + @offsetOf(RingHeader, "capacity") == 128);
    assert(ring_header_offset + @offsetOf(RingHeader, "payload_length_max") == 132);
    assert(ring_header_offset + @offsetOf(RingHeader, "producer_slot_count") == 136);
    assert(ring_header_offset + @offsetOf(RingHeader, "data_offset") == 140);
    assert(ring_header_offset + @offsetOf(RingHeader, "tail") == 256);
    assert(ring_header_offset + @offsetOf(RingHeader, "head") == 384);
    assert(ring_header_offset + @offsetOf(RingHeader, "read_position") == 388);
    assert(ring_header_offset + @offsetOf(RingHeader, "consumer") == 512);
    assert(ring_header_offset + @offsetOf(RingHeader, "producer") == 640);
    assert(ring_header_offset + @offsetOf(RingHeader, "head_epoch") == 768);
    assert(ring_header_offset + @sizeOf(RingHeader) <= header_length);
    assert(@sizeOf(ProducerSlot) == producer_slot_length);
    assert(@offsetOf(ProducerSlot, "pending_start") == 8);
    assert(@offsetOf(ProducerSlot, "pending_length") == 12);
    assert(@sizeOf(RecordHeader) == record_header_length);
}

/// Checks the creator's fields of an opened ring against each other and the segment: a
/// garbage header must become CorruptChannel, never an out-of-bounds access.
pub fn headerValid(header: *const RingHeader, kind: segment_header.Kind, segment_length: usize) bool {
    const capacity = header.capacity;
    if (!capacityValid(capacity)) return false;
    if (header.payload_length_max != payloadLengthMax(capacity)) return false;
    if (header.data_offset != dataOffset(kind)) return false;
    const slots: u32 = if (kind == .mpsc_ring) producer_slot_count else 0;
    if (header.producer_slot_count != slots) return false;
    return segment_length == segmentLength(kind, capacity);
}

/// Whether a head moving from `from` to `to` crosses an epoch boundary (mod 2^32).
pub fn headEpochCrossed(from: u32, to: u32) bool {
    return from >> head_epoch_shift != to >> head_epoch_shift;
}

/// Whether `later - earlier` (mod 2^32) is a plausible distance inside one ring.
pub fn distanceValid(capacity: u32, earlier: u32, later: u32) bool {
    const distance = later -% earlier;
    return distance <= capacity and distance % record_alignment == 0;
}

test "capacities are powers of two within limits" {
    try std.testing.expect(capacityValid(1024));
    try std.testing.expect(capacityValid(1 << 30));
    try std.testing.expect(!capacityValid(512));
    try std.testing.expect(!capacityValid(3000));
    try std.testing.expect(!capacityValid(1 << 31));
    try std.testing.expect(!capacityValid(0));
}

test "distances wrap modulo 2^32" {
    try std.testing.expect(distanceValid(4096, 0xFFFF_FFF8, 8));
    try std.testing.expect(!distanceValid(4096, 8, 0xFFFF_FFF8));
    try std.testing.expect(!distanceValid(4096, 0, 4));
    try std.testing.expectEqual(@as(u32, 120), payloadLengthMax(1024));
}

test "the head epoch changes at each multiple of 2^30, wrap included" {
    try std.testing.expect(!headEpochCrossed(0, (1 << 30) - 8));
    try std.testing.expect(headEpochCrossed((1 << 30) - 8, 1 << 30));
    try std.testing.expect(headEpochCrossed(0xFFFF_FFF8, 8));
    try std.testing.expect(!headEpochCrossed(0x8000_0000, 0xBFFF_FFF8));
}
