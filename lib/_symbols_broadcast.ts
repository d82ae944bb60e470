/**
 * Native symbols of broadcast buffers, in the format of _symbols.ts (which merges every part).
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const broadcastSymbols = {
} as const satisfies Record<string, SymbolDefinition>;
