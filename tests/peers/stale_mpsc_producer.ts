/**
 * A Worker for tests/rings.test.ts: an MPSC producer whose cached head goes stale by a whole
 * 2^32 lap of positions. It writes one message (caching head and head epoch), waits while
 * the test moves the ring 4 GiB on, then writes message 7001 and reports when that write
 * returned. Control words: [0] = 1 once cached, [1] = 1 to go on, [2] = 1 once written.
 * Posts "ready" first: Bun drops messages that arrive before the handler is set.
 */
import { MpscRingBuffer } from "../../mod.ts";

const cached = 0;
const proceed = 1;
const written = 2;

self.onmessage = (event: MessageEvent<{ name: string; control: SharedArrayBuffer }>) => {
  const control = new Int32Array(event.data.control);
  const ring = MpscRingBuffer.open({ name: event.data.name });
  const payload = new Uint8Array(32);
  const view = new DataView(payload.buffer);
  view.setUint32(0, 7000, true);
  if (!ring.write(payload, 1)) throw new Error("the first write found the ring full");
  Atomics.store(control, cached, 1);
  Atomics.notify(control, cached);
  while (Atomics.load(control, proceed) === 0) Atomics.wait(control, proceed, 0);
  view.setUint32(0, 7001, true);
  while (!ring.write(payload, 1));
  Atomics.store(control, written, 1);
  ring.close();
  self.postMessage("closed");
};
self.postMessage("ready");
