/**
 * Idle strategies: what an agent does after a duty cycle, given how much work it did. The
 * same five strategies as the Zig core and the C ABI (docs/agents.md), with the same names,
 * parameters and step sequences.
 *
 * Each has two forms:
 * - `idleAsync(work)` for the event loop: the yielding and parking steps give the event loop
 *   a turn (a macrotask or a timer), so timers, I/O and other tasks keep running. Use it in
 *   `async` loops on the main thread (the default `AgentRunner` does).
 * - `idle(work)` for a loop that owns its thread (a Worker, or a process that does nothing
 *   else): it blocks the calling thread (sleeps with `Atomics.wait`, yields with
 *   `sched_yield`). On the main thread it freezes the event loop for as long as it sleeps.
 * @module
 */
import { setImmediate } from "node:timers";
import { native } from "./_native.ts";
import { InvalidArgumentError } from "./errors.ts";

/** The kinds, with their C ABI values (ZIGBOLT_IDLE_*). */
export const IdleKind = {
  busySpin: 1,
  yielding: 2,
  sleeping: 3,
  backoff: 4,
  noOp: 5,
} as const;

/** The name of an idle strategy's kind. */
export type IdleKindName = keyof typeof IdleKind;

/** What a backoff's last step did (ZIGBOLT_BACKOFF_* in C). */
export type BackoffState = "notIdle" | "spinning" | "yielding" | "parking";

const backoffStates: readonly BackoffState[] = ["notIdle", "spinning", "yielding", "parking"];

/** Parameters of `IdleStrategy.backoff`; the defaults are Aeron's. */
export interface BackoffOptions {
  /** Spin steps before yielding; default 10. */
  maxSpins?: number;
  /** Yield steps before parking; default 5. */
  maxYields?: number;
  /** First park period, ns (>= 1); default 1000 (1 us). */
  minParkNs?: number;
  /** Longest park period, ns (>= minParkNs); default 1_000_000 (1 ms). */
  maxParkNs?: number;
}

/** A description of an idle strategy that can be sent to a Worker (structured-clonable). */
export interface IdleStrategySpec extends BackoffOptions {
  kind: IdleKindName;
  /** Sleeping: the period, ns. */
  periodNs?: number;
}

/** Longest park or sleep period accepted (one minute), as in Zig. */
export const parkNsMax = 60e9;
/** Most spin or yield steps a backoff accepts, as in Zig. */
export const backoffStepsMax = 2 ** 30;

const nsPerMs = 1e6;

/**
 * An idle strategy. It keeps state (the backoff's progress): give each loop its own.
 *
 * @example
 * ```ts
 * const idle = IdleStrategy.backoff({ maxSpins: 10, maxYields: 5, minParkNs: 1_000, maxParkNs: 1_000_000 });
 * for (;;) {
 *   const work = subscription.poll(onMessage, 10);
 *   await idle.idleAsync(work); // lets timers and I/O run while there is nothing to do
 * }
 * ```
 */
export class IdleStrategy {
  /** Which strategy this is. */
  readonly kind: IdleKindName;
  readonly #code: number;
  readonly #maxSpins: number;
  readonly #maxYields: number;
  readonly #minParkNs: number;
  readonly #maxParkNs: number;
  #state = 0;
  #spins = 0;
  #yields = 0;
  #parkNs: number;
  #waitCell: Int32Array | undefined;

  private constructor(
    kind: IdleKindName,
    maxSpins: number,
    maxYields: number,
    minParkNs: number,
    maxParkNs: number,
  ) {
    this.kind = kind;
    this.#code = IdleKind[kind];
    this.#maxSpins = maxSpins;
    this.#maxYields = maxYields;
    this.#minParkNs = minParkNs;
    this.#maxParkNs = maxParkNs;
    this.#parkNs = minParkNs;
  }

  /**
   * Never gives up the core. JavaScript has no CPU spin hint, so a step does nothing; the
   * async form does not yield to the event loop either (the AgentRunner does, once a slice).
   */
  static busySpin(): IdleStrategy {
    return new IdleStrategy("busySpin", 0, 0, 0, 0);
  }

