/**
 * What the TypeScript classes of the named shared-memory structures (IPC channel, rings, log
 * buffer, broadcast) share: the create/open flag bits, checked C ABI results, peer states,
 * writers' argument errors and the FinalizationRegistry backstop that closes a handle nobody
 * closed.
 * @module
 */
import { lastStatusError, native, statusError } from "./_native.ts";
import type { NativePointer } from "./_symbols.ts";
import type { PeerState } from "./ipc_channel.ts";
import { OrderedCounter } from "./_ordered_counters.ts";
import { InvalidArgumentError } from "./errors.ts";

/** The flag bits of every `zigbolt_<x>_create_ex`/`_open_ex` (common.zig flag_*). */
export const structureFlags = { preFault: 1, hugepages: 2, mlock: 4, replace: 8 } as const;

/**
 * How a named structure's segment is mapped: the options every create/open shares (they
 * become `structureFlags`).
 */
export interface SegmentOptions {
  /** "/" followed by 1..254 bytes without "/"; e.g. "/orders". */
  name: string;
  /** Fault every page in up front so the hot path takes no page faults. Default true. */
  preFault?: boolean;
  /** Ask for transparent huge pages (best effort). Default false. */
  hugepages?: boolean;
  /** Lock the segment in RAM (best effort: bounded by `ulimit -l`). Default false. */
  mlock?: boolean;
  /** Create only: replace a structure of that name even if a live process uses it. */
  replace?: boolean;
}

/** The flags word of `options`: preFault defaults to true, the others to false. */
export function flagsOf(options: Omit<SegmentOptions, "name">): number {
  let flags = 0;
  if (options.preFault ?? true) flags |= structureFlags.preFault;
  if (options.hugepages) flags |= structureFlags.hugepages;
  if (options.mlock) flags |= structureFlags.mlock;
  if (options.replace) flags |= structureFlags.replace;
  return flags;
}

/** What `zigbolt_<x>_peer_state` and friends return, by number. */
export const peerStates: readonly PeerState[] = ["none", "alive", "dead", "closed"];

/** `result` if it is not a (negative) status; else the typed error of that status. */
export function checkedResult(result: number, context: string): number {
  if (result < 0) throw statusError(result, context);
  return result;
}

/** `handle` if it is not null; else the typed error of the library's last status. */
export function checkedHandle(handle: NativePointer, context: string): NativePointer {
  if (native().isNull(handle)) throw lastStatusError(context);
  return handle;
}

/**
 * How many bytes of `data` a write sends: the first `length`, or all of them when `length`
 * is undefined; -1 when `length` is not an integer in [0, data.byteLength]. Writers take a
 * `length` so that a message encoded at the start of a reused buffer goes out without a
 * `subarray` (an allocation) per message. Read it after asking for a pinned address
 * (_pinned_payload.ts): it is the view's length at the call. Hot paths take `byteLength`
 * themselves when `length` is undefined: Bun does not always inline this call (~4 ns).
 */
export function writeLength(data: Uint8Array, length: number | undefined): number {
  const available = data?.byteLength;
  if (length === undefined) return available;
  return (length >>> 0) === length && length <= available ? length : -1;
}

/**
 * How a failed write of `data` starts its message: "Cannot publish 8 bytes on channel "/x"",
 * or without the byte count when `data` is no Uint8Array or `length` is not a count of its
 * bytes.
 */
export function writeContext(verb: string, target: string, data: unknown, length?: number): string {
  const bytes = data instanceof Uint8Array ? writeLength(data, length) : -1;
  return bytes >= 0 ? `Cannot ${verb} ${bytes} bytes ${target}` : `Cannot ${verb} ${target}`;
}

/** The InvalidArgumentError for a `length` that is not a count of `data`'s bytes; else undefined. */
export function lengthArgumentError(
  context: string,
  data: Uint8Array,
  length: number | undefined,
): InvalidArgumentError | undefined {
  if (writeLength(data, length) >= 0) return undefined;
  return new InvalidArgumentError(
    `${context}: length ${length} is not an integer in [0, ${data.byteLength}] (bytes of data to send)`,
  );
}

/**
 * The InvalidArgumentError naming which of a writer's `(data, msgTypeId, length)` is bad, for
 * writers that take any 32-bit type id (IPC publish, log append); undefined if none is.
 */
export function int32WriteArgumentError(
  context: string,
  data: unknown,
  msgTypeId: number,
  length: number | undefined,
): InvalidArgumentError | undefined {
  if (!(data instanceof Uint8Array)) return new InvalidArgumentError(`${context}: data must be a Uint8Array`);
  if ((msgTypeId | 0) !== msgTypeId) {
    return new InvalidArgumentError(`${context}: msgTypeId ${msgTypeId} is not a 32-bit integer`);
  }
  return lengthArgumentError(context, data, length);
}

/**
 * The InvalidArgumentError for a msgTypeId outside [0, 2^31), the range of writers that keep
 * negative type ids for themselves (rings, broadcast).
 */
export function typeIdRangeError(context: string, msgTypeId: number): InvalidArgumentError {
  return new InvalidArgumentError(`${context}: msgTypeId ${msgTypeId} is not an integer in [0, 2^31)`);
}

/** A registry that closes the handle of an object collected without `close()`. */
export function closeBackstop(
  close: (handle: NativePointer) => unknown,
): FinalizationRegistry<NativePointer> {
  return new FinalizationRegistry<NativePointer>((handle) => {
    close(handle);
  });
}

/**
 * The counters libzigbolt allocated for a handle (`idOf(type)` gives each id, < 0 when it
 * has none), which JavaScript updates; [] unless it has all of `types`.
 */
export function orderedCounters(types: number[], idOf: (type: number) => number): OrderedCounter[] {
  const ids = types.map(idOf);
  if (ids.some((id) => id < 0)) return [];
  return ids.map((id) => new OrderedCounter(id));
}
