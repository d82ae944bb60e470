/**
 * The broadcast buffer's three u64 counters (tail intent, tail, latest), read and written as
 * 32-bit halves with Atomics: BigInt loads and stores cost 2-4x more and allocate.
 *
 * Only the transmitter writes them, and each only grows. While its high half stays the same,
 * a 32-bit store of the low half is an atomic update of the whole u64; crossing a 4 GiB
 * boundary uses one 64-bit store. A reader loads high, low, high again: when both highs
 * agree, the pair is a value the counter held (it only grows), else it reads again.
 * @module
 */

const twoTo32 = 2 ** 32;

/** Loads the u64 counter whose low half is `words[lowWord]`, as a number. */
export function loadCounter(words: Int32Array, lowWord: number): number {
  for (;;) {
    const high = Atomics.load(words, lowWord + 1) >>> 0;
    const low = Atomics.load(words, lowWord) >>> 0;
    if ((Atomics.load(words, lowWord + 1) >>> 0) === high) return high * twoTo32 + low;
  }
}

/** The transmitter's side: stores that know the high half it last wrote. */
export class CounterWriter {
  readonly #words: Int32Array;
  readonly #longs: BigInt64Array;
  readonly #lowWord: number;
  #high: number;

  constructor(words: Int32Array, longs: BigInt64Array, lowWord: number) {
    this.#words = words;
    this.#longs = longs;
    this.#lowWord = lowWord;
    this.#high = Atomics.load(words, lowWord + 1) >>> 0;
  }

  /**
   * A plain store of the low half (no fence): for the tail intent and latest, whose order
   * with the record's stores x86-64 keeps (stores are not reordered with stores, and
   * neither V8 nor JSC reorders typed-array stores with one another or across a call).
   * A changing high half still goes through one atomic 64-bit store.
   */
  storePlain(value: number): void {
    const high = Math.floor(value / twoTo32);
    if (high === this.#high) {
      this.#words[this.#lowWord] = value | 0;
      return;
    }
    this.#high = high;
    Atomics.store(this.#longs, this.#lowWord >> 1, BigInt(value));
  }

  /** A seq-cst store: everything written before it is visible to whoever loads this value. */
  store(value: number): void {
    const high = Math.floor(value / twoTo32);
    if (high === this.#high) {
      Atomics.store(this.#words, this.#lowWord, value | 0);
      return;
    }
    this.#high = high;
    Atomics.store(this.#longs, this.#lowWord >> 1, BigInt(value));
  }
}
