/**
 * Clean measurements for the core cells, as the IPC bench takes them (bench/_quiet.ts,
 * bench/_placement.ts): each run waits for a quiet machine and the usual vCPU placement, and
 * is measured again (up to 3 attempts) when the placement changed during it. A cell's median
 * is then taken over its clean runs; runs that never ran clean are counted and shown.
 * @module
 */
import { measureUndisturbed } from "../_quiet.ts";
import type { CoreSuiteContext } from "./_rows.ts";

export interface CellRun<T> {
  result: T;
  /** Even the last attempt ran off the usual vCPU placement. */
  disturbed: boolean;
}

/** One run of a cell, undisturbed if the machine allows (the ring peers report no CPU shares). */
export async function measureCell<T>(
  context: CoreSuiteContext,
  measure: () => Promise<T>,
): Promise<CellRun<T>> {
  const measured = await measureUndisturbed(measure, () => [], context);
  return { result: measured.result, disturbed: measured.disturbed };
}

/** The results a cell's median is taken over: the clean runs, or every run if none was clean. */
export function keptResults<T>(runs: CellRun<T>[]): T[] {
  const clean = runs.filter((run) => !run.disturbed);
  return (clean.length ? clean : runs).map((run) => run.result);
}

/** How many of a cell's runs never ran on the usual placement. */
export function disturbedCount(runs: CellRun<unknown>[]): number {
  return runs.filter((run) => run.disturbed).length;
}
