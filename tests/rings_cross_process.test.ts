/**
 * SPSC and MPSC rings shared by Zig, Bun and Deno processes: every SPSC pair, four mixed
 * producers into one consumer (Zig and TypeScript consumers), producers that write through
 * claims filled in place (some aborted), and producers killed with SIGKILL between claim
 * and commit.
 */
import assert from "node:assert/strict";
import { MpscRingBuffer, SpscRingBuffer, SubscriberExistsError } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { type PeerRuntime, peerRuntimes, resultOf } from "./_processes.ts";
import { startRingPeer } from "./_ring_processes.ts";
import { ShmWords } from "./_shm_files.ts";
import type { Child, Exit } from "./_processes.ts";

/**
 * Waits for the writers, then the reader. Whichever side fails first stops the other (a
 * writer would wait on a full ring for ever, a reader for messages), so the test fails with
 * that side's error instead of hanging.
 */
async function writersThenReader(writers: Child[], reader: Child): Promise<[Exit, Exit[]]> {
  reader.exited.then((exit) => {
    if (exit.code !== 0) { for (const writer of writers) writer.kill(); }
  });
  const exits = await Promise.all(writers.map((writer) => writer.exited));
  if (exits.some((exit) => exit.code !== 0)) reader.kill();
  const read = await reader.exited;
  if (read.signal === null) resultOf(read);
  for (const exit of exits) resultOf(exit);
  return [read, exits];
}

const spscCount = 200_000;
const mpscCount = 250_000;

for (const producer of peerRuntimes) {
  for (const consumer of peerRuntimes) {
    test(`spsc: ${producer} producer to ${consumer} consumer, ${spscCount} messages exactly once, in order, checked`, async () => {
      const name = uniqueName(`spsc-${producer}-${consumer}`);
      using _ring = SpscRingBuffer.create({ name, capacity: 16 * 1024 });
      const reader = startRingPeer(consumer, ["spsc-consume", name, String(spscCount)]);
      const writer = startRingPeer(producer, ["spsc-produce", name, String(spscCount)]);
      const [received, [written]] = await writersThenReader([writer], reader);
      assert.equal(resultOf(written).written, spscCount);
      assert.equal(resultOf(received).received, spscCount);
    });
  }
}

/** Producer flags: messages go through claims filled in place, every 7th after an aborted one. */
const claimFlags = ["--claim", "1", "--abort-every", "7"];

const claimPairs: Array<[PeerRuntime, PeerRuntime]> = [["zig", "deno"], ["bun", "zig"], ["deno", "bun"]];

for (const [producer, consumer] of claimPairs) {
  test(`spsc: ${producer} producer claiming in place (aborting every 7th first) to ${consumer} consumer, ${spscCount} messages exactly once, in order`, async () => {
    const name = uniqueName(`spsc-claim-${producer}-${consumer}`);
    using _ring = SpscRingBuffer.create({ name, capacity: 16 * 1024 });
    const reader = startRingPeer(consumer, ["spsc-consume", name, String(spscCount)]);
    const writer = startRingPeer(producer, ["spsc-produce", name, String(spscCount), ...claimFlags]);
    const [received, [written]] = await writersThenReader([writer], reader);
    assert.equal(resultOf(written).written, spscCount);
    assert.equal(resultOf(received).received, spscCount);
  });
}

/** Byte offsets in the ring segment (docs/mpsc-ring.md). */
const tailOffset = 256;
const headOffset = 384;
const readPositionOffset = 388;
const headEpochOffset = 768;

/**
 * Runs `producers` (`count` messages each) into `consumer`, from position `start` (tail,
 * head and read position set before anyone joins); returns the consumer's result and the
 * head epoch at the end.
 */
async function mpscMix(
  consumer: PeerRuntime,
  producers: PeerRuntime[],
  count: number,
  start = 0,
  claimers: number[] = [],
) {
  const name = uniqueName(`mpsc-${consumer}`);
  using _ring = MpscRingBuffer.create({ name, capacity: 64 * 1024 });
  using words = new ShmWords(name);
  for (const offset of [tailOffset, headOffset, readPositionOffset]) words.write(offset, start);
  const expect = producers.map((_, id) => `${id}:${count}`).join(",");
  const reader = startRingPeer(consumer, ["mpsc-consume", name, "--expect", expect]);
  await reader.line(/^consuming/);
  const writers = producers.map((runtime, id) =>
    startRingPeer(runtime, [
      "mpsc-produce",
      name,
      String(count),
      "--id",
      String(id),
      ...(claimers.includes(id) ? claimFlags : []),
    ])
  );
  const [read, written] = await writersThenReader(writers, reader);
  for (const exit of written) assert.equal(resultOf(exit).written, count);
  return { result: resultOf(read), headEpoch: words.read(headEpochOffset) };
}

const mixes: Array<[PeerRuntime, PeerRuntime[]]> = [
  ["zig", ["zig", "bun", "deno", "bun"]],
  ["bun", ["zig", "deno", "bun", "zig"]],
  ["deno", ["deno", "zig", "bun", "deno"]],
];

