/**
 * An agent module for AgentRunner.startInWorker tests. Its factory takes a SharedArrayBuffer
 * where the agent counts, so the test thread can watch it work from outside:
 *   Int32 words: 0 doWork calls, 1 onStart calls, 2 onClose calls, 3 thread check (1 = ran
 *   outside the test's global object, i.e. in a Worker)
 */
import type { Agent } from "../../lib/agent.ts";

export interface CounterParams {
  memory: SharedArrayBuffer;
  /** Work returned by every `workEvery`-th call (others return 0). */
  workEvery?: number;
  /** doWork throws from this call on. */
  failFrom?: number;
}

export default function createAgent(params: CounterParams): Agent {
  const words = new Int32Array(params.memory);
  const workEvery = params.workEvery ?? 2;
  const failFrom = params.failFrom ?? Infinity;
  return {
    roleName: "counter",
    onStart() {
      Atomics.add(words, 1, 1);
      // The test marks its own global object; a Worker has globals of its own.
      Atomics.store(words, 3, (globalThis as { zigboltAgentsTest?: boolean }).zigboltAgentsTest ? 0 : 1);
    },
    doWork() {
      const n = Atomics.add(words, 0, 1) + 1;
      if (n >= failFrom) throw new RangeError(`call ${n} failed`);
      return n % workEvery === 0 ? 1 : 0;
    },
    onClose() {
      Atomics.add(words, 2, 1);
    },
  };
}

export function notAFactory(): string {
  return "not an agent";
}

export function throwingFactory(): Agent {
  throw new Error("the factory refused");
}
