/**
 * The TypeScript side of the ring tests and benchmarks, under Bun or Deno: the same modes
 * and output as native/tools/ring_peer.zig (see its comment for the usage).
 * @module
 */
import {
  type Claim,
  type Fragment,
  IdleStrategy,
  monotonicNs,
  MpscRingBuffer,
  SpscRingBuffer,
} from "../../mod.ts";
import { hangAfterClaim } from "../../lib/mpsc_ring.ts";
import { detectRuntime } from "../../lib/_runtime.ts";
import { checkFragment, StreamWriter } from "./_ring_stream.ts";
import { HeapSamples } from "./_heap.ts";

const typeData = 0;
const typeEnd = 1;
const runtime = detectRuntime();
const args = runtime === "deno" ? Deno.args : process.argv.slice(2);
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

type Ring = SpscRingBuffer | MpscRingBuffer;

function positional(index: number): string {
  const list: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--")) i++;
    else list.push(args[i]);
  }
  if (list[index] === undefined) fail(`missing argument ${index}`);
  return list[index];
}

function flag(name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

function number(name: string, fallback: number): number {
  const text = flag(name);
  return text === undefined ? fallback : Number(text);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function result(value: unknown): void {
  console.log(JSON.stringify(value));
}

/** Sleeps ~50 us without the event loop (Atomics.wait on a private cell). */
function pause(): void {
  Atomics.wait(sleepCell, 0, 0, 0.05);
}

async function openWaiting<T>(open: () => T): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return open();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== "NoSuchChannel" && code !== "InvalidChannel") || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

const openSpsc = (name: string) => openWaiting(() => SpscRingBuffer.open({ name }));
const openMpsc = (name: string) => openWaiting(() => MpscRingBuffer.open({ name }));

function writeSpinning(ring: Ring, data: Uint8Array, msgTypeId: number): number {
  let spins = 0;
  while (!ring.write(data, msgTypeId)) if (++spins % 64 === 0) pause();
  return spins;
}

/** Claims `length` bytes, spinning while the ring is full; counts the spins in `spins[0]`. */
function claimSpinning(ring: Ring, length: number, msgTypeId: number, spins: Float64Array): Claim {
  for (;;) {
    const claim = ring.claim(length, msgTypeId);
    if (claim !== null) return claim;
    if (++spins[0] % 64 === 0) pause();
  }
}

/**
 * How a producer sends (flags as in ring_peer.zig): `write`, or with --claim through claims
 * filled in place, every --abort-every'th message preceded by a claim filled with garbage
 * and aborted. `send` returns how often the ring was found full.
 */
function sender(): (ring: Ring, data: Uint8Array, msgTypeId: number, seq: number) => number {
  if (flag("claim") === undefined) return (ring, data, msgTypeId) => writeSpinning(ring, data, msgTypeId);
  const abortEvery = number("abort-every", 0);
  const spins = new Float64Array(1);
  return (ring, data, msgTypeId, seq) => {
    spins[0] = 0;
    if (abortEvery !== 0 && seq % abortEvery === abortEvery - 1) {
      const doomed = claimSpinning(ring, data.length, msgTypeId, spins);
      doomed.bytes.fill(0xee, doomed.offset, doomed.offset + doomed.length);
      doomed.abort();
    }
    const claim = claimSpinning(ring, data.length, msgTypeId, spins);
    claim.bytes.set(data, claim.offset);
    claim.commit();
    return spins[0];
  };
}

async function spscProduce(): Promise<void> {
  using ring = await openSpsc(positional(1));
  const count = Number(positional(2));
  const writer = new StreamWriter(0);
  const send = sender();
  let spins = 0;
  for (let seq = 0; seq < count; seq++) spins += send(ring, writer.message(seq), typeData, seq);
  result({ written: count, fullSpins: spins });
}

async function spscConsume(): Promise<void> {
  using ring = await openSpsc(positional(1));
  const count = Number(positional(2));
  let next = 0;
  let bytes = 0;
  const onFragment = (fragment: Fragment) => {
    const key = checkFragment(fragment);
    if (key !== next || fragment.msgTypeId !== typeData) fail(`expected seq ${next}, got key ${key}`);
    next++;
    bytes += fragment.length;
  };
  let idle = 0;
  while (next < count) if (ring.readFragments(onFragment, 1024) === 0 && ++idle % 256 === 0) pause();
  result({ received: next, bytes });
}

async function mpscProduce(): Promise<void> {
  using ring = await openMpsc(positional(1));
  const count = Number(positional(2));
  const id = number("id", 0);
  const hang = flag("hang-after");
  if (hang !== undefined) ring[hangAfterClaim](Number(hang));
  const writer = new StreamWriter(id);
  const send = sender();
  let spins = 0;
  for (let seq = 0; seq < count; seq++) spins += send(ring, writer.message(seq), id, seq);
  result({ id, written: count, fullSpins: spins });
}

async function mpscConsume(): Promise<void> {
  using ring = await openMpsc(positional(1));
  const expected = new Map<number, number>();
  for (const part of (flag("expect") ?? fail("need --expect")).split(",")) {
    const [id, count] = part.split(":").map(Number);
    expected.set(id, count);
  }
  const lostExpected = number("expect-lost", 0);
  const next = new Float64Array(64);
  let received = 0;
  const onFragment = (fragment: Fragment) => {
    const key = checkFragment(fragment);
    if (key < 0) fail(`bad message (received ${received})`);
    const id = Math.floor(key / 2 ** 32);
    const seq = key % 2 ** 32;
    if (id >= 64 || fragment.msgTypeId !== id) fail(`bad id ${id} type ${fragment.msgTypeId}`);
    if (seq !== next[id]) fail(`producer ${id}: expected seq ${next[id]}, got ${seq}`);
    next[id]++;
    received++;
  };
  const done = () => {
    for (const [id, count] of expected) if (next[id] !== count) return false;
    return ring.lostRecords >= lostExpected;
  };
  ring.readFragments(onFragment, 0);
  console.log("consuming");
  let idle = 0;
  let lostSeen = 0;
  let lastProgress = Date.now();
  while (!done()) {
    if (ring.lostRecords !== lostSeen) console.log(`lost ${lostSeen = ring.lostRecords}`);
    if (ring.readFragments(onFragment, 1024) === 0) {
      if (++idle % 256 === 0) pause();
      if (idle % 4096 === 0 && Date.now() - lastProgress > 20_000) {
        fail(`stalled: ${JSON.stringify({ received, next: [...next.slice(0, 8)], lost: ring.lostRecords })}`);
      }
    } else {
      lastProgress = Date.now();
    }
    for (const [id, count] of expected) if (next[id] > count) fail(`producer ${id}: too many`);
  }
  const perProducer: Record<string, number> = {};
  for (const id of expected.keys()) perProducer[id] = next[id];
  result({ received, lostRecords: ring.lostRecords, lostBytes: ring.lostBytes, perProducer });
}

// ---- benchmarks ---------------------------------------------------------------------------

async function openKind(kind: string, name: string): Promise<Ring> {
  return kind === "spsc" ? await openSpsc(name) : await openMpsc(name);
}

async function benchProduce(): Promise<void> {
  using ring = await openKind(positional(1), positional(2));
  const size = Math.max(number("size", 32), 8);
  const seconds = number("millis", 1000) / 1000;
  const message = new Uint8Array(size).fill(0xa5);
  const view = new DataView(message.buffer);
  const startAt = number("start-at", 0);
  const yielding = IdleStrategy.yielding();
  while (Date.now() < startAt) pause();
  const heap = new HeapSamples();
  const t0 = monotonicNs();
  const deadline = t0 + seconds * 1e9;
  let messages = 0;
  let full = 0;
  for (;;) {
    view.setUint32(0, messages, true);
    // Full: spin, and now and then yield the CPU (to a producer that may be mid-claim), as
    // the Zig peer does. Sleeping instead would idle the producers while the consumer
    // drains the ring, and measure the sleep.
    while (!ring.write(message, typeData)) if ((++full & 63) === 0) yielding.idle(0);
    messages++;
    if ((messages & 1023) === 0) {
      heap.sample(messages);
      if (monotonicNs() >= deadline) break;
    }
  }
  const t1 = monotonicNs();
  const heapBytesPerMessage = heap.perMessage();
  view.setFloat64(0, messages, true);
  writeSpinning(ring, message, typeEnd);
  result({
    mode: "produce",
    runtime,
    messages,
    seconds: (t1 - t0) / 1e9,
    fullSpins: full,
    ...(heapBytesPerMessage !== undefined ? { heapBytesPerMessage } : {}),
  });
}

async function benchConsume(): Promise<void> {
  const kind = positional(1);
  using ring = await openKind(kind, positional(2));
  const producers = number("producers", 1);
  let messages = 0;
  let announced = 0;
  let ends = 0;
  // First and last message times: in a Float64Array, as a double in a variable would be
  // boxed (16 bytes allocated per batch in Deno, where the closure captures it).
  const times = new Float64Array(2);
  const onFragment = (fragment: Fragment) => {
    if (fragment.msgTypeId === typeEnd) {
      ends++;
      announced += fragment.view.getFloat64(fragment.offset, true);
      return;
    }
    if (messages === 0) times[0] = monotonicNs();
    messages++;
  };
  ring.readFragments(onFragment, 0);
  const heap = new HeapSamples();
  while (ends < producers) {
    const before = messages;
    ring.readFragments(onFragment, 4096);
    if (messages !== before) {
      times[1] = monotonicNs();
      heap.sample(messages);
    }
  }
  const heapBytesPerMessage = heap.perMessage();
  if (announced !== messages) fail(`received ${messages} of ${announced} messages`);
  const seconds = (times[1] - times[0]) / 1e9;
  result({
    mode: "consume",
    runtime,
    messages,
    seconds,
    messagesPerSecond: Math.round(messages / seconds),
    ...(heapBytesPerMessage !== undefined ? { heapBytesPerMessage } : {}),
  });
}

async function pong(): Promise<void> {
  using pingRing = await openSpsc(positional(1));
  using pongRing = await openSpsc(positional(2));
  let stop = false;
  // Echoes from one preallocated buffer per length: no allocation per message.
  const replies = Array.from({ length: 257 }, (_, n) => new Uint8Array(n));
  const replyWords = replies.map((reply) => new Int32Array(reply.buffer, 0, reply.length >> 2));
  let ringWords: Int32Array | undefined;
  const onFragment = (fragment: Fragment) => {
    if (fragment.msgTypeId === typeEnd) {
      stop = true;
      return;
    }
    const { bytes, offset, length } = fragment;
    const reply = replies[length];
    ringWords ??= new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
    // Four bytes at a time (payloads start 8-aligned in the ring): a byte loop costs Deno
    // ~14 ns for 32 bytes against ~5, and 40-70 ns of round trip measured.
    let copied = 0;
    if ((offset & 3) === 0) {
      const words = replyWords[length];
      const first = offset >> 2;
      for (let i = 0; i < words.length; i++) words[i] = ringWords[first + i];
      copied = words.length << 2;
    }
    for (let i = copied; i < length; i++) reply[i] = bytes[offset + i];
    while (!pongRing.write(reply, fragment.msgTypeId));
  };
  pingRing.readFragments(onFragment, 0);
  while (!stop) pingRing.readFragments(onFragment, 64);
  result({ mode: "pong", runtime });
}

async function ping(): Promise<void> {
  using pingRing = await openSpsc(positional(1));
  using pongRing = await openSpsc(positional(2));
  const size = number("size", 32);
  const warmup = number("warmup", 10_000);
  const count = number("count", 100_000);
  const message = new Uint8Array(size).fill(0x5a);
  // Warm-up samples are stored too (and dropped): the timed loop then runs the code the JIT
  // optimized during warm-up, without a deoptimization at its first timed message.
  const samples = new Float64Array(warmup + count).fill(0);
  pongRing.readFragments(() => {}, 0);
  const heap = new HeapSamples();
  roundTrips(pingRing, pongRing, message, samples, heap);
  const heapBytesPerMessage = heap.perMessage();
  writeSpinning(pingRing, message, typeEnd);
  const timed = samples.subarray(warmup).sort();
  const p50 = timed[Math.floor((count - 1) / 2)];
  const p99 = timed[Math.max(Math.ceil(count * 0.99), 1) - 1];
  result({
    mode: "ping",
    runtime,
    rttNs: { p50, p99 },
    ...(heapBytesPerMessage !== undefined ? { heapBytesPerMessage } : {}),
  });
}

/**
 * The pinger's timed loop, in a function of its own: the JIT compiles the loop alone, not
 * the async caller's once-only set-up and report code around it.
 */
function roundTrips(
  pingRing: SpscRingBuffer,
  pongRing: SpscRingBuffer,
  message: Uint8Array,
  samples: Float64Array,
  heap: HeapSamples,
): void {
  const reply = new ReplyWait();
  for (let i = 0; i < samples.length; i++) {
    heap.sample(i);
    const t0 = monotonicNs();
    while (!pingRing.write(message, typeData));
    reply.wait(pongRing);
    samples[i] = monotonicNs() - t0;
  }
}

/**
 * Polls for the pong. A method, not a loop inside the timed one: Deno compiled that inner
 * loop on its own (on-stack replacement) and left it at every round trip, back into code
 * that boxes the clock readings: in some runs, 32 bytes allocated per round trip.
 */
class ReplyWait {
  #got = false;
  readonly #onFragment = (fragment: Fragment) => {
    if (fragment.msgTypeId === typeData) this.#got = true;
  };

  wait(ring: SpscRingBuffer): void {
    this.#got = false;
    while (!this.#got) ring.readFragments(this.#onFragment, 1);
  }
}

const modes: Record<string, () => Promise<void>> = {
  "spsc-produce": spscProduce,
  "spsc-consume": spscConsume,
  "mpsc-produce": mpscProduce,
  "mpsc-consume": mpscConsume,
  "bench-produce": benchProduce,
  "bench-consume": benchConsume,
  ping,
  pong,
};

const run = modes[positional(0)] ?? (() => fail(`unknown mode ${positional(0)}`));
await run();
