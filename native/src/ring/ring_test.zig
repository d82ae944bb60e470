//! Single-process tests of the SPSC and MPSC rings: edges (full, empty, wrap, padding),
//! bad input, corrupted shared headers, and a dead producer's claim. Cross-process and
//! cross-language tests live in ../../../tests/rings*.test.ts.

const std = @import("std");
const layout = @import("layout.zig");
const SpscRingBuffer = @import("spsc.zig").SpscRingBuffer;
const MpscRingBuffer = @import("mpsc.zig").MpscRingBuffer;
const mpsc = @import("mpsc.zig");
const testing = std.testing;

const Collected = struct {
    count: u32 = 0,
    values: [4096]u32 = undefined,
    types: [4096]i32 = undefined,
    lengths: [4096]usize = undefined,

    fn onMessage(self: *Collected, payload: []const u8, msg_type_id: i32) void {
        self.values[self.count] = if (payload.len >= 4) std.mem.readInt(u32, payload[0..4], .little) else 0;
        self.types[self.count] = msg_type_id;
        self.lengths[self.count] = payload.len;
        self.count += 1;
    }

    /// One read of up to `limit` messages from `ring` (SPSC or MPSC) into this collection.
    fn readFrom(self: *Collected, ring: anytype, limit: u32) !u32 {
        return ring.read(self, Collected.onMessage, limit);
    }
};

/// The next read of `ring` finds its shared header or a record corrupt.
fn expectCorrupt(ring: anytype, collected: *Collected) !void {
    try testing.expectError(error.CorruptChannel, collected.readFrom(ring, 10));
}

fn numbered(buffer: []u8, value: u32) []u8 {
    std.mem.writeInt(u32, buffer[0..4], value, .little);
    return buffer;
}

test "spsc: a written message is read once with its type id" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-basic", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var buffer: [16]u8 = @splat(0);
    try testing.expect(try ring.write(numbered(&buffer, 42), 7));
    try testing.expect(try ring.write("", 0));
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 2), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 42), collected.values[0]);
    try testing.expectEqual(@as(i32, 7), collected.types[0]);
    try testing.expectEqual(@as(usize, 0), collected.lengths[1]);
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&ring, 10));
}

test "spsc: full is false, and space comes back after a read" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-full", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var buffer: [56]u8 = @splat(0);
    // 64-byte records: exactly 16 fit.
    for (0..16) |i| try testing.expect(try ring.write(numbered(&buffer, @intCast(i)), 1));
    try testing.expect(!try ring.write(&buffer, 1));
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 1));
    try testing.expect(try ring.write(numbered(&buffer, 16), 1));
    try testing.expect(!try ring.write(&buffer, 1));
    try testing.expectEqual(@as(u32, 16), try collected.readFrom(&ring, 100));
    for (0..17) |i| try testing.expectEqual(@as(u32, @intCast(i)), collected.values[i]);
}

test "spsc: records wrap with a padding record, in order" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-wrap", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var buffer: [100]u8 = @splat(0);
    var collected: Collected = .{};
    var next: u32 = 0;
    // 112-byte records against 1024: every ninth write wraps with padding.
    for (0..200) |round| {
        const length: usize = 4 + round % 97;
        try testing.expect(try ring.write(numbered(buffer[0..length], next), 3));
        next += 1;
        _ = try collected.readFrom(&ring, 100);
        if (collected.count > 4000) collected.count = 0;
    }
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&ring, 100));
    try testing.expect(ring.ring.header.head > 1024 * 10);
}

test "spsc: positions wrap at 2^32" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-u32", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    const start: u32 = 0xFFFF_FF00;
    ring.ring.header.tail = start;
    ring.ring.header.head = start;
    var buffer: [20]u8 = @splat(0);
    var collected: Collected = .{};
    for (0..100) |i| {
        try testing.expect(try ring.write(numbered(&buffer, @intCast(i)), 1));
        try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 10));
    }
    for (0..100) |i| try testing.expectEqual(@as(u32, @intCast(i)), collected.values[i]);
    try testing.expect(ring.ring.header.tail < start);
}

test "spsc: bad sizes, types and capacities are refused" {
    try testing.expectError(error.InvalidCapacity, SpscRingBuffer.create("/zigbolt-test-spsc-cap", .{ .capacity = 3000 }));
    try testing.expectError(error.InvalidCapacity, SpscRingBuffer.create("/zigbolt-test-spsc-cap", .{ .capacity = 512 }));
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-bad", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var big: [121]u8 = @splat(0);
    try testing.expectError(error.MessageTooLarge, ring.write(&big, 1));
    try testing.expect(try ring.write(big[0..120], 1));
    try testing.expectError(error.InvalidArgument, ring.write("x", -1));
    try testing.expectError(error.WrongStructure, MpscRingBuffer.open("/zigbolt-test-spsc-bad", .{}));
}

