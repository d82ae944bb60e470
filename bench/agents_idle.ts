/**
 * What one idle step costs per strategy in TypeScript, and how late a short sleep wakes up
 * (sync form with the default timer slack and with 1 ns; async form on timers). Prints the
 * tables docs/agents.md quotes. Run under either runtime:
 *
 *   deno run -A bench/agents_idle.ts      bun bench/agents_idle.ts
 * @module
 */
import { IdleStrategy, monotonicNs, setTimerSlack, timerSlackNs } from "../mod.ts";

const runtime = "Bun" in globalThis ? "bun" : "deno";
const steps = 200_000;

function syncCost(idle: IdleStrategy, count = steps): number {
  for (let i = 0; i < 1000; i++) idle.idle(0); // warm-up
  idle.reset();
  const start = monotonicNs();
  for (let i = 0; i < count; i++) idle.idle(0);
  return (monotonicNs() - start) / count;
}

async function asyncCost(idle: IdleStrategy, count: number): Promise<number> {
  const start = monotonicNs();
  for (let i = 0; i < count; i++) {
    const wait = idle.idleAsync(0);
    if (wait !== undefined) await wait;
  }
  return (monotonicNs() - start) / count;
}

const rows: string[] = [];
const spinForever = { maxSpins: 2 ** 30 };
const yieldForever = { maxSpins: 0, maxYields: 2 ** 30 };
rows.push(
  `| busySpin | ${syncCost(IdleStrategy.busySpin()).toFixed(1)} | ${
    (await asyncCost(IdleStrategy.busySpin(), steps)).toFixed(1)
  } |`,
);
rows.push(
  `| noOp | ${syncCost(IdleStrategy.noOp()).toFixed(1)} | ${
    (await asyncCost(IdleStrategy.noOp(), steps)).toFixed(1)
  } |`,
);
rows.push(
  `| backoff (spin phase) | ${syncCost(IdleStrategy.backoff(spinForever)).toFixed(1)} | ${
    (await asyncCost(IdleStrategy.backoff(spinForever), steps)).toFixed(1)
  } |`,
);
rows.push(
  `| yielding | ${syncCost(IdleStrategy.yielding(), 20_000).toFixed(1)} | ${
    (await asyncCost(IdleStrategy.yielding(), 20_000)).toFixed(1)
  } |`,
);
rows.push(
  `| backoff (yield phase) | ${syncCost(IdleStrategy.backoff(yieldForever), 20_000).toFixed(1)} | ${
    (await asyncCost(IdleStrategy.backoff(yieldForever), 20_000)).toFixed(1)
  } |`,
);
console.log(
  `| strategy (${runtime}) | ns per sync idle() step | ns per async idleAsync() step |\n|---|---|---|`,
);
console.log(rows.join("\n"));

function percentiles(times: number[]): [number, number] {
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], times[Math.floor(times.length * 0.99)]];
}

function syncLatency(idle: IdleStrategy, samples: number): [number, number] {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    idle.reset();
    const start = monotonicNs();
    idle.idle(0);
    times.push(monotonicNs() - start);
  }
  return percentiles(times);
}

async function asyncLatency(idle: IdleStrategy, samples: number): Promise<[number, number]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    idle.reset();
    const start = monotonicNs();
    await idle.idleAsync(0);
    times.push(monotonicNs() - start);
  }
  return percentiles(times);
}

console.log(
  `\n| wake-up (${runtime}), requested | form | timer slack | p50 ns | p99 ns |\n|---|---|---|---|---|`,
);
const defaultSlack = timerSlackNs();
for (const slack of [defaultSlack, 1]) {
  setTimerSlack(Math.max(1, slack));
  for (const periodNs of [1_000, 50_000, 1_000_000]) {
    const [p50, p99] = syncLatency(IdleStrategy.sleeping(periodNs), periodNs >= 1e6 ? 200 : 2000);
    console.log(`| sleeping ${periodNs} ns | sync (Atomics.wait) | ${slack} ns | ${p50} | ${p99} |`);
  }
  const [p50, p99] = syncLatency(IdleStrategy.backoff({ maxSpins: 0, maxYields: 0 }), 2000);
  console.log(`| backoff first park 1000 ns | sync (Atomics.wait) | ${slack} ns | ${p50} | ${p99} |`);
}
setTimerSlack(Math.max(1, defaultSlack));
for (const periodNs of [1_000, 1_000_000]) {
  const [p50, p99] = await asyncLatency(IdleStrategy.sleeping(periodNs), 200);
  console.log(`| sleeping ${periodNs} ns | async (setTimeout) | ${defaultSlack} ns | ${p50} | ${p99} |`);
}
const [y50, y99] = await asyncLatency(IdleStrategy.yielding(), 2000);
console.log(`| yielding | async (setImmediate) | - | ${y50} | ${y99} |`);
