//! The shared-memory IPC channel: one publisher, one subscriber, three terms
//! (zigbolt-ipc-v1, docs/ipc.md). Publish and poll never allocate and never block; a full
//! log is `error.BackPressure`, a value to retry on.
//!
//! Ordering: the publisher writes a frame, then stores the tail with release; the subscriber
//! loads the tail with acquire and reads only frames below it, then stores the head with
//! release; the publisher loads the head with acquire before reusing a term.

const std = @import("std");
const limits = @import("../limits.zig");
const layout = @import("layout.zig");
const peer = @import("peer.zig");
const shm = @import("../platform/shm.zig");
const process = @import("../platform/process.zig");
const clock = @import("../platform/clock.zig");
const ChannelName = @import("name.zig").ChannelName;
const named_segment = @import("../segment/named_segment.zig");
const TemporaryName = named_segment.TemporaryName;
const inodeOf = named_segment.inodeOf;
const unlinkIfStillOurs = named_segment.unlinkIfStillOurs;
const counters = @import("../counters/process_default.zig");
const counter_set = @import("../counters/counter_set.zig");
const Counter = @import("../counters/counter.zig").Counter;
const CountersFile = @import("../counters/counters_file.zig").CountersFile;
const Error = @import("../status.zig").Error;
const assert = std.debug.assert;

pub const Role = peer.Role;
pub const PeerState = peer.PeerState;
pub const MemoryFlags = shm.MemoryFlags;
pub const MemoryOptions = shm.MemoryOptions;

pub const CreateOptions = struct {
    term_length: u32 = limits.term_length_default,
    memory: MemoryOptions = .{},
    /// Replace an existing channel of the same name even if a live process uses it.
    replace: bool = false,
    /// Where the publisher's and subscriber's counters go (docs/counters.md).
    counters: counters.Attach = .process_default,
};

const open_retry_ns = std.time.ns_per_ms;

pub const OpenOptions = struct {
    /// 0 accepts the creator's term length; anything else must match it.
    term_length: u32 = 0,
    memory: MemoryOptions = .{},
    counters: counters.Attach = .process_default,
};

/// What each side counts, in counters-file order: lib/ipc_channel.ts updates the
/// subscriber's from JavaScript by these type ids.
pub const publisher_counter_specs = [_]counter_set.Spec{
    .{ .type_id = .ipc_published_messages, .what = "ipc published messages" },
    .{ .type_id = .ipc_published_bytes, .what = "ipc published bytes" },
    .{ .type_id = .ipc_back_pressure_events, .what = "ipc back-pressure events" },
    .{ .type_id = .ipc_publisher_position, .what = "ipc publisher position" },
};
pub const subscriber_counter_specs = [_]counter_set.Spec{
    .{ .type_id = .ipc_received_messages, .what = "ipc received messages" },
    .{ .type_id = .ipc_received_bytes, .what = "ipc received bytes" },
    .{ .type_id = .ipc_subscriber_position, .what = "ipc subscriber position" },
};
const PublisherCounters = [publisher_counter_specs.len]Counter;
const SubscriberCounters = [subscriber_counter_specs.len]Counter;

