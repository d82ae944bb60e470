/**
 * The Bun and Deno side of the log buffer and broadcast cross-process tests and benchmarks:
 * the same modes, flags, streams and output as native/tools/logbcast_peer.zig (see there).
 *   logbcast_peer.ts log-write --name N --count K [--pause-after K] [--slow 1]
 *   logbcast_peer.ts log-read --name N --count K [--slow 1]
 *   logbcast_peer.ts log-read-until-dead --name N
 *   logbcast_peer.ts bcast-transmit --name N --count K [--capacity C] [--interval-ns T]
 *   logbcast_peer.ts bcast-receive --name N [--slow 1]
 *   logbcast_peer.ts bench-log-write --name N --size B --seconds S
 *   logbcast_peer.ts bench-log-read --name N
 *   logbcast_peer.ts bench-bcast-transmit --name N --size B --seconds S --capacity C [--warmup-seconds S]
 *                                         [--wait-go 1]
 *   logbcast_peer.ts bench-bcast-receive --name N
 * Prints one JSON line with the result; a wrong message exits 1 with the reason on stderr.
 * @module
 */
import process from "node:process";
import {
  BroadcastReceiver,
  BroadcastTransmitter,
  type Fragment,
  IdleStrategy,
  LogBuffer,
  monotonicNs,
  NoSuchChannelError,
  PeerDeadError,
  Status,
} from "../../mod.ts";
import { detectRuntime } from "../../lib/_runtime.ts";
import { offsetOf, pattern, sizeOf } from "./_stream.ts";
import { HeapSamples } from "./_heap.ts";

const endType = 1_000_000;
const benchType = { warm: 4, data: 5, end: 6 } as const;
const openTimeoutMs = 20_000;

interface Options {
  mode: string;
  name: string;
  count: number;
  pauseAfter: number;
  slow: boolean;
  capacity: number;
  intervalNs: number;
  size: number;
  seconds: number;
  warmupSeconds: number;
  waitGo: boolean;
  yieldWhenIdle: boolean;
}

type KeysOf<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];

const numberFlags: Record<string, KeysOf<Options, number>> = {
  "--count": "count",
  "--pause-after": "pauseAfter",
  "--capacity": "capacity",
  "--interval-ns": "intervalNs",
  "--size": "size",
  "--seconds": "seconds",
  "--warmup-seconds": "warmupSeconds",
};
const booleanFlags: Record<string, KeysOf<Options, boolean>> = {
  "--slow": "slow",
  "--wait-go": "waitGo",
  "--yield-when-idle": "yieldWhenIdle",
};

function parse(args: string[]): Options {
  const options: Options = {
    mode: args[0],
    name: "",
    count: 0,
    pauseAfter: -1,
    slow: false,
    capacity: 1 << 20,
    intervalNs: 0,
    size: 64,
    seconds: 1,
    warmupSeconds: 1.5,
    waitGo: false,
    yieldWhenIdle: false,
  };
  for (let i = 1; i + 1 < args.length; i += 2) {
    const value = args[i + 1];
    const flag = args[i];
    if (flag === "--name") {
      options.name = value;
    } else if (flag in numberFlags) {
      options[numberFlags[flag]] = Number(value);
    } else if (flag in booleanFlags) {
      options[booleanFlags[flag]] = value !== "0";
    } else {
      throw new Error(`unknown flag ${flag}`);
    }
  }
  return options;
}

function print(value: unknown): void {
  console.log(typeof value === "string" ? value : JSON.stringify(value));
}

