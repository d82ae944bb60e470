/**
 * The counters an agent runner publishes in the process's counters file (docs/counters.md,
 * agents range 50-59), the same in Zig, C and TypeScript: duty cycles, work count, longest
 * cycle (ns) and errors, labelled "agent duty cycles: <role name>" and so on, written every
 * millisecond and when the agent closes, freed after onClose.
 * @module
 */
import { type Counter, CountersFile } from "./counters.ts";

/**
 * Counter type ids of an agent runner (ZIGBOLT_AGENT_COUNTER_* in C).
 *
 * @example
 * ```ts
 * const id = runner.counterId(AgentCounterType.DutyCycles);
 * if (id !== undefined) console.log(CountersFile.processDefault().valueOf(id));
 * ```
 */
export const AgentCounterType = {
  DutyCycles: 50,
  WorkCount: 51,
  MaxCycleNs: 52,
  Errors: 53,
} as const;

const specs: readonly [number, string][] = [
  [AgentCounterType.DutyCycles, "agent duty cycles"],
  [AgentCounterType.WorkCount, "agent work count"],
  [AgentCounterType.MaxCycleNs, "agent max cycle ns"],
  [AgentCounterType.Errors, "agent errors"],
];

/** Publishing interval, ns. */
export const countersPublishIntervalNs = 1e6;

/** @internal One runner's counters; the runner's loop is their only writer. */
export class AgentCounters {
  readonly #counters: Counter[];

  private constructor(counters: Counter[]) {
    this.#counters = counters;
  }

  /** The counters of `roleName` in `file` (default: the process's), or undefined (off, full). */
  static allocate(roleName: string, file?: CountersFile): AgentCounters | undefined {
    let target: CountersFile;
    try {
      target = file ?? CountersFile.processDefault();
    } catch {
      return undefined; // counters off or unavailable: best effort
    }
    const counters: Counter[] = [];
    try {
      for (const [type, what] of specs) counters.push(target.allocate(type, `${what}: ${roleName}`));
    } catch {
      for (const counter of counters) counter.free();
      return undefined;
    }
    return new AgentCounters(counters);
  }

  /** The counters-file id of the counter of `type` (an AgentCounterType). */
  idOf(type: number): number | undefined {
    const index = specs.findIndex(([t]) => t === type);
    return index < 0 ? undefined : this.#counters[index].id;
  }

  publish(cycles: number, workCount: number, maxCycleNs: number, errors: number): void {
    const c = this.#counters;
    c[0].setOrdered(cycles);
    c[1].setOrdered(workCount);
    c[2].setOrdered(maxCycleNs);
    c[3].setOrdered(errors);
  }

  free(): void {
    for (const counter of this.#counters) counter.free();
  }
}
