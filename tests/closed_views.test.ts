/**
 * Views kept past their reader's `close()` never touch unmapped memory (that would crash the
 * process). A reused fragment points at nothing: its bytes are an empty array (claims are
 * checked the same way in ring_claims.test.ts). A payload view handed to a handler reads
 * the zero pages libzigbolt leaves at a closed mapping's address (docs/segments.md, Kept
 * mappings), and the address range is let go once such views are garbage.
 * @module
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import {
  CountersFile,
  type Fragment,
  IpcChannel,
  LogBuffer,
  MpscRingBuffer,
  SpscRingBuffer,
} from "../mod.ts";
import { runtime, test, uniqueName } from "./_harness.ts";
import { bunPath, Child, denoPath, resultOf, root } from "./_processes.ts";

/** A reader, a message waiting in it, and how to read fragments and close it. */
interface ClosableReader {
  readFragments(handler: (fragment: Fragment) => void): number;
  read(handler: (data: Uint8Array) => void): number;
  close(): void;
}

const readers: Record<string, () => ClosableReader> = {
  spsc() {
    const ring = SpscRingBuffer.create({ name: uniqueName("closed-spsc"), capacity: 1024 });
    ring.write(new Uint8Array([1, 2, 3, 4]), 1);
    return {
      readFragments: (handler) => ring.readFragments(handler),
      read: (handler) => ring.read(handler),
      close: () => ring.close(),
    };
  },
  mpsc() {
    const ring = MpscRingBuffer.create({ name: uniqueName("closed-mpsc"), capacity: 1024 });
    ring.write(new Uint8Array([1, 2, 3, 4]), 1);
    return {
      readFragments: (handler) => ring.readFragments(handler),
      read: (handler) => ring.read(handler),
      close: () => ring.close(),
    };
  },
  "log buffer"() {
    const log = LogBuffer.create({ name: uniqueName("closed-log"), termLength: 4096 });
    log.append(new Uint8Array([1, 2, 3, 4]), 1);
    return {
      readFragments: (handler) => log.pollFragments(handler),
      read: (handler) => log.poll(handler),
      close: () => log.close(),
    };
  },
  "ipc channel"() {
    const name = uniqueName("closed-ipc");
    const publisher = IpcChannel.create({ name, termLength: 4096 });
    const subscriber = IpcChannel.open({ name });
    publisher.publish(new Uint8Array([1, 2, 3, 4]), 1);
    return {
      readFragments: (handler) => subscriber.pollFragments(handler),
      read: (handler) => subscriber.poll(handler),
      close: () => (subscriber.close(), publisher.close()),
    };
  },
};

for (const [kind, open] of Object.entries(readers)) {
  test(`${kind}: a fragment kept past close() points at nothing`, () => {
    const reader = open();
    let kept: Fragment | undefined;
    let seen: Uint8Array | undefined;
    try {
      assert.equal(
        reader.readFragments((fragment) => (kept = fragment, seen = fragment.payload().slice())),
        1,
      );
    } finally {
      reader.close();
    }
    assert.deepEqual(seen, new Uint8Array([1, 2, 3, 4]));
    assert.equal(kept!.bytes.length, 0);
    assert.equal(kept!.length, 0);
    kept!.bytes[16] = 7; // lands nowhere
    assert.deepEqual(kept!.payload(), new Uint8Array(0));
    assert.throws(() => kept!.view.getUint32(0, true), RangeError);
  });
}

for (const [kind, open] of Object.entries(readers)) {
  test(`${kind}: a payload view kept past close() reads zeros, and writing it reaches nobody`, () => {
    const reader = open();
    let kept: Uint8Array | undefined;
    try {
      assert.equal(
        reader.read((data) => (assert.deepEqual(data, new Uint8Array([1, 2, 3, 4])), kept = data)),
        1,
      );
    } finally {
      reader.close();
    }
    assert.deepEqual(kept, new Uint8Array(4));
    kept!.fill(0xee);
    assert.deepEqual(kept, new Uint8Array(4).fill(0xee));
  });
}

test("a counter kept past its file's close() reads zeros and takes writes", () => {
  const name = uniqueName("closed-counters");
  const file = CountersFile.open({ name, countersMax: 4 });
  try {
    const counter = file.allocate(1000, "kept");
    counter.set(42);
    file.close();
    assert.equal(counter.get(), 0);
    counter.set(7);
    assert.equal(counter.get(), 7);
  } finally {
    file.close();
    fs.rmSync(`/dev/shm${name}`, { force: true });
  }
});

test("closed mappings are let go once their kept views are garbage, and not before", async () => {
  const command = runtime === "bun" ? [bunPath] : [denoPath, "run", "-A", "--v8-flags=--expose-gc"];
  const churn = new Child([...command, `${root}/tests/peers/kept_views_churn.ts`, "--rings", "200"]);
  const result = resultOf(await churn.exited) as {
    closed: number;
    after: number;
    kept: number;
    keptZeros: boolean;
  };
  assert.equal(result.closed, 200, "every closed ring's range is retired, none unmapped at once");
  assert.equal(result.kept, 100);
  assert.equal(result.keptZeros, true);
  assert.ok(result.after >= 100, `the 100 kept views' ranges stay (${result.after} retired)`);
  assert.ok(result.after < 200, `dropped views' ranges are released (${result.after} of 200 still retired)`);
});
