//! Every limit ZigBolt enforces, in one place, related to each other at compile time.
//! The TypeScript binding mirrors these in lib/_limits.ts; a cross-language test checks them.

const std = @import("std");
const assert = std.debug.assert;

/// Number of terms in an IPC channel's log (zigbolt-ipc-v1).
pub const term_count = 3;
pub const term_length_min = 4096;
pub const term_length_max = 1 << 30;
pub const term_length_default = 1 << 20;

/// The channel header occupies the first page of the segment.
pub const header_length = 4096;
pub const cache_line_length = 128;

pub const frame_alignment = 8;
pub const frame_header_length = 8;
/// Largest payload a frame may carry (it must also fit in one term).
pub const payload_length_max = 16 << 20;

/// A channel name is "/" followed by 1..254 bytes with no "/" and no NUL.
pub const name_length_max = 255;

/// Live native handles (channels, transports) per process.
pub const handles_max = 4096;

/// The publisher may run at most this many bytes ahead of the subscriber, so the term the
/// subscriber is reading is never overwritten.
pub const in_flight_bytes_max_terms = term_count - 1;

comptime {
    assert(std.math.isPowerOfTwo(term_length_min));
    assert(std.math.isPowerOfTwo(term_length_max));
    assert(term_length_min <= term_length_default and term_length_default <= term_length_max);
    assert(term_length_min >= header_length);
    assert(frame_header_length % frame_alignment == 0);
    assert(term_length_min % frame_alignment == 0);
    // Every offset and frame length fits an i32 frame_length and a u32 term offset.
    assert(term_length_max <= std.math.maxInt(i32));
    // Positions wrap the low 32 bits at most once per poll batch: 3 terms fit in a u32.
    assert(term_count * @as(u64, term_length_max) < (1 << 32));
    assert(payload_length_max + frame_header_length <= term_length_max);
    assert(handles_max <= 1 << 16);
}
