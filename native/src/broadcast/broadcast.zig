//! The broadcast buffer: one transmitter, any number of receivers, each with its own cursor,
//! each in any process (docs/broadcast.md, layout.zig). The transmitter never blocks: it
//! overwrites the oldest records. A receiver that falls a whole buffer behind is lapped: it
//! counts it, jumps to the latest record, and never hands a torn or overwritten record to its
//! handler (CopyReceiver copies, then validates the copy).
//!
//! Ordering (Aeron's broadcast design): the transmitter stores tail_intent (the tail it is
//! about to reach) before it writes any byte of the record, then the record, then latest and
//! tail with release. A receiver loads tail with acquire, reads a record below it, then loads
//! tail_intent: if the intent is less than a buffer ahead of the record's position, nothing
//! has overwritten the record while it was read.

const std = @import("std");
const layout = @import("layout.zig");
const peer = @import("../ipc/peer.zig");
const shm = @import("../platform/shm.zig");
const named_segment = @import("../segment/named_segment.zig");
const NamedSegment = named_segment.NamedSegment;
const openChecked = @import("../segment/open_checked.zig").openChecked;
const Error = @import("../status.zig").Error;
const counters = @import("../counters/process_default.zig");
const counter_set = @import("../counters/counter_set.zig");
const Counter = @import("../counters/counter.zig").Counter;
const TypeId = @import("../counters/types.zig").TypeId;
const assert = std.debug.assert;

/// What each side counts (docs/counters.md), in this order: lib/broadcast.ts updates the
/// same counters from JavaScript.
pub const transmitter_counter_specs = [_]counter_set.Spec{
    .{ .type_id = .broadcast_transmitted_messages, .what = "broadcast transmitted messages" },
    .{ .type_id = .broadcast_transmitted_bytes, .what = "broadcast transmitted bytes" },
};
pub const receiver_counter_specs = [_]counter_set.Spec{
    .{ .type_id = .broadcast_received_messages, .what = "broadcast received messages" },
    .{ .type_id = .broadcast_lapped, .what = "broadcast receiver lapped" },
};
const TransmitterCounters = [transmitter_counter_specs.len]Counter;
const ReceiverCounters = [receiver_counter_specs.len]Counter;

pub const PeerState = peer.PeerState;

pub const CreateOptions = struct {
    capacity: u32 = layout.capacity_default,
    memory: shm.MemoryOptions = .{},
    /// Replace a broadcast buffer of the same name even if a live process uses it.
    replace: bool = false,
    /// Where the transmitter's counters go (docs/counters.md).
    counters: counters.Attach = .process_default,
};

pub const OpenOptions = struct {
    memory: shm.MemoryOptions = .{},
    counters: counters.Attach = .process_default,
};

/// Opens the segment and checks the metadata a hostile or broken process could have changed.
fn openSegment(name: []const u8, memory: shm.MemoryOptions) Error!NamedSegment {
    return openChecked(layout, name, .broadcast, memory);
}

/// Whether the transmitter of the buffer mapped at `memory` is alive, dead, closed or unknown.
pub fn transmitterState(memory: []const u8) PeerState {
    assert(memory.len >= layout.metadata_length);
    const metadata: *const layout.Metadata = @ptrCast(@alignCast(memory.ptr));
    return peer.state(&metadata.transmitter_owner);
}

