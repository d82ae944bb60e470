/**
 * Zig, Bun and Deno processes on one channel: every pair as publisher and subscriber, slow
 * subscribers, and processes killed with SIGKILL.
 */
import assert from "node:assert/strict";
import { ChannelInUseError, IpcChannel, PeerDeadError, Status, SubscriberExistsError } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { Child, type PeerRuntime, peerRuntimes, resultOf, root, startPeer } from "./_processes.ts";

const matrixCount = 1_000_000;
/** 256 KiB terms: 64 KiB messages fit, and ~1 GB of traffic rotates terms thousands of times. */
const termLength = 256 * 1024;

async function stream(
  publisher: PeerRuntime,
  subscriber: PeerRuntime,
  count: number,
  subscriberFlags: string[] = [],
) {
  const name = uniqueName(`${publisher}-${subscriber}`);
  // The test process creates the channel and keeps it alive; the peers only open it.
  using _channel = IpcChannel.create({ name, termLength });
  const sub = startPeer(subscriber, ["subscribe", name, String(count), ...subscriberFlags]);
  const pub = startPeer(publisher, ["publish", name, String(count)]);
  const [published, received] = await Promise.all([pub.exited, sub.exited]);
  return { published: resultOf(published), received: resultOf(received) };
}

for (const publisher of peerRuntimes) {
  for (const subscriber of peerRuntimes) {
    test(`${publisher} publisher to ${subscriber} subscriber: 1,000,000 mixed-size messages exactly once, in order, byte for byte`, async () => {
      const { published, received } = await stream(publisher, subscriber, matrixCount);
      assert.equal(published.published, matrixCount);
      assert.equal(received.received, matrixCount);
      assert.ok((received.bytes as number) > 1e9 * 0.9, `about 1 GB flows, got ${received.bytes}`);
    });
  }
}

for (const subscriber of ["bun", "deno"] as const) {
  test(`zig publisher to ${subscriber} pollFragments: 200,000 messages, zero-copy path`, async () => {
    const { received } = await stream("zig", subscriber, 200_000, ["--fragments"]);
    assert.equal(received.received, 200_000);
  });
}

const slowPairs: Array<[PeerRuntime, PeerRuntime]> = [["zig", "deno"], ["bun", "zig"], ["deno", "bun"]];

for (const [publisher, subscriber] of slowPairs) {
  test(`a slow ${subscriber} subscriber makes the ${publisher} publisher see back-pressure and loses nothing`, async () => {
    const { published, received } = await stream(publisher, subscriber, 30_000, ["--slow"]);
    assert.ok((published.backPressure as number) > 0, "the publisher was back-pressured");
    assert.equal(received.received, 30_000);
  });
}

for (const [publisher, subscriber] of slowPairs) {
  test(`a ${publisher} publisher killed with SIGKILL mid-stream: the ${subscriber} subscriber keeps every committed message and reports PeerDead`, async () => {
    const name = uniqueName(`kill-${publisher}`);
    using _channel = IpcChannel.create({ name, termLength });
    const sub = startPeer(subscriber, ["subscribe-until-dead", name, "--progress-at", "50000"]);
    const pub = startPeer(publisher, ["publish", name, String(2 ** 31 - 1)]);
    await sub.line(/^progress/);
    pub.kill("SIGKILL");
    const killed = await pub.exited;
    assert.equal(killed.signal, "SIGKILL");
    const result = resultOf(await sub.exited);
    assert.ok((result.received as number) >= 50_000, `received ${result.received}`);
    assert.equal(result.publisherDead, true);
    assert.equal(result.peerError, "PeerDead");
  });
}

function hold(runtime: "bun" | "deno", name: string, role: string): Child {
  return startPeer(runtime, ["hold", name, role]);
}

test("a subscriber killed with SIGKILL: publish turns back-pressure into PeerDeadError", async () => {
  const name = uniqueName("dead-sub");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  const subscriber = hold("deno", name, "subscriber");
  await subscriber.line(/holding/);
  assert.equal(channel.peerState("subscriber"), "alive");
  subscriber.kill("SIGKILL");
  await subscriber.exited;
  assert.equal(channel.peerState("subscriber"), "dead");
  const message = new Uint8Array(100);
  while (channel.tryPublish(message, 1) === Status.Ok);
  assert.throws(() => channel.publish(message, 1), PeerDeadError);
});

test("a live subscriber in another process keeps the role; once killed, the role is taken over", async () => {
  const name = uniqueName("takeover");
  using channel = IpcChannel.create({ name, termLength: 4096 });
  channel.publish(new Uint8Array([7]), 1);
  const subscriber = hold("bun", name, "subscriber");
  await subscriber.line(/holding/);
  using second = IpcChannel.open({ name });
  assert.throws(() => second.poll(() => {}), SubscriberExistsError);
  subscriber.kill("SIGKILL");
  await subscriber.exited;
  channel.publish(new Uint8Array([8]), 2);
  const got: number[] = [];
  second.poll((data) => got.push(data[0]));
  assert.deepEqual(got, [8], "the dead subscriber consumed message 7; we resume after it");
});

test("creating over a channel a live process created is ChannelInUse; after it is killed, create replaces it", async () => {
  const name = uniqueName("in-use");
  const creator = hold("deno", name, "creator");
  await creator.line(/holding/);
  assert.throws(() => IpcChannel.create({ name, termLength: 4096 }), ChannelInUseError);
  creator.kill("SIGKILL");
  await creator.exited;
  using channel = IpcChannel.create({ name, termLength: 8192 });
  assert.equal(channel.termLength, 8192);
});

test("a plain C program built against zigbolt.h publishes and polls through the documented exports", async () => {
  const exit = await new Child([`${root}/native/zig-out/bin/zigbolt-c-abi-check`]).exited;
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stdout, /c-abi-check: ok/);
});
