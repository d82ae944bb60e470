/**
 * ZigBolt for Deno and Bun: shared-memory messaging with Zig, C, Go and Python processes
 * over libzigbolt's C ABI.
 *
 * @example
 * ```ts
 * import { IpcChannel } from "@zigbolt/ffi";
 *
 * const channel = IpcChannel.create({ name: "/my-market-data", termLength: 1024 * 1024 });
 * channel.publish(new TextEncoder().encode("BTC/USDT 42000.50"), 1);
 * const sub = IpcChannel.open({ name: "/my-market-data" });
 * const count = sub.poll((data, msgTypeId) => console.log(msgTypeId, data), 10);
 * ```
 * @module
 */
export {
  type FragmentHandler,
  IpcChannel,
  type IpcChannelOptions,
  type MemoryApplied,
  type MessageHandler,
  type OpenWhenReadyOptions,
  type PeerRole,
  type PeerState,
  pollLimitDefault,
} from "./lib/ipc_channel.ts";
export { Fragment } from "./lib/fragment.ts";
export type { SegmentOptions } from "./lib/_structure_common.ts";
export { Transport, type TransportOptions } from "./lib/transport.ts";
export { Status, type StatusName, statusName } from "./lib/status.ts";
export * from "./lib/errors.ts";
export { errorForStatus } from "./lib/error_for_status.ts";
export { monotonicNs } from "./lib/clock.ts";
export { bindingVersion, libraryVersion, type Version } from "./lib/version.ts";

// ---- counters (docs/counters.md) ----
export { Counter, type CounterInfo, CountersFile, type CountersFileOptions } from "./lib/counters.ts";
export { applicationCounterTypeFirst, CounterType } from "./lib/counter_types.ts";

// ---- rings (docs/spsc-ring.md, docs/mpsc-ring.md) ----
export {
  type RingFragmentHandler,
  type RingMessageHandler,
  type RingOptions,
  ringReadLimitDefault,
  SpscRingBuffer,
} from "./lib/spsc_ring.ts";
export { MpscRingBuffer } from "./lib/mpsc_ring.ts";
export { RingCounterType } from "./lib/_ring_counters.ts";

// ---- zero-copy claims (log buffer, rings) ----
export { Claim } from "./lib/claim.ts";

// ---- log buffer (docs/log-buffer.md) ----
export {
  LogBuffer,
  type LogBufferOptions,
  LogClaim,
  type LogFragmentHandler,
  type LogMessageHandler,
  logPollLimitDefault,
  type LogRole,
} from "./lib/log_buffer.ts";

// ---- broadcast (docs/broadcast.md) ----
export {
  type BroadcastHandler,
  type BroadcastOptions,
  BroadcastReceiver,
  BroadcastTransmitter,
  receiveLimitDefault,
} from "./lib/broadcast.ts";

// ---- idle strategies and agents (docs/agents.md) ----
export {
  type BackoffOptions,
  type BackoffState,
  backoffStepsMax,
  IdleKind,
  type IdleKindName,
  IdleStrategy,
  type IdleStrategySpec,
  parkNsMax,
  setTimerSlack,
  timerSlackNs,
} from "./lib/idle_strategy.ts";
export {
  type Agent,
  type AgentErrorHandler,
  CompositeAgent,
  type CompositeAgentOptions,
  type ErrorAction,
} from "./lib/agent.ts";
export {
  AgentRunner,
  type AgentRunnerOptions,
  type AgentRunnerStats,
  type RunningAgent,
  type WorkerAgentOptions,
} from "./lib/agent_runner.ts";
export { type DutyCycleStats, DutyCycleTracker } from "./lib/agent_duty_cycle.ts";
export { AgentCounterType } from "./lib/agent_counters.ts";

// ---- codecs (docs/codecs.md) ----
export {
  defineMessage,
  enumOf,
  type EnumType,
  type FieldLayout,
  type FieldSpecs,
  type FieldType,
  type FieldValue,
  type Flyweight,
  type FlyweightBase,
  type Int64Field,
  type MessageDefinition,
  messageLengthMax,
  type MessageType,
  type MessageValues,
  OrderMessage,
  OrderSide,
  OrderType,
  type ScalarType,
  Side,
  TickMessage,
} from "./lib/wire.ts";

// sbe
export {
  type BlockEncoder,
  type BlockSpec,
  type BlockValues,
  type BlockView,
  type CharsFieldSpec,
  type DataSpec,
  type Decimal64FieldSpec,
  type EnumFieldSpec,
  type FieldSpec,
  type GroupReader,
  type GroupSpec,
  type GroupWriter,
  type MessageSpec,
  type PrimitiveFieldSpec,
  type PrimitiveType,
  type SchemaId,
} from "./lib/sbe/schema.ts";
export {
  defineMessage as defineSbeMessage,
  type LayoutBlock,
  MessageCodec,
  type MessageDecoder,
  type MessageEncoder,
  MessageHeader,
} from "./lib/sbe/codec.ts";
export * as fix from "./lib/sbe/fix.ts";

// ---- Aeron wire flyweights (docs/codecs.md) ----
export {
  aeronTermLengthMax,
  aeronTermLengthMin,
  checkFrame,
  computePosition,
  computePositionBigInt,
  computeTermBeginPosition,
  computeTermIdFromPosition,
  computeTermOffsetFromPosition,
  DataFlags,
  DataHeaderFlyweight,
  ErrorFlags,
  ErrorFlyweight,
  errorMessageLengthMax,
  FrameFlyweight,
  FrameType,
  headerLengthOf,
  indexByPosition,
  indexByTerm,
  NakFlyweight,
  positionBitsToShift,
  protocolVersion,
  RttFlags,
  RttMeasurementFlyweight,
  SetupFlags,
  SetupFlyweight,
  StatusFlags,
  StatusMessageFlyweight,
} from "./lib/aeron.ts";

// ---- typed messaging (docs/codecs.md) ----
export {
  Publisher,
  RawPublisher,
  RawSubscriber,
  Subscriber,
  type TypedHandler,
  ZeroCopyPublisher,
} from "./lib/messaging.ts";
export type { EndpointOptions } from "./lib/transport.ts";
