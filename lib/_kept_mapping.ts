/**
 * Views into a segment that may outlive its handle without crashing the process.
 *
 * A handler may keep a payload view (a `subarray` of a mapped buffer) past `close()`. Had
 * libzigbolt unmapped the segment, touching that view would be a SIGSEGV. Handles whose
 * buffers JavaScript sees are opened with `keepAddressFlag` instead: close() puts private
 * zero pages over the range (the shared memory is let go at once; a stale view reads zeros
 * and its writes reach nobody), and the range is unmapped once every buffer made here is
 * garbage (`zigbolt_release_mapping`, docs/segments.md "Kept mappings"). libzigbolt unmaps
 * when both have happened, in either order.
 *
 * The buffers share one token (a WeakMap entry per buffer holds it), and the token's
 * finalizer releases the mapping: the token dies only when every buffer has. Views of a
 * buffer, the user's `subarray`s included, hold the buffer.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import type { NativePointer } from "./_symbols.ts";

/** ZIGBOLT_FLAG_KEEP_ADDRESS: add it to the flags of every open whose segment we map. */
export const keepAddressFlag = 16;

interface Release {
  adapter: RuntimeAdapter;
  segment: NativePointer;
}

const releases = new FinalizationRegistry<Release>(({ adapter, segment }) => {
  // InvalidArgument when libzigbolt could not track the mapping (it then unmapped at close).
  adapter.symbols.zigbolt_release_mapping(segment);
});
const tokenOf = new WeakMap<ArrayBuffer, object>();

/** An ArrayBuffer over `length` bytes of a mapped segment from `offset`. */
export type SegmentView = (offset: number, length: number) => ArrayBuffer;

/**
 * `view(offset, length)` for the segment at `segment` (the start of a mapping opened with
 * `keepAddressFlag`): like `adapter.view`, each buffer holding the mapping's release back.
 * Call it as soon as the handle is open: the mapping is released only once the function and
 * every buffer it made are garbage.
 */
export function keptMapping(adapter: RuntimeAdapter, segment: NativePointer): SegmentView {
  const token = {};
  releases.register(token, { adapter, segment });
  return (offset, length) => {
    const buffer = adapter.view(segment, offset, length);
    tokenOf.set(buffer, token);
    return buffer;
  };
}
