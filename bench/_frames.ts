/**
 * Fixed-size framing over a byte stream: a socket's reads can split one message across
 * chunks or join several in one, so bytes are gathered until a whole frame is there.
 * @module
 */

export class FrameAssembler {
  readonly #frame: Uint8Array;
  readonly #onFrame: (frame: Uint8Array) => void;
  #filled = 0;

  /** `onFrame` gets a reused buffer, valid only during the call. */
  constructor(frameLength: number, onFrame: (frame: Uint8Array) => void) {
    this.#frame = new Uint8Array(frameLength);
    this.#onFrame = onFrame;
  }

  push(chunk: Uint8Array): void {
    const frame = this.#frame;
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(frame.length - this.#filled, chunk.length - at);
      frame.set(chunk.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === frame.length) {
        this.#filled = 0;
        this.#onFrame(frame);
      }
    }
  }
}