function fail(reason: string): never {
  console.error(`logbcast_peer.ts: ${reason}`);
  process.exit(1);
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The driver creates the structure before starting us; tolerate a short race anyway. */
function retryOpen<T>(open: () => T): T {
  const deadline = Date.now() + openTimeoutMs;
  for (;;) {
    try {
      return open();
    } catch (error) {
      if (!(error instanceof NoSuchChannelError) || Date.now() > deadline) throw error;
      sleepMs(1);
    }
  }
}

// ---- streams ----------------------------------------------------------------------

function logLength(seq: number): number {
  return 1 + (sizeOf(seq) - 1) % 4096;
}

function logPayload(seq: number): Uint8Array {
  const offset = offsetOf(seq);
  return pattern.subarray(offset, offset + logLength(seq));
}

function logMatches(seq: number, bytes: Uint8Array, start: number, length: number): boolean {
  if (length !== logLength(seq)) return false;
  const offset = offsetOf(seq);
  for (let i = 0; i < length; i++) if (bytes[start + i] !== pattern[offset + i]) return false;
  return true;
}

function bcastMessage(buffer: Uint8Array, seq: number): Uint8Array {
  const length = 8 + (Math.imul(seq, 2654435761) >>> 0) % 120;
  const view = new DataView(buffer.buffer);
  view.setUint32(0, seq, true);
  for (let i = 8; i < length; i++) buffer[i] = (seq + (i - 8) * 13) & 0xff;
  view.setUint32(4, fnv1a(buffer, 8, length), true);
  return buffer.subarray(0, length);
}

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0x811c9dc5;
  for (let i = start; i < end; i++) sum = Math.imul(sum ^ bytes[i], 0x01000193) >>> 0;
  return sum;
}

// ---- log buffer tests -------------------------------------------------------------

function logWrite(options: Options): void {
  using log = retryOpen(() => LogBuffer.open({ name: options.name }));
  let backPressure = 0;
  let seq = 0;
  while (seq < options.count) {
    const payload = logPayload(seq);
    if (seq === options.pauseAfter) {
      const claim = log.claim(payload.length, seq);
      if (claim === null) continue;
      claim.bytes.set(payload.subarray(0, payload.length >> 1), claim.offset);
      print(`claimed ${seq}`);
      for (;;) sleepMs(1000); // killed here
    }
    // Even messages are written in place through a claim, odd ones copied by append.
    if (seq % 2 === 0) {
      const claim = log.claim(payload.length, seq);
      if (claim !== null) {
        claim.bytes.set(payload, claim.offset);
        claim.commit();
        seq++;
        continue;
      }
    } else {
      const status = log.tryAppend(payload, seq);
      if (status === Status.Ok) {
        seq++;
        continue;
      }
      if (status !== Status.BackPressure) log.append(payload, seq); // throws the typed error
    }
    backPressure++;
  }
  print({ role: "writer", written: seq, backPressure });
}

function logRead(options: Options, untilDead: boolean): void {
  using log = retryOpen(() => LogBuffer.open({ name: options.name }));
  let next = 0;
  let bytes = 0;
  const onFragment = (f: Fragment) => {
    if (f.msgTypeId !== next) fail(`seq ${next}: a message arrived out of order, twice, or was lost`);
    if (!logMatches(next, f.bytes, f.offset, f.length)) {
      fail(`seq ${next}: a payload differs from what was written`);
    }
    next++;
    bytes += f.length;
  };
  let peerError = "none";
  while (untilDead || next < options.count) {
    try {
      log.pollFragments(onFragment, options.slow ? 4 : 256);
    } catch (error) {
      if (!(untilDead && error instanceof PeerDeadError)) throw error;
      peerError = error.code;
      break;
    }
    if (options.slow) sleepMs(0.05);
  }
  print({ role: "consumer", received: next, bytes, peerError, position: log.position });
}

// ---- broadcast tests --------------------------------------------------------------

async function bcastTransmit(options: Options): Promise<void> {
  using transmitter = BroadcastTransmitter.create({ name: options.name, capacity: options.capacity });
  print("created");
  const lines = stdinLines();
  await lines.next(); // the driver says go once every receiver is ready
  const buffer = new Uint8Array(128);
  let deadline = monotonicNs();
  let seq = 0;
  for (; seq < options.count; seq++) {
    if (options.intervalNs !== 0) {
      deadline += options.intervalNs;
      while (monotonicNs() < deadline);
    }
    transmitter.transmit(seq % 1000, bcastMessage(buffer, seq));
  }
  new DataView(buffer.buffer).setUint32(0, seq, true);
  transmitter.transmit(endType, buffer.subarray(0, 4));
  print({ role: "transmitter", transmitted: seq });
  // Stay until the driver closes stdin: our close would unlink the name under a slow opener.
  while (!(await lines.next()).done);
}

async function* stdinLines(): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of process.stdin) {
    pending += String(chunk);
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
  }
}

