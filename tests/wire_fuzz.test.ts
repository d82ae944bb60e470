/**
 * Hostile input for every TypeScript decoder: a million random and mutated buffers from a
 * fixed seed (truncations, bad enum and bool bytes, frame and message lengths past the end,
 * offsets and lengths past the buffer), each fed to every checked decoder. Only the typed
 * errors may come out: a RangeError (an out-of-bounds DataView read) or anything else fails.
 */
import assert from "node:assert/strict";
import {
  checkFrame,
  DataHeaderFlyweight,
  ErrorFlyweight,
  type FrameFlyweight,
  FrameType,
  IndexOutOfRangeError,
  InvalidEnumValueError,
  NakFlyweight,
  OrderMessage,
  RttMeasurementFlyweight,
  SetupFlyweight,
  StatusMessageFlyweight,
  TickMessage,
  TruncatedError,
} from "../mod.ts";
import { test } from "./_harness.ts";
import { caseCount, encodeCase, QuoteMessage, schemas } from "./_wire_corpus.ts";

const iterations = 1_000_000;
const bufferLengthMax = 112;

/** xorshift32 from a fixed seed. */
function rng(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const valid: Uint8Array[] = [];
for (let s = 0; s < schemas.length; s++) for (let c = 0; c < caseCount; c++) valid.push(encodeCase(s, c));

const interestingLengths = [0, -1, -0x80000000, 0x7fffffff, 7, 41, 113];

class Outcomes {
  ok = 0;
  truncated = 0;
  invalidEnum = 0;
  indexOutOfRange = 0;

  run(decoder: () => unknown): void {
    try {
      decoder();
      this.ok++;
    } catch (error) {
      if (error instanceof TruncatedError) this.truncated++;
      else if (error instanceof InvalidEnumValueError) this.invalidEnum++;
      else if (error instanceof IndexOutOfRangeError) this.indexOutOfRange++;
      else throw error;
    }
  }
}

test("a million hostile buffers through every TypeScript decoder: only typed errors", () => {
  const next = rng(0x5eedc0de);
  const storage = new Uint8Array(bufferLengthMax);
  const storageView = new DataView(storage.buffer);
  const tick = TickMessage.flyweight();
  const frames = {
    [FrameType.pad]: new DataHeaderFlyweight(),
    [FrameType.data]: new DataHeaderFlyweight(),
    [FrameType.status]: new StatusMessageFlyweight(),
    [FrameType.nak]: new NakFlyweight(),
    [FrameType.setup]: new SetupFlyweight(),
    [FrameType.rtt]: new RttMeasurementFlyweight(),
    [FrameType.error]: new ErrorFlyweight(),
  } as Record<number, FrameFlyweight>;
  const errorFrame = new ErrorFlyweight();
  const outcomes = new Outcomes();
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // thrown errors are the common case here: skip their stacks
  try {
    for (let i = 0; i < iterations; i++) {
      let length: number;
      if ((next() & 3) === 0) {
        length = next() % (bufferLengthMax + 1);
        for (let j = 0; j < length; j++) storage[j] = next();
      } else {
        const seed = valid[next() % valid.length];
        storage.set(seed);
        length = seed.length;
        const mutations = 1 + (next() % 3);
        for (let m = 0; m < mutations; m++) {
          const kind = next() % 5;
          if (kind === 0) length = next() % (length + 1);
          else if (kind === 1 && length > 0) storage[next() % length] = next();
          else if (kind === 2 && length >= 4) {
            storageView.setInt32(0, interestingLengths[next() % interestingLengths.length], true);
          } else if (kind === 3 && length >= 40) {
            storageView.setInt32(36, interestingLengths[next() % interestingLengths.length], true);
          } else if (kind === 4 && length < bufferLengthMax) {
            const extra = next() % (bufferLengthMax - length + 1);
            for (let j = 0; j < extra; j++) storage[length + j] = next();
            length += extra;
          }
        }
      }
      const bytes = storage.subarray(0, length);
      // Offsets and lengths that may run past the end, as a caller with a bad index would pass.
      const offset = next() % 48;
      const window = (next() % 72) - 8;
      outcomes.run(() => TickMessage.decode(bytes));
      outcomes.run(() => OrderMessage.decode(bytes, offset & 7));
      outcomes.run(() => QuoteMessage.decode(bytes));
      outcomes.run(() => tick.wrapChecked(bytes, offset, window).price);
      outcomes.run(() => OrderMessage.decodeBatch(bytes, offset & 15));
      outcomes.run(() => {
        const type = checkFrame(bytes, offset & 7, window < 0 ? undefined : window);
        const frame = frames[type].wrapChecked(bytes, offset & 7, window < 0 ? undefined : window);
        if (type === FrameType.error) (frame as unknown as ErrorFlyweight).errorMessage();
        return frame.frameLength + frame.flags + frame.version;
      });
      outcomes.run(() => errorFrame.wrap(bytes).errorMessage());
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // Every outcome was reached, so the decoders saw both good and bad input.
  assert.ok(outcomes.ok > 100_000, `ok ${outcomes.ok}`);
  assert.ok(outcomes.truncated > 100_000, `truncated ${outcomes.truncated}`);
  assert.ok(outcomes.invalidEnum > 10_000, `invalid enum ${outcomes.invalidEnum}`);
  assert.ok(outcomes.indexOutOfRange > 1_000, `index out of range ${outcomes.indexOutOfRange}`);
});
