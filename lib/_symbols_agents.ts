/**
 * Native symbols of idle strategies and agents, in the format of _symbols.ts (which merges every part).
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const agentSymbols = {
} as const satisfies Record<string, SymbolDefinition>;