test "spsc: a second producer or consumer handle is refused while the first holds the role" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-roles", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var other = try SpscRingBuffer.open("/zigbolt-test-spsc-roles", .{});
    defer other.close();
    try testing.expect(try ring.write("a", 1));
    try testing.expectError(error.PublisherExists, other.write("b", 1));
    var collected: Collected = .{};
    _ = try collected.readFrom(&other, 1);
    try testing.expectError(error.SubscriberExists, collected.readFrom(&ring, 1));
}

test "spsc: corrupted shared positions and records are CorruptChannel, never a crash" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-corrupt", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var collected: Collected = .{};
    try testing.expect(try ring.write("abc", 1));
    ring.ring.header.tail = 0x1234_5678;
    try expectCorrupt(&ring, &collected);
    ring.ring.header.tail = 16;
    ring.ring.record(0).length = 5000;
    try expectCorrupt(&ring, &collected);
    ring.ring.record(0).length = 11;
    ring.ring.record(0).type = -7;
    try expectCorrupt(&ring, &collected);
    ring.ring.record(0).type = 1;
    ring.ring.header.head = 8;
    try expectCorrupt(&ring, &collected);
    ring.ring.header.head = 0;
    try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 10));
    // The producer notices a head moved by a stranger when it next needs space.
    ring.ring.header.head = 0x8000_0000;
    var buffer: [100]u8 = @splat(0);
    const outcome = for (0..20) |_| {
        _ = ring.write(&buffer, 1) catch |err| break err;
    } else error.NoError;
    try testing.expectEqual(error.CorruptChannel, outcome);
}

test "spsc and mpsc: a garbage ring header is CorruptChannel on open" {
    var ring = try SpscRingBuffer.create("/zigbolt-test-spsc-header", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    ring.ring.header.capacity = 1 << 20;
    try testing.expectError(error.CorruptChannel, SpscRingBuffer.open("/zigbolt-test-spsc-header", .{}));
    ring.ring.header.capacity = 1024;
    ring.ring.header.payload_length_max = 5000;
    try testing.expectError(error.CorruptChannel, SpscRingBuffer.open("/zigbolt-test-spsc-header", .{}));
    ring.ring.header.payload_length_max = 120;
    var again = try SpscRingBuffer.open("/zigbolt-test-spsc-header", .{});
    again.close();
}

test "mpsc: two producers' messages each arrive once, in each producer's order" {
    var consumer = try MpscRingBuffer.create("/zigbolt-test-mpsc-two", .{ .capacity = 4096, .replace = true });
    defer consumer.close();
    var a = try MpscRingBuffer.open("/zigbolt-test-mpsc-two", .{});
    defer a.close();
    var b = try MpscRingBuffer.open("/zigbolt-test-mpsc-two", .{});
    defer b.close();
    var collected: Collected = .{};
    var buffer: [40]u8 = @splat(0);
    var sent: [2]u32 = .{ 0, 0 };
    var round: u32 = 0;
    while (round < 2000) : (round += 1) {
        const which = round % 3 == 0;
        const producer = if (which) &a else &b;
        const id: u32 = @intFromBool(which);
        const length: usize = 4 + round % 37;
        if (try producer.write(numbered(buffer[0..length], sent[id]), @intCast(id))) sent[id] += 1;
        if (round % 5 == 0) {
            collected.count = 0;
            _ = try collected.readFrom(&consumer, 1000);
            try checkOrder(&collected, &sent);
        }
    }
    collected.count = 0;
    _ = try collected.readFrom(&consumer, 1000);
    try checkOrder(&collected, &sent);
    try testing.expectEqual(expected_next, sent);
    try testing.expect(a.slot_index.? != b.slot_index.?);
}

var expected_next: [2]u32 = .{ 0, 0 };

fn checkOrder(collected: *const Collected, sent: *const [2]u32) !void {
    _ = sent;
    for (0..collected.count) |i| {
        const id: usize = @intCast(collected.types[i]);
        try testing.expectEqual(expected_next[id], collected.values[i]);
        expected_next[id] += 1;
    }
}

test "mpsc: full is false; wrap leaves a padding record; positions wrap at 2^32" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-full", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    ring.ring.header.tail = 0xFFFF_FF00;
    ring.ring.header.head = 0xFFFF_FF00;
    ring.ring.header.read_position = 0xFFFF_FF00;
    var buffer: [56]u8 = @splat(0);
    var collected: Collected = .{};
    for (0..16) |i| try testing.expect(try ring.write(numbered(&buffer, @intCast(i)), 2));
    try testing.expect(!try ring.write(&buffer, 2));
    try testing.expectEqual(@as(u32, 16), try collected.readFrom(&ring, 100));
    var buffer2: [100]u8 = @splat(0);
    for (0..40) |i| {
        try testing.expect(try ring.write(numbered(&buffer2, @intCast(i)), 2));
        collected.count = 0;
        try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 100));
        try testing.expectEqual(@as(u32, @intCast(i)), collected.values[0]);
    }
    try testing.expect(ring.ring.header.head < 0xFFFF_FF00);
    // Everything consumed is zeroed again.
    for (ring.ring.data[0..1024]) |byte| try testing.expectEqual(@as(u8, 0), byte);
}

