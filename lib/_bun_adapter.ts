/**
 * Bun: `bun:ffi`. Imported through a variable so that Deno never tries to resolve it.
 * @module
 */
import { AdapterLoadError, type RuntimeAdapter } from "./_adapter.ts";
import type { SymbolDefinition } from "./_symbol_types.ts";
import { type NativePointer, type NativeSymbols, type NativeType, symbolDefinitions } from "./_symbols.ts";

/** The part of bun:ffi we use (so Deno's type checker needs no Bun types). */
interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, unknown> };
  toArrayBuffer(pointer: number, byteOffset: number, byteLength: number): ArrayBuffer;
  CString: new (pointer: number) => { toString(): string };
}

const specifier = "bun:ffi";
const ffi = (await import(specifier)) as BunFfi;

const bunTypes: Record<NativeType, string> = {
  u8: "u8",
  u32: "u32",
  i32: "i32",
  f64: "f64",
  void: "void",
  handle: "ptr",
  pointer: "ptr",
  // A typed array passed for a "ptr" argument is pinned for the call; never ptr(array),
  // which can dangle once the GC moves a small array.
  buffer: "ptr",
};

type BunSignature = { args: string[]; returns: string };

function render(definition: SymbolDefinition): BunSignature {
  return { args: definition.args.map((type) => bunTypes[type]), returns: bunTypes[definition.returns] };
}

/** Every symbol under its C name: bun:ffi cannot load one function under two names. */
function renderSymbols(): Record<string, BunSignature> {
  const rendered: Record<string, BunSignature> = {};
  for (const [name, definition] of Object.entries(symbolDefinitions)) {
    if (!("symbol" in definition)) rendered[name] = render(definition);
  }
  return rendered;
}

/**
 * The loaded symbols plus each second declaration of a C function, which here is the same
 * function: "buffer" and "pointer" are both "ptr" to Bun.
 */
function withSecondNames(loaded: Record<string, unknown>): Record<string, unknown> {
  const symbols = { ...loaded };
  for (const [name, definition] of Object.entries(symbolDefinitions)) {
    if (!("symbol" in definition)) continue;
    const target = definition.symbol as keyof typeof symbolDefinitions;
    if (JSON.stringify(render(definition)) !== JSON.stringify(render(symbolDefinitions[target]))) {
      throw new AdapterLoadError(`${name} and ${target} differ in Bun's types`);
    }
    symbols[name] = loaded[target];
  }
  return symbols;
}

/** Undefined when unset. Bun has no permission model, so never null. */
export function readEnv(name: string): string | undefined | null {
  return (globalThis as unknown as { process: { env: Record<string, string | undefined> } })
    .process.env[name];
}

export const envPermissionHint = "";

export function open(path: string): RuntimeAdapter {
  let library: { symbols: Record<string, unknown> };
  try {
    library = ffi.dlopen(path, renderSymbols());
  } catch (error) {
    throw new AdapterLoadError(String((error as Error).message ?? error));
  }
  return {
    runtime: "bun",
    symbols: withSecondNames(library.symbols) as unknown as NativeSymbols,
    view(pointer: NativePointer, offset: number, length: number): ArrayBuffer {
      return ffi.toArrayBuffer(pointer as unknown as number, offset, length);
    },
    cString(pointer: NativePointer): string {
      return new ffi.CString(pointer as unknown as number).toString();
    },
    isNull(pointer: NativePointer): boolean {
      return pointer === null || (pointer as unknown as number) === 0;
    },
  };
}
