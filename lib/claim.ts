/**
 * A message claimed for writing in place (zero-copy): a log buffer's frame or a ring's
 * record, filled where the reader will find it, then committed or aborted.
 * @module
 */

/** Points a claim away from the mapping its writer is about to unmap (internal). */
export const detachClaim = Symbol("detachClaim");

/**
 * A claimed message: write the payload into `bytes` (or through `view`) at
 * `offset .. offset + length`, then `commit()` it, or `abort()` it so the reader never sees
 * it. The same object is reused by every claim of its writer: nothing is allocated. Valid
 * until it is committed or aborted, or its writer closed.
 *
 * @example
 * ```ts
 * const claim = log.claim(16, 7); // or ring.claim(16, 7)
 * if (claim !== null) {
 *   claim.view.setFloat64(claim.offset, 42000.5, true);
 *   claim.view.setFloat64(claim.offset + 8, 0.25, true);
 *   claim.commit();
 * }
 * ```
 */
export class Claim {
  #bytes: Uint8Array;
  #view: DataView;
  /** Payload start within `bytes` and `view` (8-byte aligned; 16 in a log buffer). */
  offset = 0;
  /** Payload length in bytes, as claimed. */
  length = 0;
  /** The message type id given to claim. */
  msgTypeId = 0;
  readonly #finish: (commit: boolean) => void;

  /** Made by the writer that claims (LogBuffer, SpscRingBuffer, MpscRingBuffer). */
  constructor(bytes: Uint8Array, view: DataView, finish: (commit: boolean) => void) {
    this.#bytes = bytes;
    this.#view = view;
    this.#finish = finish;
  }

  /**
   * The mapped memory the payload lies in; the payload is `bytes[offset, offset + length)`.
   * Empty once the writer is closed: a write through a kept claim then lands nowhere, where
   * the unmapped memory would have crashed the process.
   */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** A DataView over the same memory, for writing fields in place (empty once closed). */
  get view(): DataView {
    return this.#view;
  }

  /** The writer is closing: from now on the claim points at nothing. */
  [detachClaim](): void {
    this.#bytes = new Uint8Array(0);
    this.#view = new DataView(this.#bytes.buffer);
  }

  /** Publishes the message to the reader. */
  commit(): void {
    this.#finish(true);
  }

  /** Withdraws the message: the reader skips it (as padding) or never sees it. */
  abort(): void {
    this.#finish(false);
  }

  /** A view of the payload to fill (allocates a view object). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.length);
  }
}
