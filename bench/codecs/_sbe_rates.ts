/**
 * SBE encode / decode rates of the FIX set in TypeScript, one JSON line per cell in the
 * CodecRow shape (bench/codecs/_rows.ts). Run by bench/codecs.ts under Bun and under Deno,
 * or by hand:
 *
 *   bun bench/codecs/_sbe_rates.ts [--quick]
 *   deno run -A bench/codecs/_sbe_rates.ts [--quick]
 *
 * Cells: encode, decode (checked `tryWrap` plus reading every field; char arrays copied
 * into a reused buffer with `copyChars`, as Zig's decoder hands out slices) and
 * encode+decode, for NewOrderSingle, ExecutionReport, MarketDataIncrementalRefresh with 4
 * entries and MassQuote with 2 quote sets of 5 quotes. Encoders and decoders are created
 * once and re-wrapped per message. heapBytesPerOp is the heap growth over a separate loop
 * of 50,000 operations short enough to finish between two collections (the largest of
 * three tries), divided by the operations.
 * @module
 */
import type { CodecRow, CodecRuntime } from "./_rows.ts";
import {
  BooleanFlag,
  ExecType,
  ExecutionReport,
  LiquidityIndicator,
  MarketDataIncrementalRefresh,
  MassQuote,
  MDEntryType,
  MDUpdateAction,
  NewOrderSingle,
  OrdStatus,
  OrdType,
  Side,
  TimeInForce,
} from "../../lib/sbe/fix.ts";

const quick = process.argv.includes("--quick");
const onlyIndex = process.argv.indexOf("--only");
/** `--only NewOrderSingle,MassQuote`: some messages only. */
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1].split(",") : undefined;
const runtime: CodecRuntime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
const runs = quick ? 3 : 5;
const runSeconds = quick ? 0.05 : 0.4;
const warmupOps = quick ? 20_000 : 300_000;

const buf = new Uint8Array(4096);
const chars = new Uint8Array(32);
/** Sink the compiler cannot see through. */
const sink = new Float64Array(1);

// ---- NewOrderSingle ----

const nosEnc = NewOrderSingle.encoder();
const nosDec = NewOrderSingle.decoder();

function encodeNos(i: number): number {
  const e = nosEnc.wrap(buf, 0);
  e.price = 4512.25 + (i & 7);
  e.stopPx = null;
  e.transactTime = 1_700_000_000_000_000 + i;
  e.orderQty = 1 + (i & 63);
  e.minQty = null;
  e.securityId = 42;
  e.side = Side.buy;
  e.ordType = OrdType.limit;
  e.timeInForce = TimeInForce.day;
  e.custOrderHandlingInst = null;
  e.clOrdId = "ORD-000000000001";
  e.account = "ACCT-7";
  e.selfMatchPreventionId = null;
  return e.encodedLength;
}

function decodeNos(length: number): void {
  const d = nosDec;
  if (d.tryWrap(buf, 0, length) !== 0) throw new Error("decode failed");
  sink[0] += (d.price ?? 0) + (d.stopPx ?? 0) + d.transactTime + d.orderQty + (d.minQty ?? 0) + d.securityId +
    d.side + d.ordType + d.timeInForce + (d.selfMatchPreventionId ?? 0) + d.copyChars("clOrdId", chars) +
    d.copyChars("account", chars) + (d.custOrderHandlingInst === null ? 0 : 1);
}

// ---- ExecutionReport ----

const erEnc = ExecutionReport.encoder();
const erDec = ExecutionReport.decoder();

function encodeEr(i: number): number {
  const e = erEnc.wrap(buf, 0);
  e.orderId = 900_000 + i;
  e.transactTime = 1_700_000_000_000_000 + i;
  e.price = 4512.25;
  e.lastPx = 4512.25 + (i & 3);
  e.fee = 0.25;
  e.securityId = 42;
  e.orderQty = 10;
  e.lastQty = 1 + (i & 7);
  e.leavesQty = 9;
  e.cumQty = 1;
  e.execType = ExecType.trade;
  e.ordStatus = OrdStatus.partiallyFilled;
  e.side = Side.sell;
  e.liquidityIndicator = LiquidityIndicator.added;
  e.clOrdId = "ORD-000000000001";
  e.execId = "EXEC-0000000001";
  e.account = "ACCT-7";
  return e.encodedLength;
}

function decodeEr(length: number): void {
  const d = erDec;
  if (d.tryWrap(buf, 0, length) !== 0) throw new Error("decode failed");
  sink[0] += d.orderId + d.transactTime + (d.price ?? 0) + (d.lastPx ?? 0) + (d.fee ?? 0) + d.securityId +
    d.orderQty + (d.lastQty ?? 0) + d.leavesQty + d.cumQty + d.execType + d.ordStatus + d.side +
    (d.liquidityIndicator ?? 0) + d.copyChars("clOrdId", chars) + d.copyChars("execId", chars) +
    d.copyChars("account", chars) + d.dataLength("text");
}

// ---- MarketDataIncrementalRefresh, 4 entries ----

const mdEnc = MarketDataIncrementalRefresh.encoder();
const mdDec = MarketDataIncrementalRefresh.decoder();

function encodeMd(i: number): number {
  const e = mdEnc.wrap(buf, 0);
  e.transactTime = 1_700_000_000_000_000 + i;
  e.matchEventIndicator = 0x80;
  const entries = e.group("entries", 4);
  for (let k = 0; k < 4; k++) {
    const x = entries.next();
    x.mdEntryPx = 4512.25 + k * 0.25;
    x.mdEntrySize = 10 + k;
    x.securityId = 42;
    x.rptSeq = i + k;
    x.numberOfOrders = 3;
    x.mdPriceLevel = k + 1;
    x.mdUpdateAction = MDUpdateAction.change;
    x.mdEntryType = k < 2 ? MDEntryType.bid : MDEntryType.offer;
    x.tickDirection = null;
  }
  return e.encodedLength;
}