pub const IpcChannel = struct {
    segment: shm.Segment,
    header: *layout.Header,
    terms: [*]u8,
    term_length: u32,
    term_length_shift: u5,
    memory_applied: MemoryFlags,
    name: ChannelName,
    /// Identity of the object we created, so close() never unlinks a replacement.
    created_inode: ?u64,
    owner_word: u64,
    holds_publisher: bool = false,
    holds_subscriber: bool = false,
    /// Publisher state: our tail (we are its only writer) and how far we may write before
    /// reloading the head.
    tail: u64 = 0,
    tail_limit: u64 = 0,
    /// Back-pressured publishes in a row: every `liveness_check_period` of them we look
    /// whether the subscriber has died, so a spinning publisher learns it (PeerDead).
    back_pressure_streak: u32 = 0,
    /// Subscriber state: our head (we are its only writer).
    head: u64 = 0,
    counters_file: ?*const CountersFile,
    publisher_counters: ?PublisherCounters = null,
    subscriber_counters: ?SubscriberCounters = null,

    pub const liveness_check_period = 8192;

    /// Builds the whole segment under a temporary name, then renames it into place: an
    /// opener sees either no channel or a complete one, never a half-made one.
    pub fn create(name: []const u8, options: CreateOptions) Error!IpcChannel {
        const channel_name = try ChannelName.init(name);
        if (!layout.termLengthValid(options.term_length)) return error.InvalidTermLength;
        const length = layout.segmentLength(options.term_length);

        var temporary = try TemporaryName.create();
        defer shm.close(temporary.fd);
        errdefer shm.unlink(temporary.name.z());
        try shm.resize(temporary.fd, length);
        const segment = try shm.map(temporary.fd, length);
        errdefer segment.unmap();

        var channel = init(segment, channel_name, options.term_length, options.counters.resolve());
        channel.memory_applied = shm.applyMemoryOptions(segment, options.memory);
        channel.created_inode = inodeOf(temporary.fd);
        const header = channel.header;
        header.version = layout.version;
        header.term_length = options.term_length;
        @atomicStore(u64, &header.creator.owner, channel.owner_word, .monotonic);
        // release: pairs with the opener's acquire load of magic (v1 rule, kept though the
        // rename below already hides the segment until it is whole).
        @atomicStore(u64, &header.magic, layout.magic, .release);
        try named_segment.takeName(temporary.name.z(), &channel_name, options.replace, refuseIfInUse);
        if (options.memory.keep_address) channel.segment.keepAddress();
        return channel;
    }

    pub fn open(name: []const u8, options: OpenOptions) Error!IpcChannel {
        const channel_name = try ChannelName.init(name);
        if (options.term_length != 0 and !layout.termLengthValid(options.term_length)) {
            return error.InvalidTermLength;
        }
        const fd = try shm.openExisting(channel_name.z());
        defer shm.close(fd);
        const object_length = try shm.objectLength(fd);
        if (object_length < limits.header_length) return error.ShmTooSmall;

        const probe = try shm.map(fd, limits.header_length);
        const term_length = checkHeader(probe, options.term_length);
        probe.unmap();
        const length = layout.segmentLength(try term_length);
        if (object_length < length) return error.ShmTooSmall;

        const segment = try shm.map(fd, length);
        errdefer segment.unmap();
        // The header is shared: it may have changed between the two mappings.
        if (try checkHeader(segment, options.term_length) != try term_length) {
            return error.TermLengthMismatch;
        }
        var channel = init(segment, channel_name, try term_length, options.counters.resolve());
        channel.memory_applied = shm.applyMemoryOptions(segment, options.memory);
        if (options.memory.keep_address) channel.segment.keepAddress();
        return channel;
    }

    /// Opens a channel, waiting up to `timeout_ns` for its creator to make it: NoSuchChannel
    /// and InvalidChannel (a v1 creator still writing its header) are retried every
    /// millisecond and returned once the time is up; any other error at once.
    pub fn openWaiting(name: []const u8, options: OpenOptions, timeout_ns: u64) Error!IpcChannel {
        const deadline = clock.monotonicNs() +| timeout_ns;
        while (true) {
            return open(name, options) catch |err| switch (err) {
                error.NoSuchChannel, error.InvalidChannel => {
                    if (clock.monotonicNs() >= deadline) return err;
                    std.Thread.sleep(open_retry_ns);
                    continue;
                },
                else => err,
            };
        }
    }

    /// Releases the roles this handle holds, unlinks the name if we created it, unmaps.
    pub fn close(self: *IpcChannel) void {
        const header = self.header;
        if (self.publisher_counters) |set| counter_set.free(set);
        if (self.subscriber_counters) |set| counter_set.free(set);
        if (self.holds_publisher) peer.release(&header.publisher.owner, self.owner_word);
        if (self.holds_subscriber) peer.release(&header.subscriber.owner, self.owner_word);
        if (self.created_inode) |inode| {
            peer.release(&header.creator.owner, self.owner_word);
            unlinkIfStillOurs(&self.name, inode);
        }
        self.segment.unmap();
        self.* = undefined;
    }

    /// Copies `payload` into the log as one frame. Never blocks.
    pub fn publish(self: *IpcChannel, payload: []const u8, msg_type_id: i32) Error!void {
        if (payload.len == 0) return error.EmptyMessage;
        if (payload.len > limits.payload_length_max) return error.MessageTooLarge;
        const payload_length: u32 = @intCast(payload.len);
        const frame_length = layout.frameLength(payload_length);
        if (frame_length > self.term_length) return error.MessageTooLarge;
        if (!self.holds_publisher) try self.claim(.publisher);

        // The tail is not reloaded here: the subscriber spins on its cache line, and a load per
        // publish measurably slows every round trip. reloadTailLimit checks it instead.
        const offset = self.termOffset(self.tail);
        const padding = if (frame_length > self.term_length - offset) self.term_length - offset else 0;
        const tail_next = self.tail + padding + frame_length;
        if (tail_next > self.tail_limit) {
            try self.reloadTailLimit();
            if (tail_next > self.tail_limit) return self.backPressured();
        }
        self.back_pressure_streak = 0;
        if (padding != 0) self.writeFrame(self.tail, -@as(i32, @intCast(padding)), 0, &.{});
        self.writeFrame(self.tail + padding, @intCast(payload_length), msg_type_id, payload);
        assert(tail_next % limits.frame_alignment == 0);
        // release: the frames above are visible to whoever acquires this tail.
        @atomicStore(u64, &self.header.tail_position, tail_next, .release);
        self.tail = tail_next;
        if (self.publisher_counters) |*set| {
            set[0].incrementOrdered();
            set[1].addOrdered(@intCast(payload_length));
            set[3].set(@intCast(tail_next));
        }
    }

    /// Hands up to `limit` messages to `on_message(context, payload, msg_type_id)`.
    /// The payload is a view into the term, valid only during the call.
    pub fn poll(
        self: *IpcChannel,
        context: anytype,
        comptime on_message: fn (@TypeOf(context), []const u8, i32) void,
        limit: u32,
    ) Error!u32 {
        if (!self.holds_subscriber) try self.claim(.subscriber);
        // monotonic: only we store the head; a different value means someone else did.
        if (@atomicLoad(u64, &self.header.head_position, .monotonic) != self.head) {
            return error.CorruptChannel;
        }
        // acquire: every frame below this tail is fully written.
        const tail = @atomicLoad(u64, &self.header.tail_position, .acquire);
        if (!layout.positionsValid(self.term_length, self.head, tail)) return error.CorruptChannel;

        var head = self.head;
        var count: u32 = 0;
        var payload_bytes: u64 = 0;
        const result: Error!void = while (count < limit and head < tail) {
            const offset = self.termOffset(head);
            const frame = self.frameAt(head);
            // Below the acquired tail the frame is committed: 0 is an empty payload from a
            // v1 publisher that allows them, not "not yet written".
            const frame_length = @atomicLoad(i32, &frame.frame_length, .acquire);
            if (frame_length < 0) {
                const padding = self.term_length - offset;
                if (frame_length != -@as(i64, padding) or tail - head < padding) {
                    break error.CorruptChannel;
                }
                head += padding;
                continue;
            }
            const payload_length: u32 = @intCast(frame_length);
            if (payload_length > self.term_length - offset - limits.frame_header_length) {
                break error.CorruptChannel;
            }
            const bytes = layout.frameLength(payload_length);
            if (tail - head < bytes) break error.CorruptChannel;
            const payload = self.frameBytes(head)[limits.frame_header_length..][0..payload_length];
            on_message(context, payload, frame.msg_type_id);
            head += bytes;
            count += 1;
            payload_bytes += payload_length;
        } else {};
        if (head != self.head) {
            // release: we are done reading everything below head before the publisher reuses it.
            @atomicStore(u64, &self.header.head_position, head, .release);
            self.head = head;
            if (self.subscriber_counters) |*set| {
                set[0].addOrdered(count);
                set[1].addOrdered(@intCast(payload_bytes));
                set[2].set(@intCast(head));
            }
        }
        try result;
        return count;
    }

    /// Takes a role explicitly; publish and poll take theirs on first use.
    pub fn claim(self: *IpcChannel, role: Role) Error!void {
        const header = self.header;
        switch (role) {
            .publisher => {
                if (self.holds_publisher) return;
                peer.claim(&header.publisher.owner, self.owner_word) catch return error.PublisherExists;
                self.holds_publisher = true;
                self.tail = @atomicLoad(u64, &header.tail_position, .acquire);
                self.tail_limit = self.tail;
                self.publisher_counters = counter_set.allocate(publisher_counter_specs.len, self.counters_file, &publisher_counter_specs, self.name.slice());
                if (self.publisher_counters) |*set| set[3].set(@intCast(self.tail));
            },
            .subscriber => {
                if (self.holds_subscriber) return;
                peer.claim(&header.subscriber.owner, self.owner_word) catch return error.SubscriberExists;
                self.holds_subscriber = true;
                self.head = @atomicLoad(u64, &header.head_position, .acquire);
                self.subscriber_counters = counter_set.allocate(subscriber_counter_specs.len, self.counters_file, &subscriber_counter_specs, self.name.slice());
                if (self.subscriber_counters) |*set| set[2].set(@intCast(self.head));
            },
        }
    }

    /// The counters-file id of this channel's counter of `type_id`, if it has one.
    pub fn counterId(self: *const IpcChannel, type_id: @import("../counters/types.zig").TypeId) ?u32 {
        if (self.publisher_counters) |set| {
            if (counter_set.idOf(set, publisher_counter_specs, type_id)) |id| return id;
        }
        if (self.subscriber_counters) |set| {
            if (counter_set.idOf(set, subscriber_counter_specs, type_id)) |id| return id;
        }
        return null;
    }

    pub fn peerState(self: *const IpcChannel, role: Role) PeerState {
        return peer.state(self.ownerWord(role));
    }

    pub fn peerPid(self: *const IpcChannel, role: Role) u32 {
        return peer.pid(self.ownerWord(role));
    }

    /// Error.PeerDead when the process that held `role` has died.
    pub fn ensurePeerAlive(self: *const IpcChannel, role: Role) Error!void {
        if (self.peerState(role) == .dead) return error.PeerDead;
    }

    /// Messages' bytes waiting for the subscriber (positions, header included).
    pub fn backlog(self: *const IpcChannel) u64 {
        const tail = @atomicLoad(u64, &self.header.tail_position, .acquire);
        const head = @atomicLoad(u64, &self.header.head_position, .acquire);
        return tail -| head;
    }

    fn init(segment: shm.Segment, name: ChannelName, term_length: u32, counters_file: ?*const CountersFile) IpcChannel {
        assert(layout.termLengthValid(term_length));
        assert(segment.memory.len == layout.segmentLength(term_length));
        return .{
            .segment = segment,
            .header = @ptrCast(segment.memory.ptr),
            .terms = segment.memory.ptr + limits.header_length,
            .term_length = term_length,
            .term_length_shift = @intCast(std.math.log2_int(u32, term_length)),
            .memory_applied = .{},
            .name = name,
            .created_inode = null,
            .owner_word = process.ownerWordOfSelf(),
            .counters_file = counters_file,
        };
    }

    fn ownerWord(self: *const IpcChannel, role: Role) *const u64 {
        return switch (role) {
            .publisher => &self.header.publisher.owner,
            .subscriber => &self.header.subscriber.owner,
        };
    }

    /// BackPressure, or PeerDead when the subscriber has died (checked now and then: the
    /// check reads /proc and costs microseconds).
    fn backPressured(self: *IpcChannel) Error {
        self.back_pressure_streak +%= 1;
        if (self.publisher_counters) |*set| set[2].incrementOrdered();
        if (self.back_pressure_streak % liveness_check_period == 0 and self.peerState(.subscriber) == .dead) {
            return error.PeerDead;
        }
        return error.BackPressure;
    }

    /// Reloads the head; also where a tail written by someone else is noticed (monotonic:
    /// only we store the tail, so any other value is a stranger's).
    fn reloadTailLimit(self: *IpcChannel) Error!void {
        if (@atomicLoad(u64, &self.header.tail_position, .monotonic) != self.tail) {
            return error.CorruptChannel;
        }
        // acquire: the subscriber has finished reading everything below this head.
        const head = @atomicLoad(u64, &self.header.head_position, .acquire);
        if (!layout.positionsValid(self.term_length, head, self.tail)) return error.CorruptChannel;
        self.tail_limit = head + limits.in_flight_bytes_max_terms * @as(u64, self.term_length);
    }

    fn termOffset(self: *const IpcChannel, position: u64) u32 {
        return @intCast(position & (self.term_length - 1));
    }

    fn frameBytes(self: *const IpcChannel, position: u64) [*]u8 {
        const term_index = (position >> self.term_length_shift) % limits.term_count;
        return self.terms + term_index * self.term_length + self.termOffset(position);
    }

    fn frameAt(self: *const IpcChannel, position: u64) *layout.FrameHeader {
        return @ptrCast(@alignCast(self.frameBytes(position)));
    }

    fn writeFrame(self: *IpcChannel, position: u64, frame_length: i32, msg_type_id: i32, payload: []const u8) void {
        const bytes = self.frameBytes(position);
        @memcpy(bytes[limits.frame_header_length..][0..payload.len], payload);
        const frame = self.frameAt(position);
        frame.msg_type_id = msg_type_id;
        // release: readers that acquire frame_length (as v1 readers do) see the payload.
        @atomicStore(i32, &frame.frame_length, frame_length, .release);
    }
};

