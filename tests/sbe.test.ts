/**
 * lib/sbe: the flyweight codecs generated from schema declarations, on the FIX set and on
 * small schemas declared here (every primitive, var data inside group entries, versions).
 */
import assert from "node:assert/strict";
import { test, uniqueName } from "./_harness.ts";
import { IpcChannel } from "../lib/ipc_channel.ts";
import { defineMessage, MessageHeader } from "../lib/sbe/codec.ts";
import {
  BooleanFlag,
  ExecutionReport,
  Logon,
  MarketDataIncrementalRefresh,
  MassQuote,
  MDEntryType,
  MDUpdateAction,
  NewOrderSingle,
  OrdType,
  Side,
  TimeInForce,
} from "../lib/sbe/fix.ts";
import {
  BufferTooSmallError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  InvalidEnumValueError,
  InvalidGroupError,
  TruncatedError,
  UnknownTemplateError,
} from "../lib/errors.ts";
import { Status } from "../lib/status.ts";

function encodeNos(buf: Uint8Array, offset = 0): number {
  const enc = NewOrderSingle.encoder().wrap(buf, offset);
  enc.price = 4512.25;
  enc.stopPx = null;
  enc.transactTime = 1_700_000_000_123_456;
  enc.orderQty = 7;
  enc.minQty = null;
  enc.securityId = -42;
  enc.side = Side.sell;
  enc.ordType = OrdType.limit;
  enc.timeInForce = TimeInForce.immediateOrCancel;
  enc.custOrderHandlingInst = "W";
  enc.clOrdId = "ORD-0001";
  enc.account = "ACCT1";
  enc.selfMatchPreventionId = 99;
  return enc.encodedLength;
}

test("NewOrderSingle encodes the documented bytes and decodes them back", () => {
  const buf = new Uint8Array(128);
  const length = encodeNos(buf);
  assert.equal(length, 88);
  assert.deepEqual([...buf.subarray(0, 8)], [80, 0, 68, 0, 1, 0, 1, 0]);
  const dv = new DataView(buf.buffer);
  assert.equal(dv.getBigInt64(8, true), 4_512_250_000_000n);
  assert.equal(dv.getBigInt64(16, true), -(2n ** 63n)); // stop_px null
  assert.equal(buf[8 + 36], Side.sell);
  assert.equal(buf[8 + 37], "2".charCodeAt(0));
  assert.equal(new TextDecoder().decode(buf.subarray(8 + 40, 8 + 48)), "ORD-0001");
  assert.equal(buf[8 + 48], 0);
  const dec = NewOrderSingle.decoder().wrap(buf, 0, length);
  assert.equal(dec.encodedLength, 88);
  assert.equal(dec.actingVersion, 1);
  assert.equal(dec.price, 4512.25);
  assert.equal(dec.priceMantissa, 4_512_250_000_000n);
  assert.equal(dec.stopPx, null);
  assert.equal(dec.stopPxMantissa, null);
  assert.equal(dec.transactTime, 1_700_000_000_123_456);
  assert.equal(dec.transactTimeBig, 1_700_000_000_123_456n);
  assert.equal(dec.minQty, null);
  assert.equal(dec.securityId, -42);
  assert.equal(dec.side, Side.sell);
  assert.equal(dec.ordType, OrdType.limit);
  assert.equal(dec.timeInForce, TimeInForce.immediateOrCancel);
  assert.equal(dec.custOrderHandlingInst, "W");
  assert.equal(dec.clOrdId, "ORD-0001");
  assert.equal(dec.account, "ACCT1");
  assert.equal(dec.selfMatchPreventionId, 99);
  const chars = new Uint8Array(20);
  assert.equal(dec.copyChars("clOrdId", chars), 8);
  assert.equal(new TextDecoder().decode(chars.subarray(0, 8)), "ORD-0001");
  assert.throws(() => dec.copyChars("clOrdId", new Uint8Array(4)), IndexOutOfRangeError);
});

test("a message at an offset inside a larger buffer, and a subarray, decode alike", () => {
  const backing = new Uint8Array(300);
  const length = encodeNos(backing, 37);
  const dec = NewOrderSingle.decoder();
  assert.equal(dec.tryWrap(backing, 37, length), Status.Ok);
  assert.equal(dec.price, 4512.25);
  assert.equal(dec.tryWrap(backing.subarray(37, 37 + length)), Status.Ok);
  assert.equal(dec.clOrdId, "ORD-0001");
  assert.equal(dec.tryWrap(backing, 37, 400), Status.IndexOutOfRange);
});

