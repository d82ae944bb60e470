//! The log buffer: an Aeron-style log of three terms in a named shared-memory segment, one
//! writer and one consumer, each in any process (docs/log-buffer.md, layout.zig).
//!
//! The writer claims a frame (`claim`), fills its payload in place and commits it (`commit`)
//! or turns it into padding (`abort`); `append` copies. It never gets more than one term
//! ahead of the consumer's position, so the term being read is never reused: a claim that
//! would is back-pressure (null), a value to retry on. The consumer keeps its own position,
//! publishes it in the metadata, and reads with a comptime handler and a limit.
//!
//! Ordering: a claimed frame's header is written (frame_length negative) before the raw tail
//! that covers it is stored with release; the commit stores the positive frame_length with
//! release after the payload. The consumer loads the raw tail with acquire, reads frames only
//! below it, loads each frame_length with acquire and stops at a negative one; it stores its
//! position with release, and the writer loads it with acquire before claiming past it.

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
const CountersFile = @import("../counters/counters_file.zig").CountersFile;
const TypeId = @import("../counters/types.zig").TypeId;
const assert = std.debug.assert;

/// What each side counts (docs/counters.md), in this order: lib/log_buffer.ts updates the
/// same counters from JavaScript.
pub const writer_counter_specs = [_]counter_set.Spec{
    .{ .type_id = .log_written_messages, .what = "log buffer written messages" },
    .{ .type_id = .log_written_bytes, .what = "log buffer written bytes" },
    .{ .type_id = .log_back_pressure_events, .what = "log buffer back-pressured claims" },
    .{ .type_id = .log_writer_position, .what = "log buffer writer position" },
};
pub const consumer_counter_specs = [_]counter_set.Spec{
    .{ .type_id = .log_read_messages, .what = "log buffer read messages" },
    .{ .type_id = .log_read_bytes, .what = "log buffer read bytes" },
    .{ .type_id = .log_consumer_position, .what = "log buffer consumer position" },
};
const WriterCounters = [writer_counter_specs.len]Counter;
const ConsumerCounters = [consumer_counter_specs.len]Counter;

pub const Role = layout.Role;
pub const PeerState = peer.PeerState;

pub const CreateOptions = struct {
    term_length: u32 = layout.term_length_default,
    initial_term_id: i32 = 0,
    memory: shm.MemoryOptions = .{},
    /// Replace a log buffer of the same name even if a live process uses it.
    replace: bool = false,
    /// Where the writer's and consumer's counters go (docs/counters.md).
    counters: counters.Attach = .process_default,
};

pub const OpenOptions = struct {
    memory: shm.MemoryOptions = .{},
    counters: counters.Attach = .process_default,
};

/// A frame claimed by the writer: fill `payload`, then `commit` or `abort` it. One at a time.
pub const Claim = struct {
    payload: []u8,
    /// Where `payload` starts, in bytes from the start of the segment.
    segment_offset: u32,
};

const Writer = struct {
    term_id: i32 = 0,
    partition: u32 = 0,
    term_offset: u32 = 0,
    position: u64 = 0,
    /// How far we may write before reloading the consumer position.
    limit: u64 = 0,
    /// The outstanding claim: its frame's offset in the segment and its frame_length.
    claim_frame: ?u32 = null,
    claim_frame_length: i32 = 0,
    back_pressure_streak: u32 = 0,
};

const Consumer = struct {
    term_id: i32 = 0,
    partition: u32 = 0,
    term_offset: u32 = 0,
    position: u64 = 0,
    stall_streak: u32 = 0,
};

const ScanEnd = enum { limit, caught_up, stalled };

