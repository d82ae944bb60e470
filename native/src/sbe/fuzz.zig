//! Hostile-input fuzzing of every FIX decoder from a fixed seed: valid corpus messages are
//! truncated, bit-flipped, given huge group counts and block lengths, var-data lengths
//! past the end, bad enum bytes, or replaced by random bytes behind a valid header. Every
//! buffer is an exact-length slice, so in a safe build (the unit test runs ReleaseSafe)
//! any read outside it panics. A decode must return a typed error or a view; a view is then
//! walked completely (every field, every entry of every nested group by `next` and by `at`,
//! every var-data field), which must stay inside the buffer too.
//! native/tools/sbe_fuzz.zig runs it from the command line; tests/sbe_fuzz.test.ts does the
//! same in TypeScript.

const std = @import("std");
const codec = @import("codec.zig");
const corpus = @import("corpus.zig");
const fix = @import("fix.zig");

pub const Stats = struct {
    iterations: u64 = 0,
    ok: u64 = 0,
    truncated: u64 = 0,
    invalid_group: u64 = 0,
    invalid_enum_value: u64 = 0,
    unknown_template: u64 = 0,
    /// Sum of everything the walks read, so they cannot be optimised away.
    checksum: u64 = 0,
};

/// The valid messages mutations start from: every corpus case of every message.
pub fn buildPool(arena: std.mem.Allocator, seed: u64) ![]const []const u8 {
    var pool: std.ArrayList([]const u8) = .empty;
    const buf = try arena.alloc(u8, 1 << 20);
    inline for (fix.messages) |M| {
        for (0..corpus.cases_per_message) |case| {
            const values = try corpus.values(M, arena, seed, case);
            const len = try M.encode(buf, values);
            // Keep the fuzz loop fast: skip the multi-kilobyte max cases of var data.
            if (len <= 20_000) try pool.append(arena, try arena.dupe(u8, buf[0..len]));
        }
    }
    return pool.items;
}

/// Runs `iterations` mutated buffers through `fix.decodeAny` and through one decoder picked
/// at random; `scratch` must hold the largest pool message plus 64 bytes.
pub fn run(pool: []const []const u8, scratch: []u8, seed: u64, iterations: u64) Stats {
    var prng = std.Random.DefaultPrng.init(seed);
    const random = prng.random();
    var stats: Stats = .{};
    for (0..iterations) |_| {
        const len = mutate(random, pool, scratch);
        const input = scratch[0..len];
        stats.iterations += 1;
        count(&stats, fix.decodeAny(input));
        // The same bytes through one specific decoder (mostly UnknownTemplate, unless the
        // template matches), so every decoder sees hostile input directly.
        const pick = random.uintLessThan(usize, fix.messages.len);
        inline for (fix.messages, 0..) |M, i| {
            if (i == pick) {
                if (M.decode(input)) |d| {
                    stats.checksum +%= walk(M.Body, corpus.shapeOf(M), d);
                    std.debug.assert(d.end() <= input.len);
                } else |_| {}
            }
        }
    }
    return stats;
}

fn count(stats: *Stats, result: codec.DecodeError!fix.AnyDecoder) void {
    if (result) |any| {
        stats.ok += 1;
        switch (any) {
            inline else => |d, tag| {
                const M = fix.messages[@intFromEnum(tag)];
                stats.checksum +%= walk(M.Body, corpus.shapeOf(M), d);
            },
        }
    } else |err| switch (err) {
        error.Truncated => stats.truncated += 1,
        error.InvalidGroup => stats.invalid_group += 1,
        error.InvalidEnumValue => stats.invalid_enum_value += 1,
        error.UnknownTemplate => stats.unknown_template += 1,
    }
}

/// Reads every field, entry and var-data byte count of a validated view.
pub fn walk(comptime C: type, comptime shape: codec.Shape, view: C.View) u64 {
    var sum: u64 = view.end();
    inline for (shape.fields) |f| {
        const v = view.get(f.name);
        sum +%= switch (f.type) {
            .chars => v.len,
            else => @as(u64, @truncate(std.hash.Wyhash.hash(0, std.mem.asBytes(&v)))),
        };
    }
    inline for (shape.groups) |g| {
        const G = C.GroupOf(g.name);
        const gshape: codec.Shape = .{ .fields = g.fields, .groups = g.groups, .data = g.data };
        var it = view.group(g.name);
        var index: usize = 0;
        while (it.next()) |entry| : (index += 1) {
            sum +%= walk(G, gshape, entry);
            const same = it.at(index) catch unreachable;
            std.debug.assert(same.offset == entry.offset);
        }
        std.debug.assert(index == it.count);
        if (it.at(it.count)) |_| unreachable else |_| {}
    }
    inline for (shape.data) |d| sum +%= view.data(d.name).len;
    return sum;
}

