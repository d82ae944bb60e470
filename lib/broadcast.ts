/**
 * Broadcast buffers: one transmitter that never blocks, any number of receivers, each with
 * its own cursor, in any Zig, C, Bun or Deno process (docs/broadcast.md). A receiver that
 * falls a whole buffer behind is lapped: it counts it (`lappedCount`), skips to the latest
 * message, and never hands a torn or overwritten message to its handler.
 *
 * Everything goes through libzigbolt: a transmit is one FFI call per message, a receive one
 * per batch of up to 64 messages, which JavaScript then hands to the handler (both cost less
 * than the same work done from JavaScript over the mapping). No allocation per message.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import * as layout from "./_broadcast_layout.ts";
import { type BroadcastHandler, BroadcastReader } from "./_broadcast_receiver.ts";
import { CounterType } from "./counter_types.ts";
import type { OrderedCounter } from "./_ordered_counters.ts";
import { native, statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { PinnedPayload } from "./_pinned_payload.ts";
import { checkedName, cString } from "./_names.ts";
import {
  checkedHandle,
  checkedResult,
  closeBackstop,
  flagsOf,
  lengthArgumentError,
  orderedCounters,
  peerStates,
  type SegmentOptions,
  typeIdRangeError,
  writeContext,
  writeLength,
} from "./_structure_common.ts";
import {
  CorruptChannelError,
  HandleClosedError,
  InvalidArgumentError,
  InvalidCapacityError,
  type ZigBoltError,
} from "./errors.ts";
import type { PeerState } from "./ipc_channel.ts";
import { Status } from "./status.ts";

export type { BroadcastHandler };

/** Options of `BroadcastTransmitter.create`, `BroadcastTransmitter.open` and `BroadcastReceiver.open`. */
export interface BroadcastOptions extends SegmentOptions {
  /** Create only: bytes of records, a power of two in [1024, 1 GiB]. Default 1 MiB. Messages up to capacity / 8. */
  capacity?: number;
}

/** Messages a receive delivers when no limit is given. */
export const receiveLimitDefault = 256;

const transmitterBackstop = closeBackstop((handle) =>
  native().symbols.zigbolt_broadcast_transmitter_close(handle)
);
const receiverBackstop = closeBackstop((handle) => native().symbols.zigbolt_broadcast_receiver_close(handle));

/** What both ends share: the handle and the cold queries. */
class Endpoint {
  readonly name: string;
  readonly capacity: number;
  readonly adapter: RuntimeAdapter;
  readonly handle: NativePointer;

  constructor(name: string, handle: NativePointer, close: () => void) {
    this.adapter = native();
    this.name = name;
    this.handle = handle;
    const symbols = this.adapter.symbols;
    this.capacity = symbols.zigbolt_broadcast_capacity(handle);
    if (this.capacity < 0) {
      close();
      throw statusError(this.capacity, `Cannot open broadcast buffer "${name}"`);
    }
  }

  /** The counters libzigbolt allocated for this handle, which JavaScript updates; [] without. */
  counters(types: number[]): OrderedCounter[] {
    return orderedCounters(
      types,
      (type) => this.adapter.symbols.zigbolt_broadcast_counter_id(this.handle, type),
    );
  }

  /** The id of this handle's counter of `type`, or undefined; HandleClosedError once `closed`. */
  counterId(type: number, closed: boolean): number | undefined {
    if (closed) throw new HandleClosedError(`Cannot read counters of "${this.name}": it is closed`);
    const id = this.adapter.symbols.zigbolt_broadcast_counter_id(this.handle, type);
    return id >= 0 ? id : undefined;
  }

  transmitterState(): PeerState {
    const state = this.adapter.symbols.zigbolt_broadcast_transmitter_state(this.handle);
    return peerStates[checkedResult(state, `Cannot query broadcast buffer "${this.name}"`)];
  }
}

/**
 * The one transmitter of a broadcast buffer. `create` makes the buffer (and unlinks the name
 * on close); `open` becomes the transmitter of an existing one (PublisherExistsError while
 * another lives).
 *
 * @example
 * ```ts
 * using prices = BroadcastTransmitter.create({ name: "/prices", capacity: 1 << 20 });
 * prices.transmit(1, new TextEncoder().encode("BTC 42000.5"));
 * ```
 */
export class BroadcastTransmitter implements Disposable {
  /** The buffer's name, e.g. "/prices". */
  readonly name: string;
  /** Bytes of records (a power of two). */
  readonly capacity: number;
  /** Largest message: capacity / 8 bytes. */
  readonly messageLengthMax: number;
  readonly #endpoint: Endpoint;
  readonly #payload: PinnedPayload;
  #closed = false;

