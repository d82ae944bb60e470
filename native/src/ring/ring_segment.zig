//! What the SPSC and MPSC rings share: the named segment with its RingHeader checked on
//! open, the data pointer, and the consumer/producer roles (owner words, as in ipc/peer.zig).

const std = @import("std");
const layout = @import("layout.zig");
const shm = @import("../platform/shm.zig");
const peer = @import("../ipc/peer.zig");
const named_segment = @import("../segment/named_segment.zig");
const NamedSegment = named_segment.NamedSegment;
const Kind = named_segment.Kind;
const Error = @import("../status.zig").Error;
const ring_counters = @import("ring_counters.zig");
const CountersFile = @import("../counters/counters_file.zig").CountersFile;

pub const MemoryOptions = shm.MemoryOptions;
pub const PeerState = peer.PeerState;

/// C ABI values: ZIGBOLT_RING_ROLE_*.
pub const Role = enum(u32) { producer = 0, consumer = 1 };

pub const CreateOptions = struct {
    /// Bytes of record data: a power of two in [capacity_min, capacity_max].
    capacity: u32 = 64 * 1024,
    memory: MemoryOptions = .{},
    /// Replace an existing ring of the same name even if a live process uses it.
    replace: bool = false,
    /// Where each role's counters go (docs/counters.md).
    counters: ring_counters.Attach = .process_default,
};

pub const OpenOptions = struct {
    memory: MemoryOptions = .{},
    counters: ring_counters.Attach = .process_default,
};

/// A record claimed in an SPSC or MPSC ring for a payload written in place: fill `payload`,
/// then commit (or abort) it; one claim at a time per handle (docs/spsc-ring.md, Claims).
pub const Claim = struct {
    /// The payload to fill, inside the shared ring.
    payload: []u8,
    /// Where `payload` starts, in bytes from the start of the segment: the C ABI's handle on
    /// the claim.
    segment_offset: u32,
    /// Ring position of the record (its header), padding before it skipped.
    position: u32,
    msg_type_id: i32,
};

/// The one claim a producer handle may have outstanding.
pub const OutstandingClaim = struct {
    claim: ?Claim = null,

    /// InvalidArgument while a claim is outstanding: commit or abort it first.
    pub fn ensureNone(self: *const OutstandingClaim) Error!void {
        if (self.claim != null) return error.InvalidArgument;
    }

    pub fn set(self: *OutstandingClaim, claimed: Claim) Claim {
        self.claim = claimed;
        return claimed;
    }

    /// The outstanding claim, no longer outstanding, if `claimed` is it (the C ABI knows a
    /// claim by its offset); else InvalidArgument.
    pub fn take(self: *OutstandingClaim, claimed: Claim) Error!Claim {
        const outstanding = self.claim orelse return error.InvalidArgument;
        if (outstanding.segment_offset != claimed.segment_offset) return error.InvalidArgument;
        self.claim = null;
        return outstanding;
    }
};

