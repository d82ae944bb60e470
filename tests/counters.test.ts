/**
 * Counters files: allocation, every operation, reading from other processes while they are
 * written (Zig, Bun and Deno writers), the IPC channel's own counters, zigbolt-stat, and
 * bad input.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import {
  CorruptChannelError,
  type Counter,
  CountersFile,
  CounterType,
  HandleClosedError,
  InvalidArgumentError,
  InvalidChannelError,
  IpcChannel,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { bunPath, Child, denoPath, resultOf, root } from "./_processes.ts";

function withFile(countersMax: number, body: (file: CountersFile, name: string) => void | Promise<void>) {
  return async () => {
    const name = uniqueName("counters");
    const file = CountersFile.open({ name, countersMax });
    try {
      await body(file, name);
    } finally {
      file.close();
      fs.rmSync(`/dev/shm${name}`, { force: true });
    }
  };
}

test(
  "allocate, every operation, list, free and reuse",
  withFile(8, (file) => {
    const orders = file.allocate(1000, "orders sent");
    orders.increment();
    orders.add(41);
    assert.equal(orders.get(), 42);
    assert.equal(orders.getAndReset(), 42);
    orders.set(2 ** 40 + 5);
    assert.equal(file.valueOf(orders.id), 2 ** 40 + 5);
    orders.set(0);
    // Ordered (single-writer) updates cross the 32-bit boundary intact.
    orders.setOrdered(2 ** 32 - 2);
    orders.incrementOrdered();
    orders.addOrdered(3);
    assert.equal(orders.get(), 2 ** 32 + 2);

    const info = file.list().find((c) => c.id === orders.id)!;
    assert.equal(info.label, "orders sent");
    assert.equal(info.typeId, 1000);
    assert.equal(info.ownerPid, process.pid);
    assert.ok(info.allocatedNs > 0);

    orders.free();
    assert.equal(file.info(orders.id), undefined);
    const reused = file.allocate(1001, "fills");
    assert.equal(reused.id, orders.id);
    assert.equal(reused.get(), 0);
    reused.free();
  }),
);

test(
  "a full file is CountersFull; bad ids, labels and type ids are typed errors",
  withFile(2, (file) => {
    using _a = file.allocate(1000, "a");
    using _b = file.allocate(1000, "b");
    assert.throws(() => file.allocate(1000, "c"), { code: "CountersFull" });
    assert.throws(() => file.allocate(1000, "x".repeat(385)), InvalidArgumentError);
    assert.throws(() => file.allocate(1.5, "x"), InvalidArgumentError);
    assert.throws(() => file.counter(2), InvalidArgumentError);
    assert.throws(() => file.counter(-1), InvalidArgumentError);
    assert.throws(() => file.free(7), { code: "InvalidArgument" });
  }),
);

test("use after close is HandleClosed; closing twice is harmless", () => {
  const name = uniqueName("counters-closed");
  const file = CountersFile.open({ name, countersMax: 4 });
  file.close();
  file.close();
  assert.throws(() => file.allocate(1000, "late"), HandleClosedError);
  assert.throws(() => file.list(), HandleClosedError);
  fs.rmSync(`/dev/shm${name}`, { force: true });
});

test("a corrupt header or a foreign file is refused with a typed error", () => {
  const name = uniqueName("counters-corrupt");
  CountersFile.open({ name, countersMax: 4 }).close();
  const path = `/dev/shm${name}`;
  const bytes = fs.readFileSync(path);
  const corrupted = Buffer.from(bytes);
  corrupted.writeUInt32LE(1 << 30, 128); // counters_max far beyond the file
  fs.writeFileSync(path, corrupted);
  assert.throws(() => CountersFile.open({ name }), CorruptChannelError);
  fs.writeFileSync(path, Buffer.alloc(8192, 7));
  assert.throws(() => CountersFile.open({ name }), InvalidChannelError);
  fs.rmSync(path, { force: true });
  assert.throws(() => CountersFile.open({ name: "no-slash" }), { code: "InvalidName" });
});

test("an IPC channel's publisher and subscriber keep counters in the process's counters file", () => {
  const name = uniqueName("ipc-counted");
  using publisher = IpcChannel.create({ name, termLength: 64 * 1024 });
  using subscriber = IpcChannel.open({ name });
  const payload = new Uint8Array(100);
  for (let i = 0; i < 50; i++) publisher.publish(payload, 1);
  assert.equal(subscriber.poll(() => {}, 1000), 50);
  const file = CountersFile.processDefault();
  const value = (channel: IpcChannel, type: number) => file.valueOf(channel.counterId(type)!);
  assert.equal(value(publisher, CounterType.IpcPublishedMessages), 50);
  assert.equal(value(publisher, CounterType.IpcPublishedBytes), 5000);
  // 100-byte payloads take 112-byte frames (8-byte header, 8-byte alignment).
  assert.equal(value(publisher, CounterType.IpcPublisherPosition), 50 * 112);
  assert.equal(value(subscriber, CounterType.IpcReceivedMessages), 50);
  assert.equal(value(subscriber, CounterType.IpcReceivedBytes), 5000);
  assert.equal(value(subscriber, CounterType.IpcSubscriberPosition), subscriber.position);
  const labels = file.list().map((c) => c.label);
  assert.ok(labels.includes(`ipc published messages: ${name}`));
  assert.equal(subscriber.counterId(CounterType.IpcPublishedMessages), undefined);
});

for (const writer of ["zig", "bun", "deno"] as const) {
  test(`a ${writer} process's counter read by this process while it is being written`, async () => {
    const name = uniqueName(`counters-${writer}`);
    const count = 3_000_000;
    using file = CountersFile.open({ name, countersMax: 64 });
    try {
      if (writer === "zig") {
        // A Zig publisher's own counters: published messages on a channel we drain.
        const channel = uniqueName("counted-by-zig");
        using subscriber = IpcChannel.create({ name: channel, termLength: 1 << 20 });
        const child = new Child([
          `${root}/native/zig-out/bin/zigbolt-peer`,
          "publish",
          channel,
          String(count / 10),
        ], {
          ZIGBOLT_COUNTERS: name,
        });
        const seen: number[] = [];
        let id: number | undefined;
        let received = 0;
        for (let spins = 0; received < count / 10; spins++) {
          received += subscriber.poll(() => {}, 4096);
          id ??= file.list().find((c) => c.label === `ipc published messages: ${channel}`)?.id;
          if (id !== undefined) seen.push(file.valueOf(id));
          // Let the child's output and exit events in now and then.
          if (spins % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        resultOf(await child.exited);
        assert.ok(id !== undefined, "the Zig publisher's counter appeared");
        seen.push(file.valueOf(id!));
        assertRising(seen);
        assert.equal(seen.at(-1), count / 10);
        return;
      }
      const script = `${root}/tests/peers/counter_writer.ts`;
      const argv = writer === "bun" ? [bunPath, script] : [denoPath, "run", "-A", script];
      const child = new Child([...argv, name, String(count), "ordered"]);
      const counterId = Number((await child.line(/^id \d+/)).split(" ")[1]);
      child.process.stdin!.write("go\n");
      const seen: number[] = [];
      let done = false;
      child.exited.then(() => (done = true));
      while (!done) {
        seen.push(file.valueOf(counterId));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const result = resultOf(await child.exited);
      seen.push(file.valueOf(counterId));
      assertRising(seen);
      assert.equal(result.final, count);
      assert.equal(seen.at(-1), count);
      // The writer has exited without freeing: readers see its counter with a dead owner.
      assert.equal(file.info(counterId)?.label.startsWith("counter writer"), true);
    } finally {
      fs.rmSync(`/dev/shm${name}`, { force: true });
    }
  });
}

function assertRising(values: number[]): void {
  for (let i = 1; i < values.length; i++) {
    assert.ok(values[i] >= values[i - 1], `value went from ${values[i - 1]} to ${values[i]}`);
  }
}

test("zigbolt-stat prints every counter of a file with its label and owner", async () => {
  const name = uniqueName("counters-stat");
  const file = CountersFile.open({ name, countersMax: 16 });
  try {
    const counter: Counter = file.allocate(1234, "strategy fills: BTC-USD");
    counter.set(987654321);
    const stat = new Child([
      `${root}/native/zig-out/bin/zigbolt-stat`,
      "--counters",
      name,
      "--count",
      "2",
      "--interval",
      "10",
    ]);
    const exit = await stat.exited;
    assert.equal(exit.code, 0, exit.stderr);
    // The second refresh has a rate.
    const line = exit.stdout.split("\n").findLast((l) => l.includes("strategy fills: BTC-USD"));
    assert.ok(line, exit.stdout);
    assert.match(line!, /type 1234\s+987654321\s+0\s+\d+ alive/);
    const missing = await new Child([
      `${root}/native/zig-out/bin/zigbolt-stat`,
      "--counters",
      "/zbt-none",
      "--count",
      "1",
    ])
      .exited;
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such channel or structure/);
  } finally {
    file.close();
    fs.rmSync(`/dev/shm${name}`, { force: true });
  }
});
