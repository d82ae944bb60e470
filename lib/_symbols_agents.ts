/**
 * Native symbols of idle strategies and agents, in the format of _symbols.ts (which merges every part).
 *
 * zigbolt_agent_runner_start is deliberately absent: it calls back into its do_work from a
 * native thread, and a JavaScript function must not be called from a thread that is not
 * its isolate's (docs/agents.md). TypeScript agents run under lib/agent_runner.ts instead.
 * @module
 */
import type { SymbolDefinition } from "./_symbol_types.ts";

export const agentSymbols = {
  // void* zigbolt_idle_strategy_create(int32_t kind, int32_t max_spins, int32_t max_yields,
  //                                    double min_park_ns, double max_park_ns)
  zigbolt_idle_strategy_create: { args: ["i32", "i32", "i32", "f64", "f64"], returns: "handle" },
  // int32_t zigbolt_idle_strategy_idle(void* idle, int32_t work_count)
  zigbolt_idle_strategy_idle: { args: ["handle", "i32"], returns: "i32" },
  // int32_t zigbolt_idle_strategy_reset(void* idle)
  zigbolt_idle_strategy_reset: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_idle_strategy_state(void* idle)
  zigbolt_idle_strategy_state: { args: ["handle"], returns: "i32" },
  // double zigbolt_idle_strategy_park_ns(void* idle)
  zigbolt_idle_strategy_park_ns: { args: ["handle"], returns: "f64" },
  // int32_t zigbolt_idle_strategy_close(void* idle)
  zigbolt_idle_strategy_close: { args: ["handle"], returns: "i32" },
  // int32_t zigbolt_thread_yield(void)
  zigbolt_thread_yield: { args: [], returns: "i32" },
  // int32_t zigbolt_set_timer_slack(uint32_t slack_ns)
  zigbolt_set_timer_slack: { args: ["u32"], returns: "i32" },
  // double zigbolt_timer_slack_ns(void)
  zigbolt_timer_slack_ns: { args: [], returns: "f64" },
} as const satisfies Record<string, SymbolDefinition>;
