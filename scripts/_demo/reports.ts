/**
 * What each process reports when it ends: one JSON line on its stdout, which main.ts reads
 * to print the summary. FeedReport is written by native/tools/demo_ticker.zig.
 * @module
 */
import process from "node:process";
import type { LatencySummary } from "./latency.ts";

export interface FeedReport {
  role: "feed";
  /** From the feed's start until its hello came back round strategy and risk gateway. */
  pipelineUpNs: number;
  /** From the first tick to the last. */
  tickingNs: number;
  ticksPublished: number;
  /** Indexed by symbol id. */
  ticksPerSymbol: number[];
  acksReceived: number;
  accepted: number;
  rejectedPosition: number;
  rejectedNotional: number;
  /** CPU time (user + system) the process used. */
  cpuNs: number;
  /** Every stage of each ack's timeline, measured from its tick's publication. */
  latencyNs: {
    tickToRisk: LatencySummary;
    tickToAckSent: LatencySummary;
    tickToAck: LatencySummary;
    /** The acks channel alone: published by the risk gateway, read by the feed. */
    ackHop: LatencySummary;
  };
}

export interface StrategyReport {
  role: "strategy";
  ticksReceived: number;
  ordersSent: number;
  buys: number;
  sells: number;
  cpuNs: number;
  latencyNs: {
    /** The ticks channel alone: published by the feed, read by the strategy. Every tick. */
    tickToStrategy: LatencySummary;
    /** From a tick's publication to the publication of the order it triggered. */
    tickToOrderSent: LatencySummary;
  };
}

export interface RiskReport {
  role: "risk";
  ordersReceived: number;
  accepted: number;
  rejectedPosition: number;
  rejectedNotional: number;
  acksSent: number;
  /** Final position per symbol id, in units of the symbol. */
  positions: number[];
  grossNotionalUsd: number;
  cpuNs: number;
}

export type Report = FeedReport | StrategyReport | RiskReport;

/** The three reports of one run, which main.ts checks against each other and prints. */
export interface Reports {
  feed: FeedReport;
  strategy: StrategyReport;
  risk: RiskReport;
}

/** Prints this process's report for main.ts: the only line a demo process writes to stdout. */
export function emitReport(report: StrategyReport | RiskReport): void {
  // console.log writes synchronously in both runtimes: the line is out before we exit.
  console.log(JSON.stringify(report));
}

/** CPU time this process used so far, user and system, in nanoseconds. */
export function cpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}
