/**
 * Passing a writer's payload by address where that is cheaper (Deno). Deno converts a
 * "buffer" FFI argument on every call: an MPSC write costs ~22 ns with one, ~15 ns with a
 * "pointer" argument instead (in-process, per call). A writer that passes the same
 * Uint8Array again and again (the zero-allocation pattern: encode into one buffer, write it)
 * takes that array's address once and passes the address instead.
 *
 * Taking an address (`Deno.UnsafePointer.of`) costs ~750 ns, so an array is pinned only after
 * `streakToPin` writes of it in a row. Passing its address later is sound because:
 * - the pin holds the array, so its memory stays alive (and with it the whole buffer, until
 *   another array is pinned or the writer is dropped);
 * - Deno keeps every typed array's bytes outside the V8 heap, in a backing store that never
 *   moves (a resizable buffer reserves its maximum length up front);
 * - the caller reads the view's length after asking for the address, at the call, and a
 *   view of a detached buffer (or one a resizable buffer shrank under) has length 0, for
 *   which libzigbolt reads nothing.
 *
 * Bun passes a typed array as fast as an address, so its adapter has no `addressOf` and this
 * pins nothing there.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import type { NativePointer } from "./_symbols.ts";

/** Writes of one array in a row before it is pinned: ~750 ns spread over them. */
const streakToPin = 256;

/** Never a caller's array: what `#pinned` holds before anything is pinned. */
const nothingPinned = new Uint8Array(0);

/** One writer's pinned payload array (each ring, log or transmitter object has its own). */
export class PinnedPayload {
  readonly #addressOf: ((array: Uint8Array) => NativePointer) | undefined;
  #pinned: Uint8Array = nothingPinned;
  #address: NativePointer = null;
  #candidate: unknown;
  #streak = 0;

  constructor(adapter: RuntimeAdapter) {
    this.#addressOf = adapter.addressOf;
  }

  /**
   * The address to pass for `data`, or undefined: pass `data` itself. Takes anything (only
   * a Uint8Array is ever pinned), so a caller may ask before checking its arguments, and
   * must read the length after asking.
   */
  addressOf(data: unknown): NativePointer | undefined {
    if (data === this.#pinned) return this.#address;
    if (this.#addressOf !== undefined) this.#count(data);
    return undefined;
  }

  #count(data: unknown): void {
    if (data !== this.#candidate) {
      this.#candidate = data;
      this.#streak = 1;
      return;
    }
    if (++this.#streak < streakToPin || !(data instanceof Uint8Array) || data.byteLength === 0) return;
    this.#candidate = undefined;
    let address: NativePointer;
    try {
      address = this.#addressOf!(data);
    } catch {
      return; // e.g. a subclass whose getters throw: it keeps going by value
    }
    if (address === null) return;
    this.#pinned = data;
    this.#address = address;
  }
}
