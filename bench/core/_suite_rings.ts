/**
 * The ring benchmarks (CoreSuite): one-way throughput of the SPSC ring and of the MPSC ring
 * with 1, 2 and 4 producers, per runtime (Zig, Bun, Deno) and for Bun and Deno producers
 * into a Zig consumer; and the SPSC round trip (ping-pong over two rings) for Zig-Zig,
 * Bun-Bun, Deno-Deno and Bun<->Deno. TypeScript cells report heap growth per message.
 *
 * Every cell runs the ring peers (native/tools/ring_peer.zig, tests/peers/ring_peer.ts) as
 * separate processes: the consumer pinned to CPU 1, the producers (or the pinger) to CPU 0.
 * Producers start writing at one agreed wall-clock time and write for a fixed time; the
 * consumer times the stream from its first to its last message and checks the count.
 * @module
 */
import { MpscRingBuffer, SpscRingBuffer } from "../../mod.ts";
import { channelName } from "../_channel_names.ts";
import { onCpu } from "../_cpus.ts";
import { root, tools } from "../_runtimes.ts";
import { runTogether } from "../_spawn.ts";
import type { CoreRow, CoreRuntime, CoreSuite, CoreSuiteContext } from "./_rows.ts";
import { type CellRun, disturbedCount, keptResults, measureCell } from "./_clean_runs.ts";
import { median } from "../_stats.ts";

const messageBytes = 32;
/// Throughput rings: 4 MiB, so producer and consumer rarely share cache lines (64 KiB rings
/// run at a third of the rate: the writer keeps waiting on the reader).
const capacity = 4 * 1024 * 1024;
const ringPeerScript = `${root}/tests/peers/ring_peer.ts`;
const ringPeerBinary = `${root}/native/zig-out/bin/zigbolt-ring-peer`;

interface Plan {
  runs: number;
  seconds: number;
  startMarginMs: number;
  rtt: { warmup: number; count: number };
}

const plans: Record<"quick" | "full", Plan> = {
  quick: { runs: 1, seconds: 0.3, startMarginMs: 700, rtt: { warmup: 5_000, count: 20_000 } },
  full: { runs: 3, seconds: 2, startMarginMs: 900, rtt: { warmup: 20_000, count: 400_000 } },
};

interface ProduceResult {
  messages: number;
  heapBytesPerMessage?: number;
}
interface ConsumeResult {
  messages: number;
  messagesPerSecond: number;
  heapBytesPerMessage?: number;
}
interface PingResult {
  rttNs: { p50: number; p99: number };
  heapBytesPerMessage?: number;
}

function peer(runtime: CoreRuntime, args: Array<string | number>): string[] {
  const list = args.map(String);
  if (runtime === "zig") return [ringPeerBinary, ...list];
  if (runtime === "bun") return [tools.bun, ringPeerScript, ...list];
  return [tools.deno, "run", "-A", ringPeerScript, ...list];
}

/** The worst heap growth per message among the TypeScript processes of a run. */
function heapOf(results: Array<{ heapBytesPerMessage?: number }>): number | undefined {
  const values = results.map((r) => r.heapBytesPerMessage).filter((v): v is number => v !== undefined);
  return values.length ? Math.max(...values) : undefined;
}

async function throughputOnce(
  kind: "spsc" | "mpsc",
  producers: CoreRuntime[],
  consumer: CoreRuntime,
  plan: Plan,
): Promise<{ rate: number; heap?: number }> {
  const name = channelName(`${kind}-rate`);
  using _ring = kind === "spsc"
    ? SpscRingBuffer.create({ name, capacity, replace: true })
    : MpscRingBuffer.create({ name, capacity, replace: true });
  const startAt = Date.now() + plan.startMarginMs;
  const commands = [
    onCpu(1, peer(consumer, ["bench-consume", kind, name, "--producers", producers.length])),
    ...producers.map((runtime, id) =>
      onCpu(
        0,
        peer(runtime, [
          "bench-produce",
          kind,
          name,
          "--size",
          messageBytes,
          "--millis",
          Math.round(plan.seconds * 1000),
          "--start-at",
          startAt,
          "--id",
          id,
        ]),
      )
    ),
  ];
  const results = await runTogether(commands, 60_000 + plan.seconds * 10_000);
  const consumed = results[0] as ConsumeResult;
  const produced = results.slice(1) as ProduceResult[];
  const sent = produced.reduce((sum, r) => sum + r.messages, 0);
  if (sent !== consumed.messages) throw new Error(`${kind}: sent ${sent}, received ${consumed.messages}`);
  return { rate: consumed.messagesPerSecond, heap: heapOf([consumed, ...produced]) };
}