function bcastReceive(options: Options): void {
  using receiver = retryOpen(() => BroadcastReceiver.open({ name: options.name }));
  print("ready");
  let last = -1;
  let received = 0;
  let ended = false;
  let announced = 0;
  const onFragment = (f: Fragment) => {
    const view = f.view;
    if (f.msgTypeId === endType) {
      ended = true;
      announced = view.getUint32(f.offset, true);
      return;
    }
    // Slow: 1 ms of sleep every 8 messages, far behind any transmitter.
    if (options.slow && received % 8 === 7) sleepMs(1);
    if (f.length < 8) fail("a message shorter than its header");
    const seq = view.getUint32(f.offset, true);
    if (view.getUint32(f.offset + 4, true) !== fnv1a(f.bytes, f.offset + 8, f.offset + f.length)) {
      fail(`seq ${seq}: a torn message`);
    }
    if (f.length !== 8 + (Math.imul(seq, 2654435761) >>> 0) % 120) fail(`seq ${seq}: wrong length`);
    if (f.msgTypeId !== seq % 1000) fail(`seq ${seq}: wrong type id ${f.msgTypeId}`);
    if (seq <= last) fail(`seq ${seq} after ${last}: the sequence did not increase`);
    last = seq;
    received++;
  };
  while (!ended) receiver.receive(onFragment, options.slow ? 1 : 256);
  print({ role: "receiver", received, lapped: receiver.lappedCount, announced, lastSeq: Math.max(last, 0) });
}

// ---- benchmarks -------------------------------------------------------------------

/** Runs `burst` and returns its result and its duration. */
function measured<T>(burst: () => T): { result: T; seconds: number } {
  const t0 = monotonicNs();
  const result = burst();
  const t1 = monotonicNs();
  return { result, seconds: (t1 - t0) / 1e9 };
}

/** What a bench reader notes: the first data message's time, the end's time, heap samples. */
class ReadWindow {
  firstNs = 0;
  endNs = 0;
  done = false;
  readonly heap = new HeapSamples();

  first(): void {
    this.firstNs = monotonicNs();
  }

  end(): void {
    this.endNs = monotonicNs();
    this.done = true;
  }

  get seconds(): number {
    return (this.endNs - this.firstNs) / 1e9;
  }
}

function benchLogWrite(options: Options): void {
  using log = retryOpen(() => LogBuffer.open({ name: options.name }));
  const deadline = Date.now() + openTimeoutMs;
  while (log.peerState("consumer") !== "alive") {
    if (Date.now() > deadline) throw new Error("no consumer joined");
    sleepMs(0.1);
  }
  const size = Math.max(options.size, 8);
  logBurst(log, size, benchType.warm, 0.3, new HeapSamples());
  const heap = new HeapSamples();
  const { result, seconds } = measured(() => logBurst(log, size, benchType.data, options.seconds, heap));
  const { messages, backPressure } = result;
  for (;;) {
    const claim = log.claim(size, benchType.end);
    if (claim === null) continue;
    claim.view.setFloat64(claim.offset, messages, true);
    claim.commit();
    break;
  }
  print({
    mode: "bench-log-write",
    runtime: detectRuntime(),
    messages,
    seconds,
    backPressure,
    heapBytesPerMessage: heap.perMessage(),
  });
}

function logBurst(log: LogBuffer, size: number, msgTypeId: number, seconds: number, heap: HeapSamples) {
  const deadline = monotonicNs() + seconds * 1e9;
  let messages = 0;
  let backPressure = 0;
  for (;;) {
    const claim = log.claim(size, msgTypeId);
    if (claim === null) {
      backPressure++;
      continue;
    }
    claim.view.setUint32(claim.offset, messages, true);
    claim.commit();
    messages++;
    heap.sample(messages);
    if ((messages & 1023) === 0 && monotonicNs() >= deadline) return { messages, backPressure };
  }
}

