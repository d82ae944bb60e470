/**
 * The core-structure benchmark driver (run by scripts/bench, under Bun): SPSC and MPSC rings,
 * the log buffer and broadcast buffers, for Zig, Bun and Deno. Runs every suite one after
 * another, prints the tables and the targets, and writes bench/results/core.json and core.md.
 *
 *   bun bench/core.ts [--quick] [--only rings,log-buffer,broadcast]
 *
 * Exits non-zero if a suite failed to run (a missed target is a result, not a failure).
 * @module
 */
import path from "node:path";
import process from "node:process";
import type { CoreRow, CoreSuite, CoreSuiteContext } from "./core/_rows.ts";
import { ringsSuite } from "./core/_suite_rings.ts";
import { logBufferSuite } from "./core/_suite_log_buffer.ts";
import { broadcastSuite } from "./core/_suite_broadcast.ts";
import { describeMachine } from "./_machine.ts";
import { PlacementWatch } from "./_placement.ts";
import { root } from "./_runtimes.ts";
import { writeJson, writeTables } from "./_results.ts";
import { fixed, grouped, renderTable } from "./_table.ts";

const suites: Record<string, CoreSuite> = {
  "rings": ringsSuite,
  "log-buffer": logBufferSuite,
  "broadcast": broadcastSuite,
};

/** TypeScript throughput must reach this fraction of Zig's, cell for cell. */
const throughputRatioMin = 0.5;
/** SPSC round trip between TypeScript processes, against Zig's. */
const roundTripRatioMax = 1.3;
/** Heap growth per message below this is "no allocation per message" (GC noise). */
const heapBytesPerMessageMax = 1;

interface Target {
  target: string;
  ratio: number | null;
  limit: number;
  direction: "at least" | "at most";
  pass: boolean;
}

function log(line: string): void {
  console.error(`[core] ${line}`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const quick = argv.includes("--quick");
  const onlyIndex = argv.indexOf("--only");
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1].split(",") : Object.keys(suites);
  for (const name of only) {
    if (!(name in suites)) throw new Error(`Unknown suite ${name}: use ${Object.keys(suites).join(",")}`);
  }
  const machine = await describeMachine();
  const placement = new PlacementWatch();
  const context: CoreSuiteContext = { log, quick, placement };
  const rows: CoreRow[] = [];
  const failures: string[] = [];
  for (const name of only) {
    log(`suite ${name}`);
    try {
      rows.push(...await suites[name](context));
    } catch (error) {
      failures.push(`${name}: ${(error as Error).stack ?? error}`);
      log(`suite ${name} FAILED: ${(error as Error).message}`);
    }
  }

  const targets = checkTargets(rows);
  const tables = [throughputTable(rows), roundTripTable(rows), targetsTable(targets)].filter((t) => t !== "");
  for (const table of tables) console.log(table);
  for (const failure of failures) console.log(`FAILED ${failure}`);

  const complete = !quick && only.length === Object.keys(suites).length;
  const file = path.join(root, "bench", "results", complete ? "core.json" : "core-partial.json");
  writeTables(file.replace(/\.json$/, ".md"), "Core-structure benchmarks", tables);
  writeJson(file, { schema: 1, complete, machine, quick, rows, targets, failures });
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
  return failures.length > 0 ? 1 : 0;
}

function who(row: CoreRow): string {
  return row.pair ?? row.runtime;
}

function throughputTable(rows: CoreRow[]): string {
  const cells = rows.filter((row) => row.messagesPerSecond !== undefined);
  if (cells.length === 0) return "";
  return renderTable(
    "Throughput, one way (M msg/s: median of the clean runs, each in brackets; off: runs that never ran on the usual vCPU placement)",
    ["structure", "variant", "runtime", "bytes", "M msg/s", "runs", "off", "heap B/msg"],
    cells.map((row) => [
      row.structure,
      row.variant,
      who(row),
      String(row.messageBytes),
      fixed(row.messagesPerSecond! / 1e6, 2),
      `[${row.runs.map((r) => (r / 1e6).toFixed(1)).join(" ")}]`,
      String(row.disturbedRuns),
      fixed(row.heapBytesPerMessage, 3),
    ]),
  );
}

