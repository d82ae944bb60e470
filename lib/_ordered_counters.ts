/**
 * Single-writer counters of the process's counters file, updated from a hot path with plain
 * 32-bit stores into the mapped file (docs/counters.md: the "...Ordered" forms). Lighter than
 * `Counter.addOrdered` for a counter bumped once per message: one store while the value
 * stays below 2^32, both halves when the high half changes.
 * @module
 */
import * as layout from "./_counters_layout.ts";
import { native } from "./_native.ts";

const twoTo32 = 2 ** 32;

let mapped: { words: Int32Array; valuesWord: number } | undefined;

/** The process's default counters file as words, and where its value records start. */
function file(): { words: Int32Array; valuesWord: number } {
  if (mapped !== undefined) return mapped;
  const adapter = native();
  const handle = adapter.symbols.zigbolt_counters_default();
  const max = adapter.symbols.zigbolt_counters_max(handle);
  const segment = adapter.symbols.zigbolt_counters_segment(handle);
  const words = new Int32Array(adapter.view(segment, 0, layout.fileLength(max)));
  return mapped = { words, valuesWord: layout.valuesOffset(max) >> 2 };
}

/** Counter `id` of the process's default counters file, written by us alone. */
export class OrderedCounter {
  readonly #words: Int32Array;
  readonly #low: number;
  #value: number;

  constructor(id: number) {
    const { words, valuesWord } = file();
    this.#words = words;
    this.#low = valuesWord + id * (layout.valueRecordLength >> 2);
    this.#value = (this.#words[this.#low + 1] >>> 0) * twoTo32 + (this.#words[this.#low] >>> 0);
  }

  get value(): number {
    return this.#value;
  }

  add(delta: number): void {
    this.set(this.#value + delta);
  }

  /** A value in [0, 2^53). */
  set(value: number): void {
    const previous = this.#value;
    this.#value = value;
    if (value < twoTo32 && previous < twoTo32) {
      this.#words[this.#low] = value | 0;
      return;
    }
    const high = Math.floor(value / twoTo32);
    this.#words[this.#low] = (value - high * twoTo32) | 0;
    this.#words[this.#low + 1] = high;
  }
}
