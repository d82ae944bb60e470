/**
 * The native symbol table, declared once with its C signature, rendered by each runtime
 * adapter for `Deno.dlopen` or `bun:ffi`. native/include/zigbolt.h is the reference; the
 * test "the symbol table matches zigbolt.h" compares the two.
 *
 * Parameter kinds:
 * - `handle`: an opaque `void*` from libzigbolt (a checked token, never dereferenced here)
 * - `pointer`: a real native address (the mapped segment, a C string)
 * - `buffer`: a Uint8Array passed as `const uint8_t*` / `const char*` (its bytes, no copy)
 * @module
 */

import type { NativeType, SymbolDefinition } from "./_symbol_types.ts";
import { counterSymbols } from "./_symbols_counters.ts";
import { ringSymbols } from "./_symbols_rings.ts";
import { logBufferSymbols } from "./_symbols_log_buffer.ts";
import { broadcastSymbols } from "./_symbols_broadcast.ts";
import { agentSymbols } from "./_symbols_agents.ts";

export type { NativeType, SymbolDefinition } from "./_symbol_types.ts";

const ipcSymbols = {
  // uint32_t zigbolt_version_major(void) / _minor / _patch
  zigbolt_version_major: { args: [], returns: "u32" },
  zigbolt_version_minor: { args: [], returns: "u32" },
  zigbolt_version_patch: { args: [], returns: "u32" },
  // int32_t zigbolt_last_status(void)
  zigbolt_last_status: { args: [], returns: "i32" },
  // const char* zigbolt_status_name(int32_t status)
  zigbolt_status_name: { args: ["i32"], returns: "pointer" },
  // const char* zigbolt_status_message(int32_t status)
  zigbolt_status_message: { args: ["i32"], returns: "pointer" },
  // void* zigbolt_transport_create_ex(uint32_t term_length, uint32_t flags)
  zigbolt_transport_create_ex: { args: ["u32", "u32"], returns: "handle" },
  // void zigbolt_transport_destroy(void* transport)
  zigbolt_transport_destroy: { args: ["handle"], returns: "void" },
  // void* zigbolt_transport_ipc_create(void* transport, const char* name)
  zigbolt_transport_ipc_create: { args: ["handle", "buffer"], returns: "handle" },
  // void* zigbolt_transport_ipc_open(void* transport, const char* name)
  zigbolt_transport_ipc_open: { args: ["handle", "buffer"], returns: "handle" },
  // void* zigbolt_ipc_create_ex(const char* name, uint32_t term_length, uint32_t flags)
  zigbolt_ipc_create_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // void* zigbolt_ipc_open_ex(const char* name, uint32_t term_length, uint32_t flags)
  zigbolt_ipc_open_ex: { args: ["buffer", "u32", "u32"], returns: "handle" },
  // int32_t zigbolt_ipc_close(void* channel)
  zigbolt_ipc_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_publish(void* channel, const uint8_t* data, uint32_t len, int32_t msg_type_id)
  zigbolt_publish: { args: ["handle", "buffer", "u32", "i32"], returns: "i32" },
  // The same function, the payload passed by address (_pinned_payload.ts).
  zigbolt_publish_by_address: {
    symbol: "zigbolt_publish",
    args: ["handle", "pointer", "u32", "i32"],
    returns: "i32",
  },
  // int32_t zigbolt_ipc_claim(void* channel, uint32_t role)
  zigbolt_ipc_claim: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_ipc_peer_state(void* channel, uint32_t role)
  zigbolt_ipc_peer_state: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_ipc_peer_pid(void* channel, uint32_t role)
  zigbolt_ipc_peer_pid: { args: ["handle", "u32"], returns: "i32" },
  // int32_t zigbolt_ipc_term_length(void* channel)
  zigbolt_ipc_term_length: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_ipc_memory_flags(void* channel)
  zigbolt_ipc_memory_flags: { args: ["handle"], returns: "i32" },
  // void* zigbolt_ipc_segment(void* channel)
  zigbolt_ipc_segment: { args: ["handle"], returns: "pointer" },
  // double zigbolt_clock_ns(void)
  zigbolt_clock_ns: { args: [], returns: "f64" },
  // int32_t zigbolt_release_mapping(void* address)
  zigbolt_release_mapping: { args: ["pointer"], returns: "i32" },
  // uint32_t zigbolt_retired_mapping_count(void)
  zigbolt_retired_mapping_count: { args: [], returns: "u32" },
} as const satisfies Record<string, SymbolDefinition>;

export const symbolDefinitions = {
  ...ipcSymbols,
  ...counterSymbols,
  ...ringSymbols,
  ...logBufferSymbols,
  ...broadcastSymbols,
  ...agentSymbols,
} as const satisfies Record<string, SymbolDefinition>;

/** An address or handle from native code: Deno's PointerValue or Bun's number, opaque here. */
export type NativePointer = { readonly __nativePointer: unique symbol } | null;

type JsType<T extends NativeType> = T extends "u8" | "u32" | "i32" | "f64" ? number
  : T extends "handle" | "pointer" ? NativePointer
  : T extends "buffer" ? Uint8Array
  : void;

type JsArgs<A extends readonly NativeType[]> = { -readonly [K in keyof A]: JsType<A[K]> };

export type NativeSymbols = {
  readonly [K in keyof typeof symbolDefinitions]: (
    ...args: JsArgs<(typeof symbolDefinitions)[K]["args"]>
  ) => JsType<(typeof symbolDefinitions)[K]["returns"]>;
};
