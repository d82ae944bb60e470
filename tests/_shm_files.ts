/**
 * Test helpers over named structures' /dev/shm files and the JS heap: corrupt a shared word
 * as a stranger process would (or read one), and measure allocation per message of a hot loop.
 * @module
 */
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import { heapBytes } from "./peers/_heap.ts";

/** The /dev/shm file of structure `name`, open for reading and writing single 32-bit words. */
export class ShmWords implements Disposable {
  readonly #fd: number;

  constructor(name: string) {
    this.#fd = fs.openSync(`/dev/shm${name}`, "r+");
  }

  /** Writes `value` (int32 or uint32) as a little-endian word at byte `offset` of the file. */
  write(offset: number, value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(value | 0);
    fs.writeSync(this.#fd, bytes, 0, 4, offset);
  }

  /** The little-endian uint32 at byte `offset` of the file. */
  read(offset: number): number {
    const bytes = Buffer.alloc(4);
    fs.readSync(this.#fd, bytes, 0, 4, offset);
    return bytes.readUint32LE(0);
  }

  [Symbol.dispose](): void {
    fs.closeSync(this.#fd);
  }
}

/**
 * Bytes allocated per message over 5000 calls of `round` (after 2000 to warm up the JIT),
 * where each round handles `messagesPerRound` messages. Deno: V8's allocation counter,
 * which no collection lowers (its two readings add ~0.2 B/msg at most over 1 M messages).
 * Bun: heapUsed, which only moves at a collection (so only a large rate shows).
 */
export function heapGrowthPerMessage(round: () => void, messagesPerRound: number): number {
  for (let i = 0; i < 2000; i++) round();
  const before = heapBytes();
  for (let i = 0; i < 5000; i++) round();
  return (heapBytes() - before) / (5000 * messagesPerRound);
}
