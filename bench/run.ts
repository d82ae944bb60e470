/**
 * The IPC benchmark driver (run by scripts/bench, under Bun). Runs every pair of processes
 * one after another, prints the tables and the targets, and writes all numbers with the
 * machine description to bench/results/ipc.json.
 *
 *   bun bench/run.ts [--quick] [--only costs,round-trip,unix-socket,throughput,cold-start]
 *
 * A full run of every section writes ipc.json; --quick or --only write ipc-partial.json.
 * Exits non-zero if any cell failed to run (a missed target is a result, not a failure).
 * @module
 */
import path from "node:path";
import process from "node:process";
import { type BenchConfig, fullConfig, quickConfig } from "./_config.ts";
import { describeMachine } from "./_machine.ts";
import * as report from "./_report.ts";
import { root } from "./_runtimes.ts";
import { runColdStart } from "./_suite_cold_start.ts";
import { runRoundTrips, summarizeRoundTrips } from "./_suite_round_trip.ts";
import { runCosts } from "./_suite_costs.ts";
import { runTermSensitivity, runThroughput, summarizeThroughput } from "./_suite_throughput.ts";
import { runUnixSockets } from "./_suite_unix_socket.ts";
import { writeJson, writeTables } from "./_results.ts";
import { checkTargets } from "./_targets.ts";
import { PlacementWatch, type Probe } from "./_placement.ts";
import type { SuiteContext } from "./_quiet.ts";

/** Probes before the first measurement, so the usual placement is known early. */
const placementBaselineProbes = 5;

const sections = ["costs", "round-trip", "unix-socket", "throughput", "cold-start"] as const;
type Section = (typeof sections)[number];

function parseCommandLine(argv: string[]): { config: BenchConfig; only: Set<Section> } {
  let config = fullConfig;
  let only = new Set<Section>(sections);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--quick") config = quickConfig;
    else if (argv[i] === "--only" && argv[i + 1]) only = new Set(argv[++i].split(",") as Section[]);
    else throw new Error(`Unknown argument ${argv[i]}: use --quick and/or --only ${sections.join(",")}`);
  }
  for (const section of only) {
    if (!sections.includes(section)) throw new Error(`Unknown section ${section}: use ${sections.join(",")}`);
  }
  return { config, only };
}

function log(line: string): void {
  console.error(`[bench] ${line}`);
}

async function main(): Promise<number> {
  const { config, only } = parseCommandLine(process.argv.slice(2));
  const machine = await describeMachine();
  const placement = new PlacementWatch();
  for (let i = 0; i < placementBaselineProbes; i++) await placement.probe();
  const context: SuiteContext = { log, placement };

  const costs = only.has("costs") ? await runCosts(config.costs, context) : [];
  const roundTrips = only.has("round-trip") ? await runRoundTrips(config.pingPong, context) : [];
  const unixSockets = only.has("unix-socket") ? await runUnixSockets(config.unixSocket, context) : [];
  const throughput = only.has("throughput") ? await runThroughput(config.throughput, context) : [];
  const termSensitivity = only.has("throughput") ? await runTermSensitivity(config.throughput, context) : [];
  const coldStart = only.has("cold-start") ? await runColdStart(config.coldStart, context) : undefined;
  // The usual placement is clear only now: judge every measurement's probes against it.
  judgeRuns(placement, [
    ...roundTrips.flatMap((row) => row.runs),
    ...unixSockets,
    ...throughput.flatMap((row) => row.runs),
    ...termSensitivity.flatMap((row) => row.runs),
  ]);
  summarizeRoundTrips(roundTrips);
  summarizeThroughput([...throughput, ...termSensitivity]);
  const targets = checkTargets({ roundTrips, unixSockets, throughput });

  const tables = [report.machineReport(machine, placement)];
  if (costs.length) tables.push(report.costsReport(costs, config.costs));
  if (roundTrips.length) tables.push(report.roundTripReport(roundTrips, config.pingPong));
  if (unixSockets.length) tables.push(report.unixSocketReport(unixSockets, config.unixSocket));
  if (throughput.length) tables.push(report.throughputReport(throughput, config.throughput));
  if (termSensitivity.length) {
    tables.push(report.termSensitivityReport(termSensitivity, throughput, config.throughput));
  }
  if (coldStart) tables.push(report.coldStartReport(coldStart, config.coldStart));
  tables.push(report.targetsReport(targets));
  for (const table of tables) console.log(table);

  const complete = !config.quick && only.size === sections.length;
  const file = path.join(root, "bench", "results", complete ? "ipc.json" : "ipc-partial.json");
  // The printed tables, as the last run left them, for readers of the repository.
  writeTables(file.replace(/\.json$/, ".md"), "IPC benchmarks", tables);
  const results = { costs, roundTrips, unixSockets, throughput, termSensitivity, coldStart };
  const placementSummary = {
    usualNs: placement.usualNs,
    usualStreamRate: placement.usualStreamRate,
    probes: placement.probes,
    offProbes: placement.offProbes,
  };
  writeJson(file, { schema: 1, complete, machine, placement: placementSummary, config, ...results, targets });
  console.log(`Results: ${path.relative(process.cwd(), file)}`);

  const failed = [...costs, ...roundTrips, ...unixSockets, ...throughput, ...termSensitivity]
    .filter((row) => row.error).length +
    (coldStart?.error ? 1 : 0);
  if (failed > 0) log(`${failed} cell(s) failed to run; see FAILED above`);
  return failed > 0 ? 1 : 0;
}

/** A run is disturbed if a peer was preempted or a probe was off the run's usual placement. */
function judgeRuns(
  placement: PlacementWatch,
  runs: { probes?: (Probe | undefined)[]; preempted?: boolean; disturbed?: boolean }[],
): void {
  for (const run of runs) {
    if (run.probes === undefined) continue; // failed before measuring
    run.disturbed = (run.preempted ?? false) || run.probes.some((probe) => placement.isOff(probe));
  }
}

process.exitCode = await main();