test("64-bit integers: number accessors up to 2^53, bigint accessors for the full range", () => {
  const buf = new Uint8Array(128);
  const enc = NewOrderSingle.encoder().wrap(buf);
  encodeNos(buf);
  enc.wrap(buf);
  enc.transactTimeBig = 18446744073709551614n;
  enc.priceMantissa = 9223372036854775807n;
  enc.selfMatchPreventionId = null;
  const dec = NewOrderSingle.decoder().wrap(buf, 0, enc.encodedLength);
  assert.equal(dec.transactTimeBig, 18446744073709551614n);
  assert.equal(dec.priceMantissa, 9223372036854775807n);
  assert.equal(dec.selfMatchPreventionId, null);
  assert.equal(dec.selfMatchPreventionIdBig, null);
  enc.wrap(buf);
  enc.transactTime = 2 ** 53;
  enc.price = -0.000000001;
  enc.securityId = 1;
  assert.equal(dec.tryWrap(buf), Status.Ok);
  assert.equal(dec.transactTime, 2 ** 53);
  assert.equal(dec.priceMantissa, -1n);
  // Half a unit rounds away from zero, like Zig's @round.
  enc.price = -0.0000000015;
  assert.equal(dec.priceMantissa, -2n);
  enc.price = NaN;
  assert.equal(dec.price, null);
});

test("setters reject bad enum values, too-long and non-Latin-1 strings", () => {
  const enc = NewOrderSingle.encoder().wrap(new Uint8Array(128));
  assert.throws(() => (enc.side = 3 as typeof Side.buy), InvalidEnumValueError);
  assert.throws(() => (enc.side = null as unknown as typeof Side.buy), InvalidEnumValueError);
  assert.throws(() => (enc.clOrdId = "123456789012345678901"), IndexOutOfRangeError);
  assert.throws(() => (enc.account = "€uro"), InvalidArgumentError);
  enc.clOrdId = "12345678901234567890";
  assert.equal(enc.clOrdId, "12345678901234567890");
});

test("encoders report BufferTooSmall for the block, a group header, an entry and var data", () => {
  assert.throws(() => NewOrderSingle.encoder().wrap(new Uint8Array(87)), BufferTooSmallError);
  assert.throws(() => NewOrderSingle.encoder().wrap(new Uint8Array(100), 20), BufferTooSmallError);
  const md = MarketDataIncrementalRefresh.encoder().wrap(new Uint8Array(8 + 9 + 4 + 28 + 10));
  const entries = md.group("entries", 2);
  entries.next();
  assert.throws(() => entries.next(), BufferTooSmallError);
  assert.throws(
    () => MarketDataIncrementalRefresh.encoder().wrap(new Uint8Array(8 + 9 + 3)).group("entries", 0),
    BufferTooSmallError,
  );
  const er = ExecutionReport.encoder().wrap(new Uint8Array(8 + 116 + 2 + 3));
  assert.throws(() => er.setData("text", "four"), BufferTooSmallError);
  er.setData("text", "abc");
  assert.equal(er.encodedLength, 8 + 116 + 5);
});

test("groups must be declared within countMax, filled exactly, and written in order", () => {
  const buf = new Uint8Array(4096);
  assert.throws(
    () => MarketDataIncrementalRefresh.encoder().wrap(buf).group("entries", 65),
    IndexOutOfRangeError,
  );
  const md = MarketDataIncrementalRefresh.encoder().wrap(buf);
  const entries = md.group("entries", 1);
  entries.next();
  assert.throws(() => entries.next(), IndexOutOfRangeError);
  const short = MarketDataIncrementalRefresh.encoder().wrap(buf);
  short.group("entries", 2).next();
  assert.throws(() => short.encodedLength, InvalidArgumentError);
  const er = ExecutionReport.encoder().wrap(buf);
  er.setData("text", "x");
  assert.throws(() => er.setData("text", "y"), InvalidArgumentError);
});

function encodeMassQuote(buf: Uint8Array): number {
  const enc = MassQuote.encoder().wrap(buf);
  enc.transactTime = 5;
  enc.quoteId = "Q-1";
  enc.account = "MM";
  enc.mmProtectionReset = BooleanFlag.true;
  const sets = enc.group("quoteSets", 3);
  for (let s = 0; s < 3; s++) {
    const set = sets.next();
    set.quoteSetId = s;
    set.underlyingSecurityId = 100 + s;
    set.totNoQuoteEntries = s;
    const quotes = set.group("quoteEntries", s);
    for (let q = 0; q < s; q++) {
      const quote = quotes.next();
      quote.securityId = 1000 * s + q;
      quote.quoteEntryId = q;
      quote.bidPx = 1.25 + q;
      quote.offerPx = q === 0 ? null : 1.5 + q;
      quote.bidSize = 10;
      quote.offerSize = null;
      quote.bidVolatility = 0.5;
    }
  }
  return enc.encodedLength;
}

