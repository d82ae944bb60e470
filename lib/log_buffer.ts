/**
 * LogBuffer: an Aeron-style log of three terms in a named shared-memory segment, shared with
 * Zig, C, Bun and Deno processes: one writer that claims, fills and commits frames in place,
 * and one consumer that reads them, each keeping its own position (docs/log-buffer.md).
 *
 * Creating, opening and writing go through libzigbolt: a claim, a commit and an append are
 * one FFI call each, which costs less than the same stores made from JavaScript. Polling
 * runs in JavaScript over the mapping, with no FFI call per message. No allocation per
 * message.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import * as layout from "./_log_buffer_layout.ts";
import {
  type ConsumerCounters,
  LogCorruption,
  type LogFragmentHandler,
  type LogMessageHandler,
  LogReader,
} from "./_log_reader.ts";
import { CounterType } from "./counter_types.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";
import { lastStatusError, native, statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { PinnedPayload } from "./_pinned_payload.ts";
import { keepAddressFlag, keptMapping } from "./_kept_mapping.ts";
import { checkedName, cString } from "./_names.ts";
import {
  checkedHandle,
  checkedResult,
  closeBackstop,
  flagsOf,
  int32WriteArgumentError,
  orderedCounters,
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
  MessageTooLargeError,
} from "./errors.ts";
import type { Fragment } from "./fragment.ts";
import type { PeerState } from "./ipc_channel.ts";
import { Status } from "./status.ts";
import { Claim, detachClaim } from "./claim.ts";

export type { LogFragmentHandler, LogMessageHandler };

/** The two sides of a log buffer. */
export type LogRole = "writer" | "consumer";

/** Options of `LogBuffer.create` and `LogBuffer.open`. */
export interface LogBufferOptions extends SegmentOptions {
  /** Create only: bytes per term, a power of two in [4096, 512 MiB]. Default 1 MiB. */
  termLength?: number;
}

/** Messages a poll delivers when no limit is given. */
export const logPollLimitDefault = 256;

/** Polls stalled at an uncommitted frame between two checks of whether the writer has died. */
const stallCheckPeriod = 1024;

const backstop = closeBackstop((handle) => native().symbols.zigbolt_log_buffer_close(handle));

/** The claim of a log buffer's frame (`abort` turns it into padding): the class rings use too. */
export const LogClaim = Claim;
export type LogClaim = Claim;

/**
 * A log buffer. `create` makes it (and unlinks the name on close), `open` joins one. Either
 * side may write or read, but a log buffer has one live writer and one live consumer at a
 * time (PublisherExists / SubscriberExists otherwise).
 *
 * @example
 * ```ts
 * using log = LogBuffer.create({ name: "/orders-log", termLength: 1 << 20 });
 * log.append(new TextEncoder().encode("BUY 1 BTC"), 1);
 * using reader = LogBuffer.open({ name: "/orders-log" });
 * reader.pollFragments((f) => console.log(f.msgTypeId, f.length), 10);
 * ```
 */
export class LogBuffer implements Disposable {
  /** The log buffer's name, e.g. "/orders-log". */
  readonly name: string;
  /** Bytes per term (the creator's). */
  readonly termLength: number;
  readonly #adapter: RuntimeAdapter;
  readonly #handle: NativePointer;
  readonly #payload: PinnedPayload;
  readonly #buffer: ArrayBuffer;
  readonly #claim: Claim;
  /** The outstanding claim's payload offset in the segment, or -1. */
  #claimOffset = -1;
  #reader: LogReader | undefined;
  #stallStreak = 0;
  #closed = false;
  #polling = false;