pub const RingSegment = struct {
    named: NamedSegment,
    header: *layout.RingHeader,
    data: [*]u8,
    capacity: u32,
    mask: u32,
    payload_length_max: u32,
    kind: Kind,
    counters_file: ?*const CountersFile = null,

    pub fn create(name: []const u8, comptime kind: Kind, options: CreateOptions) Error!RingSegment {
        if (!layout.capacityValid(options.capacity)) return error.InvalidCapacity;
        const Init = struct {
            fn fill(context: struct { Kind, u32 }, memory: []align(shm.page_length) u8) void {
                const header: *layout.RingHeader = @ptrCast(@alignCast(memory.ptr + layout.ring_header_offset));
                header.capacity = context[1];
                header.payload_length_max = layout.payloadLengthMax(context[1]);
                header.producer_slot_count = if (context[0] == .mpsc_ring) layout.producer_slot_count else 0;
                header.data_offset = layout.dataOffset(context[0]);
            }
        };
        const in_use = comptime if (kind == .mpsc_ring) inUseMpsc else inUseSpsc;
        const named = try NamedSegment.create(
            name,
            kind,
            layout.version,
            layout.segmentLength(kind, options.capacity),
            .{ .memory = options.memory, .replace = options.replace },
            @as(struct { Kind, u32 }, .{ kind, options.capacity }),
            Init.fill,
            in_use,
        );
        var ring = init(named, kind);
        ring.counters_file = options.counters.resolve();
        return ring;
    }

    pub fn open(name: []const u8, kind: Kind, options: OpenOptions) Error!RingSegment {
        var named = try NamedSegment.open(name, kind, layout.version, options.memory);
        errdefer named.close();
        if (named.memory.len < layout.header_length) return error.CorruptChannel;
        const header = named.at(layout.RingHeader, layout.ring_header_offset);
        if (!layout.headerValid(header, kind, named.memory.len)) return error.CorruptChannel;
        var ring = init(named, kind);
        ring.counters_file = options.counters.resolve();
        return ring;
    }

    fn init(named: NamedSegment, kind: Kind) RingSegment {
        const header = named.at(layout.RingHeader, layout.ring_header_offset);
        std.debug.assert(layout.headerValid(header, kind, named.memory.len));
        // Copied once: the shared fields could be overwritten later, our copies cannot.
        const capacity = header.capacity;
        return .{
            .named = named,
            .header = header,
            .data = named.memory.ptr + layout.dataOffset(kind),
            .capacity = capacity,
            .mask = capacity - 1,
            .payload_length_max = layout.payloadLengthMax(capacity),
            .kind = kind,
        };
    }

    pub fn close(self: *RingSegment) void {
        self.named.close();
        self.* = undefined;
    }

    pub fn ringName(self: *const RingSegment) []const u8 {
        return self.named.name.slice();
    }

    pub fn ownerWord(self: *const RingSegment, role: Role) *u64 {
        return switch (role) {
            .producer => &self.header.producer,
            .consumer => &self.header.consumer,
        };
    }

    pub fn record(self: *const RingSegment, position: u32) *layout.RecordHeader {
        return @ptrCast(@alignCast(self.data + (position & self.mask)));
    }

    pub fn payload(self: *const RingSegment, position: u32, length: u32) []u8 {
        const offset = (position & self.mask) + layout.record_header_length;
        return self.data[offset..][0..length];
    }

    /// The claim of the record at `position` (padding already skipped).
    pub fn claimAt(self: *const RingSegment, position: u32, payload_length: u32, msg_type_id: i32) Claim {
        const bytes = self.payload(position, payload_length);
        return .{
            .payload = bytes,
            .segment_offset = @intCast(@intFromPtr(bytes.ptr) - @intFromPtr(self.named.memory.ptr)),
            .position = position,
            .msg_type_id = msg_type_id,
        };
    }

    pub fn slot(self: *const RingSegment, index: u32) *layout.ProducerSlot {
        std.debug.assert(self.kind == .mpsc_ring and index < layout.producer_slot_count);
        return self.named.at(layout.ProducerSlot, layout.header_length + index * layout.producer_slot_length);
    }

    pub fn peerState(self: *const RingSegment, role: Role) PeerState {
        return peer.state(self.ownerWord(role));
    }

    pub fn peerPid(self: *const RingSegment, role: Role) u32 {
        return peer.pid(self.ownerWord(role));
    }
};

fn ringHeaderOf(memory: []const u8) ?*const layout.RingHeader {
    if (memory.len < layout.header_length) return null;
    return @ptrCast(@alignCast(memory.ptr + layout.ring_header_offset));
}

fn inUseSpsc(memory: []const u8) bool {
    const header = ringHeaderOf(memory) orelse return false;
    return peer.state(&header.consumer) == .alive or peer.state(&header.producer) == .alive;
}

fn inUseMpsc(memory: []const u8) bool {
    const header = ringHeaderOf(memory) orelse return false;
    if (peer.state(&header.consumer) == .alive) return true;
    if (memory.len < layout.mpsc_data_offset) return false;
    for (0..layout.producer_slot_count) |index| {
        const offset = layout.header_length + index * layout.producer_slot_length;
        const slot: *const layout.ProducerSlot = @ptrCast(@alignCast(memory.ptr + offset));
        if (peer.state(&slot.owner) == .alive) return true;
    }
    return false;
}