  /** Async: one macrotask (`setImmediate`) per step. Sync: `sched_yield()` through libzigbolt. */
  static yielding(): IdleStrategy {
    return new IdleStrategy("yielding", 0, 0, 0, 0);
  }

  /**
   * Sleeps `periodNs` per step. Async: a timer (the runtimes round it up to ~1 ms at least).
   * Sync: `Atomics.wait` on a private SharedArrayBuffer (sub-millisecond periods work, plus
   * the kernel's timer slack: see `setTimerSlack`).
   */
  static sleeping(periodNs: number): IdleStrategy {
    const period = checkedNs(periodNs, "sleeping periodNs");
    return new IdleStrategy("sleeping", 0, 0, period, period);
  }

  /**
   * Spins `maxSpins` steps, yields `maxYields` steps, then parks `minParkNs`, doubling each
   * step up to `maxParkNs`. Work resets it to spinning.
   */
  static backoff(options: BackoffOptions = {}): IdleStrategy {
    const maxSpins = checkedSteps(options.maxSpins ?? 10, "maxSpins");
    const maxYields = checkedSteps(options.maxYields ?? 5, "maxYields");
    const minParkNs = checkedNs(options.minParkNs ?? 1_000, "minParkNs");
    const maxParkNs = checkedNs(options.maxParkNs ?? 1_000_000, "maxParkNs");
    if (maxParkNs < minParkNs) {
      throw new InvalidArgumentError(`backoff maxParkNs (${maxParkNs}) must be >= minParkNs (${minParkNs})`);
    }
    return new IdleStrategy("backoff", maxSpins, maxYields, minParkNs, maxParkNs);
  }

  /** Does nothing: the loop runs flat out. */
  static noOp(): IdleStrategy {
    return new IdleStrategy("noOp", 0, 0, 0, 0);
  }

  /** A strategy from its clonable description (for Workers). */
  static fromSpec(spec: IdleStrategySpec): IdleStrategy {
    switch (spec?.kind) {
      case "busySpin":
        return IdleStrategy.busySpin();
      case "yielding":
        return IdleStrategy.yielding();
      case "sleeping":
        return IdleStrategy.sleeping(spec.periodNs as number);
      case "backoff":
        return IdleStrategy.backoff(spec);
      case "noOp":
        return IdleStrategy.noOp();
      default:
        throw new InvalidArgumentError(`unknown idle strategy kind ${JSON.stringify(spec?.kind)}`);
    }
  }

