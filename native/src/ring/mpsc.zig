//! MpscRingBuffer: many producers (in any processes and runtimes), one consumer, framed
//! messages in a named shared-memory ring (zigbolt-ring-v2, docs/mpsc-ring.md).
//!
//! A producer announces its claim in its slot (start, length), takes the space with a CAS
//! on the shared tail, writes the payload and type, and commits by storing the record's
//! length with release. The consumer reads records while their length is non-zero
//! (acquire), then zeroes what it read and stores the head with release.
//!
//! A claim whose producer died before committing it is found from the slots: after the
//! record at the head has stayed unwritten for `stuck_check_ns`, the consumer looks for the
//! slots whose pending claim covers the head; if every such producer is dead, the claim is
//! turned into a "lost" record (type -2) and skipped, counted in `lost_records`. A live
//! producer, however slow, is waited for.
//!
//! `tryClaim` hands the claimed space out to be filled in place; `commit` is the same length
//! store, and `abort` stores a padding record (type -1) instead, which the consumer skips
//! wherever it lies.

const std = @import("std");
const layout = @import("layout.zig");
const ring_segment = @import("ring_segment.zig");
const peer = @import("../ipc/peer.zig");
const process = @import("../platform/process.zig");
const clock = @import("../platform/clock.zig");
const RingSegment = ring_segment.RingSegment;
const Error = @import("../status.zig").Error;
const ring_counters = @import("ring_counters.zig");
const assert = std.debug.assert;

pub const Role = ring_segment.Role;
pub const Claim = ring_segment.Claim;
pub const PeerState = ring_segment.PeerState;
pub const CreateOptions = ring_segment.CreateOptions;
pub const OpenOptions = ring_segment.OpenOptions;

/// How long the record at the head may stay unwritten (while the tail is past it) before
/// the consumer checks whether its producer has died; and how often it checks again.
pub const stuck_check_ns: u64 = std.time.ns_per_ms;
/// Empty polls between two looks at the tail (and the clock).
const stuck_polls_per_clock = 256;

