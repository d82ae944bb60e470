/**
 * Test helpers over named structures' /dev/shm files and the JS heap: corrupt a shared word
 * as a stranger process would, and measure heap growth per message of a hot loop.
 * @module
 */
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import process from "node:process";

/** The /dev/shm file of structure `name`, open for writing single int32 words. */
export class ShmWordWriter implements Disposable {
  readonly #fd: number;

  constructor(name: string) {
    this.#fd = fs.openSync(`/dev/shm${name}`, "r+");
  }

  /** Writes `value` as a little-endian int32 at byte `offset` of the file. */
  write(offset: number, value: number): void {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32LE(value);
    fs.writeSync(this.#fd, bytes, 0, 4, offset);
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