  private constructor(name: string, handle: NativePointer) {
    const close = () => native().symbols.zigbolt_broadcast_transmitter_close(handle);
    this.#endpoint = new Endpoint(name, handle, close);
    this.#payload = new PinnedPayload(this.#endpoint.adapter);
    this.name = name;
    this.capacity = this.#endpoint.capacity;
    this.messageLengthMax = this.capacity / 8;
    transmitterBackstop.register(this, handle, this);
  }

  /** Creates a broadcast buffer and becomes its transmitter. */
  static create(options: BroadcastOptions): BroadcastTransmitter {
    const { symbols } = native();
    const name = checkedName(options?.name, "broadcast buffer");
    const capacity = options.capacity ?? layout.capacityDefault;
    if (!layout.capacityValid(capacity)) {
      throw new InvalidCapacityError(
        `Cannot create broadcast buffer "${name}": capacity ${capacity} is not a power of two in [1024, 1 GiB]`,
      );
    }
    const handle = symbols.zigbolt_broadcast_transmitter_create_ex(cString(name), capacity, flagsOf(options));
    return new BroadcastTransmitter(name, checkedHandle(handle, `Cannot create broadcast buffer "${name}"`));
  }

  /** Becomes the transmitter of an existing buffer (taking over from a dead one). */
  static open(options: BroadcastOptions): BroadcastTransmitter {
    const { symbols } = native();
    const name = checkedOpen(options);
    const handle = symbols.zigbolt_broadcast_transmitter_open_ex(cString(name), flagsOf(options));
    return new BroadcastTransmitter(
      name,
      checkedHandle(handle, `Cannot open broadcast buffer "${name}" to transmit`),
    );
  }

