/**
 * Passing a writer's payload by address where that is cheaper (Deno). Deno converts a
 * "buffer" FFI argument on every call: an MPSC write costs ~22 ns with one, ~15 ns with a
 * "pointer" argument instead (in-process, per call). A writer
 * that passes the same Uint8Array again and again (the zero-allocation pattern: encode into
 * one buffer, write it) takes that array's address once and passes the address instead.
 *
 * Taking an address (`Deno.UnsafePointer.of`) costs ~750 ns, so an array is pinned only after
 * `streakToPin` writes of it in a row. Passing its address later is sound because:
 * - the pin holds the array, so its memory stays alive;
 * - taking the address moves a small array's bytes off the V8 heap, where bytes never move;
 * - a view of a detached buffer has length 0, and libzigbolt reads nothing for 0 bytes;
 * - a resizable buffer reserves its maximum length up front and does not move when resized,
 *   and the caller passes the view's length at the time of the call.
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
  #candidate: Uint8Array | undefined;
  #streak = 0;

  constructor(adapter: RuntimeAdapter) {
    this.#addressOf = adapter.addressOf;
  }

  /**
   * The address to pass for `data` (already checked to be a Uint8Array), or undefined: pass
   * `data` itself.
   */
  addressOf(data: Uint8Array): NativePointer | undefined {
    if (data === this.#pinned) return this.#address;
    if (this.#addressOf !== undefined) this.#count(data);
    return undefined;
  }

  #count(data: Uint8Array): void {
    if (data !== this.#candidate) {
      this.#candidate = data;
      this.#streak = 1;
      return;
    }
    if (++this.#streak < streakToPin || data.byteLength === 0) return;
    const address = this.#addressOf!(data);
    if (address === null) return;
    this.#pinned = data;
    this.#address = address;
    this.#candidate = undefined;
  }
}
