//! The broadcast buffer's segment, byte for byte (docs/broadcast.md is the spec; TypeScript
//! reads the same bytes through lib/_broadcast_layout.ts).
//!
//!   offset  size  field                                  written by
//!   ------  ----  -------------------------------------  ------------------------------
//!        0   128  SegmentHeader (kind 4, version 1)      creator (segment/header.zig)
//!      128     4  capacity (bytes of records)            creator
//!      132     4  message_length_max (capacity / 8)      creator
//!      256     8  tail_intent (u64)                      transmitter, before a record
//!      264     8  tail (u64)                             transmitter, after a record
//!      272     8  latest (u64): start of the last record transmitter
//!      384     8  transmitter owner word                 transmitter (claim of the role)
//!     4096        records (capacity bytes, a power of two)
//!
//! Positions are byte counts since creation; a record at position p lies at p mod capacity.
//! Receivers write nothing: any number of them, in any process.
//!
//! Record, at an 8-aligned offset, never wrapping past the end of the buffer:
//!    0  i32 length        header + payload bytes
//!    4  i32 msg_type_id   >= 0; -1 marks padding up to the end of the buffer
//!    8  payload, then zero to seven bytes of alignment

const std = @import("std");
const segment_header = @import("../segment/header.zig");
const limits = @import("../limits.zig");
const assert = std.debug.assert;

pub const version: u32 = 1;
pub const capacity_min = 1024;
/// The segment stays below 2 GiB, so offsets fit the C ABI's int32_t.
pub const capacity_max = 1 << 30;
pub const capacity_default = 1 << 20;
pub const metadata_length = 4096;
pub const record_header_length = 8;
pub const record_alignment = 8;
pub const padding_msg_type_id: i32 = -1;
/// Positions beyond this are garbage (2^53: also exact as a JavaScript number).
pub const position_max: u64 = 1 << 53;

pub const Metadata = extern struct {
    common: segment_header.SegmentHeader,
    capacity: u32,
    message_length_max: u32,
    _pad_meta: [limits.cache_line_length - 8]u8,
    tail_intent: u64,
    tail: u64,
    latest: u64,
    _pad_transmitter: [limits.cache_line_length - 24]u8,
    transmitter_owner: u64,
    _reserved: [metadata_length - 392]u8,
};

pub const RecordHeader = extern struct {
    length: i32,
    msg_type_id: i32,
};

comptime {
    assert(@sizeOf(Metadata) == metadata_length);
    assert(@offsetOf(Metadata, "capacity") == 128);
    assert(@offsetOf(Metadata, "message_length_max") == 132);
    assert(@offsetOf(Metadata, "tail_intent") == 256);
    assert(@offsetOf(Metadata, "tail") == 264);
    assert(@offsetOf(Metadata, "latest") == 272);
    assert(@offsetOf(Metadata, "transmitter_owner") == 384);
    assert(@sizeOf(RecordHeader) == record_header_length);
    assert(metadata_length + @as(u64, capacity_max) < (1 << 31));
    assert(std.math.isPowerOfTwo(capacity_min) and std.math.isPowerOfTwo(capacity_max));
    // The largest record fits in the buffer with room for padding before it.
    assert(messageLengthMax(capacity_min) + record_header_length <= capacity_min / 2);
}

pub fn capacityValid(capacity: u32) bool {
    return std.math.isPowerOfTwo(capacity) and capacity >= capacity_min and capacity <= capacity_max;
}

pub fn messageLengthMax(capacity: u32) u32 {
    return capacity / 8;
}

pub fn segmentLength(capacity: u32) usize {
    return metadata_length + @as(usize, capacity);
}

/// The checks of an opened buffer's metadata (segment/open_checked.zig).
pub fn metadataValid(metadata: *const Metadata, segment_length: usize) bool {
    const capacity = metadata.capacity;
    return capacityValid(capacity) and metadata.message_length_max == messageLengthMax(capacity) and
        segment_length == segmentLength(capacity);
}

pub fn alignedRecordLength(payload_length: u32) u32 {
    return std.mem.alignForward(u32, payload_length + record_header_length, record_alignment);
}

/// Orders the loads before it (the record just read) before the loads after it (the
/// tail intent that validates it). x86-64 keeps loads in order: only the compiler must not
/// move them.
pub inline fn loadFence() void {
    switch (@import("builtin").cpu.arch) {
        .x86_64, .x86 => asm volatile ("" ::: .{ .memory = true }),
        .aarch64 => asm volatile ("dmb ishld" ::: .{ .memory = true }),
        else => @compileError("broadcast: add a load fence for this architecture"),
    }
}

/// Orders the store before it (the tail intent) before the stores after it (the record).
/// x86-64 keeps stores in order: only the compiler must not move them.
pub inline fn storeFence() void {
    switch (@import("builtin").cpu.arch) {
        .x86_64, .x86 => asm volatile ("" ::: .{ .memory = true }),
        .aarch64 => asm volatile ("dmb ishst" ::: .{ .memory = true }),
        else => @compileError("broadcast: add a store fence for this architecture"),
    }
}
