/**
 * MpscRingBuffer: many producers (Zig, C, Bun and Deno processes alike) and one consumer
 * exchanging framed messages through a named shared-memory ring (zigbolt-ring-v2,
 * docs/mpsc-ring.md). A write is one FFI call to libzigbolt's producer (it claims with a CAS
 * on the shared 32-bit tail), which costs half of the same steps taken in JavaScript; the
 * consumer reads records in place, with no FFI call. No allocation per message; a claim
 * left by a producer that died is skipped and counted (`lostRecords`).
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
import { native, statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { PinnedPayload } from "./_pinned_payload.ts";
import { Status } from "./status.ts";
import { keepAddressFlag } from "./_kept_mapping.ts";
import { detachFragment, Fragment } from "./fragment.ts";
import type { Claim } from "./claim.ts";
import { RingClaims } from "./_ring_claims.ts";
import type { Counter } from "./counters.ts";
import { ringCounters, RingCounterType } from "./_ring_counters.ts";

/**
 * How long (ms) the record at the head may stay unwritten while the tail is past it before
 * the consumer asks whether its producer died (mpsc.zig stuck_check_ns).
 */
const stuckCheckMs = 1;

const backstop = closeBackstop((handle) => native().symbols.zigbolt_mpsc_close(handle));

/** @internal Test hook: the crash tests make a producer stop between claim and commit. */
export const hangAfterClaim: unique symbol = Symbol("hangAfterClaim");

/**
 * A many-producer, single-consumer ring of framed messages. Every handle may write (the
 * first write takes one of 64 producer slots); one handle at a time reads (the first read
 * takes the consumer role; SubscriberExistsError while a live process holds it).
 *
 * Guarantees: each committed message is delivered exactly once, and each producer's
 * messages in the order it wrote them. A message whose producer died between claiming its
 * space and committing it is lost (counted in `lostRecords`), never delivered in part.
 *
 * @example
 * ```ts
 * using gateway = MpscRingBuffer.create({ name: "/orders", capacity: 1 << 20 });
 * using bot = MpscRingBuffer.open({ name: "/orders" });
 * bot.write(new TextEncoder().encode("BUY 1 BTC"), 7);
 * gateway.readFragments((f) => console.log(f.msgTypeId, f.length), 100);
 * ```
 */
