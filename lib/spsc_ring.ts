/**
 * SpscRingBuffer: one producer and one consumer exchanging framed messages through a named
 * shared-memory ring (zigbolt-ring-v2, docs/spsc-ring.md), interoperable with Zig and C
 * processes. Create, open and write go through libzigbolt (a write is one FFI call, which
 * costs less than the same stores made from JavaScript); read runs in JavaScript straight
 * over the mapping, with no FFI call per message. No allocation per message.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import {
  checkedCapacity,
  checkedWriteLength,
  checkReadArguments,
  closedError,
  corruptError,
  deliver,
  flagsOf,
  mapRing,
  type RingFragmentHandler,
  type RingMessageHandler,
  type RingOptions,
  writeResult,
} from "./_ring_common.ts";
import * as layout from "./_ring_layout.ts";
import { checkedName, cString } from "./_names.ts";
import { checkedHandle, checkedResult, closeBackstop, peerStates } from "./_structure_common.ts";
import { native } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { PinnedPayload } from "./_pinned_payload.ts";
import { Status } from "./status.ts";
import { keepAddressFlag } from "./_kept_mapping.ts";
import { InvalidArgumentError } from "./errors.ts";
import { detachFragment, Fragment } from "./fragment.ts";
import type { Claim } from "./claim.ts";
import { RingClaims } from "./_ring_claims.ts";
import type { Counter } from "./counters.ts";
import { ringCounters, RingCounterType } from "./_ring_counters.ts";

export type { RingFragmentHandler, RingMessageHandler, RingOptions };

/** Messages a read delivers when no limit is given. */
export const ringReadLimitDefault = 256;

const backstop = closeBackstop((handle) => native().symbols.zigbolt_spsc_close(handle));

/**
 * A single-producer, single-consumer ring of framed messages. `create` makes it (and
 * unlinks the name on close), `open` joins it. The first `write` takes the producer role,
 * the first `read` the consumer role (PublisherExistsError / SubscriberExistsError while a
 * live process holds it; a dead holder's role is taken over).
 *
 * @example
 * ```ts
 * using ring = SpscRingBuffer.create({ name: "/fills", capacity: 1 << 16 });
 * if (!ring.write(new TextEncoder().encode("filled 42"), 1)) console.log("full: retry later");
 * using reader = SpscRingBuffer.open({ name: "/fills" });
 * reader.readFragments((f) => console.log(f.msgTypeId, f.length), 100);
 * ```
 */
export class SpscRingBuffer implements Disposable {
  /** The ring name, e.g. "/fills". */
  readonly name: string;
  /** Bytes of record data (a power of two). */
  readonly capacity: number;
  /** The largest payload one message may carry: capacity / 8 - 8. */
  readonly payloadLengthMax: number;
  readonly #adapter: RuntimeAdapter;
  readonly #handle: NativePointer;
  readonly #payload: PinnedPayload;
  /** Whether this runtime passes payloads by address (Deno): Bun skips asking. */
  readonly #pinning: boolean;
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  readonly #view: DataView;
  readonly #mask: number;
  readonly #fragment = new Fragment();
  readonly #claims: RingClaims;
  #closed = false;
  #reading = false;
  #consumer = false;
  #head = 0;
  /** The consumer's counters, brought up to date on each read (libzigbolt keeps the producer's). */
  #consumerCounters: Counter[] | undefined;
  #readTotal = 0;

  private constructor(name: string, handle: NativePointer) {
    const adapter = native();
    this.#adapter = adapter;
    this.#payload = new PinnedPayload(adapter);
    this.#pinning = adapter.addressOf !== undefined;
    this.name = name;
    this.#handle = handle;
    const symbols = adapter.symbols;
    this.capacity = symbols.zigbolt_spsc_capacity(handle);
    this.payloadLengthMax = layout.payloadLengthMax(this.capacity);
    this.#mask = this.capacity - 1;
    const mapping = mapRing(
      adapter,
      symbols.zigbolt_spsc_segment(handle),
      symbols.zigbolt_spsc_segment_length(handle),
      layout.spscDataOffset,
      this.capacity,
      `Cannot map ring "${name}"`,
    );
    this.#header = mapping.header;
    this.#bytes = mapping.bytes;
    this.#words = mapping.words;
    this.#view = mapping.view;
    this.#fragment.bytes = this.#bytes;
    this.#fragment.view = this.#view;
    this.#claims = new RingClaims("spsc", name, adapter, handle, mapping, this.payloadLengthMax);
    backstop.register(this, handle, this);
  }

