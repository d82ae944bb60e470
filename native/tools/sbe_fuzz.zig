//! Runs the SBE decoders' hostile-input fuzzer (src/sbe/fuzz.zig) from the command line:
//!
//!   zigbolt-sbe-fuzz [--seed N] [--iterations N]
//!
//! prints one JSON line of outcome counts. Out-of-bounds reads panic only in a safe build:
//! `zig build -Doptimize=ReleaseSafe` (the ReleaseSafe unit test runs a million buffers).

const std = @import("std");
const builtin = @import("builtin");
const zigbolt = @import("zigbolt");
const fuzz = zigbolt.sbe.fuzz;

pub fn main() !void {
    var arena_state = std.heap.ArenaAllocator.init(std.heap.page_allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const args = try std.process.argsAlloc(arena);
    var seed: u64 = 0x5BE_F022;
    var iterations: u64 = 1_000_000;
    var i: usize = 1;
    while (i + 1 < args.len) : (i += 2) {
        if (std.mem.eql(u8, args[i], "--seed")) {
            seed = try std.fmt.parseInt(u64, args[i + 1], 10);
        } else if (std.mem.eql(u8, args[i], "--iterations")) {
            iterations = try std.fmt.parseInt(u64, args[i + 1], 10);
        } else {
            std.debug.print("usage: zigbolt-sbe-fuzz [--seed N] [--iterations N]\n", .{});
            std.process.exit(2);
        }
    }
    if (builtin.mode == .ReleaseFast or builtin.mode == .ReleaseSmall) {
        std.debug.print("zigbolt-sbe-fuzz: built without runtime safety, so reads outside a buffer " ++
            "would go unnoticed; rebuild with -Doptimize=ReleaseSafe for a real check\n", .{});
    }
    const pool = try fuzz.buildPool(arena, 7);
    var largest: usize = 0;
    for (pool) |m| largest = @max(largest, m.len);
    const scratch = try arena.alloc(u8, largest + 64 + 256);
    var timer = try std.time.Timer.start();
    const stats = fuzz.run(pool, scratch, seed, iterations);
    const seconds = @as(f64, @floatFromInt(timer.read())) / 1e9;
    var stdout_buffer: [1024]u8 = undefined;
    var stdout = std.fs.File.stdout().writerStreaming(&stdout_buffer);
    const out = &stdout.interface;
    try out.print("{{\"mode\":\"{s}\",\"seed\":{d},\"iterations\":{d},\"ok\":{d},\"truncated\":{d}," ++
        "\"invalidGroup\":{d},\"invalidEnumValue\":{d},\"unknownTemplate\":{d},\"seconds\":{d:.3}}}\n", .{
        @tagName(builtin.mode), seed,                stats.iterations,         stats.ok,
        stats.truncated,        stats.invalid_group, stats.invalid_enum_value, stats.unknown_template,
        seconds,
    });
    try out.flush();
}