function decodeMd(length: number): void {
  const d = mdDec;
  if (d.tryWrap(buf, 0, length) !== 0) throw new Error("decode failed");
  let s = d.transactTime + d.matchEventIndicator;
  const entries = d.group("entries");
  for (let x = entries.next(); x !== null; x = entries.next()) {
    s += (x.mdEntryPx ?? 0) + (x.mdEntrySize ?? 0) + x.securityId + x.rptSeq + (x.numberOfOrders ?? 0) +
      x.mdPriceLevel + x.mdUpdateAction + x.mdEntryType + (x.tickDirection ?? 0);
  }
  sink[0] += s;
}

// ---- MassQuote, 2 sets of 5 quotes ----

const mqEnc = MassQuote.encoder();
const mqDec = MassQuote.decoder();

function encodeMq(i: number): number {
  const e = mqEnc.wrap(buf, 0);
  e.transactTime = 1_700_000_000_000_000 + i;
  e.quoteId = "QUOTE-0000000001";
  e.account = "MM-1";
  e.mmProtectionReset = BooleanFlag.false;
  const sets = e.group("quoteSets", 2);
  for (let s = 0; s < 2; s++) {
    const set = sets.next();
    set.quoteSetId = s;
    set.underlyingSecurityId = 7;
    set.totNoQuoteEntries = 5;
    const quotes = set.group("quoteEntries", 5);
    for (let q = 0; q < 5; q++) {
      const x = quotes.next();
      x.securityId = 100 + q;
      x.quoteEntryId = q;
      x.bidPx = 1.25 + q * 0.05;
      x.offerPx = 1.3 + q * 0.05;
      x.bidSize = 10;
      x.offerSize = 10;
      x.bidVolatility = null;
    }
  }
  return e.encodedLength;
}

function decodeMq(length: number): void {
  const d = mqDec;
  if (d.tryWrap(buf, 0, length) !== 0) throw new Error("decode failed");
  let s = d.transactTime + d.mmProtectionReset + d.copyChars("quoteId", chars) +
    d.copyChars("account", chars);
  const sets = d.group("quoteSets");
  for (let set = sets.next(); set !== null; set = sets.next()) {
    s += set.quoteSetId + set.underlyingSecurityId + set.totNoQuoteEntries;
    const quotes = set.group("quoteEntries");
    for (let x = quotes.next(); x !== null; x = quotes.next()) {
      s += x.securityId + x.quoteEntryId + (x.bidPx ?? 0) + (x.offerPx ?? 0) + (x.bidSize ?? 0) +
        (x.offerSize ?? 0) + (x.bidVolatility ?? 0);
    }
  }
  sink[0] += s;
}

// ---- measurement ----

interface Case {
  message: string;
  encode: (i: number) => number;
  decode: (length: number) => void;
}

const cases: Case[] = [
  { message: "NewOrderSingle", encode: encodeNos, decode: decodeNos },
  { message: "ExecutionReport", encode: encodeEr, decode: decodeEr },
  { message: "MarketDataIncrementalRefresh", encode: encodeMd, decode: decodeMd },
  { message: "MassQuote", encode: encodeMq, decode: decodeMq },
];

type Loop = (c: Case, n: number, length: number) => void;

/**
 * The timed loops. Each (message, operation) gets its own copy of the loop function, so its
 * call site sees one encoder and one decoder and the JIT can inline them, as it would in an
 * application's own loop over one message type (a loop shared by all four messages would
 * measure a megamorphic call instead).
 */
const loopBodies: Record<string, string> = {
  "encode": "for (let i = 0; i < n; i++) c.encode(i);",
  "decode": "for (let i = 0; i < n; i++) c.decode(length);",
  "encode+decode": "for (let i = 0; i < n; i++) c.decode(c.encode(i));",
};

function loopFor(operation: string): Loop {
  return new Function(
    "c",
    "n",
    "length",
    `"use strict"; const e = c.encode, d = c.decode;
    ${loopBodies[operation].replaceAll("c.encode", "e").replaceAll("c.decode", "d")}`,
  ) as Loop;
}

function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

function measure(c: Case, operation: string): CodecRow {
  const loop = loopFor(operation);
  const length = c.encode(0);
  loop(c, warmupOps, length);
  // Calibrate a batch to about runSeconds.
  let n = 10_000;
  for (;;) {
    const t = performance.now();
    loop(c, n, length);
    const ms = performance.now() - t;
    if (ms > 20 || n >= 1 << 26) {
      n = Math.max(1000, Math.round((n * runSeconds * 1000) / Math.max(ms, 0.001)));
      break;
    }
    n *= 4;
  }
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    loop(c, n, length);
    rates.push(Math.round(n / ((performance.now() - t) / 1000)));
  }
  let growth = 0;
  for (let k = 0; k < 3; k++) {
    const before = heapUsed();
    loop(c, 50_000, length);
    growth = Math.max(growth, heapUsed() - before);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    codec: "sbe",
    message: c.message,
    operation,
    runtime,
    perSecond: sorted[Math.floor(sorted.length / 2)],
    runs: rates,
    encodedBytes: length,
    heapBytesPerOp: Math.round((growth / 50_000) * 100) / 100,
  };
}

for (const c of cases.filter((c) => only === undefined || only.includes(c.message))) {
  // The decode loop needs a valid message in the buffer; every encode leaves one.
  for (const operation of Object.keys(loopBodies)) {
    c.encode(0);
    console.log(JSON.stringify(measure(c, operation)));
  }
}
if (sink[0] === 42) console.log("");