test("MassQuote's nested groups read in order, by index and by iterator", () => {
  const buf = new Uint8Array(1024);
  const length = encodeMassQuote(buf);
  assert.equal(length, 8 + 41 + 4 + 3 * (7 + 4) + 3 * 36);
  const dec = MassQuote.decoder().wrap(buf, 0, length);
  assert.equal(dec.mmProtectionReset, BooleanFlag.true);
  const sets = dec.group("quoteSets");
  assert.equal(sets.count, 3);
  const seen: number[] = [];
  for (let set = sets.next(); set !== null; set = sets.next()) {
    const quotes = set.group("quoteEntries");
    for (let q = quotes.next(); q !== null; q = quotes.next()) seen.push(q.securityId);
  }
  assert.deepEqual(seen, [1000, 2000, 2001]);
  // Random access walks the variable-size entries.
  const third = dec.group("quoteSets").at(2);
  assert.equal(third.underlyingSecurityId, 102);
  assert.equal(third.group("quoteEntries").at(1).offerPx, 2.5);
  assert.equal(third.group("quoteEntries").at(0).offerPx, null);
  assert.throws(() => third.group("quoteEntries").at(2), IndexOutOfRangeError);
  assert.throws(() => dec.group("quoteSets").at(-1), IndexOutOfRangeError);
  assert.deepEqual([...dec.group("quoteSets")].length, 3);
  const object = dec.toObject() as { quoteSets: { quoteEntries: { bidPx: bigint }[] }[] };
  assert.equal(object.quoteSets[2].quoteEntries[1].bidPx, 2_250_000_000n);
});

test("checked decode returns the typed status for each kind of bad input", () => {
  const buf = new Uint8Array(1024);
  const length = encodeMassQuote(buf);
  const dec = MassQuote.decoder();
  for (let cut = 0; cut < length; cut++) {
    assert.equal(dec.tryWrap(buf, 0, cut), Status.Truncated, `cut ${cut}`);
  }
  assert.equal(NewOrderSingle.decoder().tryWrap(buf, 0, length), Status.UnknownTemplate);
  const bad = (patch: (dv: DataView, b: Uint8Array) => void): number => {
    const copy = buf.slice(0, length);
    patch(new DataView(copy.buffer), copy);
    return dec.tryWrap(copy);
  };
  assert.equal(bad((dv) => dv.setUint16(4, 2, true)), Status.UnknownTemplate);
  assert.equal(bad((_, b) => (b[8 + 40] = 7)), Status.InvalidEnumValue);
  assert.equal(bad((dv) => dv.setUint16(8 + 41 + 2, 17, true)), Status.InvalidGroup);
  assert.equal(bad((dv) => dv.setUint16(8 + 41, 6, true)), Status.InvalidGroup);
  assert.equal(bad((dv) => dv.setUint16(8 + 41 + 2, 16, true)), Status.Truncated);
  assert.equal(bad((dv) => dv.setUint16(0, 40, true)), Status.Truncated);
  assert.throws(() => dec.wrap(buf, 0, 5), TruncatedError);
  assert.throws(() => NewOrderSingle.decoder().wrap(buf, 0, length), UnknownTemplateError);
  const copy = buf.slice(0, length);
  new DataView(copy.buffer).setUint16(8 + 41 + 2, 17, true);
  assert.throws(() => dec.wrap(copy), InvalidGroupError);
  copy[8 + 40] = 9;
  assert.throws(() => dec.wrap(copy), InvalidEnumValueError);
});

test("an older sender's shorter block reads the newer field as null", () => {
  const buf = new Uint8Array(128);
  const length = encodeNos(buf);
  const dv = new DataView(buf.buffer);
  dv.setUint16(0, 72, true);
  dv.setUint16(6, 0, true);
  const dec = NewOrderSingle.decoder();
  assert.equal(dec.tryWrap(buf, 0, length - 8), Status.Ok);
  assert.equal(dec.actingVersion, 0);
  assert.equal(dec.selfMatchPreventionId, null);
  assert.equal(dec.selfMatchPreventionIdBig, null);
  assert.equal(dec.orderQty, 7);
  assert.equal(dec.encodedLength, length - 8);
  dv.setUint16(6, 1, true);
  assert.equal(dec.tryWrap(buf, 0, length - 8), Status.Truncated);
});