pub const Transmitter = struct {
    segment: NamedSegment,
    metadata: *layout.Metadata,
    records: [*]u8,
    capacity: u32,
    message_length_max: u32,
    /// Our tail: we are its only writer.
    tail: u64,
    /// A transmitter that took over from a dead one never signals less than the intent it
    /// left, so records its half-done write damaged are never taken for whole.
    intent_floor: u64,
    holds_role: bool = false,
    counters: ?TransmitterCounters = null,

    pub fn create(name: []const u8, options: CreateOptions) Error!Transmitter {
        if (!layout.capacityValid(options.capacity)) return error.InvalidCapacity;
        var segment = try NamedSegment.create(
            name,
            .broadcast,
            layout.version,
            layout.segmentLength(options.capacity),
            .{ .memory = options.memory, .replace = options.replace },
            options.capacity,
            initMetadata,
            inUse,
        );
        errdefer segment.close();
        return start(segment, options.counters);
    }

    /// Becomes the transmitter of an existing buffer (PublisherExists while another lives).
    pub fn open(name: []const u8, options: OpenOptions) Error!Transmitter {
        var segment = try openSegment(name, options.memory);
        errdefer segment.close();
        return start(segment, options.counters);
    }

    fn start(segment: NamedSegment, attach: counters.Attach) Error!Transmitter {
        const metadata: *layout.Metadata = @ptrCast(segment.memory.ptr);
        peer.claim(&metadata.transmitter_owner, segment.owner_word) catch return error.PublisherExists;
        errdefer peer.release(&metadata.transmitter_owner, segment.owner_word);
        // acquire: the previous transmitter's records are visible.
        const tail = @atomicLoad(u64, &metadata.tail, .acquire);
        const intent = @atomicLoad(u64, &metadata.tail_intent, .acquire);
        const latest = @atomicLoad(u64, &metadata.latest, .acquire);
        if (tail % layout.record_alignment != 0 or intent < tail or latest > tail) return error.CorruptChannel;
        if (intent > layout.position_max) return error.CorruptChannel;
        if (intent - tail > metadata.capacity) return error.CorruptChannel;
        return .{
            .segment = segment,
            .metadata = metadata,
            .records = segment.memory.ptr + layout.metadata_length,
            .capacity = metadata.capacity,
            .message_length_max = metadata.message_length_max,
            .tail = tail,
            .intent_floor = intent,
            .holds_role = true,
            .counters = counter_set.allocate(
                transmitter_counter_specs.len,
                attach.resolve(),
                &transmitter_counter_specs,
                segment.name.slice(),
            ),
        };
    }

    fn initMetadata(capacity: u32, memory: []align(shm.page_length) u8) void {
        const metadata: *layout.Metadata = @ptrCast(memory.ptr);
        metadata.capacity = capacity;
        metadata.message_length_max = layout.messageLengthMax(capacity);
        metadata.tail_intent = 0;
        metadata.tail = 0;
        metadata.latest = 0;
    }

    fn inUse(memory: []const u8) bool {
        if (memory.len < layout.metadata_length) return false;
        const metadata: *const layout.Metadata = @ptrCast(@alignCast(memory.ptr));
        return peer.state(&metadata.transmitter_owner) == .alive;
    }

    pub fn close(self: *Transmitter) void {
        if (self.counters) |set| counter_set.free(set);
        if (self.holds_role) peer.release(&self.metadata.transmitter_owner, self.segment.owner_word);
        self.segment.close();
        self.* = undefined;
    }

    /// Copies one message into the buffer, overwriting the oldest records. Never blocks.
    /// msg_type_id must be >= 0 (InvalidArgument); payload at most capacity / 8 bytes.
    pub fn transmit(self: *Transmitter, msg_type_id: i32, payload: []const u8) Error!void {
        if (msg_type_id < 0) return error.InvalidArgument;
        if (payload.len > self.message_length_max) return error.MessageTooLarge;
        const metadata = self.metadata;
        // monotonic: only we store the tail; another value is a stranger's.
        if (@atomicLoad(u64, &metadata.tail, .monotonic) != self.tail) return error.CorruptChannel;
        const payload_length: u32 = @intCast(payload.len);
        const aligned = layout.alignedRecordLength(payload_length);
        var tail = self.tail;
        var offset: u32 = @intCast(tail & (self.capacity - 1));
        const to_end = self.capacity - offset;
        if (to_end < aligned) {
            self.signalIntent(tail + to_end + aligned);
            const padding = self.headerAt(offset);
            padding.msg_type_id = layout.padding_msg_type_id;
            padding.length = @intCast(to_end);
            tail += to_end;
            offset = 0;
        } else {
            self.signalIntent(tail + aligned);
        }
        const header = self.headerAt(offset);
        header.msg_type_id = msg_type_id;
        header.length = @intCast(payload_length + layout.record_header_length);
        @memcpy(self.records[offset + layout.record_header_length ..][0..payload.len], payload);
        // release: the record is whole for whoever acquires latest or tail.
        @atomicStore(u64, &metadata.latest, tail, .release);
        @atomicStore(u64, &metadata.tail, tail + aligned, .release);
        self.tail = tail + aligned;
        if (self.counters) |*set| {
            set[0].incrementOrdered();
            set[1].addOrdered(payload_length);
        }
    }

    /// The counters-file id of this transmitter's counter of `type_id`, if it has one.
    pub fn counterId(self: *const Transmitter, type_id: TypeId) ?u32 {
        const set = self.counters orelse return null;
        return counter_set.idOf(set, transmitter_counter_specs, type_id);
    }

    fn signalIntent(self: *Transmitter, intent: u64) void {
        // monotonic + store fence: the intent is visible before any byte of the record.
        @atomicStore(u64, &self.metadata.tail_intent, @max(intent, self.intent_floor), .monotonic);
        layout.storeFence();
    }

    fn headerAt(self: *const Transmitter, offset: u32) *layout.RecordHeader {
        assert(offset % layout.record_alignment == 0 and offset + layout.record_header_length <= self.capacity);
        return @ptrCast(@alignCast(self.records + offset));
    }
};

