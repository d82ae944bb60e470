/**
 * AgentRunner: drives an agent without blocking its caller, in one of two ways.
 *
 * - `AgentRunner.start(agent)`: cooperative, on the caller's event loop (the default). The
 *   runner calls doWork in a loop for at most one slice (`sliceMs`, default 1 ms) while the
 *   idle strategy's async form needs no waiting, then gives the event loop a turn; an idle
 *   step that yields or parks awaits a macrotask or a timer. Timers, I/O and other tasks keep
 *   running; the agent shares the thread with them.
 * - `AgentRunner.startInWorker(moduleUrl)`: on its own thread, in a Worker that imports the
 *   module, builds the agent with its factory and runs the synchronous loop (busy spin,
 *   `sched_yield`, `Atomics.wait`). For agents that must poll flat out, or whose idle steps
 *   must be shorter than a timer. Statistics come back through a SharedArrayBuffer.
 * @module
 */
import type { Agent, AgentErrorHandler, ErrorAction } from "./agent.ts";
import { AgentCounters, countersPublishIntervalNs } from "./agent_counters.ts";
import { type DutyCycleStats, DutyCycleTracker } from "./agent_duty_cycle.ts";
import { CountersFile } from "./counters.ts";
import { monotonicNs } from "./clock.ts";
import { InvalidArgumentError } from "./errors.ts";
import { IdleStrategy, type IdleStrategySpec, nextMacrotask } from "./idle_strategy.ts";
import * as shared from "./_agent_shared.ts";

/** Statistics of a running (or closed) agent. */
export interface AgentRunnerStats extends DutyCycleStats {
  /** Errors thrown by onStart, doWork and onClose (each counted, whatever the handler said). */
  errors: number;
  /** True until the agent has closed. */
  running: boolean;
}

/** Options of `AgentRunner.start`. */
export interface AgentRunnerOptions {
  /** Default `IdleStrategy.backoff()`. Its async form is used. */
  idle?: IdleStrategy;
  /** Default: `console.error` the error and continue. */
  onError?: AgentErrorHandler;
  /** Longest stretch of doWork cycles before the event loop gets a turn, ms; default 1. */
  sliceMs?: number;
  /**
   * Publish the agent's counters (AgentCounterType) in this counters file, or in the
   * process's (true, the default); false for none. Best effort.
   */
  counters?: boolean | CountersFile;
}

/** Options of `AgentRunner.startInWorker`. */
export interface WorkerAgentOptions {
  /** Default `{ kind: "backoff" }` (Aeron's defaults). Its sync form runs in the Worker. */
  idle?: IdleStrategySpec;
  /** The module's export that builds the agent; default "default". */
  exportName?: string;
  /** Passed to the factory (structured-cloned). */
  params?: unknown;
  /**
   * Told about errors thrown in the Worker, on this thread (at most one every 10 ms; all
   * are counted in stats().errors). The agent keeps running unless `stopOnError`.
   */
  onError?: (error: Error) => void;
  /** Close the agent at its first doWork error; default false. */
  stopOnError?: boolean;
  /** Timer slack of the Worker's thread, ns (Linux); default 1, so short parks are short. */
  timerSlackNs?: number;
  /** Publish the agent's counters in the process's counters file; default true. */
  counters?: boolean;
}

/** A running agent, whichever way it runs. */
export interface RunningAgent extends AsyncDisposable {
  /** The agent's role name. */
  readonly roleName: string;
  /** True until the agent has closed (stopped, or its error handler said "stop"). */
  readonly running: boolean;
  /** Settles once the agent has closed (onClose ran). */
  readonly closed: Promise<void>;
  /** Asks the agent to stop; resolves after its current cycle and onClose. Idempotent. */
  stop(): Promise<void>;
  /** Duty-cycle statistics, error count and state. */
  stats(): AgentRunnerStats;
  /**
   * The counters-file id of the agent's counter of `type` (an AgentCounterType), or
   * undefined when it has none (counters off or full, or the agent has closed).
   */
  counterId(type: number): number | undefined;
}

const defaultSliceMs = 1;

function logError(error: unknown, agent: Agent): void {
  console.error(`agent "${agent.roleName}" failed:`, error);
}

/**
 * Runs an agent cooperatively on the event loop (`start`) or on its own thread in a Worker
 * (`startInWorker`).
 *
 * @example
 * ```ts
 * const runner = AgentRunner.start({ roleName: "md", doWork: () => sub.poll(onQuote, 64) });
 * // ... timers and I/O keep running ...
 * await runner.stop();
 * console.log(runner.stats().busyRatio);
 * ```
 */
