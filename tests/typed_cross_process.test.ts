/**
 * Typed messaging between processes: a TypeScript publisher (Bun, Deno) and a Zig
 * subscriber, and the reverse, exchange a million TickMessages with noise frames of other
 * types and lengths in between; every field of every tick is checked on arrival.
 */
import assert from "node:assert/strict";
import { IpcChannel } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { bunPath, Child, denoPath, resultOf, root } from "./_processes.ts";

type Runtime = "zig" | "bun" | "deno";

const count = 1_000_000;
const script = `${root}/tests/peers/typed_peer.ts`;

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
    const name = uniqueName(`typed-${publisher}-${subscriber}`);
    using _channel = IpcChannel.create({ name, termLength: 256 * 1024 });
    const sub = new Child(command(subscriber, ["subscribe", name, String(count)]));
    const pub = new Child(command(publisher, ["publish", name, String(count)]));
    const [published, received] = await Promise.all([pub.exited, sub.exited]);
    const p = resultOf(published);
    const r = resultOf(received);
    assert.equal(p.published, count);
    assert.equal(r.received, count);
    assert.equal(r.skipped, noiseCount(count), "exactly the other-type and short frames were skipped");
    assert.equal(r.invalid, 0);
  });
}
