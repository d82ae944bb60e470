/**
 * Native symbols of SPSC and MPSC ring buffers, in the format of _symbols.ts (which merges every part).
 * Writes are one call each; TypeScript reads records in place over the mapping.
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const ringSymbols = {
  // void* zigbolt_spsc_create_ex(const char* name, uint32_t capacity, uint32_t flags)
  zigbolt_spsc_create_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // void* zigbolt_spsc_open_ex(const char* name, uint32_t flags)
  zigbolt_spsc_open_ex: { args: ["buffer", "u32"], returns: "handle" },
  // int32_t zigbolt_spsc_close(void* ring)
  zigbolt_spsc_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_spsc_write(void* ring, const uint8_t* data, uint32_t len, int32_t msg_type_id)
  zigbolt_spsc_write: { args: ["handle", "buffer", "u32", "i32"], returns: "i32" },
  // The same function, the payload passed by address (_pinned_payload.ts).
  zigbolt_spsc_write_by_address: {
    symbol: "zigbolt_spsc_write",
    args: ["handle", "pointer", "u32", "i32"],
    returns: "i32",
  },
  // int32_t zigbolt_spsc_try_claim(void* ring, uint32_t len, int32_t msg_type_id)
  zigbolt_spsc_try_claim: { args: ["handle", "u32", "i32"], returns: "i32" },
  // int32_t zigbolt_spsc_commit(void* ring, int32_t claim_offset)
  zigbolt_spsc_commit: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_spsc_abort(void* ring, int32_t claim_offset)
  zigbolt_spsc_abort: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_spsc_claim(void* ring, uint32_t role)
  zigbolt_spsc_claim: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_spsc_peer_state(void* ring, uint32_t role)
  zigbolt_spsc_peer_state: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_spsc_capacity(void* ring)
  zigbolt_spsc_capacity: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_spsc_counter_id(void* ring, int32_t type_id)
  zigbolt_spsc_counter_id: { args: ["handle", "i32"], returns: "i32" },
  // void* zigbolt_spsc_segment(void* ring)
  zigbolt_spsc_segment: { args: ["handle"], returns: "pointer" },
  // int32_t zigbolt_spsc_segment_length(void* ring)
  zigbolt_spsc_segment_length: { args: ["handle"], returns: "i32" },
  // void* zigbolt_mpsc_create_ex(const char* name, uint32_t capacity, uint32_t flags)
  zigbolt_mpsc_create_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // void* zigbolt_mpsc_open_ex(const char* name, uint32_t flags)
  zigbolt_mpsc_open_ex: { args: ["buffer", "u32"], returns: "handle" },
  // int32_t zigbolt_mpsc_close(void* ring)
  zigbolt_mpsc_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_mpsc_write(void* ring, const uint8_t* data, uint32_t len, int32_t msg_type_id)
  zigbolt_mpsc_write: { args: ["handle", "buffer", "u32", "i32"], returns: "i32" },
  // The same function, the payload passed by address (_pinned_payload.ts).
  zigbolt_mpsc_write_by_address: {
    symbol: "zigbolt_mpsc_write",
    args: ["handle", "pointer", "u32", "i32"],
    returns: "i32",
  },
  // int32_t zigbolt_mpsc_try_claim(void* ring, uint32_t len, int32_t msg_type_id)
  zigbolt_mpsc_try_claim: { args: ["handle", "u32", "i32"], returns: "i32" },
  // int32_t zigbolt_mpsc_commit(void* ring, int32_t claim_offset)
  zigbolt_mpsc_commit: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_mpsc_abort(void* ring, int32_t claim_offset)
  zigbolt_mpsc_abort: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_mpsc_claim_producer(void* ring)
  zigbolt_mpsc_claim_producer: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_mpsc_test_hang_after_claim(void* ring, uint32_t countdown)
  zigbolt_mpsc_test_hang_after_claim: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_mpsc_claim_consumer(void* ring)
  zigbolt_mpsc_claim_consumer: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_mpsc_resolve_stuck(void* ring, uint32_t position)
  zigbolt_mpsc_resolve_stuck: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_mpsc_consumer_state(void* ring)
  zigbolt_mpsc_consumer_state: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_mpsc_capacity(void* ring)
  zigbolt_mpsc_capacity: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_mpsc_counter_id(void* ring, int32_t type_id)
  zigbolt_mpsc_counter_id: { args: ["handle", "i32"], returns: "i32" },
  // void* zigbolt_mpsc_segment(void* ring)
  zigbolt_mpsc_segment: { args: ["handle"], returns: "pointer" },
  // int32_t zigbolt_mpsc_segment_length(void* ring)
  zigbolt_mpsc_segment_length: { args: ["handle"], returns: "i32" },
} as const satisfies Record<string, SymbolDefinition>;
