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

/**
 * Heap counter samples a benchmark loop takes as it goes, to report allocation per message
 * over the second half of its run, after the JIT has settled. Reading the counter allocates
 * (Deno's getHeapStatistics ~100 KB a call), so each sample is two readings back to back,
 * whose difference is what one reading allocates, and that is subtracted for every reading
 * inside the window. Samples are taken when the message count passes a power of two, so
 * there are few of them (log2 of the count).
 *
 * The loop calls `sample` from its first message on, so the branch that takes a sample is
 * one the JIT has seen taken. A branch that runs once, such as "note the heap at message N",
 * is a path the JIT never saw: taking it deoptimizes the loop, and the recompile allocates
 * hundreds of KB inside the window. Library paths first taken late in a run (the ring's
 * first wrap, the first full ring) do the same; starting the window halfway leaves most of
 * them out.
 */
export class HeapSamples {
  /** Sample i, taken when the message count passed 2^i: two readings and the count. */
  readonly #first = new Float64Array(54);
  readonly #second = new Float64Array(54);
  readonly #messages = new Float64Array(54);
  #count = 0;
  #next = 1;

  /** Takes a sample if `messages` passed the next power of two. */
  sample(messages: number): void {
    if (messages >= this.#next) this.#take(messages);
  }

  /**
   * Heap growth per message from the last sample at or before half of `messages` to now,
   * the run's end; undefined if the run had no such sample.
   */
  perMessageToEnd(messages: number): number | undefined {
    const end = heapBytes();
    const readingCost = heapBytes() - end;
    let start = -1;
    for (let i = 0; i < this.#count; i++) if (this.#messages[i] <= messages / 2) start = i;
    if (start < 0 || this.#messages[start] === messages) return undefined;
    let costs = readingCost;
    for (let i = 0; i < this.#count; i++) costs += this.#second[i] - this.#first[i];
    // Bun's heapUsed is no allocation counter: a reading "costs" nothing it would show.
    const meanCost = deno ? costs / (this.#count + 1) : 0;
    // From the start's second reading to `end`: the tail of that reading, both readings of
    // each later sample, and the head of `end`'s: one reading's cost, and two per sample.
    const readings = 1 + 2 * (this.#count - 1 - start);
    return (end - this.#second[start] - readings * meanCost) / (messages - this.#messages[start]);
  }

  #take(messages: number): void {
    if (this.#count === this.#messages.length) return;
    this.#first[this.#count] = heapBytes();
    this.#second[this.#count] = heapBytes();
    this.#messages[this.#count] = messages;
    this.#count++;
    while (this.#next <= messages) this.#next *= 2;
  }
}
