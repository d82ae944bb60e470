/**
 * How a demo process waits for messages without owning a core: spin a little, then sleep in
 * short steps. The same strategy as `Idle` in native/tools/demo_ticker.zig.
 * @module
 */
import { monotonicNs } from "../../mod.ts";
import { scene } from "./scene.ts";

/** A private word to Atomics.wait on: nobody notifies it, so the wait is a precise sleep. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps the whole process (no event loop turn) for `ns` nanoseconds, or a bit more. */
export function sleepNs(ns: number): void {
  Atomics.wait(sleeper, 0, 0, ns / 1e6);
}

/**
 * Spin for `spinNs` after the last piece of work, then sleep `parkNs` at a time.
 *
 * @example
 * ```ts
 * const idle = new Idle({ spinNs: 20_000, parkNs: 50_000 });
 * for (;;) idle.after(channel.pollFragments(handler, 256));
 * ```
 */
export class Idle {
  readonly #spinNs: number;
  readonly #parkNs: number;
  #idleSinceNs = 0;
  #peerCheckedNs = 0;

  constructor(settings: { spinNs: number; parkNs: number }) {
    this.#spinNs = settings.spinNs;
    this.#parkNs = settings.parkNs;
  }

  /** Call after every round of work with how much was done; waits if nothing was. */
  after(work: number): void {
    if (work > 0) {
      this.#idleSinceNs = 0;
      return;
    }
    const now = monotonicNs();
    if (this.#idleSinceNs === 0) this.#idleSinceNs = now;
    if (now - this.#idleSinceNs >= this.#spinNs) sleepNs(this.#parkNs);
  }

  /**
   * True at most every `scene.peerCheckIntervalNs`, and only while idle: a liveness check
   * costs a system call and a /proc read.
   */
  peerCheckDue(): boolean {
    if (this.#idleSinceNs === 0) return false;
    const now = monotonicNs();
    if (now - this.#peerCheckedNs < scene.peerCheckIntervalNs) return false;
    this.#peerCheckedNs = now;
    return true;
  }
}
