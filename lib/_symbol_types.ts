/**
 * The vocabulary of the native symbol table (_symbols.ts and its per-area parts).
 * @module
 */

export type NativeType = "u8" | "u32" | "i32" | "f64" | "void" | "handle" | "pointer" | "buffer";

export interface SymbolDefinition {
  readonly args: readonly NativeType[];
  readonly returns: NativeType;
}
