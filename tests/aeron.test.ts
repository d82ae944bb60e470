/**
 * Aeron frame flyweights against frames assembled by hand from Aeron's documented layout
 * (offsets from the protocol specification, not our own encoder), and the position helpers.
 */
import assert from "node:assert/strict";
import {
  checkFrame,
  computePosition,
  computePositionBigInt,
  computeTermBeginPosition,
  computeTermIdFromPosition,
  computeTermOffsetFromPosition,
  DataFlags,
  DataHeaderFlyweight,
  ErrorFlyweight,
  FrameType,
  indexByPosition,
  indexByTerm,
  IndexOutOfRangeError,
  InvalidArgumentError,
  InvalidEnumValueError,
  NakFlyweight,
  positionBitsToShift,
  RttFlags,
  RttMeasurementFlyweight,
  SetupFlags,
  SetupFlyweight,
  StatusFlags,
  StatusMessageFlyweight,
  TruncatedError,
} from "../mod.ts";
import { test } from "./_harness.ts";

/** Builds a frame from [byteOffset, kind, value] entries, little-endian, as Aeron documents. */
function frame(
  length: number,
  fields: Array<[number, "u8" | "u16" | "i32" | "i64", number | bigint]>,
): Uint8Array {
  const bytes = new Uint8Array(length);
  for (const [at, kind, value] of fields) {
    const little = kind === "i64" ? BigInt.asUintN(64, BigInt(value)) : BigInt.asUintN(32, BigInt(value));
    const size = { u8: 1, u16: 2, i32: 4, i64: 8 }[kind];
    for (let i = 0; i < size; i++) bytes[at + i] = Number((little >> BigInt(8 * i)) & 0xffn);
  }
  return bytes;
}

test("a DATA frame assembled by hand reads back field by field", () => {
  const bytes = frame(40, [
    [0, "i32", 40],
    [4, "u8", 0],
    [5, "u8", 0xc0],
    [6, "u16", 1],
    [8, "i32", 4096],
    [12, "i32", -7],
    [16, "i32", 1001],
    [20, "i32", 0x7fffffff],
    [24, "i64", -(2n ** 63n)],
  ]);
  assert.equal(checkFrame(bytes), FrameType.data);
  const data = new DataHeaderFlyweight().wrapChecked(bytes);
  assert.equal(data.frameLength, 40);
  assert.equal(data.version, 0);
  assert.equal(data.flags, DataFlags.beginAndEnd);
  assert.ok(data.isBeginFragment && data.isEndFragment && !data.isHeartbeat);
  assert.equal(data.frameType, FrameType.data);
  assert.equal(data.termOffset, 4096);
  assert.equal(data.sessionId, -7);
  assert.equal(data.streamId, 1001);
  assert.equal(data.termId, 0x7fffffff);
  assert.equal(data.getBigInt(DataHeaderFlyweight.reservedValueOffset), -(2n ** 63n));
});

test("status, NAK, setup and RTT frames assembled by hand read back field by field", () => {
  const sm = new StatusMessageFlyweight().wrapChecked(frame(36, [
    [0, "i32", 36],
    [5, "u8", 0x80],
    [6, "u16", 3],
    [8, "i32", 11],
    [12, "i32", 12],
    [16, "i32", 13],
    [20, "i32", 14],
    [24, "i32", 15],
    [28, "i64", -16],
  ]));
  assert.equal(sm.flags, StatusFlags.sendSetup);
  assert.deepEqual(
    [
      sm.sessionId,
      sm.streamId,
      sm.consumptionTermId,
      sm.consumptionTermOffset,
      sm.receiverWindowLength,
      sm.receiverId,
    ],
    [11, 12, 13, 14, 15, -16],
  );
  const nak = new NakFlyweight().wrapChecked(frame(28, [
    [0, "i32", 28],
    [6, "u16", 2],
    [8, "i32", 21],
    [12, "i32", 22],
    [16, "i32", 23],
    [20, "i32", 24],
    [24, "i32", 25],
  ]));
  assert.deepEqual([nak.sessionId, nak.streamId, nak.termId, nak.termOffset, nak.length], [
    21,
    22,
    23,
    24,
    25,
  ]);
  const setup = new SetupFlyweight().wrapChecked(frame(40, [
    [0, "i32", 40],
    [5, "u8", 0x40],
    [6, "u16", 5],
    [8, "i32", 31],
    [12, "i32", 32],
    [16, "i32", 33],
    [20, "i32", 34],
    [24, "i32", 35],
    [28, "i32", 65536],
    [32, "i32", 1408],
    [36, "i32", 8],
  ]));
  assert.equal(setup.flags, SetupFlags.group);
  assert.deepEqual(
    [setup.termOffset, setup.sessionId, setup.streamId, setup.initialTermId, setup.activeTermId],
    [31, 32, 33, 34, 35],
  );
  assert.deepEqual([setup.termLength, setup.mtu, setup.ttl], [65536, 1408, 8]);
  const rtt = new RttMeasurementFlyweight().wrapChecked(frame(40, [
    [0, "i32", 40],
    [5, "u8", 0x80],
    [6, "u16", 6],
    [8, "i32", 41],
    [12, "i32", 42],
    [16, "i64", 2n ** 63n - 1n],
    [24, "i64", 44],
    [32, "i64", -45],
  ]));
  assert.equal(rtt.flags, RttFlags.reply);
  assert.equal(rtt.getBigInt(RttMeasurementFlyweight.echoTimestampOffset), 2n ** 63n - 1n);
  assert.deepEqual([rtt.sessionId, rtt.streamId, rtt.receptionDelta, rtt.receiverId], [41, 42, 44, -45]);
});