  /** This strategy's clonable description (its parameters, not its state). */
  get spec(): IdleStrategySpec {
    if (this.kind === "sleeping") return { kind: "sleeping", periodNs: this.#minParkNs };
    if (this.kind !== "backoff") return { kind: this.kind };
    return {
      kind: "backoff",
      maxSpins: this.#maxSpins,
      maxYields: this.#maxYields,
      minParkNs: this.#minParkNs,
      maxParkNs: this.#maxParkNs,
    };
  }

  /** What the backoff's last step did ("notIdle" for the other kinds). */
  get backoffState(): BackoffState {
    return backoffStates[this.#state];
  }

  /** How long the next step may sleep, ns: the period, the backoff's next park, or 0. */
  get nextParkNs(): number {
    return this.kind === "sleeping" || this.kind === "backoff" ? this.#parkNs : 0;
  }

  /** Starts the sequence over (the backoff returns to spinning). */
  reset(): void {
    this.#state = 0;
    this.#spins = 0;
    this.#yields = 0;
    this.#parkNs = this.#minParkNs;
  }

  /**
   * Synchronous form, for a loop that owns its thread: after a cycle that did `workCount`
   * units, resets (> 0) or takes one step (0), blocking this thread while it yields or sleeps.
   */
  idle(workCount: number): void {
    if (workCount > 0) return this.reset();
    if (workCount !== 0) throw badWork(workCount);
    switch (this.#code) {
      case IdleKind.yielding:
        return yieldThread();
      case IdleKind.sleeping:
        return this.#sleep(this.#minParkNs);
      case IdleKind.backoff: {
        const step = this.#backoffStep();
        if (step === 2) yieldThread();
        else if (step === 3) this.#sleep(this.#parkNsTaken);
        return;
      }
    }
  }

  /**
   * Event-loop form: like `idle`, but yields with a macrotask and sleeps with a timer.
   * Returns a promise to await, or `undefined` when the step needs no waiting (work, a
   * busy spin, a no-op, a backoff spin step); `await` works on both.
   */
  idleAsync(workCount: number): Promise<void> | undefined {
    if (workCount > 0) {
      this.reset();
      return undefined;
    }
    if (workCount !== 0) throw badWork(workCount);
    switch (this.#code) {
      case IdleKind.yielding:
        return nextMacrotask();
      case IdleKind.sleeping:
        return timer(this.#minParkNs);
      case IdleKind.backoff: {
        const step = this.#backoffStep();
        if (step === 2) return nextMacrotask();
        if (step === 3) return timer(this.#parkNsTaken);
        return undefined;
      }
    }
    return undefined;
  }

  #parkNsTaken = 0;

  /** Advances the backoff by one step; returns its state (1 spin, 2 yield, 3 park). */
  #backoffStep(): number {
    if (this.#spins < this.#maxSpins) {
      this.#spins++;
      return this.#state = 1;
    }
    if (this.#yields < this.#maxYields) {
      this.#yields++;
      return this.#state = 2;
    }
    this.#parkNsTaken = this.#parkNs;
    this.#parkNs = Math.min(this.#parkNs * 2, this.#maxParkNs);
    return this.#state = 3;
  }

  #sleep(ns: number): void {
    const cell = this.#waitCell ??= new Int32Array(new SharedArrayBuffer(4));
    // Nobody notifies this private cell: the wait always runs to its timeout.
    Atomics.wait(cell, 0, 0, ns / nsPerMs);
  }
}

function badWork(workCount: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`an idle step needs the work count of the cycle (>= 0), got ${workCount}`);
}

function checkedNs(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > parkNsMax) {
    throw new InvalidArgumentError(`${what} must be a whole number of ns in [1, ${parkNsMax}], got ${value}`);
  }
  return value;
}

function checkedSteps(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > backoffStepsMax) {
    throw new InvalidArgumentError(`backoff ${what} must be an integer in [0, 2^30], got ${value}`);
  }
  return value;
}

let threadYield: (() => number) | undefined;

function yieldThread(): void {
  (threadYield ??= native().symbols.zigbolt_thread_yield)();
}

function resolveLater(resolve: () => void): void {
  setImmediate(resolve);
}

/** A promise settled by the next macrotask: the event loop runs timers and I/O first. */
export function nextMacrotask(): Promise<void> {
  return new Promise<void>(resolveLater);
}

function timer(ns: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ns / nsPerMs));
}

/**
 * Sets the calling thread's timer slack (Linux): how late the kernel may wake a sleep to
 * batch wake-ups, 50 us by default, which makes a 1 us `Atomics.wait` take ~60 us. Call it
 * in a Worker that uses sync sleeping or backoff strategies (1 = as precise as possible).
 * Affects only the calling thread.
 *
 * @example
 * ```ts
 * setTimerSlack(1); // in the Worker, before its loop
 * ```
 */
export function setTimerSlack(slackNs: number): void {
  if (!Number.isInteger(slackNs) || slackNs < 1 || slackNs > 0xffff_ffff) {
    throw new InvalidArgumentError(`timer slack must be an integer of ns in [1, 2^32), got ${slackNs}`);
  }
  native().symbols.zigbolt_set_timer_slack(slackNs);
}

/** The calling thread's timer slack in ns (Linux; 0 elsewhere). */
export function timerSlackNs(): number {
  return native().symbols.zigbolt_timer_slack_ns();
}
