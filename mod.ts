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

// ---- codecs (docs/codecs.md) ----

// ---- Aeron wire flyweights (docs/codecs.md) ----

// ---- typed messaging (docs/codecs.md) ----
