/**
 * Typed messaging between processes: a TypeScript publisher (Bun, Deno) and a Zig
 * subscriber, and the reverse, exchange a million TickMessages with noise frames of other
 * types and lengths in between; every field of every tick is checked on arrival.
 */
import assert from "node:assert/strict";
import { IpcChannel } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { startPositionsAt } from "./_positions.ts";
import { bunPath, Child, denoPath, resultOf, root } from "./_processes.ts";

type Runtime = "zig" | "bun" | "deno";

const count = 1_000_000;
const script = `${root}/tests/peers/typed_peer.ts`;

async function stream(publisher: Runtime, subscriber: Runtime, mode: string, start?: bigint) {
  const name = uniqueName(`typed-${publisher}-${subscriber}`);
  using _channel = IpcChannel.create({ name, termLength: 256 * 1024 });
  if (start !== undefined) startPositionsAt(name, start);
  const sub = new Child(command(subscriber, ["subscribe", name, String(count)]));
  const pub = new Child(command(publisher, [mode, name, String(count)]));
  const [published, received] = await Promise.all([pub.exited, sub.exited]);
  const p = resultOf(published);
  const r = resultOf(received);
  assert.equal(p.published, count);
  assert.equal(r.received, count);
  assert.equal(r.skipped, noiseCount(count), "exactly the other-type and short frames were skipped");
  assert.equal(r.invalid, 0);
}

function command(runtime: Runtime, args: string[]): string[] {
  switch (runtime) {
    case "zig":
      return [`${root}/native/zig-out/bin/zigbolt-typed-peer`, ...args];
    case "bun":
      return [bunPath, script, ...args];
    case "deno":
      return [denoPath, "run", "-A", script, ...args];
  }
}

function noiseCount(n: number): number {
  return Math.floor((n - 1) / 97) + 1 + Math.floor((n - 1) / 194) + 1;
}

const pairs: Array<[Runtime, Runtime]> = [["bun", "zig"], ["deno", "zig"], ["zig", "bun"], ["zig", "deno"]];

for (const [publisher, subscriber] of pairs) {
  test(`${publisher} typed publisher to ${subscriber} typed subscriber: 1,000,000 ticks, every field equal, noise skipped`, async () => {
    await stream(publisher, subscriber, "publish");
  });
}

for (const publisher of ["bun", "deno"] as const) {
  test(`${publisher} zero-copy publisher (frames written from JavaScript) to zig subscriber: 1,000,000 ticks, every field equal`, async () => {
    await stream(publisher, "zig", "publish-claim");
  });
}

test("bun zero-copy publisher to zig subscriber across the 4 GiB tail boundary: 1,000,000 ticks", async () => {
  // About 48 MB of frames starting 16 MB below 2^32: the 64-bit tail store happens mid-stream.
  await stream("bun", "zig", "publish-claim", 2n ** 32n - 16n * 1024n * 1024n);
});

test("zig publisher to deno subscriber across the 4 GiB boundary: 1,000,000 ticks", async () => {
  await stream("zig", "deno", "publish", 2n ** 32n - 16n * 1024n * 1024n);
});
