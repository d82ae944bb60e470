/**
 * Opens, reads and closes `--rings N` SPSC rings, keeping the payload view of the first half
 * past close and dropping the rest, then collects garbage until libzigbolt has released
 * mappings (or `--rounds` collections have passed). Prints one JSON line: the retired
 * mappings before and after collecting, and whether every kept view still reads zeros.
 * Run as its own process: a view whose mapping was released too early would crash it.
 * Deno needs `--v8-flags=--expose-gc`.
 */
import { SpscRingBuffer } from "../../mod.ts";
import { native } from "../../lib/_native.ts";
import { detectRuntime } from "../../lib/_runtime.ts";

function number(flag: string, fallback: number): number {
  const at = process.argv.indexOf(`--${flag}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const rings = number("rings", 200);
const rounds = number("rounds", 50);
const retired = () => native().symbols.zigbolt_retired_mapping_count() as number;
const collect: () => void = detectRuntime() === "bun"
  ? () => (globalThis as unknown as { Bun: { gc(full: boolean): void } }).Bun.gc(true)
  : (globalThis as unknown as { gc: () => void }).gc;
const baseline = retired();

const kept: Uint8Array[] = [];
for (let i = 0; i < rings; i++) {
  const ring = SpscRingBuffer.create({ name: `/zb-kept-${process.pid}-${i}`, capacity: 1024 });
  ring.write(new Uint8Array([1, 2, 3, 4]), 1);
  ring.read((data) => {
    if (i < rings / 2) kept.push(data);
  });
  ring.close();
}
const closed = retired() - baseline;

let after = closed;
for (let round = 0; round < rounds && after > rings / 2; round++) {
  collect();
  // Finalizers run from the event loop.
  await new Promise((resolve) => setTimeout(resolve, 0));
  after = retired() - baseline;
}
// Every kept view still maps zero pages: reading and writing it must not fault.
let keptZeros = true;
for (const view of kept) {
  keptZeros &&= view.length === 4 && view.every((byte) => byte === 0);
  view[0] = 9;
}
console.log(JSON.stringify({ closed, after, kept: kept.length, keptZeros }));
