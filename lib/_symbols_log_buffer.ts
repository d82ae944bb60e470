/**
 * Native symbols of the log buffer, in the format of _symbols.ts (which merges every part).
 * Writing (claim, commit, abort, append) is one call per step; polling runs in JavaScript
 * over the mapping.
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const logBufferSymbols = {
  // void* zigbolt_log_buffer_create_ex(const char* name, uint32_t term_length, uint32_t flags)
  zigbolt_log_buffer_create_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // void* zigbolt_log_buffer_open_ex(const char* name, uint32_t flags)
  zigbolt_log_buffer_open_ex: { args: ["buffer", "u32"], returns: "handle" },
  // int32_t zigbolt_log_buffer_close(void* log)
  zigbolt_log_buffer_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_log_buffer_claim(void* log, uint32_t length, int32_t msg_type_id)
  zigbolt_log_buffer_claim: { args: ["handle", "u32", "i32"], returns: "i32" },
  // int32_t zigbolt_log_buffer_commit(void* log, int32_t claim_offset)
  zigbolt_log_buffer_commit: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_log_buffer_abort(void* log, int32_t claim_offset)
  zigbolt_log_buffer_abort: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_log_buffer_append(void* log, const uint8_t* data, uint32_t len, int32_t msg_type_id)
  zigbolt_log_buffer_append: { args: ["handle", "buffer", "u32", "i32"], returns: "i32" },
  // The same function, the payload passed by address (_pinned_payload.ts).
  zigbolt_log_buffer_append_by_address: {
    symbol: "zigbolt_log_buffer_append",
    args: ["handle", "pointer", "u32", "i32"],
    returns: "i32",
  },
  // int32_t zigbolt_log_buffer_take_role(void* log, uint32_t role)
  zigbolt_log_buffer_take_role: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_log_buffer_peer_state(void* log, uint32_t role)
  zigbolt_log_buffer_peer_state: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_log_buffer_peer_pid(void* log, uint32_t role)
  zigbolt_log_buffer_peer_pid: { args: ["handle", "u32"], returns: "i32" },
  // double zigbolt_log_buffer_position(void* log, uint32_t role)
  zigbolt_log_buffer_position: { args: ["handle", "u32"], returns: "f64" },
  // int32_t zigbolt_log_buffer_term_length(void* log)
  zigbolt_log_buffer_term_length: { args: ["handle"], returns: "i32" },
  // void* zigbolt_log_buffer_segment(void* log)
  zigbolt_log_buffer_segment: { args: ["handle"], returns: "pointer" },
  // int32_t zigbolt_log_buffer_segment_length(void* log)
  zigbolt_log_buffer_segment_length: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_log_buffer_counter_id(void* log, int32_t type_id)
  zigbolt_log_buffer_counter_id: { args: ["handle", "i32"], returns: "i32" },
} as const satisfies Record<string, SymbolDefinition>;