async function throughputRow(
  context: CoreSuiteContext,
  plan: Plan,
  kind: "spsc" | "mpsc",
  producerRuntime: CoreRuntime,
  producerCount: number,
  consumer: CoreRuntime,
): Promise<CoreRow> {
  const measured: CellRun<{ rate: number; heap?: number }>[] = [];
  for (let run = 0; run < plan.runs; run++) {
    const producers = Array(producerCount).fill(producerRuntime);
    measured.push(await measureCell(context, () => throughputOnce(kind, producers, consumer, plan)));
  }
  const kept = keptResults(measured);
  const runs = kept.map((result) => result.rate);
  // Per run, the worst process; over runs, the median (as for the rate): a run where the JIT
  // recompiled inside the window does not stand for the cell.
  const heaps = kept.flatMap((result) => result.heap ?? []);
  const variant = kind === "spsc" ? "throughput" : `${producerCount} producer${producerCount > 1 ? "s" : ""}`;
  const mixed = producerRuntime !== consumer;
  const row: CoreRow = {
    structure: kind,
    variant,
    runtime: mixed ? producerRuntime : consumer,
    ...(mixed ? { pair: `${producerRuntime}->${consumer}` } : {}),
    messageBytes,
    messagesPerSecond: median(runs),
    runs,
    disturbedRuns: disturbedCount(measured),
    ...(heaps.length ? { heapBytesPerMessage: median(heaps) } : {}),
  };
  context.log(
    `${kind} ${variant} ${row.pair ?? consumer}: ${(row.messagesPerSecond! / 1e6).toFixed(2)} M msg/s` +
      (row.heapBytesPerMessage !== undefined ? `, heap ${row.heapBytesPerMessage.toFixed(3)} B/msg` : ""),
  );
  return row;
}

/** One ping-pong run over two SPSC rings: the pinger on CPU 0, the ponger on CPU 1. */
async function roundTripOnce(plan: Plan, pinger: CoreRuntime, ponger: CoreRuntime): Promise<PingResult> {
  using pingRing = SpscRingBuffer.create({
    name: channelName("ring-ping"),
    capacity: 64 * 1024,
    replace: true,
  });
  using pongRing = SpscRingBuffer.create({
    name: channelName("ring-pong"),
    capacity: 64 * 1024,
    replace: true,
  });
  const rings = [pingRing.name, pongRing.name];
  const { warmup, count } = plan.rtt;
  const [, result] = await runTogether([
    onCpu(1, peer(ponger, ["pong", ...rings])),
    onCpu(0, peer(pinger, ["ping", ...rings, "--size", messageBytes, "--warmup", warmup, "--count", count])),
  ], 120_000);
  return result as PingResult;
}

function roundTripRow(pinger: CoreRuntime, ponger: CoreRuntime, measured: CellRun<PingResult>[]): CoreRow {
  const kept = keptResults(measured);
  const p50s = kept.map((ping) => ping.rttNs.p50);
  const heaps = kept.flatMap((ping) => ping.heapBytesPerMessage ?? []);
  const mixed = pinger !== ponger;
  return {
    structure: "spsc",
    variant: "round trip",
    runtime: pinger,
    ...(mixed ? { pair: `${pinger}<->${ponger}` } : {}),
    messageBytes,
    roundTripNs: { p50: median(p50s), p99: median(kept.map((ping) => ping.rttNs.p99)) },
    runs: p50s,
    disturbedRuns: disturbedCount(measured),
    ...(heaps.length ? { heapBytesPerMessage: median(heaps) } : {}),
  };
}

/**
 * Every round-trip pair, its runs interleaved with the other pairs' (a slow spell of the
 * machine then touches every pair a little rather than one a lot).
 */
async function roundTripRows(context: CoreSuiteContext, plan: Plan): Promise<CoreRow[]> {
  const pairs: Array<[CoreRuntime, CoreRuntime]> = [
    ["zig", "zig"],
    ["bun", "bun"],
    ["deno", "deno"],
    ["bun", "deno"],
  ];
  const measured = pairs.map(() => [] as CellRun<PingResult>[]);
  for (let run = 0; run < plan.runs; run++) {
    for (const [index, [pinger, ponger]] of pairs.entries()) {
      const one = await measureCell(context, () => roundTripOnce(plan, pinger, ponger));
      measured[index].push(one);
      const { p50, p99 } = one.result.rttNs;
      const off = one.disturbed ? " (off placement)" : "";
      context.log(`spsc round trip ${pinger}<->${ponger}: p50 ${p50} ns, p99 ${p99} ns${off}`);
    }
  }
  return pairs.map(([pinger, ponger], index) => roundTripRow(pinger, ponger, measured[index]));
}

/** Every ring cell; a full run takes about three minutes on the 2-vCPU machine. */
export const ringsSuite: CoreSuite = async (context) => {
  const plan = context.quick ? plans.quick : plans.full;
  const runtimes: CoreRuntime[] = ["zig", "bun", "deno"];
  const rows: CoreRow[] = [];
  for (const runtime of runtimes) rows.push(await throughputRow(context, plan, "spsc", runtime, 1, runtime));
  for (const count of [1, 2, 4]) {
    for (const runtime of runtimes) {
      rows.push(await throughputRow(context, plan, "mpsc", runtime, count, runtime));
    }
    for (const runtime of ["bun", "deno"] as const) {
      rows.push(await throughputRow(context, plan, "mpsc", runtime, count, "zig"));
    }
  }
  rows.push(...await roundTripRows(context, plan));
  return rows;
};

export default ringsSuite;
