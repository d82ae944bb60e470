/**
 * Counters in a shared-memory counters file (docs/counters.md), read and written straight
 * over the mapping: allocation goes through libzigbolt (one compare-and-swap shared with Zig
 * and C allocators), every value operation is JavaScript on the mapped bytes.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import * as layout from "./_counters_layout.ts";
import { lastStatusError, native, statusError } from "./_native.ts";
import { checkedName, cString } from "./_names.ts";
import { closeBackstop } from "./_structure_common.ts";
import type { NativePointer } from "./_symbols.ts";
import { keepAddressFlag, keptMapping } from "./_kept_mapping.ts";
import { HandleClosedError, InvalidArgumentError } from "./errors.ts";

const twoTo32 = 2 ** 32;

/** Options of `CountersFile.open`. */
export interface CountersFileOptions {
  /** The file, e.g. "/zigbolt-counters" (the process default's name). */
  name: string;
  /** Room for this many counters if the file has to be created (default 4096). */
  countersMax?: number;
}

/** What a reader sees of one allocated counter. */
export interface CounterInfo {
  id: number;
  typeId: number;
  value: number;
  ownerPid: number;
  /** CLOCK_MONOTONIC ns when it was allocated: tells a reused id from the old counter. */
  allocatedNs: number;
  label: string;
}

const backstop = closeBackstop((handle) => native().symbols.zigbolt_counters_close(handle));

let processDefault: CountersFile | undefined;

/**
 * A counters file. Any number of processes (Zig, C, Bun, Deno) allocate counters in it and
 * any process reads them: `zigbolt-stat` shows them live.
 *
 * @example
 * ```ts
 * using counters = CountersFile.open({ name: "/my-bot-counters" });
 * using orders = counters.allocate(1000, "orders sent");
 * orders.increment();
 * for (const c of counters.list()) console.log(c.id, c.label, c.value);
 * ```
 */
export class CountersFile implements Disposable {
  readonly name: string;
  /** How many counters the file has room for. */
  readonly countersMax: number;
  readonly #handle: NativePointer;
  readonly #owned: boolean;
  readonly #words: Int32Array;
  readonly #longs: BigInt64Array;
  readonly #bytes: Uint8Array;
  readonly #valuesWordIndex: number;
  #closed = false;

  private constructor(name: string, handle: NativePointer, owned: boolean) {
    const adapter: RuntimeAdapter = native();
    this.name = name;
    this.#handle = handle;
    this.#owned = owned;
    this.countersMax = checked(adapter.symbols.zigbolt_counters_max(handle), `read counters file "${name}"`);
    const segment = adapter.symbols.zigbolt_counters_segment(handle);
    if (adapter.isNull(segment)) throw lastStatusError(`Cannot map counters file "${name}"`);
    // An owned file is opened with keepAddressFlag: a Counter kept past close() reads zeros.
    const view = owned
      ? keptMapping(adapter, segment)
      : (offset: number, length: number) => adapter.view(segment, offset, length);
    const buffer = view(0, layout.fileLength(this.countersMax));
    this.#words = new Int32Array(buffer);
    this.#longs = new BigInt64Array(buffer);
    this.#bytes = new Uint8Array(buffer);
    this.#valuesWordIndex = layout.valuesOffset(this.countersMax) >> 2;
    if (owned) backstop.register(this, handle, this);
  }

  /** Opens the counters file `name`, creating it if there is none. */
  static open(options: CountersFileOptions): CountersFile {
    const name = checkedName(options?.name, "counters file");
    const countersMax = options.countersMax ?? 0;
    if (!Number.isInteger(countersMax) || countersMax < 0 || countersMax > 2 ** 20) {
      throw new InvalidArgumentError(`Invalid countersMax ${countersMax}: use 1..1048576`);
    }
    const handle = native().symbols.zigbolt_counters_open_ex(cString(name), countersMax, keepAddressFlag);
    if (native().isNull(handle)) throw lastStatusError(`Cannot open counters file "${name}"`);
    return new CountersFile(name, handle, true);
  }

  /**
   * The counters file this process's channels and structures report to ($ZIGBOLT_COUNTERS,
   * else "/zigbolt-counters"). Throws NoSuchChannelError when counters are off. Shared: its
   * close() does nothing.
   */
  static processDefault(): CountersFile {
    if (processDefault) return processDefault;
    const handle = native().symbols.zigbolt_counters_default();
    if (native().isNull(handle)) throw lastStatusError("Cannot open the process's counters file");
    return processDefault = new CountersFile("(process default)", handle, false);
  }

