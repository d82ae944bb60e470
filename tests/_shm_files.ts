/**
 * Test helpers over named structures' /dev/shm files and the JS heap: corrupt a shared word
 * as a stranger process would (or read one), and measure heap growth per message of a hot loop.
 * @module
 */
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import process from "node:process";

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
 * Bytes the heap grew per message over 5000 calls of `round` (after 2000 to warm up the
 * JIT), where each round handles `messagesPerRound` messages.
 */
export function heapGrowthPerMessage(round: () => void, messagesPerRound: number): number {
  for (let i = 0; i < 2000; i++) round();
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 5000; i++) round();
  return (process.memoryUsage().heapUsed - before) / (5000 * messagesPerRound);
}
