/**
 * Which JavaScript runtime we run in. The only place that asks; everything runtime-specific
 * lives in _deno_adapter.ts or _bun_adapter.ts.
 * @module
 */

export type RuntimeName = "deno" | "bun";

export function detectRuntime(): RuntimeName {
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  throw new Error("@zigbolt/ffi runs under Deno or Bun; this runtime is neither");
}