  /** Creates a ring; ChannelInUseError if a live process uses the name (see `replace`). */
  static create(options: RingOptions): SpscRingBuffer {
    const name = checkedName(options?.name, "ring");
    const capacity = checkedCapacity(options.capacity ?? layout.capacityDefault);
    const handle = native().symbols.zigbolt_spsc_create_ex(
      cString(name),
      capacity,
      flagsOf(options, true) | keepAddressFlag,
    );
    return new SpscRingBuffer(name, checkedHandle(handle, `Cannot create ring "${name}"`));
  }

  /** Opens an existing ring: NoSuchChannelError, WrongStructureError, CorruptChannelError, ... */
  static open(options: RingOptions): SpscRingBuffer {
    const name = checkedName(options?.name, "ring");
    const handle = native().symbols.zigbolt_spsc_open_ex(
      cString(name),
      flagsOf(options, false) | keepAddressFlag,
    );
    return new SpscRingBuffer(name, checkedHandle(handle, `Cannot open ring "${name}"`));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Copies `data` (or its first `length` bytes: a message encoded at the start of a reused
   * buffer, without a `subarray` per message) into the ring as one message of type
   * `msgTypeId` (an integer >= 0). Returns true when written, false when the ring is full
   * (retry later). Throws MessageTooLargeError, InvalidArgumentError, HandleClosedError,
   * CorruptChannelError.
   */
  write(data: Uint8Array, msgTypeId: number, length?: number): boolean {
    // The address first: the length is the view's at the call (_pinned_payload.ts).
    const address = this.#pinning ? this.#payload.addressOf(data) : undefined;
    // A valid write (a Uint8Array, a count of its bytes that fits, a type id in [0, 2^31))
    // passes two inline tests straight to libzigbolt; the checked path says what is wrong.
    // Bun does not inline the checked path's helpers (~5 ns a write), and passes a byte count
    // that may be a double ~4 ns slower: `bytes` is an int32 by construction (docs/mpsc-ring.md,
    // TypeScript hot path).
    if (this.#closed || !(data instanceof Uint8Array) || (msgTypeId & 0x7fff_ffff) !== msgTypeId) {
      return this.#writeChecked(data, msgTypeId, length, address);
    }
    const bytes = length === undefined ? data.byteLength : length | 0;
    if (
      (bytes !== length && length !== undefined) || bytes < 0 || bytes > data.byteLength ||
      bytes > this.payloadLengthMax
    ) {
      return this.#writeChecked(data, msgTypeId, length, address);
    }
    const symbols = this.#adapter.symbols;
    const status = address === undefined
      ? symbols.zigbolt_spsc_write(this.#handle, data, bytes, msgTypeId)
      : symbols.zigbolt_spsc_write_by_address(this.#handle, address, bytes, msgTypeId);
    return status === Status.Ok || writeResult(this.name, status, this.#claims);
  }

  #writeChecked(
    data: Uint8Array,
    msgTypeId: number,
    length: number | undefined,
    address: NativePointer | undefined,
  ): boolean {
    if (this.#closed) throw closedError(this.name, "write to");
    const bytes = checkedWriteLength(this.name, this.payloadLengthMax, data, msgTypeId, length);
    const symbols = this.#adapter.symbols;
    const status = address === undefined
      ? symbols.zigbolt_spsc_write(this.#handle, data, bytes, msgTypeId)
      : symbols.zigbolt_spsc_write_by_address(this.#handle, address, bytes, msgTypeId);
    return writeResult(this.name, status, this.#claims);
  }

  /**
   * Claims a record for `length` payload bytes, to fill in place (zero-copy: `claim.bytes` or
   * `claim.view` at `claim.offset`), then `commit()` or `abort()`; null when the ring is full
   * (retry later). The consumer sees nothing of it before the commit, and nothing of an
   * aborted one. One claim at a time: writes and claims meanwhile throw InvalidArgumentError.
   * Throws MessageTooLargeError, InvalidArgumentError, HandleClosedError, CorruptChannelError.
   */
  claim(length: number, msgTypeId: number): Claim | null {
    return this.#claims.claim(length, msgTypeId);
  }

  /**
   * Hands up to `limit` messages to `handler(data, msgTypeId)` and returns how many (0 when
   * empty). `data` is a view into shared memory, valid only during the call. Allocates one
   * view per message; `readFragments` allocates nothing.
   */
  read(handler: RingMessageHandler, limit: number = ringReadLimitDefault): number {
    return this.#read(handler, limit, false);
  }

  /** Like `read`, with one reused `Fragment` (bytes, view, offset, length, msgTypeId). */
  readFragments(handler: RingFragmentHandler, limit: number = ringReadLimitDefault): number {
    return this.#read(handler, limit, true);
  }

  /** Whether the process holding `role` is alive, dead, closed it, or was never seen. */
  peerState(role: "producer" | "consumer"): "none" | "alive" | "dead" | "closed" {
    if (this.#closed) throw closedError(this.name, "query");
    const number = layout.roleNumbers[role];
    if (number === undefined) throw new InvalidArgumentError(`Unknown role ${JSON.stringify(role)}`);
    const state = this.#adapter.symbols.zigbolt_spsc_peer_state(this.#handle, number);
    return peerStates[checkedResult(state, `Cannot query ring "${this.name}"`)];
  }

  /**
   * The id, in the process's counters file, of this ring's counter of `type` (a
   * `RingCounterType.Spsc*`), or undefined (role not taken, counters off or full). Producer
   * counters count each write as it happens, consumer counters each read.
   */
  counterId(type: number): number | undefined {
    if (this.#closed) throw closedError(this.name, "read counters of");
    const id = this.#adapter.symbols.zigbolt_spsc_counter_id(this.#handle, type);
    return id >= 0 ? id : undefined;
  }

  /** Releases this handle's roles, unmaps the segment, and unlinks the name if we created it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#claims.close();
    if (!this.#reading) this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #read(handler: RingMessageHandler | RingFragmentHandler, limit: number, asFragments: boolean): number {
    if (this.#closed) throw closedError(this.name, "read from");
    checkReadArguments(this.name, handler, limit);
    if (!this.#consumer) this.#startConsuming();
    const header = this.#header;
    const head = this.#head;
    // Acquire (seq-cst): every record below this tail is fully written.
    const tail = Atomics.load(header, layout.tailWord) >>> 0;
    const available = (tail - head) >>> 0;
    if (available === 0) return 0;
    if (available > this.capacity || (available & 7) !== 0 || (header[layout.headWord] >>> 0) !== head) {
      throw corruptError(
        this.name,
        `tail ${tail} and head ${header[layout.headWord] >>> 0} for our head ${head}`,
      );
    }
    const words = this.#words;
    const mask = this.#mask;
    const capacity = this.capacity;
    const fragment = this.#fragment;
    let consumed = 0;
    let count = 0;
    let payloadBytes = 0;
    let corrupt = "";
    this.#reading = true;
    try {
      while (count < limit && consumed < available) {
        const offset = (head + consumed) & mask;
        const length = words[offset >> 2];
        const msgTypeId = words[(offset >> 2) + 1];
        const toEnd = capacity - offset;
        if (msgTypeId === layout.typePadding) {
          if (length !== toEnd || toEnd > available - consumed) {
            corrupt = `padding record of ${length} bytes at offset ${offset}`;
            break;
          }
          consumed += toEnd;
          continue;
        }
        const aligned = (length + 7) & ~7;
        if (
          msgTypeId < 0 || length < layout.recordHeaderLength ||
          length - layout.recordHeaderLength > this.payloadLengthMax || aligned > toEnd ||
          aligned > available - consumed
        ) {
          corrupt = `record of ${length} bytes, type ${msgTypeId} at offset ${offset}`;
          break;
        }
        // Advance first: a handler that throws does not get the same message again.
        consumed += aligned;
        count++;
        payloadBytes += length - layout.recordHeaderLength;
        deliver(handler, asFragments, fragment, this.#bytes, offset, length, msgTypeId);
        if (this.#closed) break;
      }
    } finally {
      this.#reading = false;
      if (consumed !== 0) {
        this.#head = (head + consumed) >>> 0;
        // Release: we are done with every byte below the new head.
        Atomics.store(header, layout.headWord, this.#head | 0);
        this.#readTotal += consumed;
        const counters = this.#consumerCounters;
        if (counters !== undefined && !this.#closed) {
          counters[0].addOrdered(count);
          counters[1].addOrdered(payloadBytes);
          counters[2].setOrdered(this.#readTotal);
        }
      }
      if (this.#closed) this.#release();
    }
    if (corrupt !== "") throw corruptError(this.name, corrupt);
    return count;
  }

  #startConsuming(): void {
    this.#checked(
      this.#adapter.symbols.zigbolt_spsc_claim(this.#handle, layout.roleNumbers.consumer),
      "read from",
    );
    this.#consumer = true;
    this.#head = Atomics.load(this.#header, layout.headWord) >>> 0;
    this.#readTotal = this.#head;
    this.#consumerCounters = ringCounters(
      (type) => this.#adapter.symbols.zigbolt_spsc_counter_id(this.#handle, type),
      [RingCounterType.SpscReadMessages, RingCounterType.SpscReadBytes, RingCounterType.SpscConsumerPosition],
    );
  }

  #checked(status: number, action: string): void {
    checkedResult(status, `Cannot ${action} ring "${this.name}"`);
  }

  #release(): void {
    detachFragment(this.#fragment);
    backstop.unregister(this);
    this.#adapter.symbols.zigbolt_spsc_close(this.#handle);
  }
}
