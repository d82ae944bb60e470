//! SpscRingBuffer: one producer, one consumer, framed messages in a named shared-memory
//! ring (zigbolt-ring-v2, docs/spsc-ring.md). Write and read never allocate and never
//! block: a full ring is `false` from write, an empty one 0 from read.
//!
//! Ordering: the producer writes a record (header and payload), then stores the tail with
//! release; the consumer loads the tail with acquire and reads only records below it, then
//! stores the head with release; the producer loads the head with acquire before reusing
//! the bytes below it.

const std = @import("std");
const layout = @import("layout.zig");
const ring_segment = @import("ring_segment.zig");
const peer = @import("../ipc/peer.zig");
const RingSegment = ring_segment.RingSegment;
const Error = @import("../status.zig").Error;
const ring_counters = @import("ring_counters.zig");
const assert = std.debug.assert;

pub const Role = ring_segment.Role;
pub const Claim = ring_segment.Claim;
pub const PeerState = ring_segment.PeerState;
pub const CreateOptions = ring_segment.CreateOptions;
pub const OpenOptions = ring_segment.OpenOptions;

pub const SpscRingBuffer = struct {
    ring: RingSegment,
    holds_producer: bool = false,
    holds_consumer: bool = false,
    /// Producer state: our tail (we are its only writer) and the last head we loaded.
    tail: u32 = 0,
    head_cache: u32 = 0,
    /// Consumer state: our head (we are its only writer).
    head: u32 = 0,
    /// 64-bit positions for the counters (the shared ones wrap at 2^32).
    written_total: u64 = 0,
    read_total: u64 = 0,
    /// The record claimed and not yet committed or aborted (producer side).
    claimed: ring_segment.OutstandingClaim = .{},
    producer_counters: ring_counters.Set(&ring_counters.spsc_producer) = .{},
    consumer_counters: ring_counters.Set(&ring_counters.spsc_consumer) = .{},

    pub fn create(name: []const u8, options: CreateOptions) Error!SpscRingBuffer {
        return .{ .ring = try RingSegment.create(name, .spsc_ring, options) };
    }

    pub fn open(name: []const u8, options: OpenOptions) Error!SpscRingBuffer {
        return .{ .ring = try RingSegment.open(name, .spsc_ring, options) };
    }

    /// Releases the roles this handle holds, unlinks the name if we created it, unmaps.
    pub fn close(self: *SpscRingBuffer) void {
        const owner = self.ring.named.owner_word;
        if (self.holds_producer) peer.release(self.ring.ownerWord(.producer), owner);
        if (self.holds_consumer) peer.release(self.ring.ownerWord(.consumer), owner);
        self.producer_counters.free();
        self.consumer_counters.free();
        self.ring.close();
        self.* = undefined;
    }

    pub fn capacity(self: *const SpscRingBuffer) u32 {
        return self.ring.capacity;
    }

    pub fn payloadLengthMax(self: *const SpscRingBuffer) u32 {
        return self.ring.payload_length_max;
    }

    /// Copies `payload` into the ring as one record. `true` when written, `false` when the
    /// ring is full (retry later). Takes the producer role on first use.
    pub fn write(self: *SpscRingBuffer, payload: []const u8, msg_type_id: i32) Error!bool {
        try self.claimed.ensureNone();
        const position = try self.claimSpace(payload.len, msg_type_id) orelse return false;
        @memcpy(self.ring.payload(position, @intCast(payload.len)), payload);
        self.publish(position, @intCast(payload.len), msg_type_id);
        return true;
    }

    /// Claims a record for `payload_length` bytes, to be filled in place, then committed (or
    /// aborted): null when the ring is full (retry later). Nothing reaches the consumer before
    /// the commit. InvalidArgument while another claim of this handle is outstanding.
    pub fn tryClaim(self: *SpscRingBuffer, payload_length: usize, msg_type_id: i32) Error!?Claim {
        try self.claimed.ensureNone();
        const position = try self.claimSpace(payload_length, msg_type_id) orelse return null;
        return self.claimed.set(self.ring.claimAt(position, @intCast(payload_length), msg_type_id));
    }

    /// Publishes the outstanding claim: the consumer gets its payload as filled.
    pub fn commit(self: *SpscRingBuffer, claimed: Claim) Error!void {
        const outstanding = try self.claimed.take(claimed);
        self.publish(outstanding.position, @intCast(outstanding.payload.len), outstanding.msg_type_id);
    }

    /// Drops the outstanding claim: nothing was published, and the space is claimed again.
    pub fn abort(self: *SpscRingBuffer, claimed: Claim) Error!void {
        _ = try self.claimed.take(claimed);
    }

    /// The claim not yet committed or aborted, if any.
    pub fn outstandingClaim(self: *const SpscRingBuffer) ?Claim {
        return self.claimed.claim;
    }

    /// Writes the header of the record at `position` and moves the tail past it (and the
    /// padding before it), with release: the consumer gets the record whole.
    fn publish(self: *SpscRingBuffer, position: u32, payload_length: u32, msg_type_id: i32) void {
        const record = self.ring.record(position);
        const record_length = layout.record_header_length + payload_length;
        record.type = msg_type_id;
        record.length = @intCast(record_length);
        const tail_before = self.tail;
        self.tail = position +% layout.alignedLength(record_length);
        assert(self.tail % layout.record_alignment == 0);
        // release: the records above are visible to whoever acquires this tail.
        @atomicStore(u32, &self.ring.header.tail, self.tail, .release);
        self.written_total += self.tail -% tail_before;
        if (self.producer_counters.counters) |*set| {
            set[0].incrementOrdered();
            set[1].addOrdered(payload_length);
            set[3].set(@intCast(self.written_total));
        }
    }

    /// Hands up to `limit` messages to `on_message(context, payload, msg_type_id)` and
    /// returns how many (0 when empty). The payload is a view into the ring, valid only
    /// during the call.
    pub fn read(
        self: *SpscRingBuffer,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
        limit: u32,
    ) Error!u32 {
        if (!self.holds_consumer) try self.claim(.consumer);
        const header = self.ring.header;
        // monotonic: only we store the head; a different value means someone else did.
        if (@atomicLoad(u32, &header.head, .monotonic) != self.head) return error.CorruptChannel;
        // acquire: every record below this tail is fully written.
        const tail = @atomicLoad(u32, &header.tail, .acquire);
        if (!layout.distanceValid(self.ring.capacity, self.head, tail)) return error.CorruptChannel;
        const available = tail -% self.head;

        var consumed: u32 = 0;
        var count: u32 = 0;
        var payload_bytes: u64 = 0;
        const result: Error!void = while (count < limit and consumed < available) {
            const position = self.head +% consumed;
            const record = self.ring.record(position);
            const length = record.length;
            const msg_type_id = record.type;
            const to_end = self.ring.capacity - (position & self.ring.mask);
            if (msg_type_id == layout.type_padding) {
                if (length != to_end or to_end > available - consumed) break error.CorruptChannel;
                consumed += to_end;
                continue;
            }
            if (msg_type_id < 0 or length < layout.record_header_length) break error.CorruptChannel;
            const payload_length: u32 = @intCast(length - layout.record_header_length);
            const aligned = layout.alignedLength(@intCast(length));
            if (payload_length > self.ring.payload_length_max or aligned > to_end or
                aligned > available - consumed) break error.CorruptChannel;
            on_message(context, self.ring.payload(position, payload_length), msg_type_id);
            consumed += aligned;
            count += 1;
            payload_bytes += payload_length;
        } else {};
        if (consumed != 0) {
            self.head +%= consumed;
            // release: we are done reading everything below head before the producer reuses it.
            @atomicStore(u32, &header.head, self.head, .release);
            self.read_total += consumed;
            if (self.consumer_counters.counters) |*set| {
                set[0].addOrdered(count);
                set[1].addOrdered(@intCast(payload_bytes));
                set[2].set(@intCast(self.read_total));
            }
        }
        try result;
        return count;
    }

    /// Takes a role explicitly; write and read take theirs on first use. A role held by a
    /// dead process is taken over; one held by a live process (or another handle of this
    /// process) is PublisherExists / SubscriberExists.
    pub fn claim(self: *SpscRingBuffer, role: Role) Error!void {
        const header = self.ring.header;
        const owner = self.ring.named.owner_word;
        switch (role) {
            .producer => {
                if (self.holds_producer) return;
                peer.claim(&header.producer, owner) catch return error.PublisherExists;
                self.holds_producer = true;
                self.tail = @atomicLoad(u32, &header.tail, .acquire);
                self.head_cache = @atomicLoad(u32, &header.head, .acquire);
                self.written_total = self.tail;
                self.producer_counters.allocate(self.ring.counters_file, self.ring.ringName());
            },
            .consumer => {
                if (self.holds_consumer) return;
                peer.claim(&header.consumer, owner) catch return error.SubscriberExists;
                self.holds_consumer = true;
                self.head = @atomicLoad(u32, &header.head, .acquire);
                self.read_total = self.head;
                self.consumer_counters.allocate(self.ring.counters_file, self.ring.ringName());
            },
        }
    }

    /// The counters-file id of this handle's counter of `type_id` (10..16), if it has one.
    pub fn counterId(self: *const SpscRingBuffer, type_id: i32) ?u32 {
        return self.producer_counters.idOf(type_id) orelse self.consumer_counters.idOf(type_id);
    }

    pub fn peerState(self: *const SpscRingBuffer, role: Role) PeerState {
        return self.ring.peerState(role);
    }

    pub fn peerPid(self: *const SpscRingBuffer, role: Role) u32 {
        return self.ring.peerPid(role);
    }

    /// Bytes written and not yet read (headers and padding included).
    pub fn backlog(self: *const SpscRingBuffer) u32 {
        const head = @atomicLoad(u32, &self.ring.header.head, .acquire);
        const tail = @atomicLoad(u32, &self.ring.header.tail, .acquire);
        return @min(tail -% head, self.ring.capacity);
    }

    /// Space for one record of `payload_length` bytes at our tail, padding written; null
    /// (counted) when the ring is full. Returns the position of the record (its header).
    fn claimSpace(self: *SpscRingBuffer, payload_length: usize, msg_type_id: i32) Error!?u32 {
        if (msg_type_id < 0) return error.InvalidArgument;
        if (payload_length > self.ring.payload_length_max) return error.MessageTooLarge;
        if (!self.holds_producer) try self.claim(.producer);
        const record_length: u32 = @intCast(layout.record_header_length + payload_length);
        const aligned = layout.alignedLength(record_length);
        const offset = self.tail & self.ring.mask;
        const to_end = self.ring.capacity - offset;
        const padding = if (aligned > to_end) to_end else 0;
        const required = padding + aligned;
        if (self.tail +% required -% self.head_cache > self.ring.capacity) {
            try self.reloadHead();
            if (self.tail +% required -% self.head_cache > self.ring.capacity) {
                if (self.producer_counters.counters) |*set| set[2].incrementOrdered();
                return null;
            }
        }
        if (padding != 0) {
            const record = self.ring.record(self.tail);
            record.type = layout.type_padding;
            record.length = @intCast(padding);
        }
        return self.tail +% padding;
    }

    /// Reloads the head; also where a tail or head written by someone else is noticed.
    fn reloadHead(self: *SpscRingBuffer) Error!void {
        const header = self.ring.header;
        // monotonic: only we store the tail, so any other value is a stranger's.
        if (@atomicLoad(u32, &header.tail, .monotonic) != self.tail) return error.CorruptChannel;
        // acquire: the consumer has finished reading everything below this head.
        const head = @atomicLoad(u32, &header.head, .acquire);
        if (!layout.distanceValid(self.ring.capacity, head, self.tail)) return error.CorruptChannel;
        self.head_cache = head;
    }
};
