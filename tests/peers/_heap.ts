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
 * in its steady state: between the last two samples, taken when the message count passed
 * the last two powers of two (so from a quarter to half of the run at the least, from half
 * to all of it at the most). The window ends before the run's end: the end-of-stream code
 * is a path the JIT first takes there. Reading the counter allocates (Deno's
 * getHeapStatistics ~100-300 KB a call, as its counter moves), so each sample is two
 * readings back to back, and what one reading allocates is subtracted.
 *
 * The loop calls `sample` from its first message on, so the branch that takes a sample is
 * one the JIT has seen taken. A branch that runs once, such as "note the heap at message N",
 * is a path the JIT never saw: taking it deoptimizes the loop, and the recompile allocates
 * hundreds of KB inside the window. Library paths first taken late in a run (the ring's
 * first wrap, the first full ring) do the same; a window that starts a quarter or more into
 * the run leaves most of them out.
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

  /** Heap growth per message between the last two samples; undefined before two. */
  perMessage(): number | undefined {
    const last = this.#count - 1;
    if (last < 1) return undefined;
    let costs = 0;
    for (let i = 0; i <= last; i++) costs += this.#second[i] - this.#first[i];
    // Bun's heapUsed is no allocation counter: a reading "costs" nothing it would show.
    const readingCost = deno ? costs / (last + 1) : 0;
    // From the earlier sample's second reading to the later one's first: the tail of one
    // reading and the head of another, one reading's cost in all.
    const growth = this.#first[last] - this.#second[last - 1] - readingCost;
    return growth / (this.#messages[last] - this.#messages[last - 1]);
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
