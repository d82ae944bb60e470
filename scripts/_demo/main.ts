/**
 * The market-data demo (scripts/demo runs it with Bun): starts the Zig feed, the Bun
 * strategy and the Deno risk gateway on three channels named after this run, waits for the
 * three to finish on their own, then prints what flowed and how fast. If any process fails,
 * the others are stopped and the demo exits 1 saying which and how.
 * @module
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { constants } from "node:os";
import process from "node:process";
import { mismatches } from "./checks.ts";
import {
  Child,
  ChildFailed,
  type ChildSpec,
  lowerTimerSlackOfChildren,
  stopAll,
  superviseAll,
} from "./processes.ts";
import type { FeedReport, Report, Reports, RiskReport, StrategyReport } from "./reports.ts";
import { type ChannelNames, channelNames, scene } from "./scene.ts";
import { castLines, summaryLines } from "./summary.ts";

/** When to take the counters snapshot: mid-run (the feed runs ~5.5 s). */
const snapshotAfterMs = 2500;

const demoDir = decodeURIComponent(new URL(".", import.meta.url).pathname);
const root = decodeURIComponent(new URL("../..", import.meta.url).pathname);

function specs(runId: string, names: ChannelNames): ChildSpec[] {
  const { feed, idle, symbols } = scene;
  const feedArgs = {
    ticks: names.ticks,
    acks: names.acks,
    term_length: scene.termLength,
    rate: feed.ticksPerSecond,
    count: feed.tickCount,
    warmup: feed.warmupTicks,
    seed: feed.seed,
    prices: symbols.map((symbol) => symbol.startPrice).join(","),
    spin_ns: idle.feed.spinNs,
    park_ns: idle.feed.parkNs,
  };
  return [
    {
      role: "feed",
      title: "feed (Zig)",
      command: `${root}native/zig-out/bin/zigbolt-demo-ticker`,
      args: Object.entries(feedArgs).map(([key, value]) => `${key}=${value}`),
    },
    {
      role: "strategy",
      title: "strategy (Bun)",
      command: process.execPath,
      args: [`${demoDir}strategy.ts`, `run=${runId}`],
    },
    {
      role: "risk",
      title: "risk gateway (Deno)",
      command: process.env.DENO ?? "deno",
      args: [
        "run",
        "--allow-ffi",
        "--allow-env",
        "--allow-read",
        `${demoDir}risk_gateway.ts`,
        `run=${runId}`,
      ],
    },
  ];
}

function printLine(role: string, line: string): void {
  console.log(`  [${role}] ${line}`);
}

/** The one JSON line a process printed on stdout when it ended. */
function reportOf<R extends Report>(child: Child, role: R["role"]): R {
  const line = child.stdout.trim().split("\n").at(-1) ?? "";
  try {
    const report = JSON.parse(line) as R;
    if (report.role === role) return report;
  } catch {
    // Reported below.
  }
  throw new Error(`${child.name} ended without its report; its stdout: ${JSON.stringify(child.stdout)}`);
}

/** Channels of processes that were killed stay in /dev/shm: remove this run's. */
function removeLeftovers(names: ChannelNames): void {
  for (const name of Object.values(names)) rmSync(`/dev/shm${name}`, { force: true });
}

/** Ctrl-C or a kill: stop the children too, and clean up after them. */
function stopOnSignals(children: Child[], names: ChannelNames): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      stopAll(children);
      removeLeftovers(names);
      process.exit(128 + constants.signals[signal]);
    });
  }
}

/** The counters file of this run: every process of the demo reports to it. */
function countersName(runId: string): string {
  return `/zigbolt-demo-counters-${runId}`;
}

/** zigbolt-stat's view of the live system, taken while the three processes run. */
function countersSnapshot(runId: string): string[] {
  try {
    const table = execFileSync(
      `${root}native/zig-out/bin/zigbolt-stat`,
      ["--counters", countersName(runId), "--count", "2", "--interval", "500"],
      { encoding: "utf8" },
    );
    // The second refresh has rates.
    const refreshes = table.split(/^(?=ZigBolt counters)/m);
    return refreshes.at(-1)!.trimEnd().split("\n");
  } catch (error) {
    return [`(zigbolt-stat failed: ${(error as Error).message})`];
  }
}

let snapshot: string[] = [];

async function run(names: ChannelNames, runId: string): Promise<Reports> {
  lowerTimerSlackOfChildren();
  process.env.ZIGBOLT_COUNTERS = countersName(runId);
  const children = specs(runId, names).map((spec) => new Child(spec, printLine));
  stopOnSignals(children, names);
  const snapshotTimer = setTimeout(() => snapshot = countersSnapshot(runId), snapshotAfterMs);
  try {
    await superviseAll(children);
  } catch (error) {
    if (!(error instanceof ChildFailed)) throw error;
    const seeAbove = error.exit.started ? " (its output is above)" : "";
    throw new Error(`${error.message}${seeAbove}; the other processes were stopped`);
  } finally {
    clearTimeout(snapshotTimer);
    removeLeftovers(names);
    rmSync(`/dev/shm${countersName(runId)}`, { force: true });
  }
  const [feed, strategy, risk] = children;
  const reports: Reports = {
    feed: reportOf<FeedReport>(feed, "feed"),
    strategy: reportOf<StrategyReport>(strategy, "strategy"),
    risk: reportOf<RiskReport>(risk, "risk"),
  };
  const wrong = mismatches(reports);
  if (wrong.length > 0) throw new Error(`messages were lost or miscounted: ${wrong.join("; ")}`);
  return reports;
}

async function main(): Promise<number> {
  const runId = String(process.pid);
  const names = channelNames(runId);
  const startedMs = performance.now();
  for (const line of castLines(names)) console.log(line);
  try {
    const reports = await run(names, runId);
    for (const line of summaryLines(reports, (performance.now() - startedMs) * 1e6)) console.log(line);
    console.log(`\nLive counters ${snapshotAfterMs / 1000} s into the run (zigbolt-stat):`);
    for (const line of snapshot) console.log(`  ${line}`);
    return 0;
  } catch (error) {
    console.log(`\nDemo failed: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
