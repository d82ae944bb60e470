/**
 * IpcChannel: a shared-memory channel in the zigbolt-ipc-v1 layout, shared with Zig, C, Bun
 * and Deno processes. One publisher and one subscriber per channel.
 *
 * Publishing is one FFI call into libzigbolt (11-21 ns for 64 bytes). Polling reads the
 * mapping from JavaScript, with no FFI call or native callback per message.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import {
  CorruptionFound,
  type FragmentHandler,
  IpcReader,
  type MessageHandler,
  type SubscriberCounters,
} from "./_ipc_reader.ts";
import { CountersFile } from "./counters.ts";
import { CounterType } from "./counter_types.ts";
import * as layout from "./_ipc_layout.ts";
import { lastStatusError, native, statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { PinnedPayload } from "./_pinned_payload.ts";
import { keepAddressFlag, keptMapping, type SegmentView } from "./_kept_mapping.ts";
import { checkedName, cString } from "./_names.ts";
import {
  checkedHandle,
  checkedResult,
  closeBackstop,
  flagsOf,
  int32WriteArgumentError,
  peerStates,
  type SegmentOptions,
  writeContext,
  writeLength,
} from "./_structure_common.ts";
import {
  CorruptChannelError,
  HandleClosedError,
  InvalidArgumentError,
  InvalidTermLengthError,
  type ZigBoltError,
} from "./errors.ts";
import { Status } from "./status.ts";

export type { FragmentHandler, MessageHandler };

/** Who is on each side of a channel. */
export type PeerRole = "publisher" | "subscriber";
/**
 * `none`: nobody has held the role (or a v1 peer that does not record itself);
 * `closed`: its holder closed it cleanly; `dead`: its holder's process died.
 */
export type PeerState = "none" | "alive" | "dead" | "closed";

/** Options of `IpcChannel.create` and `IpcChannel.open`. */
export interface IpcChannelOptions extends SegmentOptions {
  /**
   * Bytes per term, a power of two in [4096, 1 GiB]. Create: default 1 MiB.
   * Open: omit to accept the creator's; if given, it must match (TermLengthMismatch).
   */
  termLength?: number;
}

/** Options of `IpcChannel.openWhenReady`. */
export interface OpenWhenReadyOptions extends IpcChannelOptions {
  /** How long to wait for the creator; default: for ever. */
  timeoutMs?: number;
}

/** Which of the best-effort memory options took effect. */
export interface MemoryApplied {
  preFault: boolean;
  hugepages: boolean;
  mlock: boolean;
}

/** Messages a poll delivers when no limit is given. */
export const pollLimitDefault = 256;

const openRetryMs = 1;

const backstop = closeBackstop((handle) => native().symbols.zigbolt_ipc_close(handle));

/**
 * A shared-memory channel. `create` makes it (and unlinks the name on close), `open` joins
 * one. Either side may publish or poll, but a channel has one live publisher and one live
 * subscriber at a time (PublisherExists / SubscriberExists otherwise).
 *
 * @example
 * ```ts
 * using channel = IpcChannel.create({ name: "/my-market-data", termLength: 1024 * 1024 });
 * channel.publish(new TextEncoder().encode("BTC/USDT 42000.50"), 1);
 * using sub = IpcChannel.open({ name: "/my-market-data" });
 * const count = sub.poll((data, msgTypeId) => console.log(msgTypeId, data.length), 10);
 * ```
 */
export class IpcChannel implements Disposable {
  /** The channel name, e.g. "/my-market-data". */
  readonly name: string;
  /** Bytes per term (the creator's). */
  readonly termLength: number;
  readonly #adapter: RuntimeAdapter;
  readonly #handle: NativePointer;
  readonly #payload: PinnedPayload;
  /** Buffers over our mapping, which stays at its address past close (_kept_mapping.ts). */
  readonly #view: SegmentView | undefined;
  #reader: IpcReader | undefined;
  #closed = false;
  #polling = false;

