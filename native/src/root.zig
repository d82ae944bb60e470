//! ZigBolt: shared-memory messaging for trading systems. This is the Zig API; the C ABI
//! over it lives in c_api/exports.zig and the TypeScript binding in ../../lib.

const std = @import("std");

pub const limits = @import("limits.zig");
pub const Status = @import("status.zig").Status;
pub const Error = @import("status.zig").Error;
pub const IpcChannel = @import("ipc/channel.zig").IpcChannel;
pub const ipc = struct {
    pub const layout = @import("ipc/layout.zig");
    pub const ChannelName = @import("ipc/name.zig").ChannelName;
    pub const CreateOptions = @import("ipc/channel.zig").CreateOptions;
    pub const OpenOptions = @import("ipc/channel.zig").OpenOptions;
    pub const Role = @import("ipc/channel.zig").Role;
    pub const PeerState = @import("ipc/channel.zig").PeerState;
    pub const MemoryOptions = @import("ipc/channel.zig").MemoryOptions;
    pub const MemoryFlags = @import("ipc/channel.zig").MemoryFlags;
};
pub const Transport = @import("transport.zig").Transport;
pub const clock = @import("platform/clock.zig");
pub const kept_mappings = @import("platform/kept_mappings.zig");
pub const segment = struct {
    pub const header = @import("segment/header.zig");
    pub const NamedSegment = @import("segment/named_segment.zig").NamedSegment;
    pub const CreateOptions = @import("segment/named_segment.zig").CreateOptions;
};

// ---- counters (docs/counters.md) ----
pub const counters = struct {
    pub const layout = @import("counters/layout.zig");
    pub const CountersFile = @import("counters/counters_file.zig").CountersFile;
    pub const CreateOptions = @import("counters/counters_file.zig").CreateOptions;
    pub const CounterInfo = @import("counters/counters_file.zig").CounterInfo;
    pub const Counter = @import("counters/counter.zig").Counter;
    pub const Attach = @import("counters/process_default.zig").Attach;
    pub const processDefault = @import("counters/process_default.zig");
    pub const types = @import("counters/types.zig");
};

// ---- rings (docs/spsc-ring.md, docs/mpsc-ring.md) ----
pub const SpscRingBuffer = @import("ring/spsc.zig").SpscRingBuffer;
pub const MpscRingBuffer = @import("ring/mpsc.zig").MpscRingBuffer;
pub const ring = struct {
    pub const layout = @import("ring/layout.zig");
    pub const Role = @import("ring/ring_segment.zig").Role;
    pub const Claim = @import("ring/ring_segment.zig").Claim;
    pub const PeerState = @import("ring/ring_segment.zig").PeerState;
    pub const CreateOptions = @import("ring/ring_segment.zig").CreateOptions;
    pub const OpenOptions = @import("ring/ring_segment.zig").OpenOptions;
    pub const stuck_check_ns = @import("ring/mpsc.zig").stuck_check_ns;
    pub const CounterType = @import("ring/ring_counters.zig").Type;
};

// ---- log buffer (docs/log-buffer.md) ----
pub const LogBuffer = @import("log_buffer/log_buffer.zig").LogBuffer;
pub const log_buffer = struct {
    pub const layout = @import("log_buffer/layout.zig");
    pub const Claim = @import("log_buffer/log_buffer.zig").Claim;
    pub const CreateOptions = @import("log_buffer/log_buffer.zig").CreateOptions;
    pub const OpenOptions = @import("log_buffer/log_buffer.zig").OpenOptions;
    pub const Role = @import("log_buffer/log_buffer.zig").Role;
};

// ---- broadcast (docs/broadcast.md) ----
pub const broadcast = struct {
    pub const layout = @import("broadcast/layout.zig");
    pub const Transmitter = @import("broadcast/broadcast.zig").Transmitter;
    pub const Receiver = @import("broadcast/broadcast.zig").Receiver;
    pub const CopyReceiver = @import("broadcast/broadcast.zig").CopyReceiver;
    pub const CreateOptions = @import("broadcast/broadcast.zig").CreateOptions;
    pub const OpenOptions = @import("broadcast/broadcast.zig").OpenOptions;
    pub const transmitterState = @import("broadcast/broadcast.zig").transmitterState;
};

// ---- idle strategies and agents (docs/agents.md) ----
pub const agent = @import("agent/root.zig");
pub const IdleStrategy = agent.IdleStrategy;
pub const Agent = agent.Agent;
pub const AgentRunner = agent.AgentRunner;
pub const CompositeAgent = agent.CompositeAgent;
pub const DutyCycleTracker = agent.DutyCycleTracker;

// ---- codecs (docs/codecs.md) ----
pub const wire = @import("codec/wire.zig");
pub const messages = @import("codec/messages.zig");
pub const TickMessage = messages.TickMessage;
pub const OrderMessage = messages.OrderMessage;

// sbe
pub const sbe = @import("sbe/sbe.zig");

// ---- Aeron wire flyweights (docs/codecs.md) ----
pub const aeron = struct {
    pub const protocol = @import("aeron/protocol.zig");
    pub const position = @import("aeron/position.zig");
};

// ---- typed messaging (docs/codecs.md) ----
pub const messaging = @import("messaging/typed.zig");
pub const Publisher = messaging.Publisher;
pub const Subscriber = messaging.Subscriber;
pub const RawPublisher = messaging.RawPublisher;
pub const RawSubscriber = messaging.RawSubscriber;

pub const version = std.SemanticVersion{ .major = 0, .minor = 2, .patch = 1 };

test {
    std.testing.refAllDecls(@This());
    _ = @import("status.zig");
    _ = @import("ipc/layout.zig");
    _ = @import("ipc/name.zig");
    _ = @import("ipc/peer.zig");
    _ = @import("ipc/channel_test.zig");
    _ = @import("platform/shm.zig");
    _ = @import("platform/kept_mappings.zig");
    _ = @import("platform/process.zig");
    _ = @import("transport.zig");
    _ = @import("segment/named_segment.zig");
    _ = @import("segment/keep_address_test.zig");
    // ---- counters tests ----
    _ = @import("counters/counters_test.zig");
    _ = @import("counters/types.zig");

    // ---- rings tests ----
    _ = @import("ring/layout.zig");
    _ = @import("ring/ring_test.zig");
    _ = @import("ring/claim_test.zig");

    // ---- log buffer tests ----
    _ = @import("log_buffer/log_buffer_test.zig");

    // ---- broadcast tests ----
    _ = @import("broadcast/broadcast_test.zig");

    // ---- agents tests ----
    _ = @import("agent/root.zig");

    // ---- codecs tests ----
    _ = @import("codec/wire.zig");
    _ = @import("codec/messages.zig");
    _ = @import("codec/fuzz_test.zig");
    _ = @import("aeron/protocol.zig");
    _ = @import("aeron/position.zig");

    // sbe
    _ = @import("sbe/sbe.zig");

    // ---- typed messaging tests ----
    _ = @import("messaging/typed.zig");
}
