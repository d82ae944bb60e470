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
 * tells it to go once every receiver has joined. With 3 receivers on a 2-vCPU machine the
 * four spinning processes share two CPUs (none is pinned): the cell shows that contention.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { channelName } from "../_channel_names.ts";
import { onCpu } from "../_cpus.ts";
import type { Runtime } from "../_runtimes.ts";
import type { CoreRow, CoreSuite } from "./_rows.ts";
import { logbcastCommand } from "./_logbcast_peers.ts";
import { type CellRun, disturbedCount, keptResults, measureCell, median } from "./_clean_runs.ts";

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
  // One receiver: each process on its own CPU. Three: more spinning processes than CPUs,
  // so none is pinned and the scheduler shares the two CPUs out.
  const pin = receivers === 1 ? onCpu : (_cpu: number, command: string[]) => command;
  const flags = {
    name,
    size: messageBytes,
    seconds,
    capacity,
    "warmup-seconds": warmupSeconds,
    "wait-go": 1,
  };
  const peers = [new Peer(pin(0, logbcastCommand(runtime, "bench-bcast-transmit", flags)))];
  const timer = setTimeout(() => peers.forEach((peer) => peer.process.kill("SIGKILL")), timeoutMs);
  try {
    await peers[0].line("created");
    for (let i = 0; i < receivers; i++) {
      peers.push(new Peer(pin(1, logbcastCommand(runtime, "bench-bcast-receive", { name }))));
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
    const heap = runtime === "zig" ? {} : { heapBytesPerMessage: median(kept.map((r) => r.heapBytesPerMessage)) };
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