  private constructor(name: string, handle: NativePointer) {
    this.#adapter = native();
    this.#payload = new PinnedPayload(this.#adapter);
    this.name = name;
    this.#handle = handle;
    this.termLength = this.#adapter.symbols.zigbolt_ipc_term_length(handle);
    const segment = this.#adapter.symbols.zigbolt_ipc_segment(handle);
    if (!this.#adapter.isNull(segment)) this.#view = keptMapping(this.#adapter, segment);
    backstop.register(this, handle, this);
  }

  /**
   * Creates a channel. Fails with ChannelInUseError if a live process uses the name (pass
   * `replace: true` to take it anyway); a stale segment left by a dead process is replaced.
   */
  static create(options: IpcChannelOptions): IpcChannel {
    const { symbols } = native();
    const name = checkedName(options?.name);
    const termLength = checkedTermLength(options.termLength ?? layout.termLengthDefault);
    const handle = symbols.zigbolt_ipc_create_ex(
      cString(name),
      termLength,
      flagsOf(options) | keepAddressFlag,
    );
    return new IpcChannel(name, checkedHandle(handle, `Cannot create channel "${name}"`));
  }

  /** Opens an existing channel; NoSuchChannelError if nobody created it. */
  static open(options: IpcChannelOptions): IpcChannel {
    const { symbols } = native();
    const name = checkedName(options?.name);
    const termLength = checkedTermLength(options.termLength ?? 0);
    if (options.replace) throw new InvalidArgumentError(`Cannot open "${name}": replace is a create option`);
    const handle = symbols.zigbolt_ipc_open_ex(cString(name), termLength, flagsOf(options) | keepAddressFlag);
    return new IpcChannel(name, checkedHandle(handle, `Cannot open channel "${name}"`));
  }

  /**
   * Opens a channel once its creator has made it, without blocking the event loop:
   * NoSuchChannel and InvalidChannel (a v1 creator still writing its header) are retried
   * every millisecond until `timeoutMs`, then thrown; any other error at once.
   *
   * @example
   * ```ts
   * const orders = await IpcChannel.openWhenReady({ name: "/orders", timeoutMs: 5000 });
   * ```
   */
  static async openWhenReady(options: OpenWhenReadyOptions): Promise<IpcChannel> {
    const deadline = Date.now() + (options?.timeoutMs ?? Infinity);
    for (;;) {
      try {
        return IpcChannel.open(options);
      } catch (error) {
        const code = (error as ZigBoltError).code;
        if ((code !== "NoSuchChannel" && code !== "InvalidChannel") || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, openRetryMs));
      }
    }
  }

  /** @internal Wraps a handle made by a Transport. */
  static fromHandle(name: string, handle: NativePointer, context: string): IpcChannel {
    return new IpcChannel(name, checkedHandle(handle, context));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Which best-effort memory options took effect for this mapping. */
  get memory(): MemoryApplied {
    const applied = this.#checked(
      this.#adapter.symbols.zigbolt_ipc_memory_flags(this.#handle),
      "read memory flags of",
    );
    return {
      preFault: (applied & layout.flags.preFault) !== 0,
      hugepages: (applied & layout.flags.hugepages) !== 0,
      mlock: (applied & layout.flags.mlock) !== 0,
    };
  }

  /**
   * Publishes one message (a copy of `data`, or of its first `length` bytes). Throws
   * BackPressureError when the subscriber is two terms behind (PeerDeadError if it has
   * died), and the other typed errors. Use `tryPublish` in hot loops.
   */
  publish(data: Uint8Array, msgTypeId: number, length?: number): void {
    const status = this.tryPublish(data, msgTypeId, length);
    if (status !== Status.Ok) throw this.#publishError(status, data, msgTypeId, length);
  }