  private constructor(name: string, handle: NativePointer) {
    const adapter = native();
    this.#adapter = adapter;
    this.#payload = new PinnedPayload(adapter);
    this.name = name;
    this.#handle = handle;
    backstop.register(this, handle, this);
    const symbols = adapter.symbols;
    this.termLength = symbols.zigbolt_log_buffer_term_length(handle);
    const segment = symbols.zigbolt_log_buffer_segment(handle);
    const length = symbols.zigbolt_log_buffer_segment_length(handle);
    if (adapter.isNull(segment) || length < 0) {
      this.close();
      throw lastStatusError(`Cannot map log buffer "${name}"`);
    }
    this.#buffer = keptMapping(adapter, segment)(0, length);
    this.#claim = new Claim(
      new Uint8Array(this.#buffer),
      new DataView(this.#buffer),
      (commit) => this.#finish(commit),
    );
  }

  /**
   * Creates a log buffer. Fails with ChannelInUseError if a live process uses the name
   * (pass `replace: true` to take it anyway); one left by a dead process is replaced.
   */
  static create(options: LogBufferOptions): LogBuffer {
    const { symbols } = native();
    const name = checkedName(options?.name, "log buffer");
    const termLength = options.termLength ?? layout.termLengthDefault;
    if (!layout.termLengthValid(termLength)) {
      throw new InvalidTermLengthError(
        `Cannot create log buffer "${name}": term length ${termLength} is not a power of two in [4096, 512 MiB]`,
      );
    }
    const handle = symbols.zigbolt_log_buffer_create_ex(
      cString(name),
      termLength,
      flagsOf(options) | keepAddressFlag,
    );
    return new LogBuffer(name, checkedHandle(handle, `Cannot create log buffer "${name}"`));
  }

  /** Opens an existing log buffer; NoSuchChannelError if nobody created it. */
  static open(options: LogBufferOptions): LogBuffer {
    const { symbols } = native();
    const name = checkedName(options?.name, "log buffer");
    if (options.replace || options.termLength !== undefined) {
      throw new InvalidArgumentError(
        `Cannot open log buffer "${name}": replace and termLength are create options`,
      );
    }
    const handle = symbols.zigbolt_log_buffer_open_ex(cString(name), flagsOf(options) | keepAddressFlag);
    return new LogBuffer(name, checkedHandle(handle, `Cannot open log buffer "${name}"`));
  }

  /**
   * Claims a frame for `length` payload bytes and returns it to fill in place, or null when
   * the consumer is a term behind (back-pressure: retry later). Commit or abort it before the
   * next claim. Throws MessageTooLargeError, InvalidArgumentError, CorruptChannelError, and
   * PeerDeadError once back-pressure lasts because the consumer has died.
   */
  claim(length: number, msgTypeId: number): Claim | null {
    if (this.#closed) throw new HandleClosedError(`Cannot claim in log buffer "${this.name}": it is closed`);
    if (!(length >= 0 && length <= layout.payloadLengthMax) || (length | 0) !== length) {
      throw this.#lengthError(length);
    }
    if (layout.alignedFrameLength(length) > this.termLength) throw this.#lengthError(length);
    if ((msgTypeId | 0) !== msgTypeId) {
      throw new InvalidArgumentError(
        `Log buffer "${this.name}": msgTypeId ${msgTypeId} is not a 32-bit integer`,
      );
    }
    if (this.#claimOffset >= 0) {
      throw new InvalidArgumentError(
        `Log buffer "${this.name}": commit or abort the outstanding claim first`,
      );
    }
    // libzigbolt's writer takes the writer role on first use, gives back-pressure, and
    // PeerDead now and then once the consumer died.
    const offset = this.#adapter.symbols.zigbolt_log_buffer_claim(this.#handle, length, msgTypeId);
    if (offset < 0) {
      if (offset === Status.BackPressure) return null;
      throw statusError(offset, `Cannot claim ${length} bytes in log buffer "${this.name}"`);
    }
    this.#claimOffset = offset;
    const claim = this.#claim;
    claim.offset = offset;
    claim.length = length;
    claim.msgTypeId = msgTypeId;
    return claim;
  }

  /**
   * Copies `data` (or its first `length` bytes: a message encoded at the start of a reused
   * buffer, without a `subarray` per message) into the log as one message: Status.Ok,
   * Status.BackPressure (retry later), or another status (MessageTooLarge, PeerDead,
   * CorruptChannel, ...). No allocation.
   */
  tryAppend(data: Uint8Array, msgTypeId: number, length?: number): number {
    if (this.#closed) return Status.HandleClosed;
    if (!(data instanceof Uint8Array) || (msgTypeId | 0) !== msgTypeId || this.#claimOffset >= 0) {
      return Status.InvalidArgument;
    }
    const address = this.#payload.addressOf(data);
    const bytes = length === undefined ? data.byteLength : writeLength(data, length);
    if (bytes < 0) return Status.InvalidArgument;
    const symbols = this.#adapter.symbols;
    return address === undefined
      ? symbols.zigbolt_log_buffer_append(this.#handle, data, bytes, msgTypeId)
      : symbols.zigbolt_log_buffer_append_by_address(this.#handle, address, bytes, msgTypeId);
  }

  /** Like `tryAppend`, throwing the typed error (BackPressureError included) instead. */
  append(data: Uint8Array, msgTypeId: number, length?: number): void {
    const status = this.tryAppend(data, msgTypeId, length);
    if (status !== Status.Ok) throw this.#appendError(status, data, msgTypeId, length);
  }

  #appendError(status: number, data: Uint8Array, msgTypeId: number, length: number | undefined): Error {
    const context = writeContext("append", `to log buffer "${this.name}"`, data, length);
    const invalid = int32WriteArgumentError(context, data, msgTypeId, length);
    if (invalid !== undefined) return invalid;
    if (status === Status.InvalidArgument && this.#claimOffset >= 0) {
      return new InvalidArgumentError(`${context}: a claim is outstanding (commit or abort it first)`);
    }
    return statusError(status, context);
  }

  /**
   * Hands up to `limit` messages to `handler(data, msgTypeId)` and returns how many. `data`
   * is a view into shared memory, valid only during the call. Allocates one view object per
   * message; `pollFragments` allocates nothing. Throws PeerDeadError when stalled at a frame
   * whose writer died between claim and commit.
   */
  poll(handler: LogMessageHandler, limit: number = logPollLimitDefault): number {
    return this.#read(handler, limit, false);
  }

  /** Like `poll`, with a reused `Fragment` over the segment: zero allocation per message. */
  pollFragments(handler: LogFragmentHandler, limit: number = logPollLimitDefault): number {
    return this.#read(handler as (fragment: Fragment) => void, limit, true);
  }

  /** Bytes this consumer has consumed (or, before its first poll, the shared consumer position). */
  get position(): number {
    if (this.#reader) return this.#reader.position;
    return this.#nativePosition("consumer");
  }

  /** Bytes the writer has claimed since the log buffer was created. */
  get writerPosition(): number {
    return this.#nativePosition("writer");
  }

  /** Whether whoever holds `role` is alive, has died, has closed it, or was never seen. */
  peerState(role: LogRole): PeerState {
    this.#ensureOpen("query");
    return peerStates[
      this.#checked(
        this.#adapter.symbols.zigbolt_log_buffer_peer_state(this.#handle, roleNumber(role)),
        "query",
      )
    ];
  }

  /** The pid of the process holding `role`, or 0. */
  peerPid(role: LogRole): number {
    this.#ensureOpen("query");
    return this.#checked(
      this.#adapter.symbols.zigbolt_log_buffer_peer_pid(this.#handle, roleNumber(role)),
      "query",
    );
  }

  /** Aborts an outstanding claim, gives back this side's roles, unmaps, unlinks if we created it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // libzigbolt's close aborts an outstanding claim.
    this.#claimOffset = -1;
    this.#claim[detachClaim]();
    if (this.#reader) this.#reader.stopped = true;
    if (!this.#polling) this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #finish(commit: boolean): void {
    const offset = this.#claimOffset;
    if (this.#closed || offset < 0) {
      throw new InvalidArgumentError(`Log buffer "${this.name}": no claim is outstanding`);
    }
    this.#claimOffset = -1;
    const symbols = this.#adapter.symbols;
    const status = commit
      ? symbols.zigbolt_log_buffer_commit(this.#handle, offset)
      : symbols.zigbolt_log_buffer_abort(this.#handle, offset);
    if (status !== Status.Ok) {
      throw statusError(status, `Cannot finish the claim in log buffer "${this.name}"`);
    }
  }

  #lengthError(length: number): Error {
    if (!Number.isInteger(length) || length < 0) {
      return new InvalidArgumentError(`Log buffer "${this.name}": length ${length} is not a byte count`);
    }
    return new MessageTooLargeError(
      `Cannot claim ${length} bytes in log buffer "${this.name}": a frame must fit one term of ${this.termLength} bytes and 16 MiB`,
    );
  }

  #read(handler: LogMessageHandler | LogFragmentHandler, limit: number, asFragments: boolean): number {
    if (!(limit >= 0) || typeof handler !== "function") {
      this.#ensureOpen("poll");
      throw new InvalidArgumentError(
        `Cannot poll log buffer "${this.name}": need a handler and a limit >= 0`,
      );
    }
    const reader = this.#reader ?? this.#startReading();
    this.#polling = true;
    let count: number;
    try {
      count = reader.read(handler, limit, asFragments);
    } catch (error) {
      if (error instanceof LogCorruption) {
        throw new CorruptChannelError(`Log buffer "${this.name}" is corrupt: ${error.message}`);
      }
      throw error;
    } finally {
      this.#polling = false;
      if (this.#closed) this.#release();
    }
    if (!reader.stalled) {
      this.#stallStreak = 0;
    } else if (++this.#stallStreak % stallCheckPeriod === 0 && this.peerState("writer") === "dead") {
      throw statusError(
        Status.PeerDead,
        `Log buffer "${this.name}": its writer (pid ${this.peerPid("writer")}) died between claim and commit`,
      );
    }
    return count;
  }

  #startReading(): LogReader {
    this.#ensureOpen("poll");
    const role = layout.roleNumbers.consumer;
    this.#checked(this.#adapter.symbols.zigbolt_log_buffer_take_role(this.#handle, role), "poll");
    const [messages, bytes, position] = this.#counters([
      CounterType.LogReadMessages,
      CounterType.LogReadBytes,
      CounterType.LogConsumerPosition,
    ]);
    const counters: ConsumerCounters | undefined = messages && { messages, bytes, position };
    return this.#reader = new LogReader(this.#buffer, this.termLength, counters);
  }

  /** The counters libzigbolt allocated with a role, which JavaScript updates; [] without. */
  #counters(types: number[]): OrderedCounter[] {
    return orderedCounters(
      types,
      (type) => this.#adapter.symbols.zigbolt_log_buffer_counter_id(this.#handle, type),
    );
  }

  /**
   * The id, in the process's counters file (`CountersFile.processDefault()`), of this log
   * buffer's counter of `type` (a `CounterType.Log*`), or undefined if it has none (that role
   * not taken yet, counters off or full).
   */
  counterId(type: number): number | undefined {
    this.#ensureOpen("read counters of");
    const id = this.#adapter.symbols.zigbolt_log_buffer_counter_id(this.#handle, type);
    return id >= 0 ? id : undefined;
  }

  #nativePosition(role: LogRole): number {
    this.#ensureOpen("query");
    return this.#checked(
      this.#adapter.symbols.zigbolt_log_buffer_position(this.#handle, roleNumber(role)),
      "query",
    );
  }

  #ensureOpen(action: string): void {
    if (this.#closed) throw new HandleClosedError(`Cannot ${action} log buffer "${this.name}": it is closed`);
  }

  #release(): void {
    this.#reader?.detach();
    this.#reader = undefined;
    backstop.unregister(this);
    this.#adapter.symbols.zigbolt_log_buffer_close(this.#handle);
  }

  #checked(result: number, action: string): number {
    return checkedResult(result, `Cannot ${action} log buffer "${this.name}"`);
  }
}

function roleNumber(role: LogRole): number {
  const number = layout.roleNumbers[role];
  if (number === undefined) throw new InvalidArgumentError(`Unknown log buffer role ${JSON.stringify(role)}`);
  return number;
}