  /**
   * Copies one message, `data` (or its first `length` bytes: a message encoded at the start
   * of a reused buffer, without a `subarray` per message), into the buffer, overwriting the
   * oldest: Status.Ok, or InvalidArgument (msgTypeId not an int32 >= 0, or a bad length),
   * MessageTooLarge (over capacity / 8), HandleClosed, CorruptChannel. Never blocks, never
   * allocates.
   */
  tryTransmit(msgTypeId: number, data: Uint8Array, length?: number): number {
    if (this.#closed) return Status.HandleClosed;
    if ((msgTypeId | 0) !== msgTypeId || msgTypeId < 0 || !(data instanceof Uint8Array)) {
      return Status.InvalidArgument;
    }
    // The address first: the length is the view's at the call (_pinned_payload.ts).
    const address = this.#payload.addressOf(data);
    const bytes = length === undefined ? data.byteLength : writeLength(data, length);
    if (bytes < 0) return Status.InvalidArgument;
    if (bytes > this.messageLengthMax) return Status.MessageTooLarge;
    // One FFI call: libzigbolt's transmit (counters included) costs less than the same
    // stores made from JavaScript, whose Atomics are calls (docs/broadcast.md).
    const { adapter: { symbols }, handle } = this.#endpoint;
    return address === undefined
      ? symbols.zigbolt_broadcast_transmit(handle, msgTypeId, data, bytes)
      : symbols.zigbolt_broadcast_transmit_by_address(handle, msgTypeId, address, bytes);
  }

  /** Like `tryTransmit`, throwing the typed error instead of returning a status. */
  transmit(msgTypeId: number, data: Uint8Array, length?: number): void {
    const status = this.tryTransmit(msgTypeId, data, length);
    if (status === Status.Ok) return;
    throw this.#error(status, msgTypeId, data, length);
  }

  /**
   * The id, in the process's counters file, of this transmitter's counter of `type`
   * (`CounterType.BroadcastTransmittedMessages` or `...Bytes`), or undefined without counters.
   * They count every message as it is transmitted.
   */
  counterId(type: number): number | undefined {
    return this.#endpoint.counterId(type, this.#closed);
  }

  /** Gives back the transmitter role, unmaps, unlinks the name if we created it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    transmitterBackstop.unregister(this);
    this.#endpoint.adapter.symbols.zigbolt_broadcast_transmitter_close(this.#endpoint.handle);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #error(status: number, msgTypeId: number, data: Uint8Array, length: number | undefined): ZigBoltError {
    if (!(data instanceof Uint8Array)) {
      return new InvalidArgumentError(
        `Cannot transmit on broadcast buffer "${this.name}": data must be a Uint8Array (arguments: msgTypeId, data)`,
      );
    }
    const context = writeContext("transmit", `on broadcast buffer "${this.name}"`, data, length);
    const invalidLength = lengthArgumentError(context, data, length);
    if (invalidLength !== undefined) return invalidLength;
    if (status === Status.InvalidArgument) {
      return typeIdRangeError(context, msgTypeId);
    }
    if (status === Status.CorruptChannel) {
      // libzigbolt's only corruption check on transmit: the tail is ours alone to store.
      return new CorruptChannelError(
        `${context}: the tail was changed by another process (a second transmitter?)`,
      );
    }
    return statusError(status, context);
  }
}

/**
 * A receiver of a broadcast buffer, with its own cursor; it joins at the latest message.
 * `receive` copies each message into a scratch buffer and checks that nothing overwrote it
 * before handing the copy over; a lapped receiver counts it and skips to the latest.
 *
 * @example
 * ```ts
 * using prices = BroadcastReceiver.open({ name: "/prices" });
 * prices.receive((f) => console.log(f.msgTypeId, f.view.getFloat64(f.offset, true)), 100);
 * if (prices.lappedCount > 0) console.warn("fell behind; some prices were skipped");
 * ```
 */
export class BroadcastReceiver implements Disposable {
  /** The buffer's name, e.g. "/prices". */
  readonly name: string;
  /** Bytes of records (a power of two). */
  readonly capacity: number;
  readonly #endpoint: Endpoint;
  readonly #reader: BroadcastReader;
  #closed = false;
  #receiving = false;
  /** The lapped count when we closed (the native count goes with the handle). */
  #lappedAtClose = 0;

  private constructor(name: string, handle: NativePointer) {
    const close = () => native().symbols.zigbolt_broadcast_receiver_close(handle);
    this.#endpoint = new Endpoint(name, handle, close);
    this.name = name;
    this.capacity = this.#endpoint.capacity;
    const { adapter } = this.#endpoint;
    const batchLength = adapter.symbols.zigbolt_broadcast_receiver_batch_length(handle);
    if (batchLength < 0) {
      close();
      throw statusError(batchLength, `Cannot open broadcast buffer "${name}" to receive`);
    }
    // libzigbolt counts laps (type 43); we count what reaches the handler (type 42).
    const [messages] = this.#endpoint.counters([CounterType.BroadcastReceivedMessages]);
    this.#reader = new BroadcastReader(adapter, handle, batchLength, messages);
    receiverBackstop.register(this, handle, this);
  }

  /** Joins an existing buffer; NoSuchChannelError if nobody created it. */
  static open(options: BroadcastOptions): BroadcastReceiver {
    const { symbols } = native();
    const name = checkedOpen(options);
    const handle = symbols.zigbolt_broadcast_receiver_open_ex(cString(name), flagsOf(options));
    return new BroadcastReceiver(
      name,
      checkedHandle(handle, `Cannot open broadcast buffer "${name}" to receive`),
    );
  }

  /**
   * Hands up to `limit` messages to `handler` and returns how many. The handler gets a
   * reused `Fragment` over a scratch copy (`bytes[offset, offset + length)`, `msgTypeId`),
   * valid only during the call. No allocation per message.
   */
  receive(handler: BroadcastHandler, limit: number = receiveLimitDefault): number {
    if (this.#closed) {
      throw new HandleClosedError(`Cannot receive from broadcast buffer "${this.name}": it is closed`);
    }
    if (!(limit >= 0) || typeof handler !== "function") {
      throw new InvalidArgumentError(`Cannot receive from "${this.name}": need a handler and a limit >= 0`);
    }
    this.#receiving = true;
    try {
      const count = this.#reader.receive(handler, limit);
      if (count < 0) throw statusError(count, `Cannot receive from broadcast buffer "${this.name}"`);
      return count;
    } finally {
      this.#receiving = false;
      // A handler that closed us: unmap now that the receive is out of the mapping.
      if (this.#closed) this.#release();
    }
  }

  /** Times this receiver was overrun by the transmitter and skipped to the latest message. */
  get lappedCount(): number {
    if (this.#closed) return this.#lappedAtClose;
    const endpoint = this.#endpoint;
    return endpoint.adapter.symbols.zigbolt_broadcast_receiver_lapped_count(endpoint.handle);
  }

  /** Whether the transmitter is alive, has died, has closed, or was never seen. */
  transmitterState(): PeerState {
    if (this.#closed) {
      throw new HandleClosedError(`Cannot query broadcast buffer "${this.name}": it is closed`);
    }
    return this.#endpoint.transmitterState();
  }

  /**
   * The id, in the process's counters file, of this receiver's counter of `type`
   * (`CounterType.BroadcastReceivedMessages` or `...Lapped`), or undefined without counters.
   */
  counterId(type: number): number | undefined {
    return this.#endpoint.counterId(type, this.#closed);
  }

  /** Unmaps the buffer (after the receive in progress, if a handler calls it). */
  close(): void {
    if (this.#closed) return;
    this.#lappedAtClose = this.lappedCount;
    this.#closed = true;
    this.#reader.stopped = true;
    if (!this.#receiving) this.#release();
  }

  #release(): void {
    receiverBackstop.unregister(this);
    this.#endpoint.adapter.symbols.zigbolt_broadcast_receiver_close(this.#endpoint.handle);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function checkedOpen(options: BroadcastOptions): string {
  const name = checkedName(options?.name, "broadcast buffer");
  if (options.replace || options.capacity !== undefined) {
    throw new InvalidArgumentError(
      `Cannot open broadcast buffer "${name}": replace and capacity are create options`,
    );
  }
  return name;
}
