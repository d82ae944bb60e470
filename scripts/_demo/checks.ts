/**
 * The demo's ledger: what each channel's publisher says it sent must equal what its
 * subscriber says it read, and the feed's tally of verdicts must equal the gateway's.
 * @module
 */
import type { Reports } from "./reports.ts";

/** Every disagreement between the three reports; empty when nothing was lost. */
export function mismatches({ feed, strategy, risk }: Reports): string[] {
  const pairs: [string, number, number][] = [
    ["ticks published / read", feed.ticksPublished, strategy.ticksReceived],
    ["ticks per symbol / in total", feed.ticksPerSymbol.reduce((a, b) => a + b, 0), feed.ticksPublished],
    ["orders sent / read", strategy.ordersSent, risk.ordersReceived],
    ["acks sent / read", risk.acksSent, feed.acksReceived],
    [
      "orders read / decided",
      risk.ordersReceived,
      risk.accepted + risk.rejectedPosition + risk.rejectedNotional,
    ],
    ["accepted by the gateway / seen by the feed", risk.accepted, feed.accepted],
    [
      "position-limit rejects by the gateway / seen by the feed",
      risk.rejectedPosition,
      feed.rejectedPosition,
    ],
    [
      "notional-limit rejects by the gateway / seen by the feed",
      risk.rejectedNotional,
      feed.rejectedNotional,
    ],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([what, a, b]) => `${what}: ${a} != ${b}`);
}