test("a newer sender's longer root and entry blocks are skipped", () => {
  const narrow = new Uint8Array(256);
  const enc = MarketDataIncrementalRefresh.encoder().wrap(narrow);
  enc.transactTime = 9;
  enc.matchEventIndicator = 0x80;
  const group = enc.group("entries", 2);
  for (let i = 0; i < 2; i++) {
    const e = group.next();
    e.mdEntryPx = 100.5 + i;
    e.mdEntrySize = 3;
    e.securityId = 7;
    e.rptSeq = i;
    e.numberOfOrders = null;
    e.mdPriceLevel = 1;
    e.mdUpdateAction = MDUpdateAction.change;
    e.mdEntryType = MDEntryType.offer;
    e.tickDirection = -1;
  }
  assert.equal(enc.encodedLength, 8 + 9 + 4 + 2 * 28);
  // Version 2 layout: the root block grows by 3 bytes, each entry by 5.
  const wide = new Uint8Array(256).fill(0xee);
  const dv = new DataView(wide.buffer);
  wide.set(narrow.subarray(0, 17));
  dv.setUint16(0, 12, true);
  dv.setUint16(6, 2, true);
  dv.setUint16(20, 33, true);
  dv.setUint16(22, 2, true);
  for (let i = 0; i < 2; i++) wide.set(narrow.subarray(21 + 28 * i, 21 + 28 * (i + 1)), 24 + 33 * i);
  const length = 24 + 66;
  const dec = MarketDataIncrementalRefresh.decoder().wrap(wide, 0, length);
  assert.equal(dec.encodedLength, length);
  assert.equal(dec.matchEventIndicator, 0x80);
  const entries = dec.group("entries");
  assert.equal(entries.at(1).mdEntryPx, 101.5);
  assert.equal(entries.at(1).rptSeq, 1);
  assert.equal(entries.at(0).tickDirection, -1);
  assert.equal(entries.at(0).numberOfOrders, null);
});

test("Logon's u32-length var data round-trips beyond 65535 bytes", () => {
  const buf = new Uint8Array(80_000);
  const credentials = new Uint8Array(70_000).map((_, i) => i & 0xff);
  const length = Logon.encode(buf, {
    sendingTime: 1n,
    heartBtInt: 30,
    utcOffsetMinutes: -300,
    resetSeqNum: BooleanFlag.false,
    sessionId: "ABC",
    firmId: "F1",
    senderCompId: "S",
    targetCompId: "CME",
    credentials,
  });
  const dec = Logon.decoder().wrap(buf, 0, length);
  assert.equal(dec.dataLength("credentials"), 70_000);
  assert.deepEqual(dec.data("credentials"), credentials);
  assert.equal(dec.utcOffsetMinutes, -300);
  const copy = new Uint8Array(70_000);
  assert.equal(dec.copyData("credentials", copy), 70_000);
  assert.throws(() => dec.copyData("credentials", new Uint8Array(10)), IndexOutOfRangeError);
});

const kitchen = defineMessage(
  { id: 9, version: 2 },
  {
    name: "Kitchen",
    templateId: 3,
    fields: {
      c: { type: "char" },
      i8: { type: "int8" },
      i16: { type: "int16" },
      i32: { type: "int32" },
      i64: { type: "int64" },
      u8: { type: "uint8" },
      u16: { type: "uint16" },
      u32: { type: "uint32" },
      u64: { type: "uint64" },
      f32: { type: "float" },
      f64: { type: "double" },
      oi8: { type: "int8", optional: true },
      of32: { type: "float", optional: true },
      added: { type: "uint16", optional: true, since: 2 },
    },
    groups: {
      rows: {
        fields: { id: { type: "uint32" } },
        data: { note: {} },
        groups: { cells: { fields: { v: { type: "int16" } } } },
      },
    },
    data: { tail: { length: "uint32" } },
  } as const,
);

