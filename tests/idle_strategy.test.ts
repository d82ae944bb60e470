/**
 * Idle strategies in TypeScript: the same step sequences as the Zig core (compared through
 * the C ABI), the async forms leave the event loop running, the sync forms really sleep.
 */
import assert from "node:assert/strict";
import {
  IdleKind,
  IdleStrategy,
  InvalidArgumentError,
  monotonicNs,
  setTimerSlack,
  Status,
  timerSlackNs,
} from "../mod.ts";
import { native } from "../lib/_native.ts";
import { test } from "./_harness.ts";

const { symbols, isNull } = native();

test("backoff spins, yields, then parks with a doubling period up to the max", () => {
  const idle = IdleStrategy.backoff({ maxSpins: 3, maxYields: 2, minParkNs: 1000, maxParkNs: 5000 });
  const expected: [string, number][] = [
    ["spinning", 1000],
    ["spinning", 1000],
    ["spinning", 1000],
    ["yielding", 1000],
    ["yielding", 1000],
    ["parking", 2000],
    ["parking", 4000],
    ["parking", 5000],
    ["parking", 5000],
  ];
  assert.equal(idle.backoffState, "notIdle");
  for (const [state, park] of expected) {
    idle.idle(0);
    assert.equal(idle.backoffState, state);
    assert.equal(idle.nextParkNs, park);
  }
  idle.idle(1);
  assert.equal(idle.backoffState, "notIdle");
  assert.equal(idle.nextParkNs, 1000);
  idle.idle(0);
  assert.equal(idle.backoffState, "spinning");
  idle.reset();
  assert.equal(idle.backoffState, "notIdle");
});

test("TypeScript and Zig backoffs take the same steps (through the C ABI)", async () => {
  const params = { maxSpins: 4, maxYields: 3, minParkNs: 1000, maxParkNs: 20_000 };
  const ts = IdleStrategy.backoff(params);
  const zig = symbols.zigbolt_idle_strategy_create(IdleKind.backoff, 4, 3, 1000, 20_000);
  assert.ok(!isNull(zig));
  const states = ["notIdle", "spinning", "yielding", "parking"];
  try {
    const works = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const work of works) {
      await ts.idleAsync(work);
      assert.equal(symbols.zigbolt_idle_strategy_idle(zig, work), 0);
      assert.equal(ts.backoffState, states[symbols.zigbolt_idle_strategy_state(zig)]);
      assert.equal(ts.nextParkNs, symbols.zigbolt_idle_strategy_park_ns(zig));
    }
    ts.reset();
    assert.equal(symbols.zigbolt_idle_strategy_reset(zig), 0);
    assert.equal(ts.backoffState, states[symbols.zigbolt_idle_strategy_state(zig)]);
  } finally {
    assert.equal(symbols.zigbolt_idle_strategy_close(zig), 0);
  }
  // Use after close and a second close are HandleClosed.
  assert.equal(symbols.zigbolt_idle_strategy_idle(zig, 0), Status.HandleClosed);
  assert.equal(symbols.zigbolt_idle_strategy_close(zig), Status.HandleClosed);
});

test("the C ABI refuses unknown kinds and bad parameters with InvalidArgument", () => {
  const bad: [number, number, number, number, number][] = [
    [0, 0, 0, 0, 0],
    [99, 0, 0, 0, 0],
    [IdleKind.sleeping, 0, 0, 0, 0],
    [IdleKind.sleeping, 0, 0, -1, 0],
    [IdleKind.backoff, -1, 0, 1, 1],
    [IdleKind.backoff, 0, 0, 10, 5],
    [IdleKind.busySpin, 0, 0, 1000, 0],
  ];
  for (const args of bad) {
    assert.ok(isNull(symbols.zigbolt_idle_strategy_create(...args)), `kind ${args[0]}`);
    assert.equal(symbols.zigbolt_last_status(), Status.InvalidArgument);
  }
  const idle = symbols.zigbolt_idle_strategy_create(IdleKind.noOp, 0, 0, 0, 0);
  assert.equal(symbols.zigbolt_idle_strategy_idle(idle, -1), Status.InvalidArgument);
  assert.equal(symbols.zigbolt_idle_strategy_close(idle), 0);
});

