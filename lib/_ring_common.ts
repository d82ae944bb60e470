/**
 * What the SPSC and MPSC ring classes share: options, argument checks, and mapping the
 * segment once through the C ABI.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import * as layout from "./_ring_layout.ts";
import type { NativePointer } from "./_symbols.ts";
import { lastStatusError } from "./_native.ts";
import { InvalidArgumentError, InvalidCapacityError, InvalidNameError } from "./errors.ts";

/** Options of `SpscRingBuffer.create`/`open` and `MpscRingBuffer.create`/`open`. */
export interface RingOptions {
  /** "/" followed by 1..254 bytes without "/"; e.g. "/orders". */
  name: string;
  /**
   * Create only: bytes of record data, a power of two in [1024, 1 GiB]; default 64 KiB.
   * A message carries at most capacity / 8 - 8 payload bytes.
   */
  capacity?: number;
  /** Fault every page in up front so the hot path takes no page faults. Default true. */
  preFault?: boolean;
  /** Ask for transparent huge pages (best effort). Default false. */
  hugepages?: boolean;
  /** Lock the segment in RAM (best effort: bounded by `ulimit -l`). Default false. */
  mlock?: boolean;
  /** Create only: replace a ring of that name even if a live process uses it. */
  replace?: boolean;
}

/** Called with each message's payload (a view into shared memory, valid during the call). */
export type RingMessageHandler = (data: Uint8Array, msgTypeId: number) => void;

export function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

export function checkedName(name: unknown): string {
  if (typeof name !== "string" || name.includes("\0")) {
    throw new InvalidNameError(`Invalid ring name ${JSON.stringify(name)}: use "/" then 1..254 bytes`);
  }
  return name;
}

export function checkedCapacity(capacity: number): number {
  if (
    !Number.isInteger(capacity) || capacity < layout.capacityMin || capacity > layout.capacityMax ||
    (capacity & (capacity - 1)) !== 0
  ) {
    throw new InvalidCapacityError(
      `Invalid ring capacity ${capacity}: use a power of two in [1024, 1 GiB]`,
    );
  }
  return capacity;
}

export function flagsOf(options: RingOptions, create: boolean): number {
  if (!create && options.replace) throw new InvalidArgumentError("replace is a create option");
  if (!create && options.capacity !== undefined) {
    throw new InvalidArgumentError("capacity is a create option: open takes the creator's");
  }
  let flags = 0;
  if (options.preFault ?? true) flags |= layout.flags.preFault;
  if (options.hugepages) flags |= layout.flags.hugepages;
  if (options.mlock) flags |= layout.flags.mlock;
  if (options.replace) flags |= layout.flags.replace;
  return flags;
}

/** The mapped segment: the header words and the data region. */
export interface RingMapping {
  header: Int32Array;
  bytes: Uint8Array;
  words: Int32Array;
  view: DataView;
}

export function mapRing(
  adapter: RuntimeAdapter,
  segment: NativePointer,
  segmentLength: number,
  dataOffset: number,
  capacity: number,
  context: string,
): RingMapping {
  if (adapter.isNull(segment)) throw lastStatusError(context);
  if (segmentLength !== dataOffset + capacity) {
    throw new InvalidArgumentError(`${context}: segment of ${segmentLength} bytes for capacity ${capacity}`);
  }
  const header = new Int32Array(adapter.view(segment, 0, dataOffset));
  const data = adapter.view(segment, dataOffset, capacity);
  return { header, bytes: new Uint8Array(data), words: new Int32Array(data), view: new DataView(data) };
}
