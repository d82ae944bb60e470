/**
 * Turns the measured results into the tables scripts/bench prints.
 * @module
 */
import type { BenchConfig } from "./_config.ts";
import { pinningAvailable } from "./_cpus.ts";
import type { MachineInfo } from "./_machine.ts";
import type { LatencySummary } from "./_stats.ts";
import type { ColdStartResult } from "./_suite_cold_start.ts";
import type { RoundTripRow } from "./_suite_round_trip.ts";
import type { CostsRow } from "./_suite_costs.ts";
import type { ThroughputRow } from "./_suite_throughput.ts";
import { runtimeLabel } from "./_runtimes.ts";
import type { UnixSocketRow } from "./_suite_unix_socket.ts";
import { offFactor, type PlacementWatch } from "./_placement.ts";
import { quietBusyMax } from "./_quiet.ts";
import { fixed, grouped, renderTable } from "./_table.ts";
import type { TargetResult } from "./_targets.ts";

/** Appended to a row label when other processes disturbed its measurement. */
const busyMark = " (!)";
const busyNote = "(!) in 3 attempts this never ran clean: another process took CPU time, the CPUs stayed " +
  `over ${quietBusyMax * 100}% busy, or the vCPU placement was off the usual one (probe): treat with care.`;

function marked(label: string, disturbed: boolean | undefined): string {
  return disturbed ? label + busyMark : label;
}

function withBusyNote(notes: string[], labels: string[]): string[] {
  return labels.some((label) => label.endsWith(busyMark)) ? [...notes, busyNote] : notes;
}

const percentileHeaders = ["min", "p50", "p90", "p99", "p99.9", "max", "mean"];

function percentileCells(s: LatencySummary, scale: number, digits: number): string[] {
  return [s.min, s.p50, s.p90, s.p99, s.p999, s.max, s.mean].map((v) => (v / scale).toFixed(digits));
}

function placement(first: string, second: string): string {
  return pinningAvailable() ? `${first} on CPU 0, ${second} on CPU 1 (taskset)` : "processes not pinned";
}

export function machineReport(machine: MachineInfo, placement: PlacementWatch): string {
  const v = machine.versions;
  return [
    `Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${machine.memoryGiB} GiB, ${machine.kernel}, ` +
    `clocksource ${machine.clocksource}`,
    `Versions: zig ${v.zig}, bun ${v.bun}, deno ${v.deno}, hyperfine ${v.hyperfine}, libzigbolt ${v.libzigbolt}, ` +
    `binding ${v.binding}; git ${machine.git}; ${machine.date}`,
    `CPU busy with other work at the start: ${Math.round(machine.busyBeforeRun * 100)}% of all CPUs. ` +
    "Each measurement waits for a quiet machine; pairs that lost CPU time to another process are re-run.",
    placement.probes === 0 ? "No placement probes (processes not pinned)." : [
      "vCPU placement probe (Zig-Zig round trip p50 and a 100 ms Zig SPSC stream, before and after each pair): " +
      `usual ${placement.describeUsual()};`,
      `${placement.offProbes} of ${placement.probes} probes were off it (by more than ${offFactor}x either way), ` +
      "and the driver waited or measured again.",
    ].join("\n"),
    "",
  ].join("\n");
}

export function roundTripReport(rows: RoundTripRow[], config: BenchConfig["pingPong"]): string {
  const body = rows.map((row) => {
    const label = marked(row.pair, row.median?.disturbed);
    if (!row.median) return [label, `FAILED: ${row.error ?? "no runs"}`];
    const r = row.median.result;
    return [
      label,
      fixed(r.clockNs, 1),
      fixed(r.emptyPollNs, 1),
      ...percentileCells(r.rttNs, 1, 0),
      `${row.p50Min}-${row.p50Max}`,
    ];
  });
  return renderTable(
    `Round trip over shared memory, ${config.size}-byte message, ns: the median of ` +
      `${config.repetitions} runs, each ${grouped(config.count)} samples after ${grouped(config.warmup)} ` +
      `warm-up round trips`,
    ["pinger-ponger", "clock read", "empty poll", ...percentileHeaders, "p50 of runs"],
    body,
    withBusyNote([
      `Two channels (ping, pong), term length ${config.termLength / 1024} KiB; ${
        placement("pinger", "ponger")
      }.`,
      "Each sample is t1 - t0 around publish + spin-until-echo, with the pinger's monotonic clock;",
      "it contains about one clock read. 'clock read' and 'empty poll' are the pinger runtime's",
      "cost of monotonicNs() and of a pollFragments()/poll() that finds nothing, per call.",
      "The row is the clean run with the median p50 (runs flagged below get make-up runs); 'p50 of",
      "runs' is the lowest and highest p50 of every run, flagged ones included.",
    ], body.map((cells) => cells[0])),
  );
}

export function unixSocketReport(rows: UnixSocketRow[], config: BenchConfig["unixSocket"]): string {
  const body = rows.map((row) => {
    const label = marked(row.pair, row.disturbed);
    return row.result
      ? [label, row.placement, ...percentileCells(row.result.rttNs, 1000, 1)]
      : [label, row.placement, `FAILED: ${row.error}`];
  });
  return renderTable(
    `Baseline: round trip over a Unix-domain socket (node:net), ${config.size}-byte message, us ` +
      `(${grouped(config.count)} samples after ${grouped(config.warmup)} warm-up)`,
    ["client-server", "placement", ...percentileHeaders],
    body,
    withBusyNote([
      `Fewer samples than over shared memory: ${grouped(config.count)} round trips, as stated.`,
      "Both placements are measured: with both processes on one CPU a wake-up stays on that CPU",
      "and socket round trips are fastest; one CPU each is how the shared-memory pairs run.",
    ], body.map((cells) => cells[0])),
  );
}

