/**
 * Broadcast throughput (docs/broadcast.md): one transmitter process transmitting 64-byte
 * messages flat out (it never blocks) while 1 or 3 receiver processes copy and validate
 * them. Two rows per cell: the transmit rate with the receivers attached, and the rate the
 * slowest receiver delivered to its handler (first data message to the end record; lapped
 * receivers skip ahead, so this is what a receiver keeps up with, not what it missed).
 * TypeScript cells report the heap growth of every process, per message.
 *
 * With 3 receivers on this 2-vCPU machine the four spinning processes share two CPUs: the
 * cell shows the cost of that contention too.
 * @module
 */
import { channelName } from "../_channel_names.ts";
import { onCpu } from "../_cpus.ts";
import { runTogether } from "../_spawn.ts";
import type { Runtime } from "../_runtimes.ts";
import type { CoreRow, CoreSuite } from "./_rows.ts";
import { logbcastCommand, median } from "./_logbcast_peers.ts";

const messageBytes = 64;
const capacity = 1 << 20;

interface TransmitResult {
  messages: number;
  seconds: number;
  heapBytesPerMessage?: number;
}

interface ReceiveResult {
  ok: boolean;
  messages: number;
  lapped: number;
  seconds: number;
  heapBytesPerMessage?: number;
}

interface Run {
  transmitRate: number;
  slowestReceiveRate: number;
  lapped: number;
  heapBytesPerMessage: number;
}

const runtimes: Runtime[] = ["zig", "bun", "deno"];
const receiverCounts = [1, 3];

/**
 * Receivers open the buffer while the transmitter warms up; a Deno or Bun receiver starting
 * next to spinning processes needs a second or more. A receiver that joins late only
 * shortens its own measured span.
 */
const warmupSeconds = 2;

async function runOnce(runtime: Runtime, receivers: number, seconds: number): Promise<Run> {
  const name = channelName("broadcast");
  // One receiver: each process on its own CPU. Three: more spinning processes than CPUs,
  // so none is pinned and the scheduler shares the two CPUs out.
  const pin = receivers === 1 ? onCpu : (_cpu: number, command: string[]) => command;
  const commands = [pin(
    0,
    logbcastCommand(runtime, "bench-bcast-transmit", {
      name,
      size: messageBytes,
      seconds,
      capacity,
      "warmup-seconds": warmupSeconds,
    }),
  )];
  for (let i = 0; i < receivers; i++) {
    commands.push(pin(1, logbcastCommand(runtime, "bench-bcast-receive", { name })));
  }
  const [transmitted, ...received] = (await runTogether(commands, 60_000)) as [
    TransmitResult,
    ...ReceiveResult[],
  ];
  if (received.some((r) => !r.ok)) {
    throw new Error(`broadcast ${runtime}: a receiver saw a sequence go backwards`);
  }
  if (received.some((r) => r.messages === 0)) {
    throw new Error(`broadcast ${runtime}: a receiver joined after the measured stream (machine too busy?)`);
  }
  const receiveRates = received.map((r) => r.messages / r.seconds);
  return {
    transmitRate: transmitted.messages / transmitted.seconds,
    slowestReceiveRate: Math.min(...receiveRates),
    lapped: received.reduce((sum, r) => sum + r.lapped, 0),
    heapBytesPerMessage: (transmitted.heapBytesPerMessage ?? 0) +
      received.reduce((sum, r) => sum + (r.heapBytesPerMessage ?? 0), 0),
  };
}

export const broadcastSuite: CoreSuite = async (context) => {
  const repetitions = context.quick ? 1 : 3;
  const seconds = context.quick ? 0.3 : 1.0;
  const cells = runtimes.flatMap((runtime) => receiverCounts.map((receivers) => ({ runtime, receivers })));
  const runs = cells.map(() => [] as Run[]);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [index, { runtime, receivers }] of cells.entries()) {
      const run = await runOnce(runtime, receivers, seconds);
      runs[index].push(run);
      context.log(
        `broadcast ${runtime} x${receivers}: transmit ${(run.transmitRate / 1e6).toFixed(2)} M msg/s, ` +
          `slowest receiver ${(run.slowestReceiveRate / 1e6).toFixed(2)} M msg/s, lapped ${run.lapped}`,
      );
    }
  }
  return cells.flatMap(({ runtime, receivers }, index): CoreRow[] => {
    const label = `${receivers} receiver${receivers === 1 ? "" : "s"}`;
    const heap = runtime === "zig"
      ? {}
      : { heapBytesPerMessage: median(runs[index].map((r) => r.heapBytesPerMessage)) };
    const transmit = runs[index].map((r) => r.transmitRate);
    const receive = runs[index].map((r) => r.slowestReceiveRate);
    return [
      {
        structure: "broadcast",
        variant: `${label}: transmit`,
        runtime,
        messageBytes,
        messagesPerSecond: median(transmit),
        runs: transmit,
        ...heap,
      },
      {
        structure: "broadcast",
        variant: `${label}: slowest receiver delivers`,
        runtime,
        messageBytes,
        messagesPerSecond: median(receive),
        runs: receive,
        ...heap,
      },
    ];
  });
};

export default broadcastSuite;