  /**
   * Publishes without throwing: returns `Status.Ok` (0) or a negative status, e.g.
   * `Status.BackPressure` to retry later (`Status.PeerDead` now and then instead, once the
   * subscriber has died). No allocation. `errorForStatus` turns a status into its error.
   * `length` (default: all of `data`) sends only the first `length` bytes of `data`: a
   * message encoded at the start of a reused buffer, without a `subarray` per message.
   */
  tryPublish(data: Uint8Array, msgTypeId: number, length?: number): number {
    if ((msgTypeId | 0) !== msgTypeId || !(data instanceof Uint8Array)) return Status.InvalidArgument;
    const address = this.#payload.addressOf(data);
    const bytes = length === undefined ? data.byteLength : writeLength(data, length);
    if (bytes < 0) return Status.InvalidArgument;
    const symbols = this.#adapter.symbols;
    return address === undefined
      ? symbols.zigbolt_publish(this.#handle, data, bytes, msgTypeId)
      : symbols.zigbolt_publish_by_address(this.#handle, address, bytes, msgTypeId);
  }

  /**
   * Hands up to `limit` messages to `handler(data, msgTypeId)` and returns how many.
   * `data` is a view into shared memory, valid only during the call: copy it with
   * `data.slice()` to keep it. Allocates one view object per message; `pollFragments`
   * allocates nothing.
   */
  poll(handler: MessageHandler, limit: number = pollLimitDefault): number {
    return this.#read(handler, limit, false);
  }

  /**
   * Like `poll`, with a reused `Fragment` (term bytes, DataView, offset, length, msgTypeId)
   * instead of a new view per message: zero allocation per message.
   */
  pollFragments(handler: FragmentHandler, limit: number = pollLimitDefault): number {
    return this.#read(handler, limit, true);
  }

  /** Bytes this subscriber has consumed since the channel was created. */
  get position(): number {
    return this.#reader?.position ?? 0;
  }

  /** Whether whoever holds `role` is alive, has died, has closed it, or was never seen. */
  peerState(role: PeerRole): PeerState {
    const state = this.#checked(
      this.#adapter.symbols.zigbolt_ipc_peer_state(this.#handle, roleNumber(role)),
      "query",
    );
    return peerStates[state];
  }

  /** The pid of the process holding `role`, or 0. */
  peerPid(role: PeerRole): number {
    return this.#checked(this.#adapter.symbols.zigbolt_ipc_peer_pid(this.#handle, roleNumber(role)), "query");
  }

  /** Throws PeerDeadError if the process that held `role` has died. */
  ensurePeerAlive(role: PeerRole): void {
    if (this.peerState(role) === "dead") {
      throw statusError(Status.PeerDead, `Channel "${this.name}": its ${role} (pid ${this.peerPid(role)})`);
    }
  }

  /**
   * The id, in the process's counters file (`CountersFile.processDefault()`), of this
   * channel's counter of `type` (a `CounterType.Ipc*`), or undefined if it has none (that
   * role not taken yet, counters off or full).
   */
  counterId(type: number): number | undefined {
    if (this.#closed) {
      throw new HandleClosedError(`Cannot read counters of channel "${this.name}": it is closed`);
    }
    const id = this.#adapter.symbols.zigbolt_ipc_counter_id(this.#handle, type);
    return id >= 0 ? id : undefined;
  }

  /** Releases this side's roles, unmaps the segment, and unlinks the name if we created it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // A handler that closes the channel mid-poll: unmap once the poll is out of the mapping.
    if (this.#reader) this.#reader.stopped = true;
    if (!this.#polling) this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #read(handler: MessageHandler | FragmentHandler, limit: number, asFragments: boolean): number {
    if (this.#closed) throw new HandleClosedError(`Cannot poll channel "${this.name}": it is closed`);
    if (!(limit >= 0) || typeof handler !== "function") {
      throw new InvalidArgumentError(`Cannot poll channel "${this.name}": need a handler and a limit >= 0`);
    }
    const reader = this.#reader ?? this.#startReading();
    // The empty poll is the spin of every waiting loop: keep it to one load and out of try.
    let available: number;
    try {
      available = reader.available();
    } catch (error) {
      throw this.#corrupt(error);
    }
    if (available === 0) return 0;
    this.#polling = true;
    try {
      return reader.read(available, handler, limit, asFragments);
    } catch (error) {
      throw this.#corrupt(error);
    } finally {
      this.#polling = false;
      if (this.#closed) this.#release();
    }
  }

  #corrupt(error: unknown): unknown {
    if (!(error instanceof CorruptionFound)) return error;
    return new CorruptChannelError(`Channel "${this.name}" is corrupt: ${error.message}`);
  }

  #startReading(): IpcReader {
    const symbols = this.#adapter.symbols;
    this.#checked(symbols.zigbolt_ipc_claim(this.#handle, layout.roleNumbers.subscriber), "subscribe to");
    if (this.#view === undefined) throw lastStatusError(`Cannot map channel "${this.name}"`);
    return this.#reader = new IpcReader(this.#view, this.termLength, this.#subscriberCounters());
  }

  /** The counters libzigbolt allocated for our subscriber role, which JavaScript updates. */
  #subscriberCounters(): SubscriberCounters | undefined {
    const symbols = this.#adapter.symbols;
    const ids = [
      CounterType.IpcReceivedMessages,
      CounterType.IpcReceivedBytes,
      CounterType.IpcSubscriberPosition,
    ]
      .map((type) => symbols.zigbolt_ipc_counter_id(this.#handle, type));
    if (ids.some((id) => id < 0)) return undefined;
    const file = CountersFile.processDefault();
    return { messages: file.counter(ids[0]), bytes: file.counter(ids[1]), position: file.counter(ids[2]) };
  }

  #release(): void {
    this.#reader?.detach();
    this.#reader = undefined;
    backstop.unregister(this);
    this.#adapter.symbols.zigbolt_ipc_close(this.#handle);
  }

  #checked(result: number, action: string): number {
    return checkedResult(result, `Cannot ${action} channel "${this.name}"`);
  }

  #publishError(status: number, data: Uint8Array, msgTypeId: number, length: number | undefined): Error {
    const context = writeContext("publish", `on channel "${this.name}"`, data, length);
    const invalid = int32WriteArgumentError(context, data, msgTypeId, length);
    if (invalid !== undefined) return invalid;
    if (status === Status.BackPressure && this.peerState("subscriber") === "dead") {
      return statusError(
        Status.PeerDead,
        `${context}: its subscriber (pid ${this.peerPid("subscriber")}) has died`,
      );
    }
    return statusError(status, context);
  }
}

function checkedTermLength(termLength: number): number {
  if (!Number.isInteger(termLength) || termLength < 0 || termLength > layout.termLengthMax) {
    throw new InvalidTermLengthError(
      `Invalid term length ${termLength}: use a power of two in [4096, 1 GiB]`,
    );
  }
  return termLength;
}

function roleNumber(role: PeerRole): number {
  const number = layout.roleNumbers[role];
  if (number === undefined) throw new InvalidArgumentError(`Unknown role ${JSON.stringify(role)}`);
  return number;
}