test("an error frame assembled by hand carries its message; one written by the flyweight is identical", () => {
  const message = new TextEncoder().encode("oops!");
  const bytes = frame(45, [
    [0, "i32", 45],
    [5, "u8", 0x08],
    [6, "u16", 4],
    [8, "i32", 1],
    [12, "i32", 2],
    [16, "i64", 3],
    [24, "i64", 4],
    [32, "i32", 5],
    [36, "i32", 5],
  ]);
  bytes.set(message, 40);
  const error = new ErrorFlyweight().wrapChecked(bytes);
  assert.equal(error.errorMessage(), "oops!");
  assert.ok(error.hasGroupTag);
  assert.deepEqual([error.sessionId, error.streamId, error.receiverId, error.groupTag, error.errorCode], [
    1,
    2,
    3,
    4,
    5,
  ]);
  const written = new Uint8Array(45);
  const out = new ErrorFlyweight().wrap(written).init();
  out.sessionId = 1;
  out.streamId = 2;
  out.receiverId = 3;
  out.groupTag = 4;
  out.errorCode = 5;
  out.setErrorMessage("oops!");
  assert.deepEqual(written, bytes);
});

test("checkFrame rejects short, unknown and overlong frames with typed errors", () => {
  const bytes = new Uint8Array(64);
  assert.throws(() => checkFrame(bytes.subarray(0, 7)), TruncatedError);
  const data = new DataHeaderFlyweight().wrap(bytes).init();
  assert.equal(checkFrame(bytes), FrameType.data);
  assert.throws(() => checkFrame(bytes, 0, 31), TruncatedError);
  assert.throws(() => checkFrame(bytes, 40), TruncatedError);
  assert.throws(() => checkFrame(bytes, 0, 65), TruncatedError);
  data.frameLength = 65;
  assert.throws(() => checkFrame(bytes), TruncatedError);
  data.frameLength = 0;
  assert.ok(data.isHeartbeat);
  assert.equal(checkFrame(bytes), FrameType.data);
  data.frameLength = 12;
  assert.throws(() => checkFrame(bytes), TruncatedError);
  data.frameType = 0x0c;
  assert.throws(() => checkFrame(bytes), InvalidEnumValueError);
  const error = new ErrorFlyweight().wrap(bytes).init();
  error.errorStringLength = 1;
  assert.throws(() => checkFrame(bytes), IndexOutOfRangeError);
  assert.throws(() => error.errorMessage(), IndexOutOfRangeError);
  error.errorStringLength = -1;
  assert.throws(() => checkFrame(bytes), IndexOutOfRangeError);
  error.errorStringLength = 0;
  assert.throws(() => new NakFlyweight().wrapChecked(bytes), InvalidEnumValueError);
  assert.throws(() => new DataHeaderFlyweight().wrap(bytes, 33), TruncatedError);
});

test("positions round-trip through term id and offset, across an int32 term id wrap", () => {
  const bits = positionBitsToShift(64 * 1024);
  assert.equal(bits, 16);
  const position = computePosition(7, 128, bits, 5);
  assert.equal(position, 2 * 65536 + 128);
  assert.equal(computeTermIdFromPosition(position, bits, 5), 7);
  assert.equal(computeTermOffsetFromPosition(position, bits), 128);
  assert.equal(computeTermBeginPosition(7, bits, 5), 2 * 65536);
  assert.equal(indexByTerm(5, 7), 2);
  assert.equal(indexByPosition(position, bits), 2);

  const gib = positionBitsToShift(2 ** 30);
  const initial = 0x7fffffff - 1;
  const wrapped = -0x80000000 + 1;
  assert.equal(computePosition(wrapped, 64, gib, initial), 3 * 2 ** 30 + 64);
  assert.equal(computeTermIdFromPosition(3 * 2 ** 30 + 64, gib, initial), wrapped);
  const last = computePositionBigInt((initial + 0x7fffffff) | 0, 2 ** 30 - 1, gib, initial);
  assert.equal(last, 2n ** 61n - 1n);
  assert.equal(computeTermIdFromPosition(last, gib, initial), (initial + 0x7fffffff) | 0);
  assert.equal(computeTermOffsetFromPosition(last, gib), 2 ** 30 - 1);
  assert.throws(() => positionBitsToShift(4096), InvalidArgumentError);
  assert.throws(() => positionBitsToShift(65536 + 8), InvalidArgumentError);
});