/// Writes one hostile buffer into `scratch`; returns its length.
pub fn mutate(random: std.Random, pool: []const []const u8, scratch: []u8) usize {
    const base = pool[random.uintLessThan(usize, pool.len)];
    @memcpy(scratch[0..base.len], base);
    var len = base.len;
    const rounds = 1 + random.uintLessThan(usize, 3);
    for (0..rounds) |_| {
        switch (random.uintLessThan(u8, 8)) {
            // Truncate anywhere (also into the header).
            0 => len = random.uintAtMost(usize, len),
            // Flip a few bytes (bad enum bytes, broken lengths).
            1 => for (0..1 + random.uintLessThan(usize, 4)) |_| {
                if (len > 0) scratch[random.uintLessThan(usize, len)] = random.int(u8);
            },
            // A huge or random u16 somewhere: group counts and block lengths.
            2 => if (len >= 2) {
                const at = random.uintLessThan(usize, len - 1);
                const v: u16 = if (random.boolean()) 0xFFFF else random.int(u16);
                std.mem.writeInt(u16, scratch[at..][0..2], v, .little);
            },
            // A u32 somewhere: var-data lengths past the end.
            3 => if (len >= 4) {
                const at = random.uintLessThan(usize, len - 3);
                std.mem.writeInt(u32, scratch[at..][0..4], random.int(u32), .little);
            },
            // Random bytes behind a valid header of a random template and version.
            4 => {
                const M_index = random.uintLessThan(usize, fix.messages.len);
                len = 8 + random.uintLessThan(usize, @min(scratch.len - 8, 256));
                random.bytes(scratch[8..len]);
                inline for (fix.messages, 0..) |M, i| {
                    if (i == M_index) codec.writeHeader(scratch, .{
                        .block_length = if (random.boolean()) M.block_length else random.int(u8),
                        .template_id = M.template_id,
                        .schema_id = 1,
                        .version = random.uintAtMost(u16, 3),
                    });
                }
            },
            // Trailing garbage (decoders must ignore it).
            5 => {
                const extra = random.uintAtMost(usize, @min(64, scratch.len - len));
                random.bytes(scratch[len..][0..extra]);
                len += extra;
            },
            // A smaller block length in the header (older version) or a larger one.
            6 => if (len >= 8) {
                const bl = std.mem.readInt(u16, scratch[0..2], .little);
                const delta = random.uintAtMost(u16, 16);
                std.mem.writeInt(u16, scratch[0..2], if (random.boolean()) bl -% delta else bl +% delta, .little);
                std.mem.writeInt(u16, scratch[6..8], random.uintAtMost(u16, 2), .little);
            },
            // Zero a random span (zero counts, NUL strings, null enums).
            else => if (len > 0) {
                const at = random.uintLessThan(usize, len);
                @memset(scratch[at..][0..@min(len - at, random.uintAtMost(usize, 8))], 0);
            },
        }
    }
    return len;
}

test "a million hostile buffers: typed errors or views that stay inside the buffer" {
    var arena_state = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const pool = try buildPool(arena, 7);
    var largest: usize = 0;
    for (pool) |m| largest = @max(largest, m.len);
    const scratch = try arena.alloc(u8, largest + 64 + 256);
    const stats = run(pool, scratch, 0x5BE_F022, 1_000_000);
    try std.testing.expectEqual(@as(u64, 1_000_000), stats.iterations);
    // Every outcome was reached, so the mutations exercise every check.
    try std.testing.expect(stats.ok > 10_000);
    try std.testing.expect(stats.truncated > 10_000);
    try std.testing.expect(stats.invalid_group > 1_000);
    try std.testing.expect(stats.invalid_enum_value > 1_000);
    try std.testing.expect(stats.unknown_template > 1_000);
}