function benchLogRead(options: Options): void {
  using log = retryOpen(() => LogBuffer.open({ name: options.name }));
  let messages = 0;
  let outOfOrder = 0;
  let announced = -1;
  const span = new ReadWindow();
  const onFragment = (f: Fragment) => {
    if (f.msgTypeId === benchType.data) {
      if (messages === 0) span.first();
      if (f.view.getUint32(f.offset, true) !== messages >>> 0) outOfOrder++;
      messages++;
      span.heap.sample(messages);
    } else if (f.msgTypeId === benchType.end) {
      span.end();
      announced = f.view.getFloat64(f.offset, true);
    }
  };
  while (!span.done) log.pollFragments(onFragment, 256);
  const heapBytesPerMessage = span.heap.perMessage();
  print({
    mode: "bench-log-read",
    runtime: detectRuntime(),
    ok: outOfOrder === 0 && announced === messages,
    messages,
    seconds: span.seconds,
    heapBytesPerMessage,
  });
}

async function benchTransmit(options: Options): Promise<void> {
  using transmitter = BroadcastTransmitter.create({ name: options.name, capacity: options.capacity });
  // The driver starts the receivers once we print "created" and says go once they are in.
  print("created");
  if (options.waitGo) await stdinLines().next();
  const message = new Uint8Array(Math.max(options.size, 8)).fill(0xa5);
  const view = new DataView(message.buffer);
  // Receivers join during the warm-up burst.
  transmitBurst(transmitter, message, view, benchType.warm, options.warmupSeconds, new HeapSamples());
  const heap = new HeapSamples();
  const { result: messages, seconds } = measured(() =>
    transmitBurst(transmitter, message, view, benchType.data, options.seconds, heap)
  );
  const heapBytesPerMessage = heap.perMessage();
  view.setFloat64(0, messages, true);
  transmitter.transmit(benchType.end, message);
  sleepMs(500); // lapped receivers find the end record as the latest
  print({
    mode: "bench-bcast-transmit",
    runtime: detectRuntime(),
    messages,
    seconds,
    heapBytesPerMessage,
  });
}

function transmitBurst(
  transmitter: BroadcastTransmitter,
  message: Uint8Array,
  view: DataView,
  msgTypeId: number,
  seconds: number,
  heap: HeapSamples,
): number {
  const deadline = monotonicNs() + seconds * 1e9;
  let messages = 0;
  for (;;) {
    view.setUint32(0, messages, true);
    transmitter.tryTransmit(msgTypeId, message);
    messages++;
    heap.sample(messages);
    if ((messages & 1023) === 0 && monotonicNs() >= deadline) return messages;
  }
}

function benchReceive(options: Options): void {
  using receiver = retryOpen(() => BroadcastReceiver.open({ name: options.name }));
  print("ready");
  let messages = 0;
  let backwards = 0;
  let last = -1;
  const span = new ReadWindow();
  const onFragment = (f: Fragment) => {
    if (f.msgTypeId === benchType.data) {
      if (messages === 0) span.first();
      const seq = f.view.getUint32(f.offset, true);
      if (seq <= last) backwards++;
      last = seq;
      messages++;
      span.heap.sample(messages);
    } else if (f.msgTypeId === benchType.end) {
      span.end();
    }
  };
  const idle = options.yieldWhenIdle ? IdleStrategy.yielding() : IdleStrategy.busySpin();
  while (!span.done) idle.idle(receiver.receive(onFragment, 256));
  const heapBytesPerMessage = span.heap.perMessage();
  print({
    mode: "bench-bcast-receive",
    runtime: detectRuntime(),
    ok: backwards === 0,
    messages,
    lapped: receiver.lappedCount,
    seconds: span.seconds,
    heapBytesPerMessage,
  });
}

const options = parse(process.argv.slice(2));
switch (options.mode) {
  case "log-write":
    logWrite(options);
    break;
  case "log-read":
    logRead(options, false);
    break;
  case "log-read-until-dead":
    logRead(options, true);
    break;
  case "bcast-transmit":
    await bcastTransmit(options);
    break;
  case "bcast-receive":
    bcastReceive(options);
    break;
  case "bench-log-write":
    benchLogWrite(options);
    break;
  case "bench-log-read":
    benchLogRead(options);
    break;
  case "bench-bcast-transmit":
    await benchTransmit(options);
    break;
  case "bench-bcast-receive":
    benchReceive(options);
    break;
  default:
    throw new Error(`unknown mode ${options.mode}`);
}
process.exit(0);
