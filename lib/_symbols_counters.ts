/**
 * Native symbols of counters files and counters, in the format of _symbols.ts (which merges every part).
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const counterSymbols = {
} as const satisfies Record<string, SymbolDefinition>;
