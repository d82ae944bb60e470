/**
 * Deno: `Deno.dlopen` and `Deno.UnsafePointerView`. Needs `--allow-ffi`, and
 * `--allow-env=ZIGBOLT_LIB_PATH` to honour that variable.
 * @module
 */
import { AdapterLoadError, type RuntimeAdapter } from "./_adapter.ts";
import type { SymbolDefinition } from "./_symbol_types.ts";
import { type NativePointer, type NativeSymbols, type NativeType, symbolDefinitions } from "./_symbols.ts";

const denoTypes: Record<NativeType, Deno.NativeResultType> = {
  u8: "u8",
  u32: "u32",
  i32: "i32",
  f64: "f64",
  void: "void",
  handle: "pointer",
  pointer: "pointer",
  buffer: "buffer",
};

function renderSymbols(): Deno.ForeignLibraryInterface {
  const rendered: Deno.ForeignLibraryInterface = {};
  for (const [name, definition] of Object.entries<SymbolDefinition>(symbolDefinitions)) {
    rendered[name] = {
      name: definition.symbol ?? name,
      parameters: definition.args.map((type) => denoTypes[type] as Deno.NativeType),
      result: denoTypes[definition.returns],
    };
  }
  return rendered;
}

/** Undefined when unset; `null` when Deno did not grant access to read it. */
export function readEnv(name: string): string | undefined | null {
  const state = Deno.permissions.querySync({ name: "env", variable: name }).state;
  if (state !== "granted") return null;
  return Deno.env.get(name);
}

export const envPermissionHint = "--allow-env=ZIGBOLT_LIB_PATH";

export function open(path: string): RuntimeAdapter {
  if (Deno.permissions.querySync({ name: "ffi" }).state === "denied") {
    throw new AdapterLoadError("Deno denies FFI", true);
  }
  let library: Deno.DynamicLibrary<Deno.ForeignLibraryInterface>;
  try {
    library = Deno.dlopen(path, renderSymbols());
  } catch (error) {
    const permission = error instanceof Deno.errors.NotCapable ||
      error instanceof Deno.errors.PermissionDenied;
    throw new AdapterLoadError(String((error as Error).message ?? error), permission);
  }
  return {
    runtime: "deno",
    symbols: library.symbols as unknown as NativeSymbols,
    view(pointer: NativePointer, offset: number, length: number): ArrayBuffer {
      return Deno.UnsafePointerView.getArrayBuffer(pointer as unknown as Deno.PointerObject, length, offset);
    },
    cString(pointer: NativePointer): string {
      return Deno.UnsafePointerView.getCString(pointer as unknown as Deno.PointerObject);
    },
    isNull(pointer: NativePointer): boolean {
      return pointer === null;
    },
    // Deno keeps typed arrays' bytes off the V8 heap, where they never move.
    addressOf(array: Uint8Array): NativePointer {
      return Deno.UnsafePointer.of(array) as unknown as NativePointer;
    },
  };
}
