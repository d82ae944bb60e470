//! Aeron's stream positions (LogBufferDescriptor's arithmetic; docs/codecs.md).
//!
//! A stream starts at `initial_term_id`; term ids then count up by one per term and wrap as
//! i32. With `position_bits_to_shift` = log2(term_length):
//!
//!   position    = ((term_id -% initial_term_id) as i64 << bits) + term_offset
//!   term_id     = @truncate(position >> bits) +% initial_term_id
//!   term_offset = position & (term_length - 1)
//!
//! The term count `term_id -% initial_term_id` is a wrapping i32 subtraction (as in Aeron),
//! so a stream whose term ids roll over from maxInt(i32) to minInt(i32) keeps counting up,
//! to at most maxInt(i32) terms: positions stay below 2^61.

const std = @import("std");
const Error = @import("../status.zig").Error;

/// Aeron's term lengths: powers of two in [64 KiB, 1 GiB].
pub const term_length_min = 64 * 1024;
pub const term_length_max = 1024 * 1024 * 1024;
/// Aeron keeps three terms (partitions) per log.
pub const partition_count = 3;

/// log2(term_length); InvalidTermLength unless a power of two in [64 KiB, 1 GiB].
pub fn positionBitsToShift(term_length: u32) Error!u6 {
    if (term_length < term_length_min or term_length > term_length_max) return error.InvalidTermLength;
    if (!std.math.isPowerOfTwo(term_length)) return error.InvalidTermLength;
    return @intCast(std.math.log2_int(u32, term_length));
}

pub fn computePosition(term_id: i32, term_offset: i32, position_bits_to_shift: u6, initial_term_id: i32) i64 {
    const term_count: i64 = term_id -% initial_term_id;
    return (term_count << position_bits_to_shift) + term_offset;
}

/// The position at which term `term_id` begins.
pub fn computeTermBeginPosition(term_id: i32, position_bits_to_shift: u6, initial_term_id: i32) i64 {
    return computePosition(term_id, 0, position_bits_to_shift, initial_term_id);
}

pub fn computeTermIdFromPosition(position: i64, position_bits_to_shift: u6, initial_term_id: i32) i32 {
    const term_count: i32 = @truncate(position >> position_bits_to_shift);
    return term_count +% initial_term_id;
}

pub fn computeTermOffsetFromPosition(position: i64, position_bits_to_shift: u6) i32 {
    const mask = (@as(i64, 1) << position_bits_to_shift) - 1;
    return @intCast(position & mask);
}

/// Which of the three partitions holds `term_id`.
pub fn indexByTerm(initial_term_id: i32, term_id: i32) u2 {
    const term_count: u32 = @bitCast(term_id -% initial_term_id);
    return @intCast(term_count % partition_count);
}

/// Which of the three partitions holds `position`.
pub fn indexByPosition(position: i64, position_bits_to_shift: u6) u2 {
    const term_count: u64 = @bitCast(position >> position_bits_to_shift);
    return @intCast(term_count % partition_count);
}

const testing = std.testing;

test "positions round-trip through term id and term offset" {
    const bits = try positionBitsToShift(64 * 1024);
    try testing.expectEqual(@as(u6, 16), bits);
    const position = computePosition(7, 128, bits, 5);
    try testing.expectEqual(@as(i64, 2 * 65536 + 128), position);
    try testing.expectEqual(@as(i32, 7), computeTermIdFromPosition(position, bits, 5));
    try testing.expectEqual(@as(i32, 128), computeTermOffsetFromPosition(position, bits));
    try testing.expectEqual(@as(i64, 2 * 65536), computeTermBeginPosition(7, bits, 5));
    try testing.expectEqual(@as(u2, 2), indexByTerm(5, 7));
    try testing.expectEqual(@as(u2, 2), indexByPosition(position, bits));
}

test "term ids that wrap past maxInt(i32) keep positions increasing" {
    const bits = try positionBitsToShift(1 << 30);
    const initial: i32 = std.math.maxInt(i32) - 1;
    const wrapped: i32 = std.math.minInt(i32) + 1; // three terms after `initial`
    const position = computePosition(wrapped, 64, bits, initial);
    try testing.expectEqual(@as(i64, 3 << 30) + 64, position);
    try testing.expectEqual(wrapped, computeTermIdFromPosition(position, bits, initial));
    // The largest position: maxInt(i32) terms of 1 GiB after the first, at its last byte.
    const last = computePosition(initial +% std.math.maxInt(i32), (1 << 30) - 1, bits, initial);
    try testing.expectEqual((@as(i64, 1) << 61) - 1, last);
    try testing.expectEqual(initial +% std.math.maxInt(i32), computeTermIdFromPosition(last, bits, initial));
}

test "term lengths must be powers of two in [64 KiB, 1 GiB]" {
    try testing.expectError(error.InvalidTermLength, positionBitsToShift(4096));
    try testing.expectError(error.InvalidTermLength, positionBitsToShift(65536 + 8));
    try testing.expectError(error.InvalidTermLength, positionBitsToShift(1 << 31));
    try testing.expectEqual(@as(u6, 30), try positionBitsToShift(1 << 30));
}
