/**
 * Zero-copy writes into a ring (docs/spsc-ring.md, Claims): libzigbolt claims the record
 * (`zigbolt_<kind>_try_claim`) and finishes it (`_commit`, `_abort`), the caller fills the
 * payload in place through the ring's mapping. One claim at a time per handle; the same
 * Claim object serves every claim.
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import { Claim, detachClaim } from "./claim.ts";
import * as layout from "./_ring_layout.ts";
import type { RingMapping } from "./_ring_common.ts";
import { statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { HandleClosedError, InvalidArgumentError, MessageTooLargeError } from "./errors.ts";
import { Status } from "./status.ts";
import { typeIdRangeError } from "./_structure_common.ts";

export class RingClaims {
  readonly #name: string;
  readonly #handle: NativePointer;
  readonly #adapter: RuntimeAdapter;
  readonly #kind: "spsc" | "mpsc";
  readonly #dataOffset: number;
  readonly #payloadLengthMax: number;
  readonly #claim: Claim;
  /** The outstanding claim's payload offset in the segment, or -1. */
  #segmentOffset = -1;
  #closed = false;

  constructor(
    kind: "spsc" | "mpsc",
    name: string,
    adapter: RuntimeAdapter,
    handle: NativePointer,
    mapping: RingMapping,
    payloadLengthMax: number,
  ) {
    this.#kind = kind;
    this.#name = name;
    this.#adapter = adapter;
    this.#handle = handle;
    this.#dataOffset = kind === "spsc" ? layout.spscDataOffset : layout.mpscDataOffset;
    this.#payloadLengthMax = payloadLengthMax;
    this.#claim = new Claim(mapping.bytes, mapping.view, (commit) => this.#finish(commit));
  }

  /** Whether a claim waits for its commit or abort. */
  get outstanding(): boolean {
    return this.#segmentOffset >= 0;
  }

  /** The claim for `length` payload bytes, or null when the ring is full; throws on bad arguments. */
  claim(length: number, msgTypeId: number): Claim | null {
    if (this.#closed) throw new HandleClosedError(`Cannot claim in ring "${this.#name}": it is closed`);
    if (!(length >= 0 && length <= this.#payloadLengthMax) || (length | 0) !== length) {
      throw this.#lengthError(length);
    }
    if ((msgTypeId >>> 0) !== msgTypeId || msgTypeId > 0x7fff_ffff) {
      throw typeIdRangeError(`Cannot claim in ring "${this.#name}"`, msgTypeId);
    }
    if (this.outstanding) throw this.outstandingError("claim in");
    const symbols = this.#adapter.symbols;
    const segmentOffset = this.#kind === "spsc"
      ? symbols.zigbolt_spsc_try_claim(this.#handle, length, msgTypeId)
      : symbols.zigbolt_mpsc_try_claim(this.#handle, length, msgTypeId);
    if (segmentOffset < 0) {
      if (segmentOffset === Status.BackPressure) return null;
      throw statusError(segmentOffset, `Cannot claim ${length} bytes in ring "${this.#name}"`);
    }
    this.#segmentOffset = segmentOffset;
    const claim = this.#claim;
    claim.offset = segmentOffset - this.#dataOffset;
    claim.length = length;
    claim.msgTypeId = msgTypeId;
    return claim;
  }

  /** The error of a write or claim made while a claim is outstanding. */
  outstandingError(action: string): InvalidArgumentError {
    return new InvalidArgumentError(
      `Cannot ${action} ring "${this.#name}": commit or abort the outstanding claim first`,
    );
  }

  /** The ring is closing: libzigbolt's close aborts the claim (MPSC) or drops it (SPSC). */
  close(): void {
    this.#closed = true;
    this.#segmentOffset = -1;
    this.#claim[detachClaim]();
  }

  #finish(commit: boolean): void {
    if (this.#closed) {
      throw new HandleClosedError(`Cannot finish a claim in ring "${this.#name}": it is closed`);
    }
    const segmentOffset = this.#segmentOffset;
    if (segmentOffset < 0) {
      throw new InvalidArgumentError(`Ring "${this.#name}": no claim is outstanding`);
    }
    this.#segmentOffset = -1;
    const symbols = this.#adapter.symbols;
    const handle = this.#handle;
    let status: number;
    if (this.#kind === "spsc") {
      status = commit
        ? symbols.zigbolt_spsc_commit(handle, segmentOffset)
        : symbols.zigbolt_spsc_abort(handle, segmentOffset);
    } else {
      status = commit
        ? symbols.zigbolt_mpsc_commit(handle, segmentOffset)
        : symbols.zigbolt_mpsc_abort(handle, segmentOffset);
    }
    if (status !== Status.Ok) throw statusError(status, `Cannot finish the claim in ring "${this.#name}"`);
  }

  #lengthError(length: number): Error {
    if (length > this.#payloadLengthMax && Number.isInteger(length)) {
      return new MessageTooLargeError(
        `Cannot claim ${length} bytes in ring "${this.#name}": at most ${this.#payloadLengthMax} fit a message`,
      );
    }
    return new InvalidArgumentError(
      `Cannot claim in ring "${this.#name}": length ${length} is not an integer in [0, ${this.#payloadLengthMax}]`,
    );
  }
}
