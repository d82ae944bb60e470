//! A counters file: create, open, allocate and free counters, and read them all (the stat
//! tool, dashboards). Any number of processes allocate concurrently: a record is claimed
//! with one compare-and-swap on its state word. docs/counters.md is the spec.

const std = @import("std");
const layout = @import("layout.zig");
const Counter = @import("counter.zig").Counter;
const named_segment = @import("../segment/named_segment.zig");
const NamedSegment = named_segment.NamedSegment;
const shm = @import("../platform/shm.zig");
const process = @import("../platform/process.zig");
const peer = @import("../ipc/peer.zig");
const clock = @import("../platform/clock.zig");
const Error = @import("../status.zig").Error;

pub const CreateOptions = struct {
    counters_max: u32 = layout.counters_max_default,
    memory: shm.MemoryOptions = .{},
    /// Replace an existing file of the same name even if a live process uses it.
    replace: bool = false,
};

/// What a reader sees of one allocated counter.
pub const CounterInfo = struct {
    id: u32,
    type_id: i32,
    value: i64,
    owner_pid: u32,
    owner_state: peer.PeerState,
    allocated_ns: u64,
    label: []const u8,
};

pub const CountersFile = struct {
    segment: NamedSegment,
    counters_max: u32,
    metadata: [*]layout.MetadataRecord,
    values: [*]layout.ValueRecord,

    pub fn create(name: []const u8, options: CreateOptions) Error!CountersFile {
        const counters_max = options.counters_max;
        if (counters_max < layout.counters_min or counters_max > layout.counters_max_limit) {
            return error.InvalidCapacity;
        }
        const length: usize = @intCast(layout.segmentLength(counters_max));
        var segment = try NamedSegment.create(name, .counters, layout.version, length, .{
            .memory = options.memory,
            .replace = options.replace,
        }, counters_max, initHeader, null);
        // The file outlives its creator: processes come and go, counters stay readable.
        segment.created_inode = null;
        return fromSegment(segment);
    }

    pub fn open(name: []const u8, memory: shm.MemoryOptions) Error!CountersFile {
        var segment = try NamedSegment.open(name, .counters, layout.version, memory);
        errdefer segment.close();
        try checkHeader(&segment);
        return fromSegment(segment);
    }

    /// Opens the file, creating it first if there is none (two processes racing to create
    /// it both end up with the same file).
    pub fn openOrCreate(name: []const u8, options: CreateOptions) Error!CountersFile {
        var attempts: u32 = 0;
        while (true) : (attempts += 1) {
            return open(name, options.memory) catch |err| switch (err) {
                error.NoSuchChannel => create(name, options) catch |create_err| switch (create_err) {
                    error.ChannelInUse => if (attempts < 3) continue else create_err,
                    else => create_err,
                },
                else => err,
            };
        }
    }

    /// Unmaps. Never unlinks: other processes keep using the file (see `remove`).
    pub fn close(self: *CountersFile) void {
        self.segment.close();
        self.* = undefined;
    }

    /// Deletes a counters file by name (processes that have it mapped keep their mapping).
    pub fn remove(name: []const u8) Error!void {
        const segment_name = try @import("../ipc/name.zig").ChannelName.init(name);
        shm.unlink(segment_name.z());
    }

    /// A new counter, value 0, owned by this process until freed (or until it dies, after
    /// which its record may be reclaimed by another allocation). CountersFull when every
    /// record is in use by a live process.
    pub fn allocate(self: *const CountersFile, type_id: i32, label: []const u8) Error!Counter {
        if (label.len > layout.label_length_max) return error.InvalidArgument;
        const mine = process.ownerWordOfSelf();
        // Free records first; records of dead owners only when there is no free one.
        for ([_]bool{ false, true }) |reclaim| {
            for (0..self.counters_max) |index| {
                const id: u32 = @intCast(index);
                const record = &self.metadata[id];
                const word = @atomicLoad(u64, &record.state_word, .acquire);
                const takeable = switch (layout.stateOf(word)) {
                    .free => true,
                    .allocated => reclaim and ownerDead(record),
                    else => false,
                };
                if (!takeable) continue;
                const generation = layout.generationOf(word) +% 1;
                const claimed = layout.stateWord(generation, .allocating);
                if (@cmpxchgStrong(u64, &record.state_word, word, claimed, .acq_rel, .monotonic) != null) continue;
                return self.fill(id, generation, mine, type_id, label);
            }
        }
        return error.CountersFull;
    }

    /// The counter with this id as a reader sees it, or null if the record is not allocated.
    /// `label_buffer` receives the label (at most layout.label_length_max bytes).
    pub fn info(self: *const CountersFile, id: u32, label_buffer: *[layout.label_length_max]u8) ?CounterInfo {
        if (id >= self.counters_max) return null;
        const record = &self.metadata[id];
        const before = @atomicLoad(u64, &record.state_word, .acquire);
        if (layout.stateOf(before) != .allocated) return null;
        const label_length = @min(@atomicLoad(u32, &record.label_length, .monotonic), layout.label_length_max);
        @memcpy(label_buffer[0..label_length], record.label[0..label_length]);
        const result: CounterInfo = .{
            .id = id,
            .type_id = @atomicLoad(i32, &record.type_id, .monotonic),
            .value = @atomicLoad(i64, &self.values[id].value, .acquire),
            .owner_pid = peer.pid(&record.owner),
            .owner_state = peer.state(&record.owner),
            .allocated_ns = @atomicLoad(u64, &record.allocated_ns, .monotonic),
            .label = label_buffer[0..label_length],
        };
        // acquire: the copy above is consistent only if the record was not freed meanwhile.
        if (@atomicLoad(u64, &record.state_word, .acquire) != before) return null;
        return result;
    }

    /// The counter `id` as an owned handle, if this process allocated it and it is allocated.
    pub fn ownCounter(self: *const CountersFile, id: u32) Error!Counter {
        if (id >= self.counters_max) return error.InvalidArgument;
        const record = &self.metadata[id];
        const word = @atomicLoad(u64, &record.state_word, .acquire);
        if (layout.stateOf(word) != .allocated) return error.InvalidArgument;
        if (@atomicLoad(u64, &record.owner, .acquire) != process.ownerWordOfSelf()) return error.InvalidArgument;
        return .{ .id = id, .value = &self.values[id].value, .record = record, .generation = layout.generationOf(word) };
    }

    /// A counter's value by id (any state): for readers that already know the id.
    pub fn valueOf(self: *const CountersFile, id: u32) ?i64 {
        if (id >= self.counters_max) return null;
        return @atomicLoad(i64, &self.values[id].value, .acquire);
    }

    fn fill(self: *const CountersFile, id: u32, generation: u32, mine: u64, type_id: i32, label: []const u8) Counter {
        const record = &self.metadata[id];
        @atomicStore(u64, &record.owner, mine, .monotonic);
        @atomicStore(i32, &record.type_id, type_id, .monotonic);
        @memcpy(record.label[0..label.len], label);
        @atomicStore(u32, &record.label_length, @intCast(label.len), .monotonic);
        @atomicStore(u64, &record.allocated_ns, clock.monotonicNs(), .monotonic);
        @atomicStore(i64, &self.values[id].value, 0, .monotonic);
        // release: readers that see `allocated` see the owner, type, label and zero above.
        @atomicStore(u64, &record.state_word, layout.stateWord(generation, .allocated), .release);
        return .{ .id = id, .value = &self.values[id].value, .record = record, .generation = generation };
    }

    fn fromSegment(segment: NamedSegment) CountersFile {
        const header = segment.at(layout.CountersHeader, 128);
        return .{
            .segment = segment,
            .counters_max = header.counters_max,
            .metadata = @ptrCast(@alignCast(segment.memory.ptr + header.metadata_offset)),
            .values = @ptrCast(@alignCast(segment.memory.ptr + header.values_offset)),
        };
    }
};