for (const [consumer, producers] of mixes) {
  test(`mpsc: ${producers.join("+")} producers into a ${consumer} consumer, ${mpscCount} messages each, exactly once, each producer's order`, async () => {
    const { result } = await mpscMix(consumer, producers, mpscCount);
    assert.equal(result.received, producers.length * mpscCount);
    assert.equal(result.lostRecords, 0);
  });
}

for (const [consumer, producers] of mixes) {
  test(`mpsc: positions wrapping at 2^32 mid-run (a head epoch change, seen by ${producers.join("+")} producers), ${consumer} consumer: exactly once`, async () => {
    // 1 MiB before the wrap: the consumer's head crosses 2^32, a multiple of 2^30, once.
    const { result, headEpoch } = await mpscMix(consumer, producers, 20_000, 2 ** 32 - 2 ** 20);
    assert.equal(result.received, producers.length * 20_000);
    assert.equal(result.lostRecords, 0);
    assert.equal(headEpoch, 1, "the consumer counted the crossing in the word producers read");
  });
}

for (const [consumer, producers] of mixes) {
  test(`mpsc: ${producers.join("+")} producers into a ${consumer} consumer, the first three claiming in place (aborting every 7th first): exactly once, each producer's order, nothing lost`, async () => {
    const { result } = await mpscMix(consumer, producers, 50_000, 0, [0, 1, 2]);
    assert.equal(result.received, producers.length * 50_000);
    assert.equal(result.lostRecords, 0, "aborted claims are padding, not lost records");
  });
}

/** The victim, the consumer, and whether the victim sends through claims (tryClaim) or writes. */
const killCases: Array<[PeerRuntime, PeerRuntime, boolean]> = [
  ["zig", "bun", false],
  ["bun", "zig", false],
  ["deno", "deno", false],
  ["zig", "deno", true],
  ["bun", "bun", true],
];

for (const [victim, consumer, claims] of killCases) {
  const how = claims ? "in tryClaim, before it could commit its claim," : "between claim and commit";
  test(`mpsc: a ${victim} producer SIGKILLed ${how} loses exactly that message; the ${consumer} consumer goes on`, async () => {
    const name = uniqueName(`mpsc-kill-${victim}`);
    using _ring = MpscRingBuffer.create({ name, capacity: 16 * 1024 });
    const count = 50_000;
    const hangAfter = 20_000;
    // The victim is producer 0: it commits messages 0..hangAfter-1, claims space for the
    // next one, and stops there; producers 1 and 2 keep writing after its claim.
    const expect = `0:${hangAfter},1:${count},2:${count}`;
    const reader = startRingPeer(consumer, ["mpsc-consume", name, "--expect", expect, "--expect-lost", "1"]);
    await reader.line(/^consuming/);
    const hanging = startRingPeer(victim, [
      "mpsc-produce",
      name,
      String(count),
      "--id",
      "0",
      "--hang-after",
      String(hangAfter),
      ...(claims ? ["--claim", "1"] : []),
    ]);
    await hanging.line(/^claimed-and-hanging/);
    const others = [1, 2].map((id) =>
      startRingPeer(id === 1 ? "zig" : "deno", ["mpsc-produce", name, String(count), "--id", String(id)])
    );
    let lostBeforeKill = true;
    const lostLine = reader.line(/^lost 1/).then(() => lostBeforeKill);
    // While the victim lives, its claim is waited for, not skipped: the others fill the ring
    // behind it and wait too.
    await new Promise((resolve) => setTimeout(resolve, 500));
    lostBeforeKill = false;
    hanging.kill("SIGKILL");
    assert.equal((await hanging.exited).signal, "SIGKILL");
    const [read, written] = await writersThenReader(others, reader);
    for (const exit of written) assert.equal(resultOf(exit).written, count);
    const result = resultOf(read);
    assert.deepEqual(result.perProducer, { 0: hangAfter, 1: count, 2: count });
    assert.equal(result.lostRecords, 1, "exactly the claimed message is lost");
    assert.equal(result.received, hangAfter + 2 * count);
    assert.equal(await lostLine, false, "the claim was skipped only after its producer died");
  });
}

for (const [Ring, kind] of [[SpscRingBuffer, "spsc"], [MpscRingBuffer, "mpsc"]] as const) {
  test(`${kind}: a live consumer in another process keeps the role; once it is killed, the role is taken over`, async () => {
    const name = uniqueName(`${kind}-takeover`);
    using ring = Ring.create({ name, capacity: 16 * 1024 });
    const args = kind === "spsc"
      ? ["spsc-consume", name, "1000000"]
      : ["mpsc-consume", name, "--expect", "0:1000000"];
    const consumer = startRingPeer("bun", args);
    if (kind === "mpsc") await consumer.line(/^consuming/);
    else {
      const spsc = ring as SpscRingBuffer;
      while (spsc.peerState("consumer") !== "alive") await new Promise((resolve) => setTimeout(resolve, 5));
    }
    using second = Ring.open({ name });
    assert.throws(() => second.read(() => {}), SubscriberExistsError);
    consumer.kill("SIGKILL");
    await consumer.exited;
    assert.equal(ring.write(new Uint8Array([42]), 3), true);
    const got: number[] = [];
    assert.equal(second.read((data, type) => got.push(data[0], type)), 1);
    assert.deepEqual(got, [42, 3]);
  });
}