export function throughputReport(rows: ThroughputRow[], config: BenchConfig["throughput"]): string {
  const body = rows.map(throughputCells);
  return renderTable(
    `One-way throughput between two processes (publisher->subscriber), term length ` +
      `${config.termLength >> 20} MiB, median of ${config.repetitions} runs of ~${config.seconds} s`,
    throughputHeaders,
    body,
    withBusyNote([
      "M msg/s and MB/s (payload, 10^6 bytes) at the subscriber from the first to the last message of",
      "the median clean run; 'range' is the slowest and fastest of every run, flagged ones included.",
      "Count and order verified in every run.",
      `'pub M msg/s' is the publisher's own view; 'retries' counts its back-pressure retries.`,
      `Poll limit ${config.pollLimit}; ${config.warmupSeconds} s of warm-up messages first; ` +
      `${placement("subscriber", "publisher")}.`,
      "TypeScript subscribers use pollFragments (zero allocation); publishers spin on back-pressure.",
    ], body.map((cells) => cells[0])),
  );
}

export function termSensitivityReport(
  rows: ThroughputRow[],
  main: ThroughputRow[],
  config: BenchConfig["throughput"],
): string {
  const beside = rows.flatMap((row) => {
    const same = main.find((m) => m.pair === row.pair && m.size === row.size);
    return same ? [row, same] : [row];
  });
  const body = beside.map((row) => {
    const [pair, ...rest] = throughputCells(row);
    return [pair, `${row.termLength >> 20} MiB`, ...rest];
  });
  return renderTable(
    `Throughput and term length, 64 bytes: the library default (${config.defaultTermLength >> 20} MiB) ` +
      `beside ${config.termLength >> 20} MiB`,
    ["pub->sub", "term", ...throughputHeaders.slice(1)],
    body,
    withBusyNote(
      ["Same method as above; the 16 MiB rows are those of the table above."],
      body.map((cells) => cells[0]),
    ),
  );
}

const throughputHeaders = [
  "pub->sub",
  "bytes",
  "M msg/s",
  "range",
  "MB/s",
  "pub M msg/s",
  "messages",
  "retries",
];

function throughputCells(row: ThroughputRow): string[] {
  const label = marked(row.pair, row.median?.disturbed);
  if (row.median === undefined) return [label, String(row.size), `FAILED: ${row.error ?? "no runs"}`];
  const m = row.median;
  return [
    label,
    String(row.size),
    fixed(m.messagesPerSecond / 1e6, 2),
    `${fixed(row.minMessagesPerSecond! / 1e6, 1)}-${fixed(row.maxMessagesPerSecond! / 1e6, 1)}`,
    grouped(row.megabytesPerSecond!),
    fixed(m.publisherMessagesPerSecond / 1e6, 2),
    grouped(m.messages),
    grouped(m.backPressureSpins),
  ];
}

export function costsReport(rows: CostsRow[], config: BenchConfig["costs"]): string {
  const body = rows.map((row) => {
    const label = marked(runtimeLabel[row.runtime], row.disturbed);
    if (!row.result) return [label, `FAILED: ${row.error}`];
    const r = row.result;
    const bySize = config.sizes.map((size) => r.bySize.find((c) => c.size === size));
    return [
      label,
      fixed(r.clockNs, 1),
      fixed(r.emptyPollNs, 1),
      ...bySize.map((c) => fixed(c?.publishNs, 1)),
      ...bySize.map((c) => fixed(c?.pollNs, 1)),
    ];
  });
  return renderTable(
    "Per-call costs in one process, ns (no other process touches the channel)",
    [
      "runtime",
      "clock read",
      "empty poll",
      ...config.sizes.map((size) => `publish ${size} B`),
      ...config.sizes.map((size) => `poll/msg ${size} B`),
    ],
    body,
    withBusyNote([
      "Best of 5 rounds of 1M calls (clock, empty poll) or 100k messages (publish, then poll with limit",
      "256 reading them back). TypeScript: monotonicNs(), pollFragments(), tryPublish(); Zig: the same",
      "calls in the Zig API. What the runtime adds, apart from moving cache lines between cores.",
    ], body.map((cells) => cells[0])),
  );
}

export function coldStartReport(result: ColdStartResult, config: BenchConfig["coldStart"]): string {
  const body = result.rows.map((row) => [
    marked(row.program, row.busyBefore > quietBusyMax),
    ...[row.median, row.mean, row.stddev, row.min, row.max].map((seconds) => fixed(seconds * 1e3, 1)),
    String(row.runs),
  ]);
  return renderTable(
    `Cold start (hyperfine -N, ${config.warmupRuns} warm-up + ${config.runs} runs each), ms`,
    ["program", "median", "mean", "stddev", "min", "max", "runs"],
    body,
    withBusyNote([
      "open+publish+exit: start, load libzigbolt, open the channel the driver holds (pre-faulting its",
      `${
        (3 * config.termLength) >> 20
      } MiB of terms, the default), publish ${config.size} bytes, close, exit. ` +
      `Messages received by the`,
      `driver: ${result.messagesReceived} of ${result.messagesExpected}` +
      `${result.error ? `  << ${result.error}` : " (all)"}. Empty program: the runtime's start-up alone.`,
    ], body.map((cells) => cells[0])),
  );
}

export function targetsReport(targets: TargetResult[]): string {
  const lines = targets.map((t) => {
    const ratio = t.ratio === null ? "n/a" : `${t.ratio.toFixed(2)}x`;
    const verdict = t.pass ? "PASS" : "MISS";
    return `${verdict}  ${t.target}: ${ratio} (${t.direction} ${t.limit}x; ${t.detail})`;
  });
  return ["Targets (ratios within this run)", "", ...lines, ""].join("\n");
}
