/**
 * Native symbols of SPSC and MPSC ring buffers, in the format of _symbols.ts (which merges every part).
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const ringSymbols = {
} as const satisfies Record<string, SymbolDefinition>;
