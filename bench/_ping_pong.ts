/**
 * The two ends of the round-trip benchmark in TypeScript. The pinger times each round trip
 * on its own (t1 - t0 around publish + spin-until-echo) into a preallocated Float64Array;
 * the ponger echoes every ping whole. Neither allocates per message: pollFragments hands a
 * reused Fragment, replies go out of a preallocated buffer.
 * @module
 */
import { type Fragment, type IpcChannel, monotonicNs } from "../mod.ts";
import { detectRuntime } from "../lib/_runtime.ts";
import { clockReadCost, emptyPollCost } from "./_calibration.ts";
import { CpuMeter } from "./_cpu_meter.ts";
import { openChannel, publishSpinning, spinGuard } from "./_peer_channels.ts";
import { msgType } from "./_protocol.ts";
import { type LatencySummary, summarize } from "./_stats.ts";

export interface PingOptions {
  pingChannel: string;
  pongChannel: string;
  size: number;
  warmup: number;
  count: number;
  /** Measure the clock and empty-poll costs first (default true). */
  calibrate?: boolean;
}

export interface PingResult {
  mode: "ping";
  runtime: string;
  size: number;
  warmup: number;
  count: number;
  /** Nanoseconds per monotonicNs() call: every sample contains about one. */
  clockNs: number;
  /** Nanoseconds per pollFragments() that finds nothing: one spin of the wait. */
  emptyPollNs: number;
  /** CPU time / wall time during the timed round trips (bench/_cpu_meter.ts). */
  cpuShare: number;
  rttNs: LatencySummary;
}

export async function ping(options: PingOptions): Promise<PingResult> {
  const ping = await openChannel(options.pingChannel);
  const pong = await openChannel(options.pongChannel);
  try {
    const calibrate = options.calibrate ?? true;
    const clockNs = calibrate ? clockReadCost() : 0;
    // Nobody echoes before our first ping, so the pong channel is empty here.
    const emptyPollNs = calibrate ? emptyPollCost(pong) : 0;
    // Touch every page now: a page fault inside a timed round trip would be measured.
    const samples = new Float64Array(options.count).fill(0);
    const roundTrip = roundTripper(ping, pong, options.size);
    let seq = 0;
    for (let i = 0; i < options.warmup; i++) roundTrip(seq++ >>> 0);
    const meter = new CpuMeter();
    for (let i = 0; i < samples.length; i++) samples[i] = roundTrip(seq++ >>> 0);
    const cpuShare = meter.share();
    publishSpinning(ping, new Uint8Array(options.size), msgType.stop);
    const { size, warmup, count } = options;
    return {
      mode: "ping",
      runtime: detectRuntime(),
      size,
      warmup,
      count,
      clockNs,
      emptyPollNs,
      cpuShare,
      rttNs: summarize(samples),
    };
  } finally {
    ping.close();
    pong.close();
  }
}

/** One round trip per call: t0, publish, spin until the echo arrives, t1. Returns t1 - t0. */
function roundTripper(ping: IpcChannel, pong: IpcChannel, size: number): (seq: number) => number {
  const message = new Uint8Array(size).fill(0xa5);
  const view = new DataView(message.buffer);
  let echoedSeq = -1;
  let echoedLength = -1;
  const onPong = (f: Fragment) => {
    echoedSeq = f.view.getUint32(f.offset, true);
    echoedLength = f.length;
  };
  return (seq: number): number => {
    view.setUint32(0, seq, true);
    const t0 = monotonicNs();
    publishSpinning(ping, message, msgType.ping);
    while (pong.pollFragments(onPong, 1) === 0) spinGuard(); // the echo is ~300 ns away
    const t1 = monotonicNs();
    if (echoedSeq !== seq || echoedLength !== size) {
      throw new Error(
        `Echo of ${echoedLength} bytes with seq ${echoedSeq}, expected ${size} bytes, seq ${seq}`,
      );
    }
    return t1 - t0;
  };
}

export interface PongOptions {
  pingChannel: string;
  pongChannel: string;
}

export interface PongResult {
  mode: "pong";
  runtime: string;
  echoes: number;
  cpuShare: number;
}

export async function pong(options: PongOptions): Promise<PongResult> {
  const ping = await openChannel(options.pingChannel);
  const pong = await openChannel(options.pongChannel);
  try {
    const meter = new CpuMeter();
    const echoes = echoUntilStop(ping, pong);
    return { mode: "pong", runtime: detectRuntime(), echoes, cpuShare: meter.share() };
  } finally {
    ping.close();
    pong.close();
  }
}

function echoUntilStop(ping: IpcChannel, pong: IpcChannel): number {
  // Every ping is copied out of the term into `reply` while the fragment is valid.
  let reply = new Uint8Array(0);
  let stopped = false;
  const onPing = (f: Fragment) => {
    if (f.msgTypeId === msgType.stop) {
      stopped = true;
      return;
    }
    if (reply.length !== f.length) reply = new Uint8Array(f.length); // once, on the first ping
    const bytes = f.bytes;
    const offset = f.offset;
    for (let i = 0; i < reply.length; i++) reply[i] = bytes[offset + i];
  };
  let echoes = 0;
  for (;;) {
    if (ping.pollFragments(onPing, 1) === 0) {
      spinGuard();
      continue;
    }
    if (stopped) return echoes;
    publishSpinning(pong, reply, msgType.pong);
    echoes++;
  }
}
