/**
 * A fragment kept past its reader's `close()` points at nothing: its bytes are an empty
 * array, not the unmapped segment (touching that would crash the process). Claims are
 * checked the same way in ring_claims.test.ts.
 * @module
 */
import assert from "node:assert/strict";
import { type Fragment, IpcChannel, LogBuffer, MpscRingBuffer, SpscRingBuffer } from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";

/** A reader, a message waiting in it, and how to read fragments and close it. */
interface ClosableReader {
  readFragments(handler: (fragment: Fragment) => void): number;
  close(): void;
}

const readers: Record<string, () => ClosableReader> = {
  spsc() {
    const ring = SpscRingBuffer.create({ name: uniqueName("closed-spsc"), capacity: 1024 });
    ring.write(new Uint8Array([1, 2, 3, 4]), 1);
    return { readFragments: (handler) => ring.readFragments(handler), close: () => ring.close() };
  },
  mpsc() {
    const ring = MpscRingBuffer.create({ name: uniqueName("closed-mpsc"), capacity: 1024 });
    ring.write(new Uint8Array([1, 2, 3, 4]), 1);
    return { readFragments: (handler) => ring.readFragments(handler), close: () => ring.close() };
  },
  "log buffer"() {
    const log = LogBuffer.create({ name: uniqueName("closed-log"), termLength: 4096 });
    log.append(new Uint8Array([1, 2, 3, 4]), 1);
    return { readFragments: (handler) => log.pollFragments(handler), close: () => log.close() };
  },
  "ipc channel"() {
    const name = uniqueName("closed-ipc");
    const publisher = IpcChannel.create({ name, termLength: 4096 });
    const subscriber = IpcChannel.open({ name });
    publisher.publish(new Uint8Array([1, 2, 3, 4]), 1);
    return {
      readFragments: (handler) => subscriber.pollFragments(handler),
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
