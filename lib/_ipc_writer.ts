/**
 * The publisher side of an IPC channel, run in JavaScript straight over the shared mapping:
 * claim a frame, write the message in place, commit. No FFI call and no copy per message.
 * It follows the publish algorithm of native/src/ipc/channel.zig and docs/ipc.md, so Zig,
 * C and TypeScript subscribers read its frames as any other publisher's.
 *
 * The writer holds its own native handle on the channel and takes the publisher role through
 * the C ABI (`zigbolt_ipc_claim`): the role's owner word records this process, so liveness,
 * PublisherExists and takeover after a crash work as for a native publisher. From then on the
 * tail is ours alone: we keep it here, and store it with Atomics (release).
 *
 * Positions in JavaScript (as in _ipc_reader.ts): the tail is kept as 32-bit halves. Its low
 * half is stored alone while the high half does not change (an atomic update of the u64 for a
 * 64-bit reader); crossing a 4 GiB boundary is one 64-bit store. The head is read through its
 * low half only: head = tail - ((tailLow - headLow) mod 2^32), exact because tail - head is at
 * most three terms (< 2^32).
 * @module
 */
import type { RuntimeAdapter } from "./_adapter.ts";
import * as layout from "./_ipc_layout.ts";
import { lastStatusError, native, statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import { Status } from "./status.ts";
import { cString } from "./_names.ts";
import { closeBackstop } from "./_structure_common.ts";
import { keepAddressFlag, keptMapping } from "./_kept_mapping.ts";

const twoTo32 = 2 ** 32;
/** Back-pressured claims in a row between two liveness checks of the subscriber (as in Zig). */
const livenessCheckPeriod = 8192;

const backstop = closeBackstop((handle) => native().symbols.zigbolt_ipc_close(handle));

export class IpcWriter {
  readonly termLength: number;
  readonly #adapter: RuntimeAdapter;
  readonly #handle: NativePointer;
  readonly #header: Int32Array;
  readonly #headerLongs: BigInt64Array;
  readonly #termViews: DataView[] = [];
  readonly #termBytes: Uint8Array[] = [];
  readonly #termWords: Int32Array[] = [];
  readonly #mask: number;
  #tailLow: number;
  #tailHigh: number;
  /** How far the tail may go before the head must be reloaded, as bytes past the tail. */
  #room = 0;
  #backPressureStreak = 0;
  // The claim in progress: where its frame starts, and the padding before it.
  #claimIndex = -1;
  #claimOffset = 0;
  #claimPadding = 0;
  #claimFrameBytes = 0;
  #claimLength = 0;
  #closed = false;

  /** Opens `name` with a handle of its own and takes the publisher role. */
  constructor(readonly name: string) {
    const adapter = native();
    this.#adapter = adapter;
    const handle = adapter.symbols.zigbolt_ipc_open_ex(
      cString(name),
      0,
      layout.flags.preFault | keepAddressFlag,
    );
    if (adapter.isNull(handle)) throw lastStatusError(`Cannot open channel "${name}"`);
    this.#handle = handle;
    backstop.register(this, handle, this);
    try {
      const segment = adapter.symbols.zigbolt_ipc_segment(handle);
      if (adapter.isNull(segment)) throw lastStatusError(`Cannot map channel "${name}"`);
      // At once, so a failure below still lets the mapping go (_kept_mapping.ts).
      const view = keptMapping(adapter, segment);
      const claimed = adapter.symbols.zigbolt_ipc_claim(handle, layout.roleNumbers.publisher);
      if (claimed !== Status.Ok) throw statusError(claimed, `Cannot publish on channel "${name}"`);
      this.termLength = adapter.symbols.zigbolt_ipc_term_length(handle);
      this.#mask = this.termLength - 1;
      const header = view(0, layout.headerLength);
      this.#header = new Int32Array(header);
      this.#headerLongs = new BigInt64Array(header);
      for (let i = 0; i < layout.termCount; i++) {
        const term = view(layout.headerLength + i * this.termLength, this.termLength);
        this.#termViews.push(new DataView(term));
        this.#termBytes.push(new Uint8Array(term));
        this.#termWords.push(new Int32Array(term));
      }
      // We hold the role: nobody else stores the tail from now on.
      const tail = BigInt.asUintN(64, Atomics.load(this.#headerLongs, layout.tailLong));
      this.#tailLow = Number(tail & 0xffff_ffffn);
      this.#tailHigh = Number(tail >> 32n);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** The term of the claimed frame (valid after an Ok `claim`, until `commit`). */
  get view(): DataView {
    return this.#termViews[this.#claimIndex];
  }

  /** The claimed payload's offset in `view` (after an Ok `claim`). */
  get payloadOffset(): number {
    return this.#claimOffset + layout.frameHeaderLength;
  }

  get bytes(): Uint8Array {
    return this.#termBytes[this.#claimIndex];
  }

  /** The publisher position (bytes published since the channel was created). */
  get position(): number {
    return this.#tailHigh * twoTo32 + this.#tailLow;
  }

  /**
   * Reserves room for a `length`-byte message: Status.Ok (write it at `view` /
   * `payloadOffset`, then `commit`), Status.BackPressure, Status.PeerDead (now and then, once
   * the subscriber has died), Status.CorruptChannel. Nothing is visible to the subscriber
   * before `commit`. `length` must be 1..termLength - 8 (checked by the caller).
   */
  claim(length: number): number {
    if (this.#closed) return Status.HandleClosed;
    const frameBytes = (length + layout.frameHeaderLength + 7) & ~7;
    const offset = this.#tailLow & this.#mask;
    const padding = frameBytes > this.termLength - offset ? this.termLength - offset : 0;
    if (padding + frameBytes > this.#room) {
      const status = this.#makeRoom(padding + frameBytes);
      if (status !== Status.Ok) return status;
    }
    this.#claimPadding = padding;
    this.#claimFrameBytes = frameBytes;
    this.#claimLength = length;
    this.#claimIndex = this.#termIndexOf(this.#tailLow + padding, this.#tailHigh);
    this.#claimOffset = padding === 0 ? offset : 0;
    return Status.Ok;
  }

  /** The slow path of `claim`: reload the head; back-pressure if there is still no room. */
  #makeRoom(bytes: number): number {
    const status = this.#reloadRoom();
    if (status !== Status.Ok) return status;
    if (bytes > this.#room) return this.#backPressured();
    this.#backPressureStreak = 0;
    return Status.Ok;
  }

  /** Publishes the claimed frame: padding frame if any, msg_type_id, length, then the tail. */
  commit(msgTypeId: number): void {
    const padding = this.#claimPadding;
    if (padding !== 0) this.#writePadding(padding);
    const words = this.#termWords[this.#claimIndex];
    const at = this.#claimOffset >> 2;
    words[at + 1] = msgTypeId;
    // Atomics are sequentially consistent: at least the release v1 asks for.
    Atomics.store(words, at, this.#claimLength);
    this.#room -= padding + this.#claimFrameBytes;
    this.#advance(padding + this.#claimFrameBytes);
    this.#claimIndex = -1;
  }

  #writePadding(padding: number): void {
    const words = this.#termWords[this.#termIndexOf(this.#tailLow, this.#tailHigh)];
    const at = (this.#tailLow & this.#mask) >> 2;
    words[at + 1] = 0;
    Atomics.store(words, at, -padding);
  }

  /** Drops the claim: nothing was made visible. */
  abort(): void {
    this.#claimIndex = -1;
  }

  /** Releases the publisher role and the mapping. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    backstop.unregister(this);
    this.#adapter.symbols.zigbolt_ipc_close(this.#handle);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #termIndexOf(low: number, high: number): number {
    // (position / termLength) % 3 from the halves: termLength divides 2^32.
    const termsPerHigh = twoTo32 / this.termLength;
    return ((high % 3) * (termsPerHigh % 3) + Math.floor(low / this.termLength)) % 3;
  }

  /** Reloads the head: the room is what lies below head + 2 terms. */
  #reloadRoom(): number {
    // Only we store the tail: another value is a stranger's (CorruptChannel, as in Zig).
    if ((Atomics.load(this.#header, layout.tailLowWord) >>> 0) !== this.#tailLow) {
      return Status.CorruptChannel;
    }
    const headLow = Atomics.load(this.#header, layout.headLowWord) >>> 0;
    const behind = (this.#tailLow - headLow) >>> 0;
    if (behind > layout.termCount * this.termLength || (behind & 7) !== 0) return Status.CorruptChannel;
    this.#room = (layout.termCount - 1) * this.termLength - behind;
    return Status.Ok;
  }

  #backPressured(): number {
    this.#backPressureStreak++;
    if (this.#backPressureStreak % livenessCheckPeriod === 0) {
      const state = this.#adapter.symbols.zigbolt_ipc_peer_state(this.#handle, layout.roleNumbers.subscriber);
      if (state === 2) return Status.PeerDead;
    }
    return Status.BackPressure;
  }

  #advance(bytes: number): void {
    const low = this.#tailLow + bytes;
    if (low >= twoTo32) return this.#advanceHigh(low);
    this.#tailLow = low;
    // Release (Atomics are seq-cst): the frames below the new tail are complete.
    Atomics.store(this.#header, layout.tailLowWord, low | 0);
  }

  /** Crossing a 4 GiB boundary: one 64-bit store. */
  #advanceHigh(low: number): void {
    this.#tailLow = low - twoTo32;
    this.#tailHigh += 1;
    const tail = (BigInt(this.#tailHigh) << 32n) | BigInt(this.#tailLow);
    Atomics.store(this.#headerLongs, layout.tailLong, BigInt.asIntN(64, tail));
  }
}