function roundTripTable(rows: CoreRow[]): string {
  const cells = rows.filter((row) => row.roundTripNs !== undefined);
  if (cells.length === 0) return "";
  return renderTable(
    "Round trips (ns: median of the clean runs; off: runs that never ran on the usual vCPU placement)",
    ["structure", "variant", "runtime", "bytes", "p50", "p99", "p50 of each run", "off", "heap B/msg"],
    cells.map((row) => [
      row.structure,
      row.variant,
      who(row),
      String(row.messageBytes),
      grouped(row.roundTripNs!.p50),
      grouped(row.roundTripNs!.p99),
      `[${row.runs.map(grouped).join(" ")}]`,
      String(row.disturbedRuns),
      fixed(row.heapBytesPerMessage, 3),
    ]),
  );
}

function targetsTable(targets: Target[]): string {
  const lines = targets.map((t) => {
    const ratio = t.ratio === null ? "n/a" : `${t.ratio.toFixed(2)}x`;
    return `${t.pass ? "PASS" : "MISS"}  ${t.target}: ${ratio} (${t.direction} ${t.limit}x)`;
  });
  return ["Targets (ratios within this run)", "", ...lines, ""].join("\n");
}

/**
 * Every TypeScript throughput cell against the Zig cell of the same structure, variant and
 * size; every TypeScript cell allocation-free; SPSC round trips against Zig's.
 */
function checkTargets(rows: CoreRow[]): Target[] {
  const targets: Target[] = [];
  const zigOf = (row: CoreRow, metric: (r: CoreRow) => number | undefined) =>
    rows.find((z) =>
      z.runtime === "zig" && z.pair === undefined && z.structure === row.structure &&
      z.variant === row.variant &&
      z.messageBytes === row.messageBytes && metric(z) !== undefined
    );
  for (const row of rows) {
    if (row.runtime === "zig" || row.pair !== undefined) continue;
    const label = `${row.structure} ${row.variant} ${row.messageBytes} B, ${row.runtime}`;
    if (row.messagesPerSecond !== undefined) {
      const zig = zigOf(row, (r) => r.messagesPerSecond);
      const ratio = zig ? row.messagesPerSecond / zig.messagesPerSecond! : null;
      targets.push({
        target: `${label}: throughput at least ${throughputRatioMin}x Zig's`,
        ratio,
        limit: throughputRatioMin,
        direction: "at least",
        pass: ratio !== null && ratio >= throughputRatioMin,
      });
    }
    if (row.heapBytesPerMessage !== undefined) {
      targets.push({
        target: `${label}: no allocation per message (${row.heapBytesPerMessage.toFixed(3)} B/msg)`,
        ratio: row.heapBytesPerMessage,
        limit: heapBytesPerMessageMax,
        direction: "at most",
        pass: row.heapBytesPerMessage < heapBytesPerMessageMax,
      });
    }
  }
  const zigRoundTrip = rows.find((r) =>
    r.structure === "spsc" && r.roundTripNs && r.runtime === "zig" && !r.pair
  );
  for (const row of rows) {
    if (row.structure !== "spsc" || !row.roundTripNs || (row.runtime === "zig" && !row.pair)) continue;
    const ratio = zigRoundTrip ? row.roundTripNs.p50 / zigRoundTrip.roundTripNs!.p50 : null;
    targets.push({
      target: `spsc round trip ${who(row)} p50 within ${roundTripRatioMax}x of Zig-Zig`,
      ratio,
      limit: roundTripRatioMax,
      direction: "at most",
      pass: ratio !== null && ratio <= roundTripRatioMax,
    });
  }
  return targets;
}

process.exitCode = await main();
