/**
 * Copies message payloads into a mapped ring's data, as the SPSC and MPSC rings' `write`
 * does once per message.
 * @module
 */

/**
 * Copies a payload into the data at `start` (8-aligned). Small payloads go word by word
 * through an Int32Array view of the caller's buffer, kept while the caller reuses it:
 * `Uint8Array.set` costs ~15 ns a call, a loop of 32-bit stores ~1 ns per word. One
 * instance per ring handle, one small monomorphic method, so the engines inline it.
 */
export class PayloadCopier {
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  /** The last payload buffer written and a word view of it. */
  #source: Uint8Array = new Uint8Array(0);
  #sourceWords: Int32Array = new Int32Array(0);

  /** `bytes` and `words` view the same data region. */
  constructor(bytes: Uint8Array, words: Int32Array) {
    this.#bytes = bytes;
    this.#words = words;
  }

  /** Copies `data[0, length)` to the data at byte `start` (a multiple of 8). */
  copy(data: Uint8Array, length: number, start: number): void {
    if (length > 256 || (data.byteOffset & 3) !== 0) {
      this.#bytes.set(data, start);
      return;
    }
    let source = this.#sourceWords;
    if (data !== this.#source || source.length !== length >> 2) {
      source = new Int32Array(data.buffer, data.byteOffset, length >> 2);
      this.#source = data;
      this.#sourceWords = source;
    }
    const words = this.#words;
    const base = start >> 2;
    const count = length >> 2;
    for (let i = 0; i < count; i++) words[base + i] = source[i];
    const bytes = this.#bytes;
    for (let i = count << 2; i < length; i++) bytes[start + i] = data[i];
  }
}