export class MpscRingBuffer implements Disposable {
  /** The ring name, e.g. "/orders". */
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
  readonly #mask: number;
  readonly #fragment = new Fragment();
  readonly #claims: RingClaims;
  #closed = false;
  #reading = false;
  /** Consumer state. */
  #consumer = false;
  #head = 0;
  #stuckPosition = -1;
  #stuckSinceMs = 0;
  #stuckPolls = 0;
  #lostRecords = 0;
  #lostBytes = 0;
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
    this.capacity = symbols.zigbolt_mpsc_capacity(handle);
    this.payloadLengthMax = layout.payloadLengthMax(this.capacity);
    this.#mask = this.capacity - 1;
    const mapping = mapRing(
      adapter,
      symbols.zigbolt_mpsc_segment(handle),
      symbols.zigbolt_mpsc_segment_length(handle),
      layout.mpscDataOffset,
      this.capacity,
      `Cannot map ring "${name}"`,
    );
    this.#header = mapping.header;
    this.#bytes = mapping.bytes;
    this.#words = mapping.words;
    this.#fragment.bytes = mapping.bytes;
    this.#fragment.view = mapping.view;
    this.#claims = new RingClaims("mpsc", name, adapter, handle, mapping, this.payloadLengthMax);
    backstop.register(this, handle, this);
  }

  /** Creates a ring; ChannelInUseError if a live process uses the name (see `replace`). */
  static create(options: RingOptions): MpscRingBuffer {
    const name = checkedName(options?.name, "ring");
    const capacity = checkedCapacity(options.capacity ?? layout.capacityDefault);
    const handle = native().symbols.zigbolt_mpsc_create_ex(
      cString(name),
      capacity,
      flagsOf(options, true) | keepAddressFlag,
    );
    return new MpscRingBuffer(name, checkedHandle(handle, `Cannot create ring "${name}"`));
  }

  /** Opens an existing ring: NoSuchChannelError, WrongStructureError, CorruptChannelError, ... */
  static open(options: RingOptions): MpscRingBuffer {
    const name = checkedName(options?.name, "ring");
    const handle = native().symbols.zigbolt_mpsc_open_ex(
      cString(name),
      flagsOf(options, false) | keepAddressFlag,
    );
    return new MpscRingBuffer(name, checkedHandle(handle, `Cannot open ring "${name}"`));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Claims of dead producers this consumer skipped (each was one message, lost). */
  get lostRecords(): number {
    return this.#lostRecords;
  }

  /** Bytes of ring those lost claims took (headers and padding included). */
  get lostBytes(): number {
    return this.#lostBytes;
  }

  /**
   * Copies `data` (or its first `length` bytes: a message encoded at the start of a reused
   * buffer, without a `subarray` per message) into the ring as one message of type
   * `msgTypeId` (an integer >= 0). Returns true when written, false when the ring is full
   * (retry later). Throws MessageTooLargeError, InvalidArgumentError, HandleClosedError,
   * CorruptChannelError, TooManyHandlesError (64 live producers already).
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
      ? symbols.zigbolt_mpsc_write(this.#handle, data, bytes, msgTypeId)
      : symbols.zigbolt_mpsc_write_by_address(this.#handle, address, bytes, msgTypeId);
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
      ? symbols.zigbolt_mpsc_write(this.#handle, data, bytes, msgTypeId)
      : symbols.zigbolt_mpsc_write_by_address(this.#handle, address, bytes, msgTypeId);
    return writeResult(this.name, status, this.#claims);
  }

  /**
   * Claims a record for `length` payload bytes, to fill in place (zero-copy: `claim.bytes` or
   * `claim.view` at `claim.offset`), then `commit()` or `abort()`; null when the ring is full
   * (retry later). The consumer waits at the record until then (an aborted one is skipped);
   * a producer that dies holding it costs exactly that record, as with `write`, and closing
   * the ring aborts it. One claim at a time: writes and claims meanwhile throw
   * InvalidArgumentError. Throws MessageTooLargeError, InvalidArgumentError,
   * HandleClosedError, CorruptChannelError, TooManyHandlesError.
   */
  claim(length: number, msgTypeId: number): Claim | null {
    return this.#claims.claim(length, msgTypeId);
  }

  /**
   * Hands up to `limit` messages to `handler(data, msgTypeId)` and returns how many (0 when
   * empty). `data` is a view into shared memory, valid only during the call. Allocates one
   * view per message; `readFragments` allocates nothing.
   */
  read(handler: RingMessageHandler, limit: number = 256): number {
    return this.#read(handler, limit, false);
  }

  /** Like `read`, with one reused `Fragment` (bytes, view, offset, length, msgTypeId). */
  readFragments(handler: RingFragmentHandler, limit: number = 256): number {
    return this.#read(handler, limit, true);
  }

  /** Whether the consumer's process is alive, dead, closed it, or was never seen. */
  consumerState(): "none" | "alive" | "dead" | "closed" {
    if (this.#closed) throw closedError(this.name, "query");
    const state = this.#adapter.symbols.zigbolt_mpsc_consumer_state(this.#handle);
    return peerStates[checkedResult(state, `Cannot query ring "${this.name}"`)];
  }

  /**
   * The id, in the process's counters file, of this ring's counter of `type` (a
   * `RingCounterType.Mpsc*`), or undefined (role not taken, counters off or full). Producer
   * counters count each write as it happens, consumer counters each read.
   */
  counterId(type: number): number | undefined {
    if (this.#closed) throw closedError(this.name, "read counters of");
    const id = this.#adapter.symbols.zigbolt_mpsc_counter_id(this.#handle, type);
    return id >= 0 ? id : undefined;
  }

  /** Releases this handle's slot and role, unmaps, and unlinks the name if we created it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#claims.close();
    if (!this.#reading) this.#release();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal The next `countdown` writes complete; the one after claims, then hangs. */
  [hangAfterClaim](countdown: number): void {
    checkedResult(
      this.#adapter.symbols.zigbolt_mpsc_test_hang_after_claim(this.#handle, countdown),
      `Cannot set the hang hook of ring "${this.name}"`,
    );
  }

  #read(handler: RingMessageHandler | RingFragmentHandler, limit: number, asFragments: boolean): number {
    if (this.#closed) throw closedError(this.name, "read from");
    checkReadArguments(this.name, handler, limit);
    if (!this.#consumer) this.#startConsuming();
    const header = this.#header;
    const words = this.#words;
    const head = this.#head;
    const mask = this.#mask;
    const capacity = this.capacity;
    const fragment = this.#fragment;
    let consumed = 0;
    let count = 0;
    let payloadBytes = 0;
    const lostBefore = this.#lostRecords;
    let corrupt = "";
    this.#reading = true;
    try {
      if ((header[layout.headWord] >>> 0) !== head) {
        corrupt = "the head was changed by another process (a second consumer?)";
      }
      while (corrupt === "" && count < limit && consumed < capacity) {
        const offset = (head + consumed) & mask;
        // Acquire (seq-cst): pairs with the producer's store of the length.
        const length = Atomics.load(words, offset >> 2);
        if (length === 0) break;
        const toEnd = capacity - offset;
        const aligned = (length + 7) & ~7;
        // No check against the tail: loading it per batch would pull its cache line away
        // from the producers' next compareExchange. #checkStuck looks at it periodically.
        if (length < layout.recordHeaderLength || aligned > toEnd) {
          corrupt = `record of ${length} bytes at offset ${offset}`;
          break;
        }
        const msgTypeId = words[(offset >> 2) + 1];
        consumed += aligned;
        if (msgTypeId < 0) {
          // Padding (to the end of the data, or an aborted claim) is skipped.
          if (msgTypeId === layout.typeLost) {
            this.#lostRecords++;
            this.#lostBytes += aligned;
          } else if (msgTypeId !== layout.typePadding) {
            consumed -= aligned;
            corrupt = `record of type ${msgTypeId} at offset ${offset}`;
            break;
          }
          continue;
        }
        if (length - layout.recordHeaderLength > this.payloadLengthMax) {
          consumed -= aligned;
          corrupt = `record of ${length} bytes at offset ${offset}`;
          break;
        }
        count++;
        payloadBytes += length - layout.recordHeaderLength;
        deliver(handler, asFragments, fragment, this.#bytes, offset, length, msgTypeId);
        if (this.#closed) break;
      }
    } finally {
      this.#reading = false;
      if (consumed !== 0) {
        this.#releaseBytes(head, consumed);
        this.#readTotal += consumed;
        const counters = this.#consumerCounters;
        if (counters !== undefined && !this.#closed) {
          counters[0].addOrdered(count);
          counters[1].addOrdered(payloadBytes);
          if (this.#lostRecords !== lostBefore) counters[2].addOrdered(this.#lostRecords - lostBefore);
          counters[3].setOrdered(this.#readTotal);
        }
      }
      if (this.#closed) this.#release();
    }
    if (corrupt !== "") throw corruptError(this.name, corrupt);
    if (consumed === 0 && limit > 0) this.#checkStuck();
    return count;
  }

  /** Zeroes what we read (a later claim's length reads 0 until committed), then frees it. */
  #releaseBytes(head: number, consumed: number): void {
    const header = this.#header;
    const next = (head + consumed) >>> 0;
    // A consumer taking over after us starts here: below it, all was delivered.
    Atomics.store(header, layout.readPositionWord, next | 0);
    const offset = head & this.#mask;
    const first = Math.min(consumed, this.capacity - offset);
    this.#bytes.fill(0, offset, offset + first);
    if (first < consumed) this.#bytes.fill(0, 0, consumed - first);
    if (head >>> layout.headEpochShift !== next >>> layout.headEpochShift) {
      // Before the head: a producer that sees the new head sees the new epoch.
      Atomics.store(header, layout.headEpochWord, (Atomics.load(header, layout.headEpochWord) + 1) | 0);
    }
    this.#head = next;
    // Release: the zeroes are visible to producers that load this head.
    Atomics.store(header, layout.headWord, next | 0);
    this.#stuckPosition = -1;
  }

  /** The record at the head is unwritten: empty, a claim in progress, or a dead claim. */
  #checkStuck(): void {
    const head = this.#head;
    // Empty polls are the common case: loading the tail on each would pull its cache line
    // away from the producers' next compareExchange, a miss per message. Look every 256.
    if ((++this.#stuckPolls & 255) !== 0) return;
    const tail = Atomics.load(this.#header, layout.tailWord) >>> 0;
    if (tail === head) return;
    if (!layout.distanceValid(this.capacity, head, tail)) {
      throw corruptError(this.name, `tail ${tail} for head ${head}`);
    }
    if (this.#stuckPosition !== head) {
      // A claim in progress at a new position: note it, and time it only if it is still
      // there at the next look. Usually it is committed by then, and the clock (whose
      // result Deno allocates) is not read at all.
      this.#stuckPosition = head;
      this.#stuckSinceMs = -1;
      return;
    }
    const now = performance.now();
    if (this.#stuckSinceMs < 0) {
      this.#stuckSinceMs = now;
      return;
    }
    if (now - this.#stuckSinceMs < stuckCheckMs) return;
    this.#stuckSinceMs = now;
    const resolved = this.#adapter.symbols.zigbolt_mpsc_resolve_stuck(this.#handle, head);
    if (resolved < 0) throw statusError(resolved, `Cannot read from ring "${this.name}"`);
  }

  #startConsuming(): void {
    checkedResult(
      this.#adapter.symbols.zigbolt_mpsc_claim_consumer(this.#handle),
      `Cannot read from ring "${this.name}"`,
    );
    this.#consumer = true;
    this.#head = Atomics.load(this.#header, layout.headWord) >>> 0;
    this.#readTotal = this.#head;
    this.#consumerCounters = ringCounters(
      (type) => this.#adapter.symbols.zigbolt_mpsc_counter_id(this.#handle, type),
      [
        RingCounterType.MpscReadMessages,
        RingCounterType.MpscReadBytes,
        RingCounterType.MpscLostRecords,
        RingCounterType.MpscConsumerPosition,
      ],
    );
  }

  #release(): void {
    detachFragment(this.#fragment);
    backstop.unregister(this);
    this.#adapter.symbols.zigbolt_mpsc_close(this.#handle);
  }
}
