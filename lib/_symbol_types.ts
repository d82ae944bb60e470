/**
 * The vocabulary of the native symbol table (_symbols.ts and its per-area parts).
 * @module
 */

export type NativeType = "u8" | "u32" | "i32" | "f64" | "void" | "handle" | "pointer" | "buffer";

export interface SymbolDefinition {
  readonly args: readonly NativeType[];
  readonly returns: NativeType;
  /**
   * The C function, when this entry declares one a second time with other argument types
   * (e.g. a payload as "pointer" where the first entry takes a "buffer").
   */
  readonly symbol?: string;
}
