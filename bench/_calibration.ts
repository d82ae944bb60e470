/**
 * Per-call costs measured inside one process: the clock read, a poll that finds nothing,
 * publish, and poll per message. Each is the best of a few rounds, the first of which also
 * warms up the JIT. native/tools/bench_ipc.zig measures the same things the same way.
 * @module
 */
import { type IpcChannel, monotonicNs, Status, statusName } from "../mod.ts";
import { msgType } from "./_protocol.ts";

const rounds = 5;
const iterations = 1_000_000;

/** The smallest of `rounds` results of `round`, to 0.1. */
export function bestOf(round: () => number, count = rounds): number {
  let best = Infinity;
  for (let i = 0; i < count; i++) best = Math.min(best, round());
  return Math.round(best * 10) / 10;
}

/** Nanoseconds per monotonicNs() call: every latency sample contains about one. */
export function clockReadCost(): number {
  return bestOf(() => {
    let sum = 0;
    const t0 = monotonicNs();
    for (let i = 0; i < iterations; i++) sum += monotonicNs();
    const t1 = monotonicNs();
    if (sum === 0) throw new Error("The clock reads 0");
    return (t1 - t0) / iterations;
  });
}

/** Nanoseconds per pollFragments() that finds nothing: one spin of a waiting subscriber. */
export function emptyPollCost(channel: IpcChannel): number {
  const onMessage = () => {};
  return bestOf(() => {
    let found = 0;
    const t0 = monotonicNs();
    for (let i = 0; i < iterations; i++) found += channel.pollFragments(onMessage, 1);
    const t1 = monotonicNs();
    if (found !== 0) throw new Error(`Channel "${channel.name}" was expected to be empty`);
    return (t1 - t0) / iterations;
  });
}

/**
 * Nanoseconds per tryPublish of `size` bytes, and per message of pollFragments(limit 256)
 * reading them back, with this one process on both sides of `channel`: what the runtime
 * adds, without another core contending for the cache lines. The channel needs room for
 * `messages` frames (two terms).
 */
export function publishAndPollCost(
  channel: IpcChannel,
  size: number,
  messages: number,
): { publishNs: number; pollNs: number } {
  const message = new Uint8Array(size).fill(0xa5);
  const onMessage = () => {};
  let pollNs = Infinity;
  const publishNs = bestOf(() => {
    const t0 = monotonicNs();
    // No retry: with nobody else reading, back-pressure would never clear.
    for (let i = 0; i < messages; i++) {
      const status = channel.tryPublish(message, msgType.data);
      if (status !== Status.Ok) throw new Error(`Cannot publish on "${channel.name}": ${statusName(status)}`);
    }
    const t1 = monotonicNs();
    let read = 0;
    while (read < messages) read += channel.pollFragments(onMessage, 256);
    pollNs = Math.min(pollNs, (monotonicNs() - t1) / messages);
    return (t1 - t0) / messages;
  });
  return { publishNs, pollNs: Math.round(pollNs * 10) / 10 };
}
