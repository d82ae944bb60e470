/**
 * A zero-allocation view of one message during `IpcChannel.pollFragments`: the same object
 * is reused for every message, like Aeron's buffer/offset/length/header arguments.
 * @module
 */

/**
 * One message, valid only inside the handler it was passed to.
 *
 * @example
 * ```ts
 * channel.pollFragments((f) => {
 *   const price = f.view.getFloat64(f.offset, true); // read in place, no allocation
 *   if (keep) saved.push(f.copy());                  // keep a stable copy
 * }, 100);
 * ```
 */
export class Fragment {
  /** The whole term the message lies in; the payload is `bytes[offset, offset + length)`. */
  bytes: Uint8Array = new Uint8Array(0);
  /** A DataView over the same term, for reading fields in place. */
  view: DataView = new DataView(new ArrayBuffer(0));
  /** Payload start within `bytes` and `view`. */
  offset = 0;
  /** Payload length in bytes (0 only for a frame from another v1 publisher). */
  length = 0;
  /** The message type id given to publish. */
  msgTypeId = 0;

  /** A view of the payload (allocates a view object; the bytes are not copied). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.length);
  }

  /** A stable copy of the payload, safe to keep after the handler returns. */
  copy(): Uint8Array {
    return this.bytes.slice(this.offset, this.offset + this.length);
  }
}

/**
 * Points a reader's reused fragment away from the mapping its reader is about to unmap, so
 * that one kept past `close()` reads and writes an empty array instead of crashing.
 */
export function detachFragment(fragment: Fragment): void {
  fragment.bytes = new Uint8Array(0);
  fragment.view = new DataView(fragment.bytes.buffer);
  fragment.offset = 0;
  fragment.length = 0;
}