pub const LogBuffer = struct {
    segment: NamedSegment,
    metadata: *layout.Metadata,
    term_length: u32,
    term_length_shift: u5,
    initial_term_id: i32,
    owner_word: u64,
    holds_writer: bool = false,
    holds_consumer: bool = false,
    writer: Writer = .{},
    consumer: Consumer = .{},
    counters_file: ?*const CountersFile,
    writer_counters: ?WriterCounters = null,
    consumer_counters: ?ConsumerCounters = null,

    /// Back-pressured claims (or stalled polls) between two checks of whether the other side
    /// has died: the check reads /proc and costs microseconds.
    pub const liveness_check_period = 8192;
    pub const stall_check_period = 1024;

    pub fn create(name: []const u8, options: CreateOptions) Error!LogBuffer {
        if (!layout.termLengthValid(options.term_length)) return error.InvalidTermLength;
        const segment = try NamedSegment.create(
            name,
            .log_buffer,
            layout.version,
            layout.segmentLength(options.term_length),
            .{ .memory = options.memory, .replace = options.replace },
            &options,
            initMetadata,
            inUse,
        );
        return init(segment, options.counters.resolve());
    }

    pub fn open(name: []const u8, options: OpenOptions) Error!LogBuffer {
        const segment = try openChecked(layout, name, .log_buffer, options.memory);
        return init(segment, options.counters.resolve());
    }

    /// Gives back the roles this handle holds, unlinks the name if we created it, unmaps.
    /// An outstanding claim is aborted first, so the consumer does not stall on it.
    pub fn close(self: *LogBuffer) void {
        if (self.writer.claim_frame != null) self.abortOutstanding();
        if (self.holds_writer) peer.release(&self.metadata.writer.owner, self.owner_word);
        if (self.holds_consumer) peer.release(&self.metadata.consumer.owner, self.owner_word);
        if (self.writer_counters) |set| counter_set.free(set);
        if (self.consumer_counters) |set| counter_set.free(set);
        self.segment.close();
        self.* = undefined;
    }

    fn init(segment: NamedSegment, counters_file: ?*const CountersFile) LogBuffer {
        const metadata: *layout.Metadata = @ptrCast(segment.memory.ptr);
        const term_length = metadata.term_length;
        assert(layout.termLengthValid(term_length));
        return .{
            .segment = segment,
            .metadata = metadata,
            .term_length = term_length,
            .term_length_shift = @intCast(std.math.log2_int(u32, term_length)),
            .initial_term_id = metadata.initial_term_id,
            .owner_word = segment.owner_word,
            .counters_file = counters_file,
        };
    }

    fn initMetadata(options: *const CreateOptions, memory: []align(shm.page_length) u8) void {
        const metadata: *layout.Metadata = @ptrCast(memory.ptr);
        metadata.term_length = options.term_length;
        metadata.term_count = layout.term_count;
        metadata.initial_term_id = options.initial_term_id;
        // Partition i > 0 holds term i - 3 until the writer rotates into it (Aeron's rule).
        for (0..layout.term_count) |i| {
            const index: i32 = @intCast(i);
            const term_id = if (i == 0) options.initial_term_id else options.initial_term_id +% index -% 3;
            metadata.raw_tails[i] = layout.rawTail(term_id, 0);
        }
        metadata.active_term_count = 0;
        metadata.consumer_position = 0;
    }

    /// A log buffer is in use while its writer or consumer is alive.
    fn inUse(memory: []const u8) bool {
        if (memory.len < layout.metadata_length) return false;
        const metadata: *const layout.Metadata = @ptrCast(@alignCast(memory.ptr));
        return peer.state(&metadata.writer.owner) == .alive or peer.state(&metadata.consumer.owner) == .alive;
    }

    // ---- roles ------------------------------------------------------------------------

    /// Takes a role explicitly; claim/append and poll take theirs on first use. A writer that
    /// takes over from a dead one aborts the claim it left uncommitted.
    pub fn takeRole(self: *LogBuffer, role: Role) Error!void {
        switch (role) {
            .writer => {
                if (self.holds_writer) return;
                peer.claim(&self.metadata.writer.owner, self.owner_word) catch return error.PublisherExists;
                errdefer peer.release(&self.metadata.writer.owner, self.owner_word);
                try self.loadWriter();
                self.holds_writer = true;
                self.writer_counters = self.allocateCounters(writer_counter_specs.len, &writer_counter_specs);
                if (self.writer_counters) |*set| set[3].set(@intCast(self.writer.position));
            },
            .consumer => {
                if (self.holds_consumer) return;
                peer.claim(&self.metadata.consumer.owner, self.owner_word) catch return error.SubscriberExists;
                errdefer peer.release(&self.metadata.consumer.owner, self.owner_word);
                try self.loadConsumer();
                self.holds_consumer = true;
                self.consumer_counters = self.allocateCounters(consumer_counter_specs.len, &consumer_counter_specs);
                if (self.consumer_counters) |*set| set[2].set(@intCast(self.consumer.position));
            },
        }
    }

    fn allocateCounters(self: *const LogBuffer, comptime n: usize, specs: *const [n]counter_set.Spec) ?[n]Counter {
        return counter_set.allocate(n, self.counters_file, specs, self.segment.name.slice());
    }

    /// The counters-file id of this log buffer's counter of `type_id`, if it has one.
    pub fn counterId(self: *const LogBuffer, type_id: TypeId) ?u32 {
        if (self.writer_counters) |set| {
            if (counter_set.idOf(set, writer_counter_specs, type_id)) |id| return id;
        }
        if (self.consumer_counters) |set| {
            if (counter_set.idOf(set, consumer_counter_specs, type_id)) |id| return id;
        }
        return null;
    }

    pub fn peerState(self: *const LogBuffer, role: Role) PeerState {
        return peer.state(self.ownerWord(role));
    }

    pub fn peerPid(self: *const LogBuffer, role: Role) u32 {
        return peer.pid(self.ownerWord(role));
    }

    fn ownerWord(self: *const LogBuffer, role: Role) *const u64 {
        return switch (role) {
            .writer => &self.metadata.writer.owner,
            .consumer => &self.metadata.consumer.owner,
        };
    }

    /// The writer's position as the metadata says: bytes claimed since the log was created.
    pub fn writerPosition(self: *const LogBuffer) Error!u64 {
        const tail = try self.activeTail();
        return (@as(u64, tail.count) << self.term_length_shift) + tail.offset;
    }

    const ActiveTail = struct { count: u32, offset: u32 };

    /// The active term (as a count of rotations) and the writer's offset in it, checked.
    fn activeTail(self: *const LogBuffer) Error!ActiveTail {
        // acquire: pairs with the rotation's release store of active_term_count.
        const count = @atomicLoad(u32, &self.metadata.active_term_count, .acquire);
        const raw = @atomicLoad(u64, &self.metadata.raw_tails[count % layout.term_count], .acquire);
        if (layout.termIdOf(raw) != self.initial_term_id +% @as(i32, @bitCast(count))) return error.CorruptChannel;
        const offset = layout.termOffsetOf(raw);
        if (offset > self.term_length or offset % layout.frame_alignment != 0) return error.CorruptChannel;
        return .{ .count = count, .offset = offset };
    }

    /// The consumer's position as the metadata says.
    pub fn consumerPosition(self: *const LogBuffer) u64 {
        // acquire: pairs with the consumer's release store.
        return @atomicLoad(u64, &self.metadata.consumer_position, .acquire);
    }

    fn loadWriter(self: *LogBuffer) Error!void {
        const tail = try self.activeTail();
        const position = (@as(u64, tail.count) << self.term_length_shift) + tail.offset;
        self.writer = .{
            .term_id = self.initial_term_id +% @as(i32, @bitCast(tail.count)),
            .partition = tail.count % layout.term_count,
            .term_offset = tail.offset,
            .position = position,
            .limit = position,
        };
        try self.repairUncommitted();
    }

    /// Walks the active term up to the tail and turns a frame left claimed but uncommitted
    /// (by a writer that died between claim and commit) into padding.
    fn repairUncommitted(self: *LogBuffer) Error!void {
        const w = &self.writer;
        var offset: u32 = 0;
        while (offset < w.term_offset) {
            const frame = self.frameAt(w.partition, offset);
            const raw_length = @atomicLoad(i32, &frame.frame_length, .acquire);
            const length: u32 = @abs(raw_length);
            if (length < layout.frame_header_length) return error.CorruptChannel;
            const aligned = std.mem.alignForward(u32, length, layout.frame_alignment);
            if (aligned > w.term_offset - offset) return error.CorruptChannel;
            if (raw_length < 0) {
                frame.frame_type = layout.frame_type_padding;
                // release: the consumer that acquires the length sees the padding type.
                @atomicStore(i32, &frame.frame_length, @intCast(aligned), .release);
            }
            offset += aligned;
        }
    }

    fn loadConsumer(self: *LogBuffer) Error!void {
        const position = self.consumerPosition();
        const writer_position = try self.writerPosition();
        if (position > writer_position or position % layout.frame_alignment != 0) return error.CorruptChannel;
        const count = position >> self.term_length_shift;
        self.consumer = .{
            .term_id = self.initial_term_id +% @as(i32, @truncate(@as(i64, @intCast(count)))),
            .partition = @intCast(count % layout.term_count),
            .term_offset = @intCast(position & (self.term_length - 1)),
            .position = position,
        };
    }

    // ---- writer -----------------------------------------------------------------------

    /// Claims a frame for `length` payload bytes: null when the consumer is a term behind
    /// (back-pressure: retry later). Fill `claim.payload`, then `commit` or `abort`.
    pub fn claim(self: *LogBuffer, length: u32, msg_type_id: i32) Error!?Claim {
        if (!self.holds_writer) try self.takeRole(.writer);
        const w = &self.writer;
        if (w.claim_frame != null) return error.InvalidArgument;
        if (length > layout.payload_length_max) return error.MessageTooLarge;
        const aligned = layout.alignedFrameLength(length);
        if (aligned > self.term_length) return error.MessageTooLarge;

        const rotating = aligned > self.term_length - w.term_offset;
        const padding = if (rotating) self.term_length - w.term_offset else 0;
        const position_next = w.position + padding + aligned;
        if (position_next > w.limit) {
            try self.reloadLimit();
            if (position_next > w.limit) return self.backPressured();
        }
        w.back_pressure_streak = 0;
        if (rotating) self.rotate(padding);

        const frame_offset = self.segmentOffset(w.partition, w.term_offset);
        const frame = self.frameAt(w.partition, w.term_offset);
        frame.frame_type = layout.frame_type_data;
        frame.flags = 0;
        frame.msg_type_id = msg_type_id;
        frame.term_id = w.term_id;
        const frame_length: i32 = @intCast(length + layout.frame_header_length);
        // monotonic: the tail's release store below publishes it.
        @atomicStore(i32, &frame.frame_length, -frame_length, .monotonic);
        w.term_offset += aligned;
        w.position += aligned;
        // release: the claimed frame's header is visible to whoever acquires this tail.
        @atomicStore(u64, &self.metadata.raw_tails[w.partition], layout.rawTail(w.term_id, w.term_offset), .release);
        w.claim_frame = frame_offset;
        w.claim_frame_length = frame_length;
        const payload_offset = frame_offset + layout.frame_header_length;
        return .{
            .payload = self.segment.memory[payload_offset..][0..length],
            .segment_offset = payload_offset,
        };
    }

    /// Publishes the claimed frame to the consumer.
    pub fn commit(self: *LogBuffer, claimed: Claim) Error!void {
        const frame = try self.outstanding(claimed);
        // release: the payload written into the claim is visible with the length.
        @atomicStore(i32, &frame.frame_length, self.writer.claim_frame_length, .release);
        self.writer.claim_frame = null;
        if (self.writer_counters) |*set| {
            set[0].incrementOrdered();
            set[1].addOrdered(self.writer.claim_frame_length - layout.frame_header_length);
            set[3].set(@intCast(self.writer.position));
        }
    }

    /// Turns the claimed frame into padding: the consumer skips it.
    pub fn abort(self: *LogBuffer, claimed: Claim) Error!void {
        _ = try self.outstanding(claimed);
        self.abortOutstanding();
    }

    /// The claim still outstanding, by the payload offset `claim` returned.
    pub fn outstandingClaim(self: *const LogBuffer) ?Claim {
        const frame_offset = self.writer.claim_frame orelse return null;
        const payload_offset = frame_offset + layout.frame_header_length;
        const length: u32 = @intCast(self.writer.claim_frame_length - layout.frame_header_length);
        return .{ .payload = self.segment.memory[payload_offset..][0..length], .segment_offset = payload_offset };
    }

    fn outstanding(self: *LogBuffer, claimed: Claim) Error!*layout.FrameHeader {
        const frame_offset = self.writer.claim_frame orelse return error.InvalidArgument;
        if (claimed.segment_offset != frame_offset + layout.frame_header_length) return error.InvalidArgument;
        return @ptrCast(@alignCast(self.segment.memory.ptr + frame_offset));
    }

    fn abortOutstanding(self: *LogBuffer) void {
        const frame_offset = self.writer.claim_frame.?;
        const frame: *layout.FrameHeader = @ptrCast(@alignCast(self.segment.memory.ptr + frame_offset));
        frame.frame_type = layout.frame_type_padding;
        const aligned = std.mem.alignForward(u32, @intCast(self.writer.claim_frame_length), layout.frame_alignment);
        // release: the consumer that acquires the length sees the padding type.
        @atomicStore(i32, &frame.frame_length, @intCast(aligned), .release);
        self.writer.claim_frame = null;
    }

    /// Copies `payload` into the log as one frame. error.BackPressure: retry later.
    pub fn append(self: *LogBuffer, payload: []const u8, msg_type_id: i32) Error!void {
        if (payload.len > layout.payload_length_max) return error.MessageTooLarge;
        const claimed = try self.claim(@intCast(payload.len), msg_type_id) orelse return error.BackPressure;
        @memcpy(claimed.payload, payload);
        return self.commit(claimed);
    }

    /// Pads out the rest of the active term (if any) and moves to the next one.
    fn rotate(self: *LogBuffer, padding: u32) void {
        const w = &self.writer;
        const metadata = self.metadata;
        if (padding != 0) {
            assert(padding >= layout.frame_header_length and w.term_offset + padding == self.term_length);
            const frame = self.frameAt(w.partition, w.term_offset);
            frame.frame_type = layout.frame_type_padding;
            frame.flags = 0;
            frame.msg_type_id = 0;
            frame.term_id = w.term_id;
            // monotonic: the tail's release store below publishes it.
            @atomicStore(i32, &frame.frame_length, @intCast(padding), .monotonic);
            // release: the padding frame is visible to whoever acquires this tail.
            @atomicStore(u64, &metadata.raw_tails[w.partition], layout.rawTail(w.term_id, self.term_length), .release);
            w.position += padding;
        }
        w.term_id +%= 1;
        w.partition = if (w.partition == layout.term_count - 1) 0 else w.partition + 1;
        w.term_offset = 0;
        // release: the new partition's tail is set before the count that points at it.
        @atomicStore(u64, &metadata.raw_tails[w.partition], layout.rawTail(w.term_id, 0), .release);
        @atomicStore(u32, &metadata.active_term_count, metadata.active_term_count +% 1, .release);
    }

    /// Reloads the consumer position; also where a tail written by someone else is noticed
    /// (monotonic: only we store our tail, so another value is a stranger's).
    fn reloadLimit(self: *LogBuffer) Error!void {
        const w = &self.writer;
        const raw = @atomicLoad(u64, &self.metadata.raw_tails[w.partition], .monotonic);
        if (raw != layout.rawTail(w.term_id, w.term_offset)) return error.CorruptChannel;
        const consumer = self.consumerPosition();
        if (consumer > w.position or w.position - consumer > self.term_length) return error.CorruptChannel;
        w.limit = consumer + self.term_length;
    }

    /// null (back-pressure), or PeerDead once the consumer is found dead (checked now and then).
    fn backPressured(self: *LogBuffer) Error!?Claim {
        self.writer.back_pressure_streak +%= 1;
        if (self.writer_counters) |*set| set[2].incrementOrdered();
        if (self.writer.back_pressure_streak % liveness_check_period == 0 and self.peerState(.consumer) == .dead) {
            return error.PeerDead;
        }
        return null;
    }

    // ---- consumer ---------------------------------------------------------------------

    /// Hands up to `limit` messages to `on_message(context, payload, msg_type_id)`; the
    /// payload is a view into the term, valid only during the call. Stops at a frame claimed
    /// but not committed; PeerDead when that frame's writer has died.
    pub fn poll(
        self: *LogBuffer,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
        limit: u32,
    ) Error!u32 {
        if (!self.holds_consumer) try self.takeRole(.consumer);
        const c = &self.consumer;
        // monotonic: only we store the consumer position; another value is a stranger's.
        if (@atomicLoad(u64, &self.metadata.consumer_position, .monotonic) != c.position) {
            return error.CorruptChannel;
        }
        const start = c.position;
        var count: u32 = 0;
        var payload_bytes: u64 = 0;
        const end = self.scan(context, on_message, limit, &count, &payload_bytes);
        if (c.position != start) {
            // release: we are done with every byte below the new position.
            @atomicStore(u64, &self.metadata.consumer_position, c.position, .release);
            if (self.consumer_counters) |*set| {
                set[0].addOrdered(count);
                set[1].addOrdered(@intCast(payload_bytes));
                set[2].set(@intCast(c.position));
            }
        }
        if ((end catch .caught_up) == .stalled and count == 0) {
            c.stall_streak +%= 1;
            if (c.stall_streak % stall_check_period == 0 and self.peerState(.writer) == .dead) {
                return error.PeerDead;
            }
        } else c.stall_streak = 0;
        _ = try end;
        return count;
    }

    fn scan(
        self: *LogBuffer,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
        limit: u32,
        count: *u32,
        payload_bytes: *u64,
    ) Error!ScanEnd {
        const c = &self.consumer;
        while (count.* < limit) {
            if (c.term_offset == self.term_length) {
                c.term_id +%= 1;
                c.partition = if (c.partition == layout.term_count - 1) 0 else c.partition + 1;
                c.term_offset = 0;
            }
            // acquire: every frame header below this tail is written.
            const raw = @atomicLoad(u64, &self.metadata.raw_tails[c.partition], .acquire);
            if (layout.termIdOf(raw) != c.term_id) {
                if (layout.termIdOf(raw) == c.term_id -% layout.term_count) return .caught_up;
                return error.CorruptChannel;
            }
            const tail = layout.termOffsetOf(raw);
            if (tail > self.term_length or tail < c.term_offset or tail % layout.frame_alignment != 0) {
                return error.CorruptChannel;
            }
            if (tail == c.term_offset) return .caught_up;
            while (count.* < limit and c.term_offset < tail) {
                const frame = self.frameAt(c.partition, c.term_offset);
                // acquire: a positive length is stored after the payload.
                const frame_length = @atomicLoad(i32, &frame.frame_length, .acquire);
                if (frame_length < 0) return .stalled;
                if (frame_length < layout.frame_header_length) return error.CorruptChannel;
                const aligned = std.mem.alignForward(u32, @intCast(frame_length), layout.frame_alignment);
                if (aligned > tail - c.term_offset or frame.term_id != c.term_id) return error.CorruptChannel;
                switch (frame.frame_type) {
                    layout.frame_type_data => {
                        const bytes: [*]const u8 = @ptrCast(frame);
                        const payload_length: u32 = @intCast(frame_length - layout.frame_header_length);
                        on_message(context, bytes[layout.frame_header_length..][0..payload_length], frame.msg_type_id);
                        count.* += 1;
                        payload_bytes.* += payload_length;
                    },
                    layout.frame_type_padding => {},
                    else => return error.CorruptChannel,
                }
                c.term_offset += aligned;
                c.position += aligned;
            }
        }
        return .limit;
    }

    // ---- addressing -------------------------------------------------------------------

    fn segmentOffset(self: *const LogBuffer, partition: u32, term_offset: u32) u32 {
        return layout.metadata_length + partition * self.term_length + term_offset;
    }

    fn frameAt(self: *const LogBuffer, partition: u32, term_offset: u32) *layout.FrameHeader {
        assert(partition < layout.term_count and term_offset + layout.frame_header_length <= self.term_length);
        return @ptrCast(@alignCast(self.segment.memory.ptr + self.segmentOffset(partition, term_offset)));
    }
};