test("bad parameters are InvalidArgumentError", () => {
  const bad: (() => unknown)[] = [
    () => IdleStrategy.sleeping(0),
    () => IdleStrategy.sleeping(-5),
    () => IdleStrategy.sleeping(1.5),
    () => IdleStrategy.sleeping(Number.NaN),
    () => IdleStrategy.sleeping(61e9),
    () => IdleStrategy.backoff({ maxSpins: -1 }),
    () => IdleStrategy.backoff({ maxYields: 0.5 }),
    () => IdleStrategy.backoff({ minParkNs: 0 }),
    () => IdleStrategy.backoff({ minParkNs: 10, maxParkNs: 9 }),
    () => IdleStrategy.fromSpec({ kind: "spinning" as never }),
    () => IdleStrategy.yielding().idle(-1),
    () => IdleStrategy.noOp().idleAsync(Number.NaN),
    () => setTimerSlack(0),
  ];
  for (const make of bad) assert.throws(make, InvalidArgumentError);
});

test("specs round-trip every kind", () => {
  for (
    const idle of [
      IdleStrategy.busySpin(),
      IdleStrategy.yielding(),
      IdleStrategy.sleeping(5000),
      IdleStrategy.backoff({ maxSpins: 1, maxYields: 2, minParkNs: 3, maxParkNs: 4 }),
      IdleStrategy.noOp(),
    ]
  ) {
    assert.deepEqual(IdleStrategy.fromSpec(idle.spec).spec, idle.spec);
    assert.equal(IdleStrategy.fromSpec(idle.spec).kind, idle.kind);
  }
});

test("busy spin, no-op and backoff spin steps need no awaiting", () => {
  assert.equal(IdleStrategy.busySpin().idleAsync(0), undefined);
  assert.equal(IdleStrategy.noOp().idleAsync(0), undefined);
  assert.equal(IdleStrategy.backoff({ maxSpins: 1 }).idleAsync(0), undefined);
  assert.equal(IdleStrategy.sleeping(1000).idleAsync(3), undefined);
  assert.ok(IdleStrategy.yielding().idleAsync(0) instanceof Promise);
});

/** Idles with `idle`'s async form for 40 ms and counts how often a 1 ms interval fired. */
async function ticksWhileIdling(idle: IdleStrategy): Promise<number> {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 1);
  try {
    const end = monotonicNs() + 40e6;
    while (monotonicNs() < end) await idle.idleAsync(0);
  } finally {
    clearInterval(interval);
  }
  return ticks;
}

for (
  const [label, make] of [
    ["yielding", () => IdleStrategy.yielding()],
    ["sleeping", () => IdleStrategy.sleeping(500_000)],
    ["backoff", () => IdleStrategy.backoff()],
  ] as const
) {
  test(`the ${label} strategy's async form leaves the event loop running`, async () => {
    const ticks = await ticksWhileIdling(make());
    assert.ok(ticks >= 2, `a 1 ms interval fired ${ticks} times in 40 ms`);
  });
}

test("the sync sleeping form sleeps at least its period", () => {
  for (const periodNs of [2_000_000, 200_000]) {
    const idle = IdleStrategy.sleeping(periodNs);
    const start = monotonicNs();
    idle.idle(0);
    idle.idle(0);
    assert.ok(monotonicNs() - start >= 2 * periodNs, `two steps of ${periodNs} ns`);
  }
});

test("the sync backoff form parks at least its park periods", () => {
  const idle = IdleStrategy.backoff({
    maxSpins: 0,
    maxYields: 1,
    minParkNs: 1_000_000,
    maxParkNs: 2_000_000,
  });
  const start = monotonicNs();
  idle.idle(0); // yield
  idle.idle(0); // park 1 ms
  idle.idle(0); // park 2 ms
  assert.ok(monotonicNs() - start >= 3_000_000);
  assert.equal(idle.backoffState, "parking");
});

test("setTimerSlack changes the calling thread's timer slack", () => {
  const before = timerSlackNs();
  try {
    setTimerSlack(1);
    assert.equal(timerSlackNs(), 1);
  } finally {
    setTimerSlack(Math.max(1, before));
  }
});
