//! The first 128 bytes of every named ZigBolt structure other than the IPC channel (whose
//! header is fixed by zigbolt-ipc-v1): rings, log buffers, broadcast buffers, counters files.
//! docs/segments.md is the spec.
//!
//!   offset  size  field
//!        0     8  magic            "ZBSEGMT1" once the segment is complete (stored last)
//!        8     4  kind             which structure (Kind)
//!       12     4  version          layout version of that structure
//!       16     8  segment_length   bytes in the whole segment
//!       24     8  creator          owner word of the creating process (pid, start time)
//!       32    96  reserved         zero
//!
//! A structure's own header starts at offset 128 (`structure_header_offset`).

const std = @import("std");

pub const magic: u64 = std.mem.readInt(u64, "ZBSEGMT1", .little);
pub const length = 128;
pub const structure_header_offset = length;

/// Values are part of the layout (docs/segments.md): append only.
pub const Kind = enum(u32) {
    spsc_ring = 1,
    mpsc_ring = 2,
    log_buffer = 3,
    broadcast = 4,
    counters = 5,
    _,
};

pub const SegmentHeader = extern struct {
    magic: u64,
    kind: u32,
    version: u32,
    segment_length: u64,
    creator: u64,
    reserved: [96]u8,
};

comptime {
    std.debug.assert(@sizeOf(SegmentHeader) == length);
    std.debug.assert(@offsetOf(SegmentHeader, "magic") == 0);
    std.debug.assert(@offsetOf(SegmentHeader, "kind") == 8);
    std.debug.assert(@offsetOf(SegmentHeader, "version") == 12);
    std.debug.assert(@offsetOf(SegmentHeader, "segment_length") == 16);
    std.debug.assert(@offsetOf(SegmentHeader, "creator") == 24);
}