/// Aeron's BroadcastReceiver: finds the next record without copying it. The record may be
/// overwritten while it is looked at: `validate` after reading it says whether it was not.
/// CopyReceiver is the safe way to receive.
pub const Receiver = struct {
    segment: NamedSegment,
    metadata: *layout.Metadata,
    records: [*]u8,
    capacity: u32,
    message_length_max: u32,
    /// Position of the record `receiveNext` found, and of the one after it.
    cursor: u64,
    next_record: u64,
    record_offset: u32 = 0,
    /// Times this receiver found itself overrun and jumped to the latest record.
    lapped_count: u64 = 0,

    /// Attempts to land on an intact record while the transmitter keeps lapping us.
    pub const resync_attempts_max = 16;

    /// Joins an existing buffer at its latest record.
    pub fn open(name: []const u8, options: OpenOptions) Error!Receiver {
        var segment = try openSegment(name, options.memory);
        errdefer segment.close();
        const metadata: *layout.Metadata = @ptrCast(segment.memory.ptr);
        // acquire: the record at latest is whole.
        const latest = @atomicLoad(u64, &metadata.latest, .acquire);
        if (latest % layout.record_alignment != 0) return error.CorruptChannel;
        return .{
            .segment = segment,
            .metadata = metadata,
            .records = segment.memory.ptr + layout.metadata_length,
            .capacity = metadata.capacity,
            .message_length_max = metadata.message_length_max,
            .cursor = latest,
            .next_record = latest,
        };
    }

    pub fn close(self: *Receiver) void {
        self.segment.close();
        self.* = undefined;
    }

    pub fn transmitterState(self: *const Receiver) PeerState {
        return peer.state(&self.metadata.transmitter_owner);
    }

    /// Moves to the next record: false when there is none yet. A data record is handed out
    /// before it is validated (the caller reads it, then calls `validate`, which covers its
    /// header too; on failure `resync`); padding and implausible headers decide where we go
    /// next, so they are validated first, and a lap found there is counted here.
    pub fn receiveNext(self: *Receiver) Error!bool {
        return self.receiveNextBelow(try self.loadTail());
    }

    /// The tail, checked: every record below it is whole.
    pub fn loadTail(self: *const Receiver) Error!u64 {
        // acquire: every record below this tail is whole.
        const tail = @atomicLoad(u64, &self.metadata.tail, .acquire);
        if (tail % layout.record_alignment != 0 or tail > layout.position_max) return error.CorruptChannel;
        return tail;
    }

    /// `receiveNext` against a tail the caller loaded with `loadTail` (a batch loads it once,
    /// not once per record: the transmitter writes its line on every message).
    pub fn receiveNextBelow(self: *Receiver, tail_loaded: u64) Error!bool {
        const metadata = self.metadata;
        var tail = tail_loaded;
        var cursor = self.next_record;
        if (tail == cursor) return false;
        if (tail < cursor or cursor % layout.record_alignment != 0) return error.CorruptChannel;
        var attempts: u32 = 0;
        while (attempts < resync_attempts_max) : (attempts += 1) {
            const offset: u32 = @intCast(cursor & (self.capacity - 1));
            const header: *const layout.RecordHeader = @ptrCast(@alignCast(self.records + offset));
            const length = @atomicLoad(i32, &header.length, .monotonic);
            const msg_type_id = @atomicLoad(i32, &header.msg_type_id, .monotonic);
            const fits = length >= layout.record_header_length and
                @as(u32, @intCast(length)) <= self.capacity - offset;
            const aligned = if (fits) std.mem.alignForward(u32, @intCast(length), layout.record_alignment) else 0;
            if (self.isDataRecord(offset, length, msg_type_id)) {
                self.cursor = cursor;
                self.record_offset = offset;
                self.next_record = cursor + aligned;
                return true;
            }
            if (!self.validateAt(cursor)) {
                self.lapped_count += 1;
                // acquire: the record at latest is whole (it was written before latest).
                cursor = @atomicLoad(u64, &metadata.latest, .acquire);
                tail = @atomicLoad(u64, &metadata.tail, .acquire);
                if (cursor % layout.record_alignment != 0 or cursor > tail) return error.CorruptChannel;
                // Between the transmitter's stores of latest and tail they are equal: the
                // record is whole, but not ours until the tail covers it.
                if (cursor == tail) break;
                continue;
            }
            // Not overwritten, below the tail: the header is what the transmitter wrote.
            if (!fits or msg_type_id != layout.padding_msg_type_id or offset + aligned != self.capacity) {
                return error.CorruptChannel;
            }
            cursor += aligned;
            if (cursor == tail) break;
            if (cursor > tail) return error.CorruptChannel;
        }
        self.next_record = cursor;
        return false;
    }

    /// Whether a header read at `offset` is a plausible data record: it fits the buffer, its
    /// type is not padding and its payload not above the maximum. Taken on trust until the
    /// validation after its copy, which covers the header too.
    fn isDataRecord(self: *const Receiver, offset: u32, length: i32, msg_type_id: i32) bool {
        return length >= layout.record_header_length and @as(u32, @intCast(length)) <= self.capacity - offset and
            msg_type_id >= 0 and length - layout.record_header_length <= self.message_length_max;
    }

    /// The data records that follow one another from the cursor, below `tail`, before the end
    /// of the buffer, at most `records_max` and `room` bytes (headers and alignment included).
    /// Notes each one's header in `headers`. Does not move the cursor.
    pub fn dataSpan(self: *const Receiver, tail: u64, records_max: u32, room: usize, headers: []RecordCopy) Span {
        var span: Span = .{ .start = self.next_record };
        var cursor = self.next_record;
        while (span.records < records_max and cursor < tail) {
            const offset: u32 = @intCast(cursor & (self.capacity - 1));
            const header: *const layout.RecordHeader = @ptrCast(@alignCast(self.records + offset));
            const length = @atomicLoad(i32, &header.length, .monotonic);
            const msg_type_id = @atomicLoad(i32, &header.msg_type_id, .monotonic);
            if (!self.isDataRecord(offset, length, msg_type_id)) break;
            const aligned = std.mem.alignForward(u32, @intCast(length), layout.record_alignment);
            if (span.bytes + aligned > room) {
                span.full = true;
                break;
            }
            headers[span.records] = .{ .length = length, .msg_type_id = msg_type_id };
            span.records += 1;
            span.bytes += aligned;
            cursor += aligned;
            // The next record starts the buffer again: another span.
            if (offset + aligned == self.capacity) break;
        }
        return span;
    }

    pub const RecordCopy = struct { length: i32, msg_type_id: i32 };
    pub const Span = struct { start: u64, records: u32 = 0, bytes: usize = 0, full: bool = false };

    /// The bytes of the records from `position` on (contiguous in the buffer for `length`).
    pub fn recordBytes(self: *const Receiver, position: u64, length: usize) []const u8 {
        const offset: u32 = @intCast(position & (self.capacity - 1));
        assert(offset + length <= self.capacity);
        return self.records[offset..][0..length];
    }

    /// True when nothing has started overwriting the record at `cursor` (or after it, up to
    /// the tail): a batch copied from `cursor` on is whole when this holds after the copies.
    pub fn validateAt(self: *const Receiver, cursor: u64) bool {
        layout.loadFence();
        const intent = @atomicLoad(u64, &self.metadata.tail_intent, .acquire);
        // intent < cursor is impossible unless the metadata is garbage: then "overwritten".
        return intent -% cursor < self.capacity;
    }

    /// After a failed `validate`: counts the lap and moves to the latest record.
    pub fn resync(self: *Receiver) void {
        self.lapped_count += 1;
        // acquire: the record at latest is whole. A garbage value is caught by receiveNext.
        self.next_record = @atomicLoad(u64, &self.metadata.latest, .acquire);
    }

    /// The record `receiveNext` found (check with `validate` after reading it).
    pub fn msgTypeId(self: *const Receiver) i32 {
        return self.headerAt().msg_type_id;
    }

    pub fn payload(self: *const Receiver) []const u8 {
        const length: u32 = @intCast(self.headerAt().length);
        const start = self.record_offset + layout.record_header_length;
        // Bounds were checked by receiveNext; a length changed since is re-clamped.
        const payload_length = @min(length -| layout.record_header_length, self.capacity - start);
        return self.records[start..][0..payload_length];
    }

    /// True when the record found by `receiveNext` has not been overwritten so far.
    pub fn validate(self: *const Receiver) bool {
        return self.validateAt(self.cursor);
    }

    fn headerAt(self: *const Receiver) *const layout.RecordHeader {
        return @ptrCast(@alignCast(self.records + self.record_offset));
    }
};

