/**
 * What the rest of the binding needs from a runtime: the loaded symbols and three ways to
 * look at native memory. One implementation per runtime (_deno_adapter.ts, _bun_adapter.ts).
 * @module
 */
import type { NativePointer, NativeSymbols } from "./_symbols.ts";

export interface RuntimeAdapter {
  readonly runtime: "deno" | "bun";
  readonly symbols: NativeSymbols;
  /** A zero-copy ArrayBuffer over `length` bytes of native memory at `pointer + offset`. */
  view(pointer: NativePointer, offset: number, length: number): ArrayBuffer;
  /** Reads a NUL-terminated C string. */
  cString(pointer: NativePointer): string;
  isNull(pointer: NativePointer): boolean;
  /**
   * The address of `array`'s bytes, which stay where they are while the array lives; only
   * where passing an address beats passing the array (Deno: see _pinned_payload.ts).
   */
  readonly addressOf?: (array: Uint8Array) => NativePointer;
}

/** Thrown by an adapter when the library cannot be opened; _native.ts adds the advice. */
export class AdapterLoadError extends Error {
  constructor(message: string, readonly permissionMissing = false) {
    super(message);
  }
}