test "mpsc: bad input and corrupted records are typed errors" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-bad", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var big: [121]u8 = @splat(0);
    try testing.expectError(error.MessageTooLarge, ring.write(&big, 1));
    try testing.expectError(error.InvalidArgument, ring.write("x", -3));
    var collected: Collected = .{};
    try testing.expect(try ring.write("abcd", 1));
    ring.ring.record(0).length = 2000;
    try expectCorrupt(&ring, &collected);
    ring.ring.record(0).length = 3;
    try expectCorrupt(&ring, &collected);
    ring.ring.record(0).length = 12;
    try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 10));
    // The consumer does not load the tail per read: it finds a garbage one when it next
    // looks, within stuck_polls_per_clock empty polls.
    ring.ring.header.tail = 0x7000_0000;
    const outcome = for (0..512) |_| {
        _ = collected.readFrom(&ring, 10) catch |err| break err;
    } else error.NoError;
    try testing.expectEqual(error.CorruptChannel, outcome);
    ring.ring.header.tail = 16;
    ring.ring.header.head = 0x5000_0000;
    try expectCorrupt(&ring, &collected);
}

test "mpsc: a claim left by a dead producer is skipped as lost; a live one is waited for" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-dead", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var collected: Collected = .{};
    // A live producer (this process) announced and took 32 bytes at 0 but has not committed.
    var live = try MpscRingBuffer.open("/zigbolt-test-mpsc-dead", .{});
    defer live.close();
    const live_slot = ring.ring.slot(try live.claimProducerSlot());
    live_slot.pending_start = 0;
    live_slot.pending_length = 32;
    ring.ring.header.tail = 32;
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 0), try ring.resolveStuck(0));
    // Now the same claim belongs to a dead process (a pid above pid_max).
    live_slot.owner = 0x7fff_fff0;
    try testing.expectEqual(@as(u32, 32), try ring.resolveStuck(0));
    try testing.expectEqual(@as(u32, 0), live_slot.pending_length);
    var buffer: [8]u8 = @splat(0);
    var producer = try MpscRingBuffer.open("/zigbolt-test-mpsc-dead", .{});
    defer producer.close();
    try testing.expect(try producer.write(numbered(&buffer, 99), 5));
    try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 99), collected.values[0]);
    try testing.expectEqual(@as(u64, 1), ring.lost_records);
    try testing.expectEqual(@as(u64, 32), ring.lost_bytes);
}

test "mpsc: a dead producer's claim that wraps is skipped in two parts, counted once" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-dead-wrap", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    ring.ring.header.tail = 1000;
    ring.ring.header.head = 1000;
    ring.ring.header.read_position = 1000;
    var collected: Collected = .{};
    _ = try collected.readFrom(&ring, 1);
    const slot = ring.ring.slot(5);
    slot.owner = 0x7fff_fff0;
    slot.pending_start = 1000;
    slot.pending_length = 24 + 64;
    ring.ring.header.tail = 1000 + 24 + 64;
    try testing.expectEqual(@as(u32, 24), try ring.resolveStuck(1000));
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 64), try ring.resolveStuck(1024));
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u64, 1), ring.lost_records);
    try testing.expectEqual(@as(u32, 1088), ring.ring.header.head);
    _ = mpsc.stuck_check_ns;
}

test "mpsc: a consumer that died between delivering and releasing is finished by the next" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-takeover", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var buffer: [8]u8 = @splat(0);
    for (0..3) |i| try testing.expect(try ring.write(numbered(&buffer, @intCast(i)), 1));
    // The dead consumer delivered the first record and zeroed it, then died.
    ring.ring.header.consumer = 0x7fff_fff0;
    ring.ring.header.read_position = 16;
    @memset(ring.ring.data[0..16], 0);
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 2), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 1), collected.values[0]);
}