test("a schema with every primitive, var data inside entries and a since-2 field", () => {
  const buf = new Uint8Array(512);
  const length = kitchen.encode(buf, {
    c: "Z",
    i8: -128,
    i16: -32768,
    i32: -2147483648,
    i64: -(2n ** 63n),
    u8: 255,
    u16: 65535,
    u32: 4294967295,
    u64: 2n ** 64n - 1n,
    f32: 1.5,
    f64: -2.25,
    oi8: null,
    of32: null,
    added: 7,
    rows: [{ id: 1, note: "first", cells: [{ v: -1 }, { v: 2 }] }, { id: 2, note: "", cells: [] }, {
      id: 3,
      note: "third",
      cells: [{ v: 3 }],
    }],
    tail: "end",
  });
  const dec = kitchen.decoder().wrap(buf, 0, length);
  assert.deepEqual(
    [dec.c, dec.i8, dec.i16, dec.i32, dec.i64Big, dec.u8, dec.u16, dec.u32, dec.u64Big, dec.f32, dec.f64],
    ["Z", -128, -32768, -2147483648, -(2n ** 63n), 255, 65535, 4294967295, 2n ** 64n - 1n, 1.5, -2.25],
  );
  assert.equal(dec.oi8, null);
  assert.equal(dec.of32, null);
  assert.equal(dec.added, 7);
  const rows = dec.group("rows");
  assert.equal(rows.at(2).dataText("note"), "third");
  assert.equal(rows.at(2).group("cells").at(0).v, 3);
  assert.equal(rows.at(0).group("cells").at(1).v, 2);
  assert.equal(rows.at(1).dataLength("note"), 0);
  assert.equal(dec.dataText("tail"), "end");
  assert.equal(dec.encodedLength, length);
  // Groups and data never written are written empty.
  const empty = kitchen.encoder().wrap(buf);
  assert.equal(empty.encodedLength, 8 + kitchen.blockLength + 4 + 4);
});

test("declarations are checked: names, since without optional, enum values on the null value", () => {
  const bad = (fields: Record<string, unknown>) => () =>
    defineMessage({ id: 1, version: 1 }, { name: "Bad", templateId: 1, fields } as never);
  assert.throws(bad({ "x-y": { type: "uint8" } }), InvalidArgumentError);
  assert.throws(bad({ a: { type: "uint8", since: 1 } }), InvalidArgumentError);
  assert.throws(bad({ a: { type: "uint8", optional: true, since: 2 } }), InvalidArgumentError);
  assert.throws(bad({ a: { type: "enum", encoding: "uint8", values: { x: 255 } } }), InvalidArgumentError);
  assert.throws(bad({ a: { type: "enum", encoding: "char", values: { x: 0 } } }), InvalidArgumentError);
  assert.throws(bad({ a: { type: "chars", length: 0 } }), InvalidArgumentError);
  assert.throws(bad({ a: { type: "decimal64", exponent: 40 } }), InvalidArgumentError);
});

test("MessageHeader dispatches on the template id", () => {
  const buf = new Uint8Array(128);
  encodeNos(buf);
  const header = new MessageHeader();
  assert.equal(header.wrap(buf), Status.Ok);
  assert.deepEqual([header.blockLength, header.templateId, header.schemaId, header.version], [80, 68, 1, 1]);
  assert.equal(header.wrap(buf, 125), Status.Truncated);
});

test("SBE messages travel over an IpcChannel and decode in place from pollFragments", () => {
  const name = uniqueName("sbe-ipc");
  const publisher = IpcChannel.create({ name, termLength: 64 * 1024 });
  const subscriber = IpcChannel.open({ name });
  try {
    const buf = new Uint8Array(256);
    const enc = NewOrderSingle.encoder();
    for (let i = 0; i < 100; i++) {
      encodeNos(buf);
      enc.wrap(buf);
      enc.orderQty = i + 1;
      publisher.publish(buf.subarray(0, enc.encodedLength), NewOrderSingle.templateId);
    }
    const dec = NewOrderSingle.decoder();
    const header = new MessageHeader();
    const quantities: number[] = [];
    let received = 0;
    while (received < 100) {
      received += subscriber.pollFragments((f) => {
        // The fragment's bytes are the whole term: wrap at its offset, no copy, no allocation.
        assert.equal(header.wrap(f.bytes, f.offset), Status.Ok);
        assert.equal(header.templateId, f.msgTypeId);
        assert.equal(dec.tryWrap(f.bytes, f.offset, f.length), Status.Ok);
        quantities.push(dec.orderQty);
        assert.equal(dec.clOrdId, "ORD-0001");
      }, 100);
    }
    assert.deepEqual(quantities, Array.from({ length: 100 }, (_, i) => i + 1));
  } finally {
    subscriber.close();
    publisher.close();
  }
});
