/**
 * Broadcast buffers across processes: one transmitter, a fast and a deliberately slow
 * receiver, in mixed runtimes. The slow receiver is lapped and knows it; no receiver ever
 * gets a torn message (every message carries a checksum of its bytes and a sequence that
 * must increase, checked by the receiver).
 */
import assert from "node:assert/strict";
import { test, uniqueName } from "./_harness.ts";
import { type PeerRuntime, resultOf } from "./_processes.ts";
import { startLogbcast } from "./_logbcast_processes.ts";

const count = 100_000;
/** 2 MiB: ~130 ms of slack for the fast receiver at one message every 5 us. */
const capacity = 2 << 20;

const trios: Array<[PeerRuntime, PeerRuntime, PeerRuntime]> = [
  ["zig", "bun", "deno"],
  ["bun", "zig", "deno"],
  ["deno", "bun", "zig"],
];

for (const [transmitterRuntime, fastRuntime, slowRuntime] of trios) {
  test(`broadcast: ${transmitterRuntime} transmitter, ${fastRuntime} fast receiver, ${slowRuntime} slow receiver: the slow one is lapped and knows it, nobody gets a torn message`, async () => {
    const name = uniqueName(`bcast-${transmitterRuntime}`);
    const transmitter = startLogbcast(transmitterRuntime, "bcast-transmit", {
      name,
      count,
      capacity,
      "interval-ns": 5000,
    });
    try {
      await transmitter.line(/^created/);
      const fast = startLogbcast(fastRuntime, "bcast-receive", { name });
      const slow = startLogbcast(slowRuntime, "bcast-receive", { name, slow: 1 });
      await Promise.all([fast.line(/^ready/), slow.line(/^ready/)]);
      transmitter.process.stdin!.write("go\n");
      const [fastResult, slowResult] = (await Promise.all([fast.exited, slow.exited])).map(resultOf);
      // The fast receiver has ~130 ms of slack; on a machine busy enough to stall it longer it
      // is lapped too, and then it must say so.
      if (fastResult.lapped === 0) assert.equal(fastResult.received, count, "never lapped: every message");
      else assert.ok((fastResult.received as number) < count, "lapped: it knows it missed some");
      assert.ok((slowResult.lapped as number) > 0, "the slow receiver detected that it was lapped");
      assert.ok((slowResult.received as number) < count, `slow received ${slowResult.received}`);
      assert.equal(slowResult.announced, count, "both reach the end record");
    } finally {
      transmitter.process.stdin!.end();
    }
    assert.equal(resultOf(await transmitter.exited).transmitted, count);
  });
}
