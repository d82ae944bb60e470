/**
 * Clean measurements on a shared machine. On two cores, one other busy process is enough to
 * put a pair on a shared CPU and turn nanoseconds into time slices, and the host moves the
 * vCPUs now and then (_placement.ts). So the driver waits for a quiet machine and the usual
 * placement before each measurement, measures again when a peer lost CPU time or the
 * placement changed, repeats each row interleaved with the others, and reports the median
 * clean run; what never ran clean is flagged.
 * @module
 */
import fs from "node:fs";
import { pinningAvailable } from "./_cpus.ts";
import { describe, type PlacementWatch, type Probe } from "./_placement.ts";

/** Share of all CPUs busy (0..1) that still counts as quiet: the kernel, a shell. */
export const quietBusyMax = 0.1;
const sampleMs = 150;
const waitMs = 120_000;

/**
 * Returns the busy share of the last sample, once it is at most `quietBusyMax` or after
 * `waitMs` of waiting (then the caller records that the cell ran on a busy machine).
 */
export async function waitForQuiet(log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + waitMs;
  let busy = await busyShare(sampleMs);
  let told = false;
  while (busy > quietBusyMax && Date.now() < deadline) {
    if (!told) log(`waiting for other processes to finish (CPUs ${Math.round(busy * 100)}% busy)`);
    told = true;
    await sleep(1000);
    busy = await busyShare(sampleMs);
  }
  if (busy > quietBusyMax) {
    log(`WARNING: still ${Math.round(busy * 100)}% busy after ${waitMs / 1000} s; measuring anyway`);
  }
  return busy;
}

/** Busy share of all CPUs over `ms`, from /proc/stat (Linux); 0 where unavailable. */
export async function busyShare(ms: number): Promise<number> {
  const before = cpuTimes();
  await sleep(ms);
  const after = cpuTimes();
  const total = after.total - before.total;
  return total > 0 ? Math.round((1 - (after.idle - before.idle) / total) * 100) / 100 : 0;
}

function cpuTimes(): { idle: number; total: number } {
  let line = "cpu 0 0 0 0";
  try {
    line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
  } catch {
    // Not Linux: no sample, every wait returns at once.
  }
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((sum, value) => sum + value, 0) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A spinning peer on its own CPU that got less of it than this was preempted. */
export const cpuShareMin = 0.9;
const attemptsMax = 3;

/** What the sections of the driver share: the log, and the vCPU placement watch. */
export interface SuiteContext {
  log: (line: string) => void;
  placement: PlacementWatch;
}

export interface Undisturbed<T> {
  result: T;
  /** 1 when the first attempt was clean. */
  attempts: number;
  /** The peers' CPU shares in the attempt kept (bench/_cpu_meter.ts). */
  cpuShares: number[];
  /** Placement probes before and after the attempt kept (bench/_placement.ts). */
  probes: (Probe | undefined)[];
  /** A peer lost CPU time to another process in the attempt kept. */
  preempted: boolean;
  /** Even the last attempt was preempted or ran off the usual placement. */
  disturbed: boolean;
}

/**
 * Waits for a quiet machine and the usual vCPU placement, measures, and measures again (up to
 * 3 attempts) while another process took CPU time from a peer or the placement changed.
 * Without pinning the shares mean nothing (the peers may share a CPU) and are not checked.
 */
export async function measureUndisturbed<T>(
  measure: () => Promise<T>,
  sharesOf: (result: T) => number[],
  context: SuiteContext,
  crossesCpus = true,
): Promise<Undisturbed<T>> {
  const { log, placement } = context;
  const checkShares = pinningAvailable();
  for (let attempt = 1;; attempt++) {
    await waitForQuiet(log);
    // One-process measurements move no cache line between CPUs: no placement to wait for.
    const before = crossesCpus ? await placement.waitForUsual(log) : undefined;
    const result = await measure();
    const after = crossesCpus ? await placement.probe() : undefined;
    const cpuShares = sharesOf(result);
    const preempted = checkShares && cpuShares.some((share) => !(share >= cpuShareMin));
    const off = placement.isOff(before) || placement.isOff(after);
    const disturbed = preempted || off;
    if (!disturbed || attempt === attemptsMax) {
      return { result, attempts: attempt, cpuShares, probes: [before, after], preempted, disturbed };
    }
    const probe = after === undefined ? "none" : describe(after);
    log(
      preempted
        ? `a peer got only ${Math.min(...cpuShares)} of its CPU (another process ran): measuring again`
        : `the vCPU placement changed during the measurement (probe ${probe}): measuring again`,
    );
  }
}

/** A row measured several times; a run is clean unless flagged `disturbed`. */
export interface RepeatedRow {
  runs: { disturbed: boolean }[];
  error?: string;
}

/**
 * Measures every row `repetitions` times, interleaved (a slow spell of the machine then hits
 * every row a little rather than one row a lot). Then rows with fewer clean runs than
 * `repetitions` get up to as many make-up runs: the placement may be back by then.
 */
export async function repeatInterleaved<R extends RepeatedRow>(
  rows: R[],
  repetitions: number,
  measureOnce: (row: R, run: string) => Promise<void>,
): Promise<void> {
  for (let repetition = 1; repetition <= repetitions; repetition++) {
    for (const row of rows) await attempt(row, () => measureOnce(row, `run ${repetition}/${repetitions}`));
  }
  for (const row of rows) {
    for (let extra = 1; extra <= repetitions && cleanRuns(row) < repetitions; extra++) {
      await attempt(row, () => measureOnce(row, `make-up run ${extra}`));
    }
  }
}

function cleanRuns(row: RepeatedRow): number {
  return row.runs.filter((run) => !run.disturbed).length;
}

async function attempt(row: RepeatedRow, measure: () => Promise<void>): Promise<void> {
  if (row.error) return;
  try {
    await measure();
  } catch (error) {
    row.error = (error as Error).message;
  }
}

/** The median run by `key`, among the clean runs if there are any. */
export function medianRun<T extends { disturbed: boolean }>(
  runs: T[],
  key: (run: T) => number,
): T | undefined {
  const clean = runs.filter((run) => !run.disturbed);
  const sorted = [...(clean.length ? clean : runs)].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