test "spsc and mpsc: each role counts messages, bytes, full events, lost records and positions" {
    const CountersFile = @import("../counters/counters_file.zig").CountersFile;
    const Type = @import("ring_counters.zig").Type;
    const counters_name = "/zigbolt-test-counters-rings";
    try CountersFile.remove(counters_name);
    var file = try CountersFile.create(counters_name, .{ .counters_max = 32 });
    defer file.close();
    defer CountersFile.remove(counters_name) catch {};

    var spsc = try SpscRingBuffer.create("/zigbolt-test-spsc-counted", .{ .capacity = 1024, .replace = true, .counters = .{ .file = &file } });
    defer spsc.close();
    var buffer: [56]u8 = @splat(0);
    for (0..16) |_| try testing.expect(try spsc.write(&buffer, 1));
    try testing.expect(!try spsc.write(&buffer, 1));
    var collected: Collected = .{};
    try testing.expectEqual(@as(u32, 16), try collected.readFrom(&spsc, 100));
    const spscValue = struct {
        fn of(f: *const CountersFile, ring: *const SpscRingBuffer, t: Type) i64 {
            return f.valueOf(ring.counterId(@intFromEnum(t)).?).?;
        }
    }.of;
    try testing.expectEqual(@as(i64, 16), spscValue(&file, &spsc, .spsc_written_messages));
    try testing.expectEqual(@as(i64, 16 * 56), spscValue(&file, &spsc, .spsc_written_bytes));
    try testing.expectEqual(@as(i64, 1), spscValue(&file, &spsc, .spsc_full_events));
    try testing.expectEqual(@as(i64, 1024), spscValue(&file, &spsc, .spsc_producer_position));
    try testing.expectEqual(@as(i64, 16), spscValue(&file, &spsc, .spsc_read_messages));
    try testing.expectEqual(@as(i64, 1024), spscValue(&file, &spsc, .spsc_consumer_position));

    var many = try MpscRingBuffer.create("/zigbolt-test-mpsc-counted", .{ .capacity = 1024, .replace = true, .counters = .{ .file = &file } });
    defer many.close();
    const slot = many.ring.slot(7);
    slot.owner = 0x7fff_fff0;
    slot.pending_start = 0;
    slot.pending_length = 32;
    many.ring.header.tail = 32;
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&many, 10));
    try testing.expectEqual(@as(u32, 32), try many.resolveStuck(0));
    for (0..3) |_| try testing.expect(try many.write(buffer[0..20], 2));
    try testing.expectEqual(@as(u32, 3), try collected.readFrom(&many, 10));
    const mpscValue = struct {
        fn of(f: *const CountersFile, ring: *const MpscRingBuffer, t: Type) i64 {
            return f.valueOf(ring.counterId(@intFromEnum(t)).?).?;
        }
    }.of;
    try testing.expectEqual(@as(i64, 3), mpscValue(&file, &many, .mpsc_written_messages));
    try testing.expectEqual(@as(i64, 60), mpscValue(&file, &many, .mpsc_written_bytes));
    try testing.expectEqual(@as(i64, 3), mpscValue(&file, &many, .mpsc_read_messages));
    try testing.expectEqual(@as(i64, 1), mpscValue(&file, &many, .mpsc_lost_records));
    try testing.expectEqual(@as(i64, 32 + 3 * 32), mpscValue(&file, &many, .mpsc_consumer_position));
}

test "mpsc: two dead producers claiming the same position: the real claim is the one that fits" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-dead-two", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    var collected: Collected = .{};
    // Slot 3 won [0, 32) and died; slot 4 announced [0, 48), lost the CAS and died. Slot 0
    // (alive, this process) committed a record at 32.
    const winner = ring.ring.slot(3);
    winner.owner = 0x7fff_fff0;
    winner.pending_start = 0;
    winner.pending_length = 32;
    const loser = ring.ring.slot(4);
    loser.owner = 0x7fff_fff1;
    loser.pending_start = 0;
    loser.pending_length = 48;
    ring.ring.header.tail = 32;
    // 24 payload bytes: the record at 32 ends at 64, and the loser's end (48) falls inside it.
    var buffer: [24]u8 = @splat(0);
    try testing.expect(try ring.write(numbered(&buffer, 77), 4));
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 32), try ring.resolveStuck(0));
    try testing.expectEqual(@as(u32, 1), try collected.readFrom(&ring, 10));
    try testing.expectEqual(@as(u32, 77), collected.values[0]);
    try testing.expectEqual(@as(u64, 1), ring.lost_records);
}