/// Checks the header against v1 and returns its term length.
fn checkHeader(segment: shm.Segment, term_length_expected: u32) Error!u32 {
    const header: *const layout.Header = @ptrCast(segment.memory.ptr);
    // acquire: pairs with the creator's release store of magic.
    if (@atomicLoad(u64, &header.magic, .acquire) != layout.magic) return error.InvalidChannel;
    if (header.version != layout.version) return error.UnsupportedVersion;
    const term_length = header.term_length;
    if (!layout.termLengthValid(term_length)) return error.InvalidTermLength;
    if (term_length_expected != 0 and term_length != term_length_expected) {
        return error.TermLengthMismatch;
    }
    return term_length;
}

/// An existing channel is in use while its creator, publisher or subscriber is alive.
fn refuseIfInUse(name: *const ChannelName) Error!void {
    const fd = shm.openExisting(name.z()) catch |err| switch (err) {
        error.NoSuchChannel => return,
        else => return err,
    };
    defer shm.close(fd);
    if (try shm.objectLength(fd) < limits.header_length) return;
    const probe = try shm.map(fd, limits.header_length);
    defer probe.unmap();
    const header: *layout.Header = @ptrCast(probe.memory.ptr);
    if (@atomicLoad(u64, &header.magic, .acquire) != layout.magic) return;
    const owners = [_]*const u64{ &header.creator.owner, &header.publisher.owner, &header.subscriber.owner };
    for (owners) |owner| {
        if (peer.state(owner) == .alive) return error.ChannelInUse;
    }
}
