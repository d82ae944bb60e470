/**
 * What the demo prints: the cast before the run, and after it what flowed and how long it
 * took, from the three processes' reports.
 * @module
 */
import { cpus } from "node:os";
import type { LatencySummary } from "./latency.ts";
import type { Reports } from "./reports.ts";
import { type ChannelNames, scene } from "./scene.ts";

const symbolNames = scene.symbols.map((symbol) => symbol.name);
/** A tick's 32 bytes plus the channel's 8-byte frame header. */
const tickFrameBytes = 40;

export function castLines(names: ChannelNames): string[] {
  const { feed, strategy } = scene;
  const cast: [string, string, string][] = [
    [
      "feed      Zig ",
      `quotes ${symbolNames.join(", ")} at ${int(feed.ticksPerSecond)} ticks/s`,
      names.ticks,
    ],
    [
      "strategy  Bun ",
      `moving averages ${strategy.shortWindow}/${strategy.longWindow}, trades on trends`,
      names.orders,
    ],
    ["risk      Deno", "checks position and notional limits, acks every order", names.acks],
  ];
  return [
    "ZigBolt demo: a small trading pipeline, three processes, three shared-memory channels",
    "",
    ...cast.map(([who, what, channel]) => `  ${who}  ${what.padEnd(56)} -> ${channel}`),
    "",
  ];
}

export function summaryLines(reports: Reports, wallNs: number): string[] {
  return ["", ...flowLines(reports), "", ...latencyLines(reports), "", ...runLines(reports, wallNs)];
}

function flowLines({ feed, strategy, risk }: Reports): string[] {
  const seconds = feed.tickingNs / 1e9;
  const rate = int(feed.ticksPublished / seconds);
  const megabytes = (feed.ticksPublished * tickFrameBytes / 1e6).toFixed(1);
  const perSymbol = feed.ticksPerSymbol.map((n, i) => `${symbolNames[i]} ${int(n)}`);
  const positions = risk.positions.map((p, i) => `${symbolNames[i]} ${signed(p)}`);
  const lotsMax = scene.symbols[0].positionLotsMax;
  const grossMax = int(scene.risk.grossNotionalUsdMax);
  const accepted = int(risk.accepted);
  const rejected = int(risk.rejectedPosition + risk.rejectedNotional);
  const overPosition = int(risk.rejectedPosition);
  const overNotional = int(risk.rejectedNotional);
  const why = `${overPosition} over the position limit, ${overNotional} over the notional`;
  return [
    "What flowed",
    row("ticks", flow(feed.ticksPublished, "published by the feed", strategy.ticksReceived, "the strategy")),
    row("", perSymbol.join(" · ")),
    row("", `${rate} ticks/s for ${seconds.toFixed(2)} s, ${megabytes} MB`),
    row("orders", flow(strategy.ordersSent, "sent by the strategy", risk.ordersReceived, "the risk gateway")),
    row("", `${int(strategy.buys)} buy, ${int(strategy.sells)} sell`),
    row("verdicts", `${accepted} accepted, ${rejected} rejected (${why})`),
    row("acks", flow(risk.acksSent, "sent by the risk gateway", feed.acksReceived, "the feed")),
    row("book", `${positions.join(" · ")}, gross $${int(risk.grossNotionalUsd)}`),
    row("", `(limits: ${lotsMax} lots a symbol, $${grossMax} gross)`),
    "  Nothing lost: on every channel the subscriber read exactly what the publisher sent.",
  ];
}

function flow(sent: number, how: string, read: number, reader: string): string {
  return `${int(sent)} ${how}, ${int(read)} read by ${reader}`;
}

function row(label: string, text: string): string {
  return `  ${label.padEnd(10)}${text}`;
}

function latencyLines({ feed, strategy }: Reports): string[] {
  const stages: [string, LatencySummary][] = [
    ["tick read by the strategy (Bun)", strategy.latencyNs.tickToStrategy],
    ["order published by the strategy", strategy.latencyNs.tickToOrderSent],
    ["order read by the risk gateway (Deno)", feed.latencyNs.tickToRisk],
    ["ack published by the risk gateway", feed.latencyNs.tickToAckSent],
    ["ack read by the feed (Zig): tick-to-ack", feed.latencyNs.tickToAck],
  ];
  const warmupSeconds = scene.feed.warmupTicks / scene.feed.ticksPerSecond;
  const heading = ["count", "p50", "p90", "p99", "max"].map((name) => name.padStart(9)).join("");
  return [
    `Latency in microseconds since the feed published the tick, after a ${warmupSeconds} s warm-up`,
    "(CLOCK_MONOTONIC: one clock for all three processes)",
    `  ${"stage".padEnd(44)}${heading}`,
    ...stages.map(([name, summary]) => latencyRow(name, summary)),
    "  one channel alone",
    latencyRow("ticks: feed -> strategy", strategy.latencyNs.tickToStrategy),
    latencyRow("acks: risk gateway -> feed", feed.latencyNs.ackHop),
  ];
}

function latencyRow(name: string, summary: LatencySummary): string {
  const { count, p50, p90, p99, max } = summary;
  const cells = [int(count), ...[p50, p90, p99, max].map((ns) => (ns / 1000).toFixed(1))];
  return `  ${name.padEnd(44)}${cells.map((cell) => cell.padStart(9)).join("")}`;
}

function runLines({ feed, strategy, risk }: Reports, wallNs: number): string[] {
  const connectedMs = (feed.pipelineUpNs / 1e6).toFixed(0);
  const processes: [string, number, IdleSettings][] = [
    ["feed (Zig)", feed.cpuNs, scene.idle.feed],
    ["strategy (Bun)", strategy.cpuNs, scene.idle.strategy],
    ["risk gateway (Deno)", risk.cpuNs, scene.idle.risk],
  ];
  return [
    `  ${"process".padEnd(22)}${"CPU time".padStart(9)}   when idle`,
    ...processes.map(([name, cpuNs, idle]) =>
      `  ${name.padEnd(22)}${seconds(cpuNs).padStart(9)}   ${waiting(idle)}`
    ),
    `  On ${cpus().length} cores. A stage whose process was asleep includes its wake-up: tens of microseconds.`,
    "",
    `All three were connected ${connectedMs} ms after the feed started. Whole run: ${seconds(wallNs)}.`,
  ];
}

interface IdleSettings {
  spinNs: number;
  parkNs: number;
}

function waiting({ spinNs, parkNs }: IdleSettings): string {
  const sleeps = `sleeps ${parkNs / 1000} us at a time`;
  return spinNs === 0 ? sleeps : `spins ${spinNs / 1000} us, then ${sleeps}`;
}

function seconds(ns: number): string {
  return `${(ns / 1e9).toFixed(2)} s`;
}

function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function signed(n: number): string {
  const text = n.toLocaleString("en-US", { maximumFractionDigits: 4 });
  return n > 0 ? `+${text}` : text;
}
