/**
 * What AgentRunner.startInWorker and its Worker (agent_worker.ts) share: the messages and
 * the layout of the SharedArrayBuffer through which the Worker publishes its statistics.
 *
 *   Int32 words (control)            Float64 words from byte 16 (stats)
 *   0  stop: 0, or 1 once requested  0 cycles   3 totalNs   6 p50CycleNs
 *   1  seq: odd while the Worker     1 busyCycles 4 busyNs  7 p99CycleNs
 *      writes the stats (a seqlock)  2 workCount 5 maxCycleNs 8 errors
 *   2  state: 0 starting, 1 running, 2 closed
 * @module
 */
import type { IdleStrategySpec } from "./idle_strategy.ts";

export const control = { stop: 0, seq: 1, state: 2 } as const;
export const controlWords = 4;
export const statsOffset = 16;
export const statsWords = 9;
export const memoryBytes = statsOffset + statsWords * 8;

export interface InitMessage {
  moduleUrl: string;
  exportName: string;
  params: unknown;
  idle: IdleStrategySpec;
  stopOnError: boolean;
  timerSlackNs: number;
  counters: boolean;
  memory: SharedArrayBuffer;
}

export interface ErrorMessage {
  type: "error";
  name: string;
  message: string;
  stack?: string;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "started"; roleName: string; counterIds: Record<number, number> }
  | ErrorMessage
  | { type: "closed" };

export function initMessage(
  moduleUrl: string | URL,
  options: {
    idle?: IdleStrategySpec;
    exportName?: string;
    params?: unknown;
    stopOnError?: boolean;
    timerSlackNs?: number;
    counters?: boolean;
  },
  memory: SharedArrayBuffer,
): InitMessage {
  return {
    moduleUrl: String(moduleUrl),
    exportName: options.exportName ?? "default",
    params: options.params,
    idle: options.idle ?? { kind: "backoff" },
    stopOnError: options.stopOnError ?? false,
    timerSlackNs: options.timerSlackNs ?? 1,
    counters: options.counters ?? true,
    memory,
  };
}

export interface PublishedStats {
  cycles: number;
  busyCycles: number;
  workCount: number;
  totalNs: number;
  busyNs: number;
  maxCycleNs: number;
  p50CycleNs: number;
  p99CycleNs: number;
  errors: number;
  busyRatio: number;
  busyTimeRatio: number;
}

/** Writer side (the Worker, alone): seq odd, values, seq even. */
export function writeStats(controlView: Int32Array, statsView: Float64Array, s: PublishedStats): void {
  Atomics.add(controlView, control.seq, 1);
  statsView[0] = s.cycles;
  statsView[1] = s.busyCycles;
  statsView[2] = s.workCount;
  statsView[3] = s.totalNs;
  statsView[4] = s.busyNs;
  statsView[5] = s.maxCycleNs;
  statsView[6] = s.p50CycleNs;
  statsView[7] = s.p99CycleNs;
  statsView[8] = s.errors;
  Atomics.add(controlView, control.seq, 1);
}

/** Reader side: retries until it read the values between two equal, even seq values. */
export function readStats(controlView: Int32Array, statsView: Float64Array): PublishedStats {
  for (;;) {
    const before = Atomics.load(controlView, control.seq);
    if ((before & 1) === 0) {
      const v = Array.from(statsView);
      if (Atomics.load(controlView, control.seq) === before) {
        return {
          cycles: v[0],
          busyCycles: v[1],
          workCount: v[2],
          totalNs: v[3],
          busyNs: v[4],
          maxCycleNs: v[5],
          p50CycleNs: v[6],
          p99CycleNs: v[7],
          errors: v[8],
          busyRatio: v[0] === 0 ? 0 : v[1] / v[0],
          busyTimeRatio: v[3] === 0 ? 0 : v[4] / v[3],
        };
      }
    }
  }
}
