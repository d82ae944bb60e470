//! What the Zig test peers share (imported by relative path, not a tool itself): the test
//! stream's pattern and message sizes (tests/peers/_stream.ts is the same in TypeScript),
//! fmix32, and printing the one JSON result line.
//!
//!   pattern[i]  = low byte of xorshift32 step i from 0x9E3779B9
//!   size(seq)   = from fmix32(seq): 70% 1..256, 25% 1..4096, 4.5% 1..16384, 0.5% 1..65536
//!   offset(seq) = (seq * 7) mod 4096

const std = @import("std");

/// Room for the largest message at the largest offset.
pub const pattern_length = 65536 + 4096;

pub fn fillPattern(pattern: *[pattern_length]u8) void {
    var x: u32 = 0x9E3779B9;
    for (pattern) |*byte| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        byte.* = @truncate(x);
    }
}

/// MurmurHash3's 32-bit finalizer.
pub fn fmix32(value: u32) u32 {
    var h = value;
    h ^= h >> 16;
    h *%= 0x85ebca6b;
    h ^= h >> 13;
    h *%= 0xc2b2ae35;
    h ^= h >> 16;
    return h;
}

/// Payload size of message `seq` (1..65536).
pub fn streamSize(seq: u32) u32 {
    const h = fmix32(seq);
    const bucket = h % 1000;
    const spread = h >> 10;
    if (bucket < 700) return 1 + spread % 256;
    if (bucket < 950) return 1 + spread % 4096;
    if (bucket < 995) return 1 + spread % 16384;
    return 1 + spread % 65536;
}

/// Where message `seq`'s payload starts in the pattern.
pub fn streamOffset(seq: u32) u32 {
    return (seq *% 7) % 4096;
}

/// Prints the peer's result line to stdout.
pub fn printJson(comptime format: []const u8, args: anytype) !void {
    var buffer: [512]u8 = undefined;
    var writer = std.fs.File.stdout().writer(&buffer);
    try writer.interface.print(format, args);
    try writer.interface.flush();
}
