/**
 * Broadcast throughput (docs/broadcast.md): one transmitter process transmitting 64-byte
 * messages flat out (it never blocks) while 1 or 3 receiver processes copy and validate
 * them. Two rows per cell: the transmit rate with the receivers attached, and the rate the
 * slowest receiver delivered to its handler (first data message to the end record; a lapped
 * receiver skips ahead, so this is what a receiver keeps up with, not what it missed).
 * TypeScript cells report the heap growth of every process during the stream, per message
 * transmitted.
 *
 * The driver starts the transmitter, then the receivers once it has created the buffer, and
 * tells it to go once every receiver has joined. The transmitter has CPU 0 to itself; the
 * receivers run on CPU 1. Three receivers share it: each yields the CPU when it finds nothing
 * new (as an Aeron BackoffIdleStrategy would), so the CPU goes to those with messages to read.
 * Spinning instead, a receiver that caught up would burn its time slices while the others
 * are lapped, and the slowest receiver's rate would measure the scheduler (0.0-1.8 M/s in
 * every runtime, run to run).
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { channelName } from "../_channel_names.ts";
import { onCpu } from "../_cpus.ts";
import type { Runtime } from "../_runtimes.ts";
import type { CoreRow, CoreSuite } from "./_rows.ts";
import { logbcastCommand } from "./_logbcast_peers.ts";
import { type CellRun, disturbedCount, keptResults, measureCell } from "./_clean_runs.ts";
import { median } from "../_stats.ts";

const messageBytes = 64;
const capacity = 1 << 20;
const warmupSeconds = 0.3;
const timeoutMs = 60_000;

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

/** A peer whose stdout lines we watch; resolves its last line (the JSON result) on exit. */
class Peer {
  readonly process: ChildProcess;
  readonly result: Promise<unknown>;
  #lines: string[] = [];
  #waiters: Array<{ text: string; resolve: () => void }> = [];

  constructor(command: string[]) {
    this.process = spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "inherit"] });
    let pending = "";
    this.process.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      this.#lines.push(...lines);
      this.#waiters = this.#waiters.filter((w) => !(this.#lines.includes(w.text) && (w.resolve(), true)));
    });
    this.result = new Promise((resolve, reject) => {
      this.process.on("error", reject);
      this.process.on("close", (code, signal) => {
        const last = [...this.#lines, pending].filter((l) => l.startsWith("{")).pop();
        if (code !== 0 || last === undefined) {
          reject(new Error(`${command.join(" ")} failed (${signal ?? `exit code ${code}`})`));
        } else resolve(JSON.parse(last));
      });
    });
  }

  /** Resolves once the peer has printed `text` as a line (rejects if it exits first). */
  line(text: string): Promise<void> {
    const seen = new Promise<void>((resolve) => {
      if (this.#lines.includes(text)) resolve();
      else this.#waiters.push({ text, resolve });
    });
    return Promise.race([seen, this.result.then(() => Promise.reject(new Error(`exited before "${text}"`)))]);
  }
}

async function runOnce(runtime: Runtime, receivers: number, seconds: number): Promise<Run> {
  const name = channelName("broadcast");
  const flags = {
    name,
    size: messageBytes,
    seconds,
    capacity,
    "warmup-seconds": warmupSeconds,
    "wait-go": 1,
  };
  const peers = [new Peer(onCpu(0, logbcastCommand(runtime, "bench-bcast-transmit", flags)))];
  const timer = setTimeout(() => peers.forEach((peer) => peer.process.kill("SIGKILL")), timeoutMs);
  try {
    await peers[0].line("created");
    for (let i = 0; i < receivers; i++) {
      const receiverFlags = { name, "yield-when-idle": receivers > 1 ? 1 : 0 };
      peers.push(new Peer(onCpu(1, logbcastCommand(runtime, "bench-bcast-receive", receiverFlags))));
    }
    await Promise.all(peers.slice(1).map((peer) => peer.line("ready")));
    peers[0].process.stdin!.end("go\n");
    const [transmitted, ...received] = (await Promise.all(peers.map((peer) => peer.result))) as [
      TransmitResult,
      ...ReceiveResult[],
    ];
    if (received.some((r) => !r.ok)) {
      throw new Error(`broadcast ${runtime}: a receiver saw a sequence go backwards`);
    }
    const receiveRates = received.map((r) => (r.messages === 0 ? 0 : r.messages / r.seconds));
    return {
      transmitRate: transmitted.messages / transmitted.seconds,
      slowestReceiveRate: Math.min(...receiveRates),
      lapped: received.reduce((sum, r) => sum + r.lapped, 0),
      // Heap growth of every process, per message transmitted: a lapped receiver handles
      // fewer messages, and its own ratio would magnify a few bytes of noise.
      heapBytesPerMessage: ((transmitted.heapBytesPerMessage ?? 0) * transmitted.messages +
        received.reduce((sum, r) => sum + (r.heapBytesPerMessage ?? 0) * r.messages, 0)) /
        transmitted.messages,
    };
  } catch (error) {
    peers.forEach((peer) => peer.process.kill("SIGKILL"));
    await Promise.allSettled(peers.map((peer) => peer.result));
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export const broadcastSuite: CoreSuite = async (context) => {
  const repetitions = context.quick ? 1 : 3;
  const seconds = context.quick ? 0.3 : 1.0;
  const cells = runtimes.flatMap((runtime) => receiverCounts.map((receivers) => ({ runtime, receivers })));
  const runs = cells.map(() => [] as CellRun<Run>[]);
  for (let repetition = 0; repetition < repetitions; repetition++) {
    for (const [index, { runtime, receivers }] of cells.entries()) {
      const measured = await measureCell(context, () => runOnce(runtime, receivers, seconds));
      runs[index].push(measured);
      const run = measured.result;
      context.log(
        `broadcast ${runtime} x${receivers}: transmit ${(run.transmitRate / 1e6).toFixed(2)} M msg/s, ` +
          `slowest receiver ${(run.slowestReceiveRate / 1e6).toFixed(2)} M msg/s, lapped ${run.lapped}`,
      );
    }
  }
  return cells.flatMap(({ runtime, receivers }, index): CoreRow[] => {
    const label = `${receivers} receiver${receivers === 1 ? "" : "s"}`;
    const kept = keptResults(runs[index]);
    const disturbedRuns = disturbedCount(runs[index]);
    const heap = runtime === "zig"
      ? {}
      : { heapBytesPerMessage: median(kept.map((r) => r.heapBytesPerMessage)) };
    const transmit = kept.map((r) => r.transmitRate);
    const receive = kept.map((r) => r.slowestReceiveRate);
    return [
      {
        structure: "broadcast",
        variant: `${label}: transmit`,
        runtime,
        messageBytes,
        messagesPerSecond: median(transmit),
        runs: transmit,
        disturbedRuns,
        ...heap,
      },
      {
        structure: "broadcast",
        variant: `${label}: slowest receiver delivers`,
        runtime,
        messageBytes,
        messagesPerSecond: median(receive),
        runs: receive,
        disturbedRuns,
        ...heap,
      },
    ];
  });
};

export default broadcastSuite;
