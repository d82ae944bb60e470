/**
 * The Worker behind AgentRunner.startInWorker: imports the agent's module, builds the agent,
 * and runs it on this thread with the idle strategy's synchronous form until the stop word
 * of the shared control block is set. Statistics are published every millisecond (and at
 * the end) through the shared block; errors are posted, at most one every 10 ms.
 * @module
 */
import type { Agent } from "./agent.ts";
import { AgentCounters, AgentCounterType, countersPublishIntervalNs } from "./agent_counters.ts";
import { DutyCycleTracker } from "./agent_duty_cycle.ts";
import { monotonicNs } from "./clock.ts";
import { IdleStrategy, setTimerSlack } from "./idle_strategy.ts";
import * as shared from "./_agent_shared.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<shared.InitMessage>) => void) | null;
  postMessage(message: shared.WorkerMessage): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
const errorPostEveryNs = 10e6;

scope.onmessage = (event) => {
  scope.onmessage = null;
  run(event.data).finally(() => {
    scope.postMessage({ type: "closed" });
    scope.close();
  });
};
// Messages posted to a Worker before its module (with top-level awaits in its imports) has
// set onmessage may be lost in Bun: the parent sends the init message on this signal.
scope.postMessage({ type: "ready" });

function errorMessage(error: unknown): shared.ErrorMessage {
  if (error instanceof Error) {
    return { type: "error", name: error.name, message: error.message, stack: error.stack };
  }
  return { type: "error", name: "Error", message: String(error) };
}

async function run(init: shared.InitMessage): Promise<void> {
  const controlView = new Int32Array(init.memory, 0, shared.controlWords);
  const statsView = new Float64Array(init.memory, shared.statsOffset, shared.statsWords);
  let agent: Agent;
  let idle: IdleStrategy;
  try {
    idle = IdleStrategy.fromSpec(init.idle);
    const module = await import(init.moduleUrl);
    const factory = module[init.exportName];
    if (typeof factory !== "function") {
      throw new TypeError(`${init.moduleUrl} has no function export "${init.exportName}" to build the agent`);
    }
    agent = await factory(init.params);
    if (typeof agent?.doWork !== "function") {
      throw new TypeError("the factory did not return an agent with doWork()");
    }
    setTimerSlack(init.timerSlackNs);
    agent.onStart?.();
  } catch (error) {
    Atomics.store(controlView, shared.control.state, 2);
    scope.postMessage(errorMessage(error));
    return;
  }
  const counters = init.counters ? AgentCounters.allocate(agent.roleName) : undefined;
  const counterIds: Record<number, number> = {};
  for (const type of Object.values(AgentCounterType)) {
    const id = counters?.idOf(type);
    if (id !== undefined) counterIds[type] = id;
  }
  Atomics.store(controlView, shared.control.state, 1);
  scope.postMessage({ type: "started", roleName: agent.roleName, counterIds });
  const tracker = new DutyCycleTracker();
  let errors = 0;
  let lastErrorPostNs = -Infinity;
  let now = monotonicNs();
  let nextPublish = now + countersPublishIntervalNs;
  tracker.start(now);
  const publish = () => {
    shared.writeStats(controlView, statsView, { ...tracker.stats(), errors });
    counters?.publish(tracker.cycles, tracker.workCount, tracker.maxCycleNs, errors);
  };
  while (Atomics.load(controlView, shared.control.stop) === 0) {
    let work = 0;
    try {
      work = agent.doWork();
      if (!(work >= 0)) {
        const bad = work;
        work = 0;
        throw new RangeError(`doWork of "${agent.roleName}" returned ${bad}, not a count >= 0`);
      }
    } catch (error) {
      errors++;
      if (now - lastErrorPostNs >= errorPostEveryNs) {
        lastErrorPostNs = now;
        scope.postMessage(errorMessage(error));
      }
      if (init.stopOnError) break;
    }
    idle.idle(work);
    now = monotonicNs();
    tracker.record(now, work);
    if (now >= nextPublish) {
      nextPublish = now + countersPublishIntervalNs;
      publish();
    }
  }
  publish();
  try {
    agent.onClose?.();
  } catch (error) {
    errors++;
    scope.postMessage(errorMessage(error));
    publish();
  }
  counters?.free();
  Atomics.store(controlView, shared.control.state, 2);
}