fn ownerDead(record: *const layout.MetadataRecord) bool {
    const owner = @atomicLoad(u64, &record.owner, .acquire);
    return owner != 0 and process.liveness(owner) == .dead;
}

fn initHeader(counters_max: u32, memory: []align(shm.page_length) u8) void {
    const header: *layout.CountersHeader = @ptrCast(@alignCast(memory.ptr + 128));
    header.* = .{
        .counters_max = counters_max,
        .metadata_record_length = layout.metadata_record_length,
        .value_record_length = layout.value_record_length,
        .label_length_max = layout.label_length_max,
        .metadata_offset = layout.metadataOffset(),
        .values_offset = layout.valuesOffset(counters_max),
    };
}

/// Everything a reader relies on, checked once at open: a corrupt header is CorruptChannel,
/// never an access outside the mapping.
fn checkHeader(segment: *const NamedSegment) Error!void {
    if (segment.memory.len < layout.header_length) return error.ShmTooSmall;
    const header = segment.at(layout.CountersHeader, 128);
    const counters_max = header.counters_max;
    if (counters_max < layout.counters_min or counters_max > layout.counters_max_limit) return error.CorruptChannel;
    if (header.metadata_record_length != layout.metadata_record_length or
        header.value_record_length != layout.value_record_length or
        header.label_length_max != layout.label_length_max or
        header.metadata_offset != layout.metadataOffset() or
        header.values_offset != layout.valuesOffset(counters_max))
    {
        return error.CorruptChannel;
    }
    if (segment.memory.len < layout.segmentLength(counters_max)) return error.ShmTooSmall;
}
