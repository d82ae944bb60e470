/**
 * Native symbols of broadcast buffers, in the format of _symbols.ts (which merges every part).
 * Transmitting is one call per message, receiving one call per batch of up to 64 messages.
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const broadcastSymbols = {
  // void* zigbolt_broadcast_transmitter_create_ex(const char* name, uint32_t capacity, uint32_t flags)
  zigbolt_broadcast_transmitter_create_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // void* zigbolt_broadcast_transmitter_open_ex(const char* name, uint32_t flags)
  zigbolt_broadcast_transmitter_open_ex: { args: ["buffer", "u32"], returns: "handle" },
  // int32_t zigbolt_broadcast_transmitter_close(void* transmitter)
  zigbolt_broadcast_transmitter_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_broadcast_transmit(void* transmitter, int32_t msg_type_id, const uint8_t* data, uint32_t len)
  zigbolt_broadcast_transmit: { args: ["handle", "i32", "buffer", "u32"], returns: "i32" },
  // The same function, the payload passed by address (_pinned_payload.ts).
  zigbolt_broadcast_transmit_by_address: {
    symbol: "zigbolt_broadcast_transmit",
    args: ["handle", "i32", "pointer", "u32"],
    returns: "i32",
  },
  // void* zigbolt_broadcast_receiver_open_ex(const char* name, uint32_t flags)
  zigbolt_broadcast_receiver_open_ex: { args: ["buffer", "u32"], returns: "handle" },
  // int32_t zigbolt_broadcast_receiver_close(void* receiver)
  zigbolt_broadcast_receiver_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_broadcast_receive_batch(void* receiver, uint8_t* out, uint32_t out_length, uint32_t records_max)
  zigbolt_broadcast_receive_batch: { args: ["handle", "buffer", "u32", "u32"], returns: "i32" },
  // int32_t zigbolt_broadcast_receiver_batch_length(void* receiver)
  zigbolt_broadcast_receiver_batch_length: { args: ["handle"], returns: "i32" },
  // double zigbolt_broadcast_receiver_lapped_count(void* receiver)
  zigbolt_broadcast_receiver_lapped_count: { args: ["handle"], returns: "f64" },
  // int32_t zigbolt_broadcast_transmitter_state(void* handle)
  zigbolt_broadcast_transmitter_state: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_broadcast_capacity(void* handle)
  zigbolt_broadcast_capacity: { args: ["handle"], returns: "i32" },
  // void* zigbolt_broadcast_segment(void* handle)
  zigbolt_broadcast_segment: { args: ["handle"], returns: "pointer" },
  // int32_t zigbolt_broadcast_segment_length(void* handle)
  zigbolt_broadcast_segment_length: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_broadcast_counter_id(void* handle, int32_t type_id)
  zigbolt_broadcast_counter_id: { args: ["handle", "i32"], returns: "i32" },
} as const satisfies Record<string, SymbolDefinition>;
