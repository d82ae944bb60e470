/**
 * Native symbols of the log buffer, in the format of _symbols.ts (which merges every part).
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const logBufferSymbols = {
} as const satisfies Record<string, SymbolDefinition>;
