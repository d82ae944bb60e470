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
 * How a failed write of `data` starts its message: "Cannot publish 8 bytes on channel "/x"",
 * or without the byte count when `data` is no Uint8Array.
 */
export function writeContext(verb: string, target: string, data: unknown): string {
  return data instanceof Uint8Array
    ? `Cannot ${verb} ${data.byteLength} bytes ${target}`
    : `Cannot ${verb} ${target}`;
}

/**
 * The InvalidArgumentError naming which of a writer's `(data, msgTypeId)` is bad, for
 * writers that take any 32-bit type id (IPC publish, log append); undefined if neither is.
 */
export function int32WriteArgumentError(
  context: string,
  data: unknown,
  msgTypeId: number,
): InvalidArgumentError | undefined {
  if (!(data instanceof Uint8Array)) return new InvalidArgumentError(`${context}: data must be a Uint8Array`);
  if ((msgTypeId | 0) !== msgTypeId) {
    return new InvalidArgumentError(`${context}: msgTypeId ${msgTypeId} is not a 32-bit integer`);
  }
  return undefined;
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