  /** A new counter, value 0, owned by this process until freed or until the process dies. */
  allocate(typeId: number, label: string): Counter {
    this.#checkOpen("allocate a counter in");
    if ((typeId | 0) !== typeId) throw new InvalidArgumentError(`Counter type id ${typeId} is not an int32`);
    const bytes = new TextEncoder().encode(label);
    const id = native().symbols.zigbolt_counters_allocate(this.#handle, typeId, bytes, bytes.byteLength);
    if (id < 0) throw statusError(id, `Cannot allocate counter "${label}" in "${this.name}"`);
    return new Counter(this, id, true);
  }

  /** A view of counter `id` (someone else's, e.g. a channel's) for reading or writing. */
  counter(id: number): Counter {
    this.#checkId(id);
    return new Counter(this, id, false);
  }

  /** Every allocated counter, as a reader sees it now. */
  list(): CounterInfo[] {
    const found: CounterInfo[] = [];
    for (let id = 0; id < this.countersMax; id++) {
      const info = this.info(id);
      if (info) found.push(info);
    }
    return found;
  }

  /** Counter `id` if it is allocated, else undefined. */
  info(id: number): CounterInfo | undefined {
    this.#checkId(id);
    const record = layout.metadataOffset + id * layout.metadataRecordLength;
    const stateIndex = record >> 2;
    const generation = Atomics.load(this.#words, stateIndex + 1);
    if (Atomics.load(this.#words, stateIndex) !== layout.stateAllocated) return undefined;
    const labelLength = Math.min(
      this.#words[(record + layout.labelLengthOffset) >> 2] >>> 0,
      layout.labelLengthMax,
    );
    const labelStart = record + layout.labelOffset;
    const info: CounterInfo = {
      id,
      typeId: this.#words[(record + layout.typeIdOffset) >> 2],
      value: this.valueOf(id),
      ownerPid: this.#words[(record + layout.ownerOffset) >> 2] & 0x7fff_ffff,
      allocatedNs: Number(this.#longs[(record + layout.allocatedNsOffset) >> 3]),
      label: new TextDecoder().decode(this.#bytes.slice(labelStart, labelStart + labelLength)),
    };
    // The copy is consistent only if the record was not freed and reused meanwhile.
    const same = Atomics.load(this.#words, stateIndex) === layout.stateAllocated &&
      Atomics.load(this.#words, stateIndex + 1) === generation;
    return same ? info : undefined;
  }

  /** Counter `id`'s value (exact up to 2^53). */
  valueOf(id: number): number {
    return Number(Atomics.load(this.#longs, this.valueLongIndex(id)));
  }

  /** Frees a counter this process allocated (Counter.free calls this). */
  free(id: number): void {
    if (this.#closed) return;
    const status = native().symbols.zigbolt_counters_free(this.#handle, id);
    if (status < 0) throw statusError(status, `Cannot free counter ${id} in "${this.name}"`);
  }

  /** True once `close()` was called (never for the process default). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Unmaps the file (it stays for other processes). Counters of this object stop working. */
  close(): void {
    if (!this.#owned || this.#closed) return;
    this.#closed = true;
    backstop.unregister(this);
    native().symbols.zigbolt_counters_close(this.#handle);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal The mapping's 32-bit words and 64-bit longs, for Counter. */
  get views(): { words: Int32Array; longs: BigInt64Array } {
    this.#checkOpen("use");
    return { words: this.#words, longs: this.#longs };
  }

  /** @internal Index of counter `id`'s value in the 64-bit view. */
  valueLongIndex(id: number): number {
    this.#checkId(id);
    return (this.#valuesWordIndex >> 1) + id * (layout.valueRecordLength >> 3);
  }

  #checkId(id: number): void {
    this.#checkOpen("read");
    if (!Number.isInteger(id) || id < 0 || id >= this.countersMax) {
      throw new InvalidArgumentError(
        `Counter id ${id} is outside 0..${this.countersMax - 1} in "${this.name}"`,
      );
    }
  }

  #checkOpen(action: string): void {
    if (this.#closed) {
      throw new HandleClosedError(`Cannot ${action} counters file "${this.name}": it is closed`);
    }
  }
}

/**
 * One 64-bit counter. `increment`, `add`, `set`, `getAndReset` are atomic against any other
 * writer (they use BigInt, ~10-20 ns). The `...Ordered` forms are for a counter this object
 * alone writes, as on a hot path: plain 32-bit stores, ~1 ns, no allocation; a reader
 * elsewhere can see the value off by 2^32 for an instant when its low half wraps.
 */
export class Counter implements Disposable {
  readonly id: number;
  readonly #file: CountersFile;
  readonly #owned: boolean;
  readonly #words: Int32Array;
  readonly #longs: BigInt64Array;
  readonly #longIndex: number;
  readonly #lowIndex: number;
  #orderedValue: number;
  #freed = false;

  /** @internal Made by CountersFile.allocate / counter. */
  constructor(file: CountersFile, id: number, owned: boolean) {
    this.id = id;
    this.#file = file;
    this.#owned = owned;
    const { words, longs } = file.views;
    this.#words = words;
    this.#longs = longs;
    this.#longIndex = file.valueLongIndex(id);
    this.#lowIndex = this.#longIndex * 2;
    this.#orderedValue = this.get();
  }

  get(): number {
    return Number(Atomics.load(this.#longs, this.#longIndex));
  }

  set(value: number): void {
    Atomics.store(this.#longs, this.#longIndex, BigInt(value));
    this.#orderedValue = value;
  }

  increment(): void {
    this.add(1);
  }

  add(delta: number): void {
    Atomics.add(this.#longs, this.#longIndex, BigInt(delta));
  }

  getAndReset(): number {
    this.#orderedValue = 0;
    return Number(Atomics.exchange(this.#longs, this.#longIndex, 0n));
  }

  /** Single-writer add: this object must be the counter's only writer. */
  addOrdered(delta: number): void {
    this.setOrdered(this.#orderedValue + delta);
  }

  incrementOrdered(): void {
    this.setOrdered(this.#orderedValue + 1);
  }

  /** Single-writer set of a value in [0, 2^53). */
  setOrdered(value: number): void {
    const previousHigh = Math.floor(this.#orderedValue / twoTo32);
    this.#orderedValue = value;
    const high = Math.floor(value / twoTo32);
    const words = this.#words;
    words[this.#lowIndex] = value - high * twoTo32;
    if (high !== previousHigh) words[this.#lowIndex + 1] = high;
  }

  /** Gives the counter back (only for counters this process allocated). */
  free(): void {
    if (!this.#owned || this.#freed) return;
    this.#freed = true;
    this.#file.free(this.id);
  }

  [Symbol.dispose](): void {
    this.free();
  }
}

function checked(result: number, action: string): number {
  if (result < 0) throw statusError(result, `Cannot ${action}`);
  return result;
}
