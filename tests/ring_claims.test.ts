/**
 * Claims of SPSC and MPSC rings in one process (docs/spsc-ring.md, Claims): filled in place,
 * read only once committed, never when aborted; one at a time; bad arguments, a full ring
 * and a closed ring (whose claims, and a log buffer's, point at nothing once it is unmapped). Cross-process claims are in rings_cross_process.test.ts.
 * @module
 */
import assert from "node:assert/strict";
import {
  Claim,
  HandleClosedError,
  InvalidArgumentError,
  LogBuffer,
  LogClaim,
  MessageTooLargeError,
  MpscRingBuffer,
  SpscRingBuffer,
} from "../mod.ts";
import { test, uniqueName } from "./_harness.ts";
import { drain } from "./_ring_drain.ts";

type Ring = SpscRingBuffer | MpscRingBuffer;

const kinds = [["spsc", SpscRingBuffer], ["mpsc", MpscRingBuffer]] as const;

/** Claims `length` bytes of type 3 and writes `value` at the start of the payload. */
function claimValue(ring: Ring, value: number, length = 8): Claim {
  const claim = ring.claim(length, 3);
  assert.ok(claim !== null, "the ring has room");
  claim.view.setUint32(claim.offset, value, true);
  return claim;
}

for (const [kind, Ring] of kinds) {
  test(`${kind}: a claim is filled in place, read only once committed; an aborted one never`, () => {
    using ring = Ring.create({ name: uniqueName(`claim-${kind}`), capacity: 1024 });
    const claim = claimValue(ring, 41);
    assert.ok(claim instanceof Claim);
    assert.equal(claim.length, 8);
    assert.equal(claim.msgTypeId, 3);
    assert.equal(claim.offset % 8, 0);
    assert.deepEqual(claim.payload(), claim.bytes.subarray(claim.offset, claim.offset + 8));
    assert.deepEqual(drain(ring), [], "nothing before the commit");
    claim.commit();
    assert.deepEqual(drain(ring), [[41, 3, 8]]);
    claimValue(ring, 42).abort();
    ring.write(new Uint8Array([43, 0, 0, 0]), 3);
    claimValue(ring, 44, 4).commit();
    assert.deepEqual(drain(ring), [[43, 3, 4], [44, 3, 4]]);
    const empty = ring.claim(0, 5);
    assert.ok(empty !== null);
    empty.commit();
    assert.deepEqual(drain(ring), [[-1, 5, 0]]);
  });

  test(`${kind}: one claim at a time; writes meanwhile, and finishing twice, are InvalidArgumentError`, () => {
    using ring = Ring.create({ name: uniqueName(`claim-one-${kind}`), capacity: 1024 });
    const claim = claimValue(ring, 1);
    assert.throws(() => ring.claim(8, 3), /commit or abort the outstanding claim first/);
    assert.throws(() => ring.write(new Uint8Array(4), 3), InvalidArgumentError);
    assert.throws(() => ring.write(new Uint8Array(4), 3), /commit or abort the outstanding claim first/);
    claim.commit();
    assert.throws(() => claim.commit(), /no claim is outstanding/);
    assert.throws(() => claim.abort(), InvalidArgumentError);
    assert.equal(ring.write(new Uint8Array([2, 0, 0, 0]), 3), true);
    assert.deepEqual(drain(ring), [[1, 3, 8], [2, 3, 4]]);
  });

  test(`${kind}: bad lengths and type ids are typed errors; a full ring gives null`, () => {
    using ring = Ring.create({ name: uniqueName(`claim-bad-${kind}`), capacity: 1024 });
    assert.throws(() => ring.claim(ring.payloadLengthMax + 1, 3), MessageTooLargeError);
    for (const length of [-1, 1.5, NaN, "8"]) {
      assert.throws(() => ring.claim(length as number, 3), /length .* is not an integer in \[0, 120\]/);
    }
    for (const msgTypeId of [-1, 2 ** 31, 0.5]) {
      assert.throws(() => ring.claim(8, msgTypeId), /msgTypeId .* is not an integer in \[0, 2\^31\)/);
    }
    // 64-byte records: 16 fit.
    for (let i = 0; i < 16; i++) claimValue(ring, i, 56).commit();
    assert.equal(ring.claim(56, 3), null);
    assert.equal(drain(ring).length, 16);
    claimValue(ring, 99, 56).commit();
    assert.deepEqual(drain(ring), [[99, 3, 56]]);
  });

  test(`${kind}: after close, claims and finishing a claim are HandleClosedError; the claim points at nothing`, () => {
    const ring = Ring.create({ name: uniqueName(`claim-closed-${kind}`), capacity: 1024 });
    const claim = claimValue(ring, 1);
    ring.close();
    assert.throws(() => claim.commit(), HandleClosedError);
    assert.throws(() => ring.claim(8, 3), HandleClosedError);
    // The mapping is gone: writes through the kept claim land nowhere instead of faulting.
    assert.equal(claim.bytes.length, 0);
    claim.bytes[claim.offset] = 7;
    assert.throws(() => claim.view.setUint32(claim.offset, 7, true), RangeError);
  });

  test(`${kind}: claims of every size wrap around the ring many times, byte for byte`, () => {
    using ring = Ring.create({ name: uniqueName(`claim-wrap-${kind}`), capacity: 1024 });
    for (let seq = 0; seq < 3000; seq++) {
      const length = (seq * 37) % (ring.payloadLengthMax + 1);
      if (seq % 5 === 4) {
        const doomed = ring.claim(length, 9)!;
        doomed.bytes.fill(0xee, doomed.offset, doomed.offset + length);
        doomed.abort();
      }
      const claim = ring.claim(length, 3)!;
      for (let i = 0; i < length; i++) claim.bytes[claim.offset + i] = (seq + i * 7) & 0xff;
      claim.commit();
      const got: Uint8Array[] = [];
      ring.readFragments((f) => got.push(f.bytes.slice(f.offset, f.offset + f.length)), 10);
      const expected = Uint8Array.from({ length }, (_, i) => (seq + i * 7) & 0xff);
      assert.deepEqual(got, [expected], `message ${seq}`);
    }
  });
}

test("mpsc: a producer closed with a claim outstanding aborts it; the consumer goes on", () => {
  const name = uniqueName("claim-close-mpsc");
  using consumer = MpscRingBuffer.create({ name, capacity: 1024 });
  const producer = MpscRingBuffer.open({ name });
  claimValue(producer, 1);
  producer.close();
  consumer.write(new Uint8Array([2, 0, 0, 0]), 3);
  assert.deepEqual(drain(consumer), [[2, 3, 4]]);
});

test("a log buffer's claim is the same Claim class (LogClaim names it too), and points at nothing after close", () => {
  assert.equal(LogClaim, Claim);
  const log = LogBuffer.create({ name: uniqueName("claim-log"), termLength: 4096 });
  const claim = log.claim(8, 1)!;
  assert.ok(claim instanceof Claim);
  log.close();
  assert.equal(claim.bytes.length, 0);
  claim.bytes[claim.offset] = 7;
});
