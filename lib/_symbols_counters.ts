/**
 * Native symbols of counters files and counters, in the format of _symbols.ts (which merges
 * every part).
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const counterSymbols = {
  // void* zigbolt_counters_open_ex(const char* name, uint32_t counters_max, uint32_t flags)
  zigbolt_counters_open_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // void* zigbolt_counters_default(void)
  zigbolt_counters_default: { args: [], returns: "handle" },
  // int32_t zigbolt_counters_close(void* counters)
  zigbolt_counters_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_counters_max(void* counters)
  zigbolt_counters_max: { args: ["handle"], returns: "i32" },
  // void* zigbolt_counters_segment(void* counters)
  zigbolt_counters_segment: { args: ["handle"], returns: "pointer" },
  // int32_t zigbolt_counters_allocate(void* counters, int32_t type_id, const char* label, uint32_t label_length)
  zigbolt_counters_allocate: { args: ["handle", "i32", "buffer", "u32"], returns: "i32" },
  // int32_t zigbolt_counters_free(void* counters, int32_t id)
  zigbolt_counters_free: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_ipc_counter_id(void* channel, int32_t type_id)
  zigbolt_ipc_counter_id: { args: ["handle", "i32"], returns: "i32" },
} as const satisfies Record<string, SymbolDefinition>;
