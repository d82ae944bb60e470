/**
 * The broadcast buffer's three u64 counters (tail intent, tail, latest), read as
 * 32-bit halves with Atomics: a BigInt load costs 2-4x more and allocates.
 *
 * Only the transmitter (libzigbolt) writes them, and each only grows. A reader loads high,
 * low, high again: when both highs agree, the pair is a value the counter held (it only
 * grows), else it reads again.
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
