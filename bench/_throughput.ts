/**
 * The two ends of the one-way throughput benchmark in TypeScript. The publisher sends
 * numbered messages for a fixed time, spinning on back-pressure, then announces the count;
 * the subscriber (pollFragments, zero allocation) checks order and count and times the
 * stream from the first to the last message.
 * @module
 */
import { type Fragment, type IpcChannel, monotonicNs } from "../mod.ts";
import { detectRuntime } from "../lib/_runtime.ts";
import { CpuMeter } from "./_cpu_meter.ts";
import { openChannel, publishSpinning, spinGuard, waitForSubscriber } from "./_peer_channels.ts";
import { msgType } from "./_protocol.ts";

export interface PublishOptions {
  channel: string;
  size: number;
  seconds: number;
  warmupSeconds: number;
}

export interface PublishResult {
  mode: "publish";
  runtime: string;
  size: number;
  messages: number;
  /** From the first to the last data message, at the publisher. */
  seconds: number;
  backPressureSpins: number;
  /** CPU time / wall time while publishing data messages (bench/_cpu_meter.ts). */
  cpuShare: number;
}

interface Burst {
  messages: number;
  backPressureSpins: number;
}

export async function publish(options: PublishOptions): Promise<PublishResult> {
  const channel = await openChannel(options.channel);
  try {
    await waitForSubscriber(channel);
    const message = new Uint8Array(options.size).fill(0xa5);
    publishFor(channel, message, msgType.warm, options.warmupSeconds);
    const meter = new CpuMeter();
    const t0 = monotonicNs();
    const burst = publishFor(channel, message, msgType.data, options.seconds);
    const t1 = monotonicNs();
    const cpuShare = meter.share();
    // The end message announces the count, so the subscriber can verify it.
    new DataView(message.buffer).setFloat64(0, burst.messages, true);
    publishSpinning(channel, message, msgType.end);
    return {
      mode: "publish",
      runtime: detectRuntime(),
      size: options.size,
      ...burst,
      seconds: (t1 - t0) / 1e9,
      cpuShare,
    };
  } finally {
    channel.close();
  }
}

/** Publishes numbered messages (seq in the first 4 bytes) until `seconds` have passed. */
function publishFor(channel: IpcChannel, message: Uint8Array, msgTypeId: number, seconds: number): Burst {
  const view = new DataView(message.buffer);
  const deadline = monotonicNs() + seconds * 1e9;
  let messages = 0;
  let backPressureSpins = 0;
  for (;;) {
    view.setUint32(0, messages, true);
    backPressureSpins += publishSpinning(channel, message, msgTypeId);
    messages++;
    // Read the clock once per 1024 messages: its ~27 ns would otherwise dominate.
    if ((messages & 1023) === 0 && monotonicNs() >= deadline) return { messages, backPressureSpins };
  }
}

export interface SubscribeOptions {
  channel: string;
  limit: number;
}

export interface SubscribeResult {
  mode: "subscribe";
  runtime: string;
  ok: boolean;
  messages: number;
  announced: number;
  outOfOrder: number;
  warmMessages: number;
  /** From the first data message to the end message, at the subscriber. */
  seconds: number;
  /** CPU time / wall time over the same span (bench/_cpu_meter.ts). */
  cpuShare: number;
}

export async function subscribe(options: SubscribeOptions): Promise<SubscribeResult> {
  const channel = await openChannel(options.channel);
  try {
    return countUntilEnd(channel, options.limit);
  } finally {
    channel.close();
  }
}

function countUntilEnd(channel: IpcChannel, limit: number): SubscribeResult {
  let warmMessages = 0;
  let messages = 0;
  let outOfOrder = 0;
  let firstNs = 0;
  let endNs = 0;
  let announced = -1;
  let done = false;
  let meter: CpuMeter | undefined;
  let cpuShare = 0;
  const onFragment = (f: Fragment) => {
    const type = f.msgTypeId;
    if (type === msgType.data) {
      if (messages === 0) {
        meter = new CpuMeter();
        firstNs = monotonicNs();
      }
      if (f.view.getUint32(f.offset, true) !== messages >>> 0) outOfOrder++;
      messages++;
    } else if (type === msgType.end) {
      endNs = monotonicNs();
      cpuShare = meter?.share() ?? 0;
      announced = f.view.getFloat64(f.offset, true);
      done = true;
    } else {
      warmMessages++;
    }
  };
  // The first poll claims the subscriber role, which the publisher waits for.
  while (!done) {
    if (channel.pollFragments(onFragment, limit) === 0) spinGuard();
  }
  const ok = outOfOrder === 0 && announced === messages;
  const seconds = (endNs - firstNs) / 1e9;
  return {
    mode: "subscribe",
    runtime: detectRuntime(),
    ok,
    messages,
    announced,
    outOfOrder,
    warmMessages,
    seconds,
    cpuShare,
  };
}
