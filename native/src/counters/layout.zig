//! The counters file (docs/counters.md): named shared memory holding labelled 64-bit
//! counters that any ZigBolt process writes and any process (the stat tool, TypeScript) reads,
//! like the counters in Aeron's CnC file.
//!
//!   [0, 128)            common SegmentHeader (kind = counters)
//!   [128, 4096)         CountersHeader
//!   metadata_offset     counters_max MetadataRecords of 512 bytes
//!   values_offset       counters_max ValueRecords of 128 bytes (one cache line each)

const std = @import("std");
const segment_header = @import("../segment/header.zig");

pub const version: u32 = 1;
pub const header_length = 4096;
pub const metadata_record_length = 512;
pub const value_record_length = 128;
pub const label_length_max = 384;
pub const counters_max_default = 4096;
pub const counters_min = 1;
pub const counters_max_limit = 1 << 20;

/// Record state, the low 32 bits of MetadataRecord.state_word; the high 32 bits count the
/// record's allocations, so a compare-and-swap on the word cannot succeed on a reused record.
pub const State = enum(u32) {
    free = 0,
    /// Claimed by an allocator that is still writing its type and label.
    allocating = 1,
    allocated = 2,
    _,
};

pub const CountersHeader = extern struct {
    counters_max: u32,
    metadata_record_length: u32,
    value_record_length: u32,
    label_length_max: u32,
    metadata_offset: u64,
    values_offset: u64,
};

pub const MetadataRecord = extern struct {
    /// generation << 32 | state.
    state_word: u64,
    /// Owner word (pid, start time) of the process that allocated it; 0 while free.
    owner: u64,
    type_id: i32,
    label_length: u32,
    /// CLOCK_MONOTONIC ns at allocation, so a reader can tell a new counter from an old one.
    allocated_ns: u64,
    reserved: [96]u8,
    label: [label_length_max]u8,
};

pub const ValueRecord = extern struct {
    value: i64,
    padding: [value_record_length - 8]u8,
};

pub fn metadataOffset() u64 {
    return header_length;
}

pub fn valuesOffset(counters_max: u32) u64 {
    return header_length + @as(u64, counters_max) * metadata_record_length;
}

pub fn segmentLength(counters_max: u32) u64 {
    return valuesOffset(counters_max) + @as(u64, counters_max) * value_record_length;
}

pub fn stateOf(word: u64) State {
    return @enumFromInt(@as(u32, @truncate(word)));
}

pub fn generationOf(word: u64) u32 {
    return @truncate(word >> 32);
}

pub fn stateWord(generation: u32, state: State) u64 {
    return (@as(u64, generation) << 32) | @intFromEnum(state);
}

comptime {
    const assert = std.debug.assert;
    assert(segment_header.structure_header_offset == 128);
    assert(@sizeOf(CountersHeader) == 32);
    assert(@offsetOf(CountersHeader, "counters_max") == 0);
    assert(@offsetOf(CountersHeader, "metadata_offset") == 16);
    assert(@offsetOf(CountersHeader, "values_offset") == 24);
    assert(@sizeOf(MetadataRecord) == metadata_record_length);
    assert(@offsetOf(MetadataRecord, "state_word") == 0);
    assert(@offsetOf(MetadataRecord, "owner") == 8);
    assert(@offsetOf(MetadataRecord, "type_id") == 16);
    assert(@offsetOf(MetadataRecord, "label_length") == 20);
    assert(@offsetOf(MetadataRecord, "allocated_ns") == 24);
    assert(@offsetOf(MetadataRecord, "label") == 128);
    assert(@sizeOf(ValueRecord) == value_record_length);
    assert(header_length % 128 == 0 and metadata_record_length % 128 == 0);
    assert(segmentLength(counters_max_limit) < 1 << 40);
}