/// The layout `CopyReceiver.receiveBatch` writes into the caller's buffer, record after
/// record, as in the buffer itself: record length (i32, these 8 header bytes included), msg
/// type id (i32), then the payload, padded to 8 bytes.
pub const batch_record_header_length = 8;
/// Records one batch copies at most.
pub const batch_records_max = 64;
/// Room beyond one largest record, so that small messages batch.
const batch_room = 8 * 1024;

/// Bytes a batch buffer needs: one largest record and `batch_room` more.
pub fn batchLengthFor(message_length_max: u32) usize {
    return batch_record_header_length + std.mem.alignForward(usize, message_length_max, 8) + batch_room;
}

/// Aeron's CopyBroadcastReceiver, batched: copies records into a scratch buffer, validates
/// the copies (once per batch), and only then hands them to the handler. A batch overwritten
/// during the copy is dropped and counted as a lap.
pub const CopyReceiver = struct {
    receiver: Receiver,
    scratch: []align(8) u8,
    allocator: std.mem.Allocator,
    counters: ?ReceiverCounters,
    /// The lapped count last written to the counter.
    lapped_reported: u64 = 0,

    pub fn open(allocator: std.mem.Allocator, name: []const u8, options: OpenOptions) Error!CopyReceiver {
        var receiver = try Receiver.open(name, options);
        errdefer receiver.close();
        const scratch = allocator.alignedAlloc(u8, .@"8", batchLengthFor(receiver.message_length_max)) catch return error.OutOfMemory;
        return .{
            .receiver = receiver,
            .scratch = scratch,
            .allocator = allocator,
            .counters = counter_set.allocate(
                receiver_counter_specs.len,
                options.counters.resolve(),
                &receiver_counter_specs,
                receiver.segment.name.slice(),
            ),
        };
    }

    /// The counters-file id of this receiver's counter of `type_id`, if it has one.
    pub fn counterId(self: *const CopyReceiver, type_id: TypeId) ?u32 {
        const set = self.counters orelse return null;
        return counter_set.idOf(set, receiver_counter_specs, type_id);
    }

    pub fn close(self: *CopyReceiver) void {
        if (self.counters) |set| counter_set.free(set);
        self.allocator.free(self.scratch);
        self.receiver.close();
        self.* = undefined;
    }

    pub fn lappedCount(self: *const CopyReceiver) u64 {
        return self.receiver.lapped_count;
    }

    /// Copies up to `records_max` (at most `batch_records_max`) messages into `out` (at
    /// least `batchLength()` bytes), in the batch layout, and returns how
    /// many: 0 when there is nothing new (or we were lapped again and again). For bindings
    /// that hand messages over without a callback per message (TypeScript): one call per
    /// batch.
    ///
    /// All records of a batch lie at or after the first, so one validation of the first
    /// after all the copies covers them all: if nothing had started overwriting it, nothing
    /// had reached the later ones either. Failing, the whole batch counts as one lap.
    pub fn receiveBatch(self: *CopyReceiver, out: []align(8) u8, records_max: u32) Error!u32 {
        const r = &self.receiver;
        if (out.len < batchLengthFor(r.message_length_max)) return error.InvalidArgument;
        const records_limit = @min(records_max, batch_records_max);
        defer self.reportLaps();
        var headers: [batch_records_max]Receiver.RecordCopy = undefined;
        var overrun: u32 = 0;
        while (overrun < Receiver.resync_attempts_max) : (overrun += 1) {
            var records: u32 = 0;
            var used: usize = 0;
            var first_cursor: u64 = r.next_record;
            var tail = try r.loadTail();
            while (records < records_limit) {
                if (r.next_record >= tail) {
                    // A lap may have moved us past the tail we loaded: look again first.
                    tail = try r.loadTail();
                    if (r.next_record == tail) break;
                }
                // The common case: data records one after another, copied in one go.
                const span = r.dataSpan(tail, records_limit - records, out.len - used, &headers);
                if (span.records != 0) {
                    if (records == 0) first_cursor = span.start;
                    const copy = out[used..][0..span.bytes];
                    @memcpy(copy, r.recordBytes(span.start, span.bytes));
                    // The headers as checked, not as copied: what we hand over is what we
                    // measured, even if a stray writer changed the shared bytes in between.
                    var offset: usize = 0;
                    for (headers[0..span.records]) |header| {
                        const slot: *[2]i32 = @ptrCast(@alignCast(copy[offset..][0..batch_record_header_length]));
                        slot.* = .{ header.length, header.msg_type_id };
                        offset += std.mem.alignForward(usize, @intCast(header.length), layout.record_alignment);
                    }
                    records += span.records;
                    used += span.bytes;
                    r.next_record = span.start + span.bytes;
                    continue;
                }
                if (span.full) break;
                // Padding, a lap, or an implausible header: found, validated, or counted there.
                const laps_before = r.lapped_count;
                if (!try r.receiveNextBelow(tail)) break;
                // Lapped while looking for a record: what we copied so far is stale.
                if (r.lapped_count != laps_before) {
                    records = 0;
                    used = 0;
                }
                // It found a data record: the next span starts with it.
                r.next_record = r.cursor;
            }
            if (records == 0) return 0;
            // Covers every header and payload copied, as they lie at or after the first.
            if (r.validateAt(first_cursor)) return records;
            r.resync();
        }
        return 0;
    }

    /// Bytes the buffer given to `receiveBatch` needs.
    pub fn batchLength(self: *const CopyReceiver) usize {
        return batchLengthFor(self.receiver.message_length_max);
    }

    fn reportLaps(self: *CopyReceiver) void {
        const set = &(self.counters orelse return);
        if (self.lapped_reported != self.receiver.lapped_count) {
            self.lapped_reported = self.receiver.lapped_count;
            set[1].set(@intCast(self.receiver.lapped_count));
        }
    }

    /// Hands up to `limit` messages to `on_message(context, msg_type_id, bytes)`; `bytes` is
    /// a validated copy, valid only during the call. Returns how many. Receives in batches
    /// (`receiveBatch`): one validation per batch, not per message.
    pub fn receive(
        self: *CopyReceiver,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), i32, []const u8) void,
        limit: u32,
    ) Error!u32 {
        var count: u32 = 0;
        while (count < limit) {
            const records = try self.receiveBatch(self.scratch, limit - count);
            if (records == 0) break;
            var offset: usize = 0;
            for (0..records) |_| {
                const header: *const [2]i32 = @ptrCast(@alignCast(self.scratch[offset..][0..batch_record_header_length]));
                const length: usize = @intCast(header[0]);
                const start = offset + batch_record_header_length;
                on_message(context, header[1], self.scratch[start .. offset + length]);
                offset += std.mem.alignForward(usize, length, 8);
            }
            count += records;
        }
        if (count != 0) if (self.counters) |*set| set[0].addOrdered(count);
        return count;
    }
};