test "mpsc: a dead producer's claim that never won (past the tail) is not skipped" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-dead-loser", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    const loser = ring.ring.slot(4);
    loser.owner = 0x7fff_fff1;
    loser.pending_start = 0;
    loser.pending_length = 48;
    ring.ring.header.tail = 32;
    var collected: Collected = .{};
    _ = try collected.readFrom(&ring, 10);
    try testing.expectEqual(@as(u32, 0), try ring.resolveStuck(0));
}

test "mpsc: a dead producer's slot is reused once its stale claim is behind the head" {
    var ring = try MpscRingBuffer.create("/zigbolt-test-mpsc-slot-reuse", .{ .capacity = 1024, .replace = true });
    defer ring.close();
    // Every slot is held by a dead producer; slot 0 announced an unresolved claim at 64,
    // slot 1 a stale one at 0 (lost its CAS, then died): only the stale one can be reused.
    for (0..64) |i| ring.ring.slot(@intCast(i)).owner = 0x7fff_fff0;
    ring.ring.slot(0).pending_start = 64;
    ring.ring.slot(0).pending_length = 32;
    ring.ring.slot(1).pending_start = 0;
    ring.ring.slot(1).pending_length = 48;
    ring.ring.header.tail = 64;
    ring.ring.header.head = 64;
    ring.ring.header.read_position = 64;
    var producer = try MpscRingBuffer.open("/zigbolt-test-mpsc-slot-reuse", .{});
    defer producer.close();
    try testing.expectEqual(@as(u32, 1), try producer.claimProducerSlot());
    try testing.expectEqual(@as(u32, 0), ring.ring.slot(1).pending_length);
    try testing.expectEqual(@as(u32, 32), ring.ring.slot(0).pending_length);
}

test "mpsc: a producer whose cached head is a 2^32 lap old waits for the space it claimed" {
    const name = "/zigbolt-test-mpsc-epoch";
    var consumer = try MpscRingBuffer.create(name, .{ .capacity = 1024, .replace = true });
    defer consumer.close();
    var stale = try MpscRingBuffer.open(name, .{});
    defer stale.close();
    var collected: Collected = .{};
    var buffer: [32]u8 = @splat(0);
    // The stale producer caches head 0 in head epoch 0.
    try testing.expect(try stale.write(numbered(&buffer, 7000), 1));
    try testing.expectEqual(@as(u32, 1), try collected.readFrom(&consumer, 10));
    // Then 4 GiB go through: the same 32-bit positions come back, four epochs later.
    const lap_head: u32 = 0xFFFF_FE00;
    const header = consumer.ring.header;
    header.tail = lap_head;
    header.read_position = lap_head;
    header.head = lap_head;
    header.head_epoch = 4;
    consumer.head = lap_head;
    // A fresh producer fills the ring; the stale one's modular check against head 0 would
    // pass now (tail + 40 - 0 <= capacity), though the free space is less than 40 bytes.
    var fresh = try MpscRingBuffer.open(name, .{});
    defer fresh.close();
    var written: u32 = 0;
    while (try fresh.write(numbered(&buffer, written), 1)) written += 1;
    const full_tail = header.tail;
    try testing.expect(full_tail -% lap_head > 1024 - 40);
    try testing.expect(full_tail +% 40 -% 0 <= 1024);

    const Writer = struct {
        fn run(ring: *MpscRingBuffer, done: *std.atomic.Value(bool)) void {
            var payload: [32]u8 = @splat(0);
            while (!(ring.write(numbered(&payload, 7001), 1) catch unreachable)) {}
            done.store(true, .release);
        }
    };
    var done = std.atomic.Value(bool).init(false);
    const thread = try std.Thread.spawn(.{}, Writer.run, .{ &stale, &done });
    // It claims (the tail moves) but must not write until the consumer frees the space.
    while (@atomicLoad(u32, &header.tail, .acquire) == full_tail) std.atomic.spinLoopHint();
    std.Thread.sleep(20 * std.time.ns_per_ms);
    try testing.expect(!done.load(.acquire));
    collected.count = 0;
    var received: u32 = 0;
    while (!done.load(.acquire) or received < written + 1) {
        collected.count = 0;
        const count = try collected.readFrom(&consumer, 100);
        for (collected.values[0..count]) |value| {
            try testing.expectEqual(if (received < written) received else 7001, value);
            received += 1;
        }
    }
    thread.join();
    try testing.expectEqual(written + 1, received);
    try testing.expectEqual(@as(u32, 0), try collected.readFrom(&consumer, 10));
}
