/**
 * Agents in TypeScript: the cooperative runner keeps the event loop running and reports
 * errors, the composite isolates failures, the duty cycle counts, and the Worker runner
 * runs an agent on its own thread.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  type Agent,
  AgentCounterType,
  AgentRunner,
  CompositeAgent,
  CountersFile,
  DutyCycleTracker,
  IdleKind,
  IdleStrategy,
  InvalidArgumentError,
} from "../mod.ts";
import { bucketOf, bucketUpperNs } from "../lib/agent_duty_cycle.ts";
import { test, uniqueName } from "./_harness.ts";
import { root } from "./_processes.ts";

// The agent in tests/peers/agent_counter.ts checks it does not see this: it runs in a Worker.
(globalThis as { zigboltAgentsTest?: boolean }).zigboltAgentsTest = true;

const counterModule = new URL("./peers/agent_counter.ts", import.meta.url);

/** Resolves once `condition()` holds, checking on every macrotask. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

function countingAgent(workEvery = 2) {
  const log: string[] = [];
  let calls = 0;
  const agent: Agent & { readonly calls: number } = {
    roleName: "counting",
    get calls() {
      return calls;
    },
    onStart: () => void log.push("start"),
    doWork: () => ++calls % workEvery === 0 ? 1 : 0,
    onClose: () => void log.push("close"),
  };
  return { agent, log };
}

for (
  const [label, idle] of [
    ["backoff", () => IdleStrategy.backoff()],
    ["yielding", () => IdleStrategy.yielding()],
    ["sleeping", () => IdleStrategy.sleeping(200_000)],
    ["busy spin", () => IdleStrategy.busySpin()],
  ] as const
) {
  test(`an agent with a ${label} strategy runs while the event loop keeps running`, async () => {
    const { agent, log } = countingAgent(1_000_000);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 1);
    const runner = AgentRunner.start(agent, { idle: idle() });
    assert.equal(agent.calls, 0, "the agent starts on a later macrotask");
    try {
      await until(() => ticks >= 5 && agent.calls >= 5);
      assert.ok(runner.running);
    } finally {
      clearInterval(interval);
      await runner.stop();
    }
    assert.equal(runner.running, false);
    assert.deepEqual(log, ["start", "close"]);
    const stats = runner.stats();
    assert.equal(stats.cycles, agent.calls);
    assert.equal(stats.busyCycles, 0);
    assert.equal(stats.errors, 0);
    assert.ok(stats.maxCycleNs >= stats.p99CycleNs && stats.p99CycleNs >= stats.p50CycleNs);
  });
}

test("stats count busy cycles and work; stop twice resolves both times", async () => {
  const { agent } = countingAgent(4);
  const runner = AgentRunner.start(agent, { idle: IdleStrategy.noOp() });
  await until(() => agent.calls >= 400);
  const first = runner.stop();
  assert.equal(runner.stop(), first);
  await first;
  await runner.stop();
  const stats = runner.stats();
  assert.equal(stats.cycles, agent.calls);
  assert.equal(stats.busyCycles, Math.floor(agent.calls / 4));
  assert.equal(stats.workCount, stats.busyCycles);
  assert.ok(Math.abs(stats.busyRatio - 0.25) < 0.01);
  assert.equal(stats.running, false);
});

test("doWork errors reach the handler and are counted; the agent runs on until it says stop", async () => {
  let calls = 0;
  let closed = false;
  const seen: unknown[] = [];
  const agent: Agent = {
    roleName: "flaky",
    doWork() {
      calls++;
      if (calls % 2 === 0) throw new RangeError(`call ${calls}`);
      return 1;
    },
    onClose: () => void (closed = true),
  };
  const runner = AgentRunner.start(agent, {
    onError: (error, failing) => {
      assert.equal(failing, agent);
      seen.push(error);
      return seen.length === 3 ? "stop" : "continue";
    },
  });
  await runner.closed;
  assert.equal(runner.running, false);
  assert.equal(calls, 6);
  assert.equal(seen.length, 3);
  assert.ok(seen.every((e) => e instanceof RangeError));
  assert.equal(runner.stats().errors, 3);
  assert.ok(closed);
});

test("an onStart error skips doWork, onClose still runs, and a bad work count is an error", async () => {
  const errors: unknown[] = [];
  let worked = false;
  let closed = false;
  const runner = AgentRunner.start({
    roleName: "no-start",
    onStart: () => {
      throw new Error("cannot start");
    },
    doWork: () => (worked = true, 1),
    onClose: () => void (closed = true),
  }, { onError: (e) => void errors.push(e) });
  await runner.closed;
  assert.equal(worked, false);
  assert.ok(closed);
  assert.equal(runner.stats().errors, 1);

  const bad = AgentRunner.start({ roleName: "bad", doWork: () => undefined as unknown as number }, {
    onError: (e) => (errors.push(e), "stop"),
  });
  await bad.closed;
  assert.ok(errors[1] instanceof InvalidArgumentError);
});

test("bad runner arguments are InvalidArgumentError", () => {
  assert.throws(() => AgentRunner.start({ doWork: () => 0 } as unknown as Agent), InvalidArgumentError);
  assert.throws(
    () => AgentRunner.start({ roleName: "x", doWork: () => 0 }, { onError: "log" as never }),
    InvalidArgumentError,
  );
  assert.throws(
    () => AgentRunner.start({ roleName: "x", doWork: () => 0 }, { counters: "yes" as never }),
    InvalidArgumentError,
  );
  assert.throws(() => AgentRunner.start({ roleName: "x" } as Agent), InvalidArgumentError);
  assert.throws(
    () => AgentRunner.start({ roleName: "x", doWork: () => 0 }, { sliceMs: -1 }),
    InvalidArgumentError,
  );
  assert.throws(
    () => AgentRunner.start({ roleName: "x", doWork: () => 0 }, { idle: { kind: "yielding" } as never }),
    InvalidArgumentError,
  );
});

test("a composite runs every member in order, sums work and isolates failures", () => {
  const log: string[] = [];
  const member = (name: string, work: number, fail = false): Agent => ({
    roleName: name,
    onStart: () => {
      log.push(`S${name}`);
      if (fail) throw new Error(`${name} start`);
    },
    doWork: () => {
      log.push(name);
      if (fail) throw new Error(`${name} work`);
      return work;
    },
    onClose: () => void log.push(`C${name}`),
  });
  const composite = new CompositeAgent([member("a", 2), member("b", 0, true), member("c", 5)]);
  assert.equal(composite.roleName, "a+b+c");
  assert.throws(() => composite.onStart(), { message: "b start" });
  assert.throws(() => composite.doWork(), { message: "b work" });
  composite.onClose();
  assert.deepEqual(log, ["Sa", "Sb", "Sc", "a", "b", "c", "Ca", "Cb", "Cc"]);

  const two = new CompositeAgent([member("x", 1, true), member("y", 1, true)], { roleName: "xy" });
  assert.throws(() => two.doWork(), (e: unknown) => e instanceof AggregateError && e.errors.length === 2);

  const failures: string[] = [];
  const handled = new CompositeAgent([member("p", 3, true), member("q", 4)], {
    onMemberError: (_, m) => void failures.push(m.roleName),
  });
  assert.equal(handled.doWork(), 4);
  assert.deepEqual(failures, ["p"]);
});

test("a composite under a runner: one failing member does not stop the others", async () => {
  let good = 0;
  const composite = new CompositeAgent([
    {
      roleName: "bad",
      doWork: () => {
        throw new Error("always");
      },
    },
    { roleName: "good", doWork: () => (good++, 1) },
  ]);
  const runner = AgentRunner.start(composite, { onError: () => "continue" });
  await until(() => good >= 50);
  await runner.stop();
  assert.equal(runner.stats().errors, good);
});

test("the duty-cycle tracker's numbers on a scripted agent", () => {
  const tracker = new DutyCycleTracker();
  let now = 1000;
  tracker.start(now);
  for (let i = 0; i < 90; i++) tracker.record(now += 100, 0);
  tracker.takeWindow();
  for (let i = 0; i < 10; i++) tracker.record(now += 1000, 3);
  const s = tracker.stats();
  assert.equal(s.cycles, 100);
  assert.equal(s.busyCycles, 10);
  assert.equal(s.workCount, 30);
  assert.equal(s.totalNs, 19_000);
  assert.equal(s.maxCycleNs, 1000);
  assert.equal(s.busyRatio, 0.1);
  assert.ok(Math.abs(s.busyTimeRatio - 10_000 / 19_000) < 1e-12);
  assert.equal(s.p50CycleNs, bucketUpperNs(bucketOf(100)));
  assert.equal(s.p99CycleNs, 1000);
  const window = tracker.takeWindow();
  assert.equal(window.cycles, 10);
  assert.equal(window.busyRatio, 1);
  assert.equal(window.p50CycleNs, 1000);
  assert.equal(window.maxCycleNs, 1000);
  assert.equal(tracker.takeWindow().cycles, 0);
});

test("histogram buckets match the Zig layout: exact below 8, within 12.5% above", () => {
  assert.deepEqual([0, 7, 8, 15, 16, 100].map(bucketOf), [0, 7, 8, 15, 16, 36]);
  for (let value = 0; value < 200_000; value += 13) {
    const upper = bucketUpperNs(bucketOf(value));
    assert.ok(upper >= value && upper - value <= 0.125 * value, `value ${value}`);
  }
  for (let e = 3; e < 53; e++) {
    assert.equal(bucketUpperNs(bucketOf(2 ** e - 1)) >= 2 ** e - 1, true);
    assert.equal(bucketOf(2 ** e), (e - 2) * 8);
  }
});

test("an agent in a Worker runs on its own thread; stop waits for its onClose", async () => {
  const memory = new SharedArrayBuffer(16);
  const words = new Int32Array(memory);
  let ticks = 0;
  const interval = setInterval(() => ticks++, 1);
  const runner = await AgentRunner.startInWorker(counterModule, {
    idle: { kind: "busySpin" },
    params: { memory, workEvery: 3 },
  });
  try {
    assert.equal(runner.roleName, "counter");
    assert.equal(Atomics.load(words, 1), 1);
    assert.equal(Atomics.load(words, 3), 1, "onStart ran in a Worker");
    // A busy-spinning agent in the Worker does not hold up this thread's timers.
    await until(() => Atomics.load(words, 0) >= 10_000 && ticks >= 5 && runner.stats().cycles > 0);
    assert.ok(runner.running);
  } finally {
    clearInterval(interval);
    await runner.stop();
  }
  assert.equal(Atomics.load(words, 2), 1, "onClose ran before stop resolved");
  assert.equal(runner.running, false);
  const stats = runner.stats();
  assert.equal(stats.cycles, Atomics.load(words, 0));
  assert.equal(stats.busyCycles, Math.floor(stats.cycles / 3));
  assert.equal(stats.errors, 0);
  await runner.stop();
});

test("a Worker agent with a sync sleeping strategy sleeps between cycles", async () => {
  const memory = new SharedArrayBuffer(16);
  const runner = await AgentRunner.startInWorker(counterModule, {
    idle: { kind: "sleeping", periodNs: 1_000_000 },
    params: { memory, workEvery: 1_000_000 },
  });
  await until(() => runner.stats().cycles >= 5);
  await runner.stop();
  const stats = runner.stats();
  assert.ok(stats.p50CycleNs >= 875_000, `p50 cycle ${stats.p50CycleNs} ns, period 1 ms`);
});

test("Worker agent errors are reported here and counted; stopOnError closes the agent", async () => {
  const memory = new SharedArrayBuffer(16);
  const reported: Error[] = [];
  const runner = await AgentRunner.startInWorker(counterModule, {
    idle: { kind: "yielding" },
    params: { memory, failFrom: 5 },
    onError: (e) => void reported.push(e),
    stopOnError: true,
  });
  await runner.closed;
  assert.equal(runner.running, false);
  const words = new Int32Array(memory);
  assert.equal(Atomics.load(words, 0), 5);
  assert.equal(Atomics.load(words, 2), 1);
  assert.equal(runner.stats().errors, 1);
  await until(() => reported.length === 1);
  assert.equal(reported[0].name, "RangeError");
  assert.match(reported[0].message, /call 5 failed/);
});

test("a Worker agent that cannot be built rejects startInWorker", async () => {
  const memory = new SharedArrayBuffer(16);
  await assert.rejects(
    AgentRunner.startInWorker(counterModule, { exportName: "notAFactory", params: { memory } }),
    /did not return an agent/,
  );
  await assert.rejects(
    AgentRunner.startInWorker(counterModule, { exportName: "throwingFactory" }),
    /the factory refused/,
  );
  await assert.rejects(
    AgentRunner.startInWorker(counterModule, { exportName: "missing" }),
    /no function export "missing"/,
  );
  await assert.rejects(
    AgentRunner.startInWorker(new URL("./peers/no_such_agent.ts", import.meta.url)),
  );
  for (
    const bad of [
      { idle: { kind: "sleeping", periodNs: 0 } },
      { idle: { kind: "nap" } },
      { timerSlackNs: 0 },
      { exportName: 5 },
      { onError: true },
    ]
  ) {
    assert.throws(() => AgentRunner.startInWorker(counterModule, bad as never), InvalidArgumentError);
  }
});

test("a runner publishes its duty cycles, work, max cycle and errors as counters, freed at close", async () => {
  const name = uniqueName("agent-counters");
  const file = CountersFile.open({ name, countersMax: 8 });
  try {
    let calls = 0;
    const runner = AgentRunner.start({
      roleName: "metered",
      doWork: () => {
        if (++calls % 10 === 0) throw new Error("every tenth");
        return calls % 2;
      },
    }, { idle: IdleStrategy.yielding(), counters: file, onError: () => "continue" });
    const ids = Object.values(AgentCounterType).map((type) => runner.counterId(type));
    assert.ok(ids.every((id) => id !== undefined));
    assert.equal(runner.counterId(99), undefined);
    assert.deepEqual(ids.map((id) => file.info(id!)?.label), [
      "agent duty cycles: metered",
      "agent work count: metered",
      "agent max cycle ns: metered",
      "agent errors: metered",
    ]);
    assert.deepEqual(ids.map((id) => file.info(id!)?.typeId), [50, 51, 52, 53]);
    await until(() => file.valueOf(ids[3]!) >= 3);
    assert.ok(file.valueOf(ids[0]!) >= 30);
    assert.ok(file.valueOf(ids[2]!) > 0);
    await runner.stop();
    assert.ok(ids.every((id) => file.info(id!) === undefined), "freed after onClose");
    assert.equal(runner.counterId(AgentCounterType.DutyCycles), undefined);
  } finally {
    file.close();
    fs.rmSync(`/dev/shm${name}`, { force: true });
  }
});

test("a Worker agent publishes its counters in the process's counters file", async () => {
  const memory = new SharedArrayBuffer(16);
  const runner = await AgentRunner.startInWorker(counterModule, {
    idle: { kind: "yielding" },
    params: { memory, workEvery: 2 },
  });
  try {
    const id = runner.counterId(AgentCounterType.DutyCycles);
    assert.ok(id !== undefined, "the test's counters file has room");
    const file = CountersFile.processDefault();
    assert.equal(file.info(id)?.label, "agent duty cycles: counter");
    await until(() => file.valueOf(id) >= 100);
  } finally {
    await runner.stop();
  }
  assert.equal(runner.counterId(AgentCounterType.DutyCycles), undefined);
});

test("zigbolt.h defines the same idle kinds and agent counter types", () => {
  const header = fs.readFileSync(`${root}/native/include/zigbolt.h`, "utf8");
  const define = (name: string) => Number(header.match(new RegExp(`#define ${name} (\\d+)`))?.[1]);
  for (const [kind, code] of Object.entries(IdleKind)) {
    const cName = kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    assert.equal(define(`ZIGBOLT_IDLE_${cName}`), code, kind);
  }
  for (const [type, code] of Object.entries(AgentCounterType)) {
    const cName = type.replace(/(.)([A-Z])/g, "$1_$2").toUpperCase();
    assert.equal(define(`ZIGBOLT_AGENT_COUNTER_${cName}`), code, type);
  }
});
