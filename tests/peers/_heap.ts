/**
 * The heap counter the benchmark peers measure allocation per message with.
 * @module
 */
import process from "node:process";
import v8 from "node:v8";
import { detectRuntime } from "../../lib/_runtime.ts";

const deno = detectRuntime() === "deno";

/**
 * Deno: bytes V8 has allocated since it started, a counter no collection lowers (heapUsed
 * drops at every collection, so a run with one reads negative). Bun: heapUsed, since
 * JavaScriptCore exposes no allocation counter; it moves only at a collection, so a run
 * without one reads 0 whatever it allocated below the collection threshold.
 */
export function heapBytes(): number {
  return deno ? v8.getHeapStatistics().total_allocated_bytes : process.memoryUsage().heapUsed;
}