pub const MpscRingBuffer = struct {
    ring: RingSegment,
    /// Producer state: our slot (taken on first write), the last head we loaded and the
    /// head epoch we loaded just before it.
    slot_index: ?u32 = null,
    head_cache: u32 = 0,
    head_epoch_cache: u32 = 0,
    /// The record claimed and not yet committed or aborted (producer side).
    claimed: ring_segment.OutstandingClaim = .{},
    holds_consumer: bool = false,
    /// Consumer state: our head (we are its only writer), a record that stays unwritten,
    /// and what dead producers' claims cost us.
    head: u32 = 0,
    stuck_position: u32 = 0,
    stuck_since_ns: u64 = 0,
    stuck: bool = false,
    stuck_polls: u32 = 0,
    lost_records: u64 = 0,
    lost_bytes: u64 = 0,
    /// 64-bit consumer position for the counters (the shared one wraps at 2^32).
    read_total: u64 = 0,
    producer_counters: ring_counters.Set(&ring_counters.mpsc_producer) = .{},
    consumer_counters: ring_counters.Set(&ring_counters.mpsc_consumer) = .{},
    /// Test hook (the crash tests): after this many more writes, claim space and then sleep
    /// for ever before committing, so a SIGKILL lands between claim and commit.
    hang_after_claim_countdown: ?u64 = null,

    pub fn create(name: []const u8, options: CreateOptions) Error!MpscRingBuffer {
        return .{ .ring = try RingSegment.create(name, .mpsc_ring, options) };
    }

    pub fn open(name: []const u8, options: OpenOptions) Error!MpscRingBuffer {
        return .{ .ring = try RingSegment.open(name, .mpsc_ring, options) };
    }

    /// Aborts an outstanding claim, gives back our producer slot and the consumer role,
    /// unlinks if we created, unmaps.
    pub fn close(self: *MpscRingBuffer) void {
        if (self.claimed.claim) |outstanding| self.abort(outstanding) catch unreachable;
        const owner = self.ring.named.owner_word;
        if (self.slot_index) |index| peer.release(&self.ring.slot(index).owner, owner);
        if (self.holds_consumer) peer.release(self.ring.ownerWord(.consumer), owner);
        self.producer_counters.free();
        self.consumer_counters.free();
        self.ring.close();
        self.* = undefined;
    }

    pub fn capacity(self: *const MpscRingBuffer) u32 {
        return self.ring.capacity;
    }

    pub fn payloadLengthMax(self: *const MpscRingBuffer) u32 {
        return self.ring.payload_length_max;
    }

    /// Copies `payload` into the ring as one record. `true` when written, `false` when the
    /// ring is full (retry later). Takes a producer slot on first use (TooManyHandles when
    /// all 64 are held by live producers).
    pub fn write(self: *MpscRingBuffer, payload: []const u8, msg_type_id: i32) Error!bool {
        try self.claimed.ensureNone();
        const position = try self.claimRecord(payload.len, msg_type_id) orelse return false;
        @memcpy(self.ring.payload(position, @intCast(payload.len)), payload);
        self.publish(position, @intCast(payload.len), msg_type_id);
        return true;
    }

    /// Claims a record for `payload_length` bytes, to be filled in place, then committed (or
    /// aborted): null when the ring is full (retry later). The consumer stops at the record
    /// until then; a producer that dies first costs exactly this record, as a lost one (see
    /// the file comment). InvalidArgument while another claim of this handle is outstanding.
    pub fn tryClaim(self: *MpscRingBuffer, payload_length: usize, msg_type_id: i32) Error!?Claim {
        try self.claimed.ensureNone();
        const position = try self.claimRecord(payload_length, msg_type_id) orelse return null;
        return self.claimed.set(self.ring.claimAt(position, @intCast(payload_length), msg_type_id));
    }

    /// Publishes the outstanding claim: the consumer gets its payload as filled.
    pub fn commit(self: *MpscRingBuffer, claimed: Claim) Error!void {
        const outstanding = try self.claimed.take(claimed);
        self.publish(outstanding.position, @intCast(outstanding.payload.len), outstanding.msg_type_id);
    }

    /// Turns the outstanding claim into a padding record: the consumer skips it.
    pub fn abort(self: *MpscRingBuffer, claimed: Claim) Error!void {
        const outstanding = try self.claimed.take(claimed);
        const record = self.ring.record(outstanding.position);
        record.type = layout.type_padding;
        const record_length: u32 = @intCast(layout.record_header_length + outstanding.payload.len);
        // release: the padding type is visible with the length.
        @atomicStore(i32, &record.length, @intCast(layout.alignedLength(record_length)), .release);
        self.settleSlot();
    }

    /// The claim not yet committed or aborted, if any.
    pub fn outstandingClaim(self: *const MpscRingBuffer) ?Claim {
        return self.claimed.claim;
    }

    /// Space for one record of `payload_length` bytes, claimed with CAS and announced in our
    /// slot, padding before it written: its position, or null (counted) when the ring is full.
    fn claimRecord(self: *MpscRingBuffer, payload_length: usize, msg_type_id: i32) Error!?u32 {
        if (msg_type_id < 0) return error.InvalidArgument;
        if (payload_length > self.ring.payload_length_max) return error.MessageTooLarge;
        const index = self.slot_index orelse try self.claimSlot();
        const record_length: u32 = @intCast(layout.record_header_length + payload_length);
        const claim = try self.claimSpace(self.ring.slot(index), layout.alignedLength(record_length)) orelse {
            if (self.producer_counters.counters) |*set| set[2].incrementOrdered();
            return null;
        };
        if (claim.padding != 0) {
            const padding = self.ring.record(claim.start);
            padding.type = layout.type_padding;
            // release: a padding record is committed at once.
            @atomicStore(i32, &padding.length, @intCast(claim.padding), .release);
        }
        if (self.hang_after_claim_countdown) |*countdown| {
            if (countdown.* == 0) hangForEver();
            countdown.* -= 1;
        }
        return claim.start +% claim.padding;
    }

    /// Commits the record at `position`: its type, then its length with release.
    fn publish(self: *MpscRingBuffer, position: u32, payload_length: u32, msg_type_id: i32) void {
        const record = self.ring.record(position);
        record.type = msg_type_id;
        // release: the payload and type are visible to whoever acquires this length.
        @atomicStore(i32, &record.length, @intCast(layout.record_header_length + payload_length), .release);
        self.settleSlot();
        if (self.producer_counters.counters) |*set| {
            set[0].incrementOrdered();
            set[1].addOrdered(payload_length);
        }
    }

    /// Our claim is committed (or aborted): the slot announces none.
    fn settleSlot(self: *MpscRingBuffer) void {
        // monotonic: a stale value only matters once we are dead.
        @atomicStore(u32, &self.ring.slot(self.slot_index.?).pending_length, 0, .monotonic);
    }

    const SpaceClaim = struct { start: u32, padding: u32 };

    fn claimSpace(self: *MpscRingBuffer, slot: *layout.ProducerSlot, aligned: u32) Error!?SpaceClaim {
        const header = self.ring.header;
        const ring_capacity = self.ring.capacity;
        var tail = @atomicLoad(u32, &header.tail, .monotonic);
        while (true) {
            const to_end = ring_capacity - (tail & self.ring.mask);
            const padding = if (aligned > to_end) to_end else 0;
            const required = padding + aligned;
            if (tail -% self.head_cache > ring_capacity or tail +% required -% self.head_cache > ring_capacity) {
                tail = try self.reloadHead();
                const to_end_now = ring_capacity - (tail & self.ring.mask);
                const required_now = (if (aligned > to_end_now) to_end_now else 0) + aligned;
                if (tail +% required_now -% self.head_cache > ring_capacity) return null;
                continue;
            }
            // Announce the claim before making it (the CAS below orders these stores).
            @atomicStore(u32, &slot.pending_length, required, .monotonic);
            @atomicStore(u32, &slot.pending_start, tail, .monotonic);
            // acq_rel: our announcement is visible before the space is ours.
            if (@cmpxchgWeak(u32, &header.tail, tail, tail +% required, .acq_rel, .monotonic)) |seen| {
                tail = seen;
                continue;
            }
            self.checkClaim(tail +% required);
            return .{ .start = tail, .padding = padding };
        }
    }

    /// Reloads the head cache and returns the tail, as a pair that was true at one moment:
    /// the head is loaded before the tail (so head <= tail), and a tail more than a capacity
    /// ahead only means the consumer and producers moved in between, unless the head stays.
    fn reloadHead(self: *MpscRingBuffer) Error!u32 {
        const header = self.ring.header;
        var attempts: u32 = 0;
        while (true) : (attempts += 1) {
            // The epoch before the head: the head we cache is from this epoch or later.
            const epoch = @atomicLoad(u32, &header.head_epoch, .acquire);
            // acquire: the consumer zeroed everything below this head.
            const head = @atomicLoad(u32, &header.head, .acquire);
            const tail = @atomicLoad(u32, &header.tail, .monotonic);
            if (layout.distanceValid(self.ring.capacity, head, tail)) {
                self.head_cache = head;
                self.head_epoch_cache = epoch;
                return tail;
            }
            if (attempts >= 64 and @atomicLoad(u32, &header.head, .acquire) == head) return error.CorruptChannel;
            std.atomic.spinLoopHint();
        }
    }

    /// The claim was checked against a cached head, which is stale by design. It is sound
    /// while the head epoch is the one loaded before that head: every head since lies in
    /// that epoch or the one before, less than 2^31 from the cached one, so the modular
    /// check could not wrap. The epoch changes once per 2^30 bytes consumed and its cache
    /// line is otherwise never written, so this load costs no cache miss. When it did
    /// change, check against the real head (acquire), and in the (4 GiB later) case where
    /// the claim overran it, wait until the consumer has freed the space.
    fn checkClaim(self: *MpscRingBuffer, claim_end: u32) void {
        const header = self.ring.header;
        // acquire, after the tail CAS (acq_rel): sees every epoch bump made before any head
        // that a claim below our tail was checked against.
        if (@atomicLoad(u32, &header.head_epoch, .acquire) == self.head_epoch_cache) return;
        while (true) {
            const epoch = @atomicLoad(u32, &header.head_epoch, .acquire);
            // acquire: the consumer zeroed everything below this head.
            const head = @atomicLoad(u32, &header.head, .acquire);
            if (claim_end -% head <= self.ring.capacity) {
                self.head_cache = head;
                self.head_epoch_cache = epoch;
                return;
            }
            std.atomic.spinLoopHint();
        }
    }

    fn claimSlot(self: *MpscRingBuffer) Error!u32 {
        const owner = self.ring.named.owner_word;
        for (0..layout.producer_slot_count) |i| {
            const index: u32 = @intCast(i);
            const slot = self.ring.slot(index);
            // A dead producer's unresolved claim keeps its slot until the consumer resolves it.
            if (self.pendingClaimOpen(slot)) continue;
            peer.claim(&slot.owner, owner) catch continue;
            if (self.pendingClaimOpen(slot)) {
                peer.release(&slot.owner, owner);
                continue;
            }
            // What is left is none, or a claim entirely below the head: one its producer
            // announced, lost to another producer's CAS, and died before retrying.
            // release: our slot starts clean for the consumer's resolveStuck.
            @atomicStore(u32, &slot.pending_length, 0, .release);
            self.slot_index = index;
            self.head_epoch_cache = @atomicLoad(u32, &self.ring.header.head_epoch, .acquire);
            self.head_cache = @atomicLoad(u32, &self.ring.header.head, .acquire);
            self.producer_counters.allocate(self.ring.counters_file, self.ring.ringName());
            return index;
        }
        return error.TooManyHandles;
    }

    /// Whether the slot announces a claim that may still cover unread bytes (its end is past
    /// the consumer's head).
    fn pendingClaimOpen(self: *const MpscRingBuffer, slot: *const layout.ProducerSlot) bool {
        const length = @atomicLoad(u32, &slot.pending_length, .acquire);
        if (length == 0) return false;
        const end = @atomicLoad(u32, &slot.pending_start, .acquire) +% length;
        const head = @atomicLoad(u32, &self.ring.header.head, .acquire);
        // Modulo 2^32: an end within 2 GiB behind the head is behind it.
        return head -% end >= 1 << 31;
    }

    /// Hands up to `limit` messages to `on_message(context, payload, msg_type_id)` and
    /// returns how many (0 when empty). The payload is a view into the ring, valid only
    /// during the call. Skips dead producers' claims (see the file comment).
    pub fn read(
        self: *MpscRingBuffer,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
        limit: u32,
    ) Error!u32 {
        if (!self.holds_consumer) try self.claimConsumer();
        const header = self.ring.header;
        if (@atomicLoad(u32, &header.head, .monotonic) != self.head) return error.CorruptChannel;
        var consumed: u32 = 0;
        var count: u32 = 0;
        var payload_bytes: u64 = 0;
        const lost_before = self.lost_records;
        // A full ring's batch ends where it began: stop before our own unzeroed first record.
        const result: Error!void = while (count < limit and consumed < self.ring.capacity) {
            const position = self.head +% consumed;
            const record = self.ring.record(position);
            // acquire: pairs with the producer's release store of the length.
            const length = @atomicLoad(i32, &record.length, .acquire);
            if (length == 0) break;
            const to_end = self.ring.capacity - (position & self.ring.mask);
            if (length < layout.record_header_length) break error.CorruptChannel;
            const aligned = layout.alignedLength(@intCast(length));
            // No check against the tail here: loading it per batch would pull its cache line
            // away from the producers' next CAS (a miss per message when we keep up). A
            // garbage tail is found by checkStuck's periodic look.
            if (aligned > to_end) break error.CorruptChannel;
            const msg_type_id = record.type;
            // Padding (to the end of the data, or an aborted claim) is skipped.
            if (msg_type_id == layout.type_lost) {
                self.lost_records += 1;
                self.lost_bytes += aligned;
            } else if (msg_type_id != layout.type_padding) {
                const payload_length: u32 = @intCast(length - layout.record_header_length);
                if (msg_type_id < 0 or payload_length > self.ring.payload_length_max) break error.CorruptChannel;
                on_message(context, self.ring.payload(position, payload_length), msg_type_id);
                count += 1;
                payload_bytes += payload_length;
            }
            consumed += aligned;
        } else {};
        if (consumed != 0) {
            self.release(consumed);
            self.read_total += consumed;
            if (self.consumer_counters.counters) |*set| {
                set[0].addOrdered(count);
                set[1].addOrdered(@intCast(payload_bytes));
                set[2].addOrdered(@intCast(self.lost_records - lost_before));
                set[3].set(@intCast(self.read_total));
            }
        }
        try result;
        if (consumed == 0 and limit != 0) try self.checkStuck();
        return count;
    }

    /// Gives `consumed` bytes at our head back to the producers: zeroed, so a later claim's
    /// length reads 0 until it is committed.
    fn release(self: *MpscRingBuffer, consumed: u32) void {
        const header = self.ring.header;
        const head_next = self.head +% consumed;
        // release: a consumer taking over after us starts here; below it, all was delivered.
        @atomicStore(u32, &header.read_position, head_next, .release);
        const offset = self.head & self.ring.mask;
        const first = @min(consumed, self.ring.capacity - offset);
        @memset(self.ring.data[offset..][0..first], 0);
        @memset(self.ring.data[0 .. consumed - first], 0);
        if (layout.headEpochCrossed(self.head, head_next)) {
            // Before the head (ordered by its release store): a producer that sees the new
            // head sees the new epoch. We are the only writer.
            const epoch = @atomicLoad(u32, &header.head_epoch, .monotonic);
            @atomicStore(u32, &header.head_epoch, epoch +% 1, .release);
        }
        // release: the zeroes are visible to producers that acquire this head.
        @atomicStore(u32, &header.head, head_next, .release);
        self.head = head_next;
        self.stuck = false;
    }

    /// The record at the head is unwritten: empty ring, a claim in progress, or a dead
    /// producer's claim. Checks liveness only after it has stayed so for stuck_check_ns.
    fn checkStuck(self: *MpscRingBuffer) Error!void {
        // Empty polls are the common case: loading the tail on each would pull its cache
        // line away from the producers' next CAS, a miss per message. Look every
        // stuck_polls_per_clock polls.
        self.stuck_polls +%= 1;
        if (self.stuck_polls % stuck_polls_per_clock != 0) return;
        const tail = @atomicLoad(u32, &self.ring.header.tail, .acquire);
        if (tail == self.head) return;
        if (!layout.distanceValid(self.ring.capacity, self.head, tail)) return error.CorruptChannel;
        const now = clock.monotonicNs();
        if (!self.stuck or self.stuck_position != self.head) {
            self.stuck = true;
            self.stuck_position = self.head;
            self.stuck_since_ns = now;
            return;
        }
        if (now - self.stuck_since_ns < stuck_check_ns) return;
        self.stuck_since_ns = now;
        _ = try self.resolveStuck(self.head);
    }

    /// Turns a dead producer's claim at `position` (the consumer's head) into a lost record
    /// (or a padding record up to the end of the data, when the claim wraps) and returns
    /// its length; 0 when there is nothing to resolve or the claim's producer is alive.
    /// Only the consumer calls this (the TypeScript consumer through the C ABI).
    pub fn resolveStuck(self: *MpscRingBuffer, position: u32) Error!u32 {
        if (!self.holds_consumer) try self.claimConsumer();
        const header = self.ring.header;
        if (@atomicLoad(u32, &header.head, .acquire) != position) return error.CorruptChannel;
        const record = self.ring.record(position);
        if (@atomicLoad(i32, &record.length, .acquire) != 0) return 0;
        const tail = @atomicLoad(u32, &header.tail, .acquire);
        if (tail == position) return 0;
        if (!layout.distanceValid(self.ring.capacity, position, tail)) return error.CorruptChannel;

        // The claim covering `position` is announced in its producer's slot. A producer that
        // lost the CAS for this position and died before announcing its next attempt also
        // covers it: a claim reaching past the tail never happened; among the rest, the real
        // one ends where the next record (or claim, or the tail) begins.
        var ends: [layout.producer_slot_count]u32 = undefined;
        var end_count: u32 = 0;
        var index: u32 = 0;
        while (index < layout.producer_slot_count) : (index += 1) {
            const slot = self.ring.slot(index);
            const length = @atomicLoad(u32, &slot.pending_length, .acquire);
            const start = @atomicLoad(u32, &slot.pending_start, .acquire);
            if (length == 0 or position -% start >= length) continue;
            if (peer.state(&slot.owner) == .alive) return 0;
            const claim_end = start +% length;
            if (!layout.distanceValid(self.ring.capacity, position, claim_end)) continue;
            if (claim_end -% position > tail -% position) continue;
            if (std.mem.indexOfScalar(u32, ends[0..end_count], claim_end) == null) {
                ends[end_count] = claim_end;
                end_count += 1;
            }
        }
        const claim_end = switch (end_count) {
            0 => return 0,
            1 => ends[0],
            else => self.plausibleEnd(ends[0..end_count], tail) orelse return 0,
        };
        // The producer died before committing: re-check the record (it may have committed
        // just before dying, after our first look).
        if (@atomicLoad(i32, &record.length, .acquire) != 0) return 0;
        const to_end = self.ring.capacity - (position & self.ring.mask);
        const length = @min(claim_end -% position, to_end);
        // Whatever the dead producer left in the claim is garbage: zero it first.
        @memset(self.ring.data[(position & self.ring.mask) + layout.record_header_length ..][0 .. length - layout.record_header_length], 0);
        const whole = position +% length == claim_end;
        record.type = if (whole) layout.type_lost else layout.type_padding;
        // release: pairs with our own acquire of record lengths in read.
        @atomicStore(i32, &record.length, @intCast(length), .release);
        if (whole) {
            index = 0;
            while (index < layout.producer_slot_count) : (index += 1) {
                const slot = self.ring.slot(index);
                const start = @atomicLoad(u32, &slot.pending_start, .acquire);
                const pending = @atomicLoad(u32, &slot.pending_length, .acquire);
                if (pending != 0 and start +% pending == claim_end) {
                    // release: the slot may be taken again by a new producer.
                    @atomicStore(u32, &slot.pending_length, 0, .release);
                }
            }
        }
        return length;
    }

    /// The one end among `ends` where something begins: the tail, a written record, or
    /// another claim; null when none or several qualify (then the consumer keeps waiting).
    fn plausibleEnd(self: *MpscRingBuffer, ends: []const u32, tail: u32) ?u32 {
        var found: ?u32 = null;
        for (ends) |end| {
            var plausible = end == tail or @atomicLoad(i32, &self.ring.record(end).length, .acquire) != 0;
            var index: u32 = 0;
            while (!plausible and index < layout.producer_slot_count) : (index += 1) {
                const slot = self.ring.slot(index);
                plausible = @atomicLoad(u32, &slot.pending_length, .acquire) != 0 and
                    @atomicLoad(u32, &slot.pending_start, .acquire) == end;
            }
            if (!plausible) continue;
            if (found != null) return null;
            found = end;
        }
        return found;
    }

    fn claimConsumer(self: *MpscRingBuffer) Error!void {
        const header = self.ring.header;
        peer.claim(&header.consumer, self.ring.named.owner_word) catch return error.SubscriberExists;
        self.holds_consumer = true;
        self.consumer_counters.allocate(self.ring.counters_file, self.ring.ringName());
        // acquire: a consumer that died between delivering and releasing left its progress in
        // read_position; finish its release (zero and advance the head) before reading on.
        const head = @atomicLoad(u32, &header.head, .acquire);
        const read_position = @atomicLoad(u32, &header.read_position, .acquire);
        self.head = head;
        self.read_total = head;
        if (read_position != head and layout.distanceValid(self.ring.capacity, head, read_position)) {
            const tail = @atomicLoad(u32, &header.tail, .acquire);
            if (read_position -% head <= tail -% head) self.release(read_position -% head);
        }
    }

    /// Takes the consumer role explicitly (read takes it on first use).
    pub fn claimConsumerRole(self: *MpscRingBuffer) Error!void {
        if (!self.holds_consumer) try self.claimConsumer();
    }

    /// Takes a producer slot explicitly (write takes one on first use); returns its index.
    pub fn claimProducerSlot(self: *MpscRingBuffer) Error!u32 {
        return self.slot_index orelse self.claimSlot();
    }

    /// The counters-file id of this handle's counter of `type_id` (20..26), if it has one.
    pub fn counterId(self: *const MpscRingBuffer, type_id: i32) ?u32 {
        return self.producer_counters.idOf(type_id) orelse self.consumer_counters.idOf(type_id);
    }

    pub fn consumerState(self: *const MpscRingBuffer) PeerState {
        return self.ring.peerState(.consumer);
    }

    pub fn consumerPid(self: *const MpscRingBuffer) u32 {
        return self.ring.peerPid(.consumer);
    }
};

fn hangForEver() noreturn {
    // The crash test's cue: claimed, not committed.
    std.fs.File.stdout().writeAll("claimed-and-hanging\n") catch {};
    while (true) std.Thread.sleep(std.time.ns_per_s);
}

comptime {
    _ = process;
    assert(layout.producer_slot_count <= 64);
}
