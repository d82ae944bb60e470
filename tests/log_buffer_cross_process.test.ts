/**
 * Log buffers across processes: Zig, Bun and Deno writers and consumers on one segment,
 * thousands of term rotations with every message checked, back-pressure from a slow
 * consumer, and a writer killed with SIGKILL between claim and commit.
 */
import assert from "node:assert/strict";
import { LogBuffer, PeerDeadError } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { type PeerRuntime, resultOf } from "./_processes.ts";
import { startLogbcast } from "./_logbcast_processes.ts";

/** 16 KiB terms: 200,000 messages of 1..4096 bytes rotate terms thousands of times. */
const termLength = 16 * 1024;
const count = 200_000;

async function stream(writer: PeerRuntime, consumer: PeerRuntime, slow = false) {
  const name = uniqueName(`log-${writer}-${consumer}`);
  // The test process creates the log buffer and keeps it; the peers only open it.
  using log = LogBuffer.create({ name, termLength });
  const reader = startLogbcast(consumer, "log-read", { name, count, slow: slow ? 1 : 0 });
  const writing = startLogbcast(writer, "log-write", { name, count });
  const [written, read] = await Promise.all([writing.exited, reader.exited]);
  return { written: resultOf(written), read: resultOf(read), rotations: log.writerPosition / termLength };
}

const pairs: Array<[PeerRuntime, PeerRuntime]> = [["zig", "bun"], ["zig", "deno"], ["bun", "zig"], [
  "deno",
  "zig",
], [
  "bun",
  "deno",
]];

for (const [writer, consumer] of pairs) {
  test(`log buffer: ${writer} writer to ${consumer} consumer, 200,000 messages over thousands of rotations, byte for byte`, async () => {
    const { written, read, rotations } = await stream(writer, consumer);
    assert.equal(written.written, count);
    assert.equal(read.received, count);
    assert.ok(rotations > 2000, `rotations: ${rotations}`);
  });
}

test("log buffer: a slow deno consumer back-pressures the zig writer's claims and loses nothing", async () => {
  const name = uniqueName("log-slow");
  using _log = LogBuffer.create({ name, termLength });
  const reader = startLogbcast("deno", "log-read", { name, count: 20_000, slow: 1 });
  const writing = startLogbcast("zig", "log-write", { name, count: 20_000 });
  const [written, read] = await Promise.all([writing.exited, reader.exited]);
  assert.ok(
    (resultOf(written).backPressure as number) > 0,
    "claims returned nothing while the consumer lagged",
  );
  assert.equal(resultOf(read).received, 20_000);
});

for (
  const [writer, consumer] of [["zig", "bun"], ["bun", "deno"], ["deno", "zig"]] as Array<
    [PeerRuntime, PeerRuntime]
  >
) {
  test(`log buffer: a ${writer} writer killed between claim and commit: the ${consumer} consumer keeps every committed message, then reports PeerDead; a new writer repairs the log`, async () => {
    const name = uniqueName(`log-kill-${writer}`);
    using log = LogBuffer.create({ name, termLength });
    const committed = 30_000;
    const reader = startLogbcast(consumer, "log-read-until-dead", { name });
    const writing = startLogbcast(writer, "log-write", {
      name,
      count: committed + 10,
      "pause-after": committed,
    });
    await writing.line(/^claimed/);
    writing.kill("SIGKILL");
    assert.equal((await writing.exited).signal, "SIGKILL");
    const read = resultOf(await reader.exited);
    assert.equal(read.received, committed, "every committed message, nothing of the claimed one");
    assert.equal(read.peerError, "PeerDead");

    // The consumer role is free again (the reader closed); the writer's is held by a dead process.
    assert.equal(log.peerState("writer"), "dead");
    log.append(new TextEncoder().encode("after the crash"), 7);
    const seen: string[] = [];
    assert.equal(log.poll((data, type) => seen.push(`${type}:${new TextDecoder().decode(data)}`)), 1);
    assert.deepEqual(seen, ["7:after the crash"], "the dead writer's claim became padding");
  });
}

test("log buffer: a consumer stalled at a dead writer's claim gets PeerDeadError, not a spin for ever", async () => {
  const name = uniqueName("log-stall");
  using log = LogBuffer.create({ name, termLength });
  const writing = startLogbcast("zig", "log-write", { name, count: 10, "pause-after": 3 });
  await writing.line(/^claimed/);
  const got: number[] = [];
  while (got.length < 3) log.poll((_, type) => got.push(type));
  writing.kill("SIGKILL");
  await writing.exited;
  assert.throws(() => {
    for (;;) log.poll(() => assert.fail("the claimed frame was never committed"));
  }, PeerDeadError);
  assert.deepEqual(got, [0, 1, 2]);
});