export class AgentRunner implements RunningAgent {
  /** The agent's role name. */
  readonly roleName: string;
  /** Settles once the agent has closed. */
  readonly closed: Promise<void>;
  readonly #agent: Agent;
  readonly #idle: IdleStrategy;
  readonly #onError: AgentErrorHandler;
  readonly #sliceNs: number;
  readonly #tracker = new DutyCycleTracker();
  #errors = 0;
  #stopRequested = false;
  #running = true;
  #counters: AgentCounters | undefined;

  private constructor(agent: Agent, options: AgentRunnerOptions) {
    this.#agent = agent;
    this.roleName = agent.roleName;
    this.#idle = options.idle ?? IdleStrategy.backoff();
    this.#onError = options.onError ?? logError;
    this.#sliceNs = (options.sliceMs ?? defaultSliceMs) * 1e6;
    const counters = options.counters ?? true;
    if (counters !== false) {
      this.#counters = AgentCounters.allocate(agent.roleName, counters === true ? undefined : counters);
    }
    this.closed = this.#run();
  }

  /**
   * Starts `agent` on this event loop, from the next macrotask on: onStart, then doWork
   * cycles with `idle`'s async form between them, then onClose once stopped.
   */
  static start(agent: Agent, options: AgentRunnerOptions = {}): AgentRunner {
    if (typeof agent?.doWork !== "function") {
      throw new InvalidArgumentError("an agent needs a doWork() method that returns a work count");
    }
    if (typeof agent.roleName !== "string" || agent.roleName === "") {
      throw new InvalidArgumentError(
        "an agent needs a roleName (a non-empty string) for its logs and counters",
      );
    }
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw new InvalidArgumentError("onError must be a function");
    }
    const sliceMs = options.sliceMs ?? defaultSliceMs;
    if (!(sliceMs >= 0 && sliceMs <= 1000)) {
      throw new InvalidArgumentError(`sliceMs must be in [0, 1000], got ${sliceMs}`);
    }
    if (options.idle !== undefined && !(options.idle instanceof IdleStrategy)) {
      throw new InvalidArgumentError("idle must be an IdleStrategy");
    }
    const counters = options.counters;
    if (counters !== undefined && typeof counters !== "boolean" && !(counters instanceof CountersFile)) {
      throw new InvalidArgumentError("counters must be a boolean or a CountersFile");
    }
    return new AgentRunner(agent, options);
  }

  /**
   * Starts an agent on its own thread: a Worker imports `moduleUrl` and calls its factory
   * export (default "default") with `options.params` to build the agent, then runs it with
   * `options.idle`'s synchronous form. Resolves once onStart has run; rejects if the module
   * cannot be loaded or the factory or onStart throws.
   *
   * @example
   * ```ts
   * // spinner.ts: export default (params) => ({ roleName: "spinner", doWork: () => poll() });
   * const runner = await AgentRunner.startInWorker(new URL("./spinner.ts", import.meta.url), {
   *   idle: { kind: "busySpin" },
   * });
   * await runner.stop();
   * ```
   */
  static startInWorker(moduleUrl: string | URL, options: WorkerAgentOptions = {}): Promise<RunningAgent> {
    return WorkerAgentRunner.start(moduleUrl, options);
  }

  /** True until the agent has closed. */
  get running(): boolean {
    return this.#running;
  }

  /** Asks the agent to stop; resolves after its current cycle and onClose. Idempotent. */
  stop(): Promise<void> {
    this.#stopRequested = true;
    return this.closed;
  }

  /** Duty-cycle statistics since the start, the error count and the state. */
  stats(): AgentRunnerStats {
    return { ...this.#tracker.stats(), errors: this.#errors, running: this.#running };
  }

  /** The counters-file id of the agent's counter of `type` (an AgentCounterType). */
  counterId(type: number): number | undefined {
    return this.#counters?.idOf(type);
  }

  /** Duty-cycle statistics since the previous call (or the start). */
  takeWindow(): DutyCycleStats {
    return this.#tracker.takeWindow();
  }

  /** Stops the agent. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #run(): Promise<void> {
    await nextMacrotask();
    const agent = this.#agent;
    try {
      let started = true;
      try {
        agent.onStart?.();
      } catch (error) {
        this.#failed(error);
        started = false;
      }
      if (started) await this.#loop();
      this.#publishCounters();
      try {
        agent.onClose?.();
      } catch (error) {
        this.#failed(error);
      }
    } finally {
      this.#running = false;
      this.#counters?.free();
      this.#counters = undefined;
    }
  }

  async #loop(): Promise<void> {
    const agent = this.#agent;
    const idle = this.#idle;
    const tracker = this.#tracker;
    let now = monotonicNs();
    tracker.start(now);
    let sliceEnd = now + this.#sliceNs;
    let nextPublish = now + countersPublishIntervalNs;
    while (!this.#stopRequested) {
      let work = 0;
      try {
        work = agent.doWork();
        if (!(work >= 0)) {
          const bad = work;
          work = 0;
          throw new InvalidArgumentError(`doWork of "${agent.roleName}" returned ${bad}, not a count >= 0`);
        }
      } catch (error) {
        if (this.#failed(error) === "stop") return;
      }
      const wait = idle.idleAsync(work);
      if (wait !== undefined) {
        await wait;
        now = monotonicNs();
        sliceEnd = now + this.#sliceNs;
      } else {
        now = monotonicNs();
        if (now >= sliceEnd) {
          await nextMacrotask();
          sliceEnd = monotonicNs() + this.#sliceNs;
        }
      }
      tracker.record(now, work);
      if (now >= nextPublish) {
        nextPublish = now + countersPublishIntervalNs;
        this.#publishCounters();
      }
    }
  }

  #publishCounters(): void {
    const tracker = this.#tracker;
    this.#counters?.publish(tracker.cycles, tracker.workCount, tracker.maxCycleNs, this.#errors);
  }

  #failed(error: unknown): ErrorAction | void {
    this.#errors++;
    try {
      return this.#onError(error, this.#agent);
    } catch (handlerError) {
      console.error(`the error handler of agent "${this.#agent.roleName}" threw:`, handlerError);
      return undefined;
    }
  }
}

/** A rejected or thrown error of the Worker, rebuilt on this thread. */
function errorFrom(data: shared.ErrorMessage): Error {
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}

class WorkerAgentRunner implements RunningAgent {
  roleName = "";
  counterIds: Record<number, number> = {};
  readonly closed: Promise<void>;
  readonly #worker: Worker;
  readonly #control: Int32Array;
  readonly #stats: Float64Array;
  #running = true;

  private constructor(worker: Worker, memory: SharedArrayBuffer, closed: Promise<void>) {
    this.#worker = worker;
    this.#control = new Int32Array(memory, 0, shared.controlWords);
    this.#stats = new Float64Array(memory, shared.statsOffset, shared.statsWords);
    this.closed = closed.finally(() => {
      this.#running = false;
      worker.terminate();
    });
  }

  static start(moduleUrl: string | URL, options: WorkerAgentOptions): Promise<RunningAgent> {
    const init = shared.initMessage(moduleUrl, options, new SharedArrayBuffer(shared.memoryBytes));
    // Bad options throw InvalidArgumentError here rather than in the Worker.
    IdleStrategy.fromSpec(init.idle);
    const slack = init.timerSlackNs;
    if (!Number.isInteger(slack) || slack < 1 || slack > 0xffff_ffff) {
      throw new InvalidArgumentError(`timerSlackNs must be an integer in [1, 2^32), got ${slack}`);
    }
    if (typeof init.exportName !== "string") throw new InvalidArgumentError("exportName must be a string");
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw new InvalidArgumentError("onError must be a function");
    }
    const worker = new Worker(new URL("./agent_worker.ts", import.meta.url).href, { type: "module" });
    return new Promise<RunningAgent>((resolveStarted, rejectStarted) => {
      let resolveClosed!: () => void;
      const closed = new Promise<void>((resolve) => resolveClosed = resolve);
      const runner = new WorkerAgentRunner(worker, init.memory, closed);
      let started = false;
      worker.onmessage = (event: MessageEvent<shared.WorkerMessage>) => {
        const data = event.data;
        if (data.type === "ready") {
          worker.postMessage(init);
        } else if (data.type === "started") {
          started = true;
          runner.roleName = data.roleName;
          runner.counterIds = data.counterIds;
          resolveStarted(runner);
        } else if (data.type === "error") {
          if (!started) rejectStarted(errorFrom(data));
          else options.onError?.(errorFrom(data));
        } else if (data.type === "closed") {
          resolveClosed();
        }
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault?.();
        const error = new Error(`the agent Worker failed: ${event.message}`);
        if (!started) rejectStarted(error);
        else options.onError?.(error);
        resolveClosed();
      };
    });
  }

  get running(): boolean {
    return this.#running;
  }

  stop(): Promise<void> {
    Atomics.store(this.#control, shared.control.stop, 1);
    return this.closed;
  }

  counterId(type: number): number | undefined {
    return this.#running ? this.counterIds[type] : undefined;
  }

  stats(): AgentRunnerStats {
    const values = shared.readStats(this.#control, this.#stats);
    return { ...values, running: this.#running && Atomics.load(this.#control, shared.control.state) !== 2 };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
