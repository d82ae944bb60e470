/**
 * The scene: every setting of the demo in one place. main.ts hands the feed's settings to
 * the Zig process as arguments; the strategy and the risk gateway import this file.
 * @module
 */

/** One traded symbol. Quantities are in units of the symbol, prices in USD. */
export interface SymbolSpec {
  name: string;
  /** Where the feed's random walk starts. */
  startPrice: number;
  /** What one strategy order trades. */
  lot: number;
  /** The risk gateway's limit on the absolute position, in lots. */
  positionLotsMax: number;
}

export const scene = {
  symbols: [
    { name: "BTC/USDT", startPrice: 97_000, lot: 0.1, positionLotsMax: 5 },
    { name: "ETH/USDT", startPrice: 3_400, lot: 3, positionLotsMax: 5 },
    { name: "SOL/USDT", startPrice: 190, lot: 50, positionLotsMax: 5 },
  ] as const satisfies readonly SymbolSpec[],
  feed: {
    ticksPerSecond: 100_000,
    /** 5.5 seconds of quotes at the rate above. */
    tickCount: 550_000,
    /**
     * The first 0.5 s flow like the rest but are not timed: Bun's and Deno's JIT compilers
     * are still compiling the hot paths then, as in any trading system before the open.
     */
    warmupTicks: 50_000,
    /** The random walk's seed: the same seed gives the same quotes, orders and verdicts. */
    seed: 42,
  },
  strategy: {
    /** Moving averages of each symbol's mid, in quotes of that symbol. */
    shortWindow: 20,
    longWindow: 200,
    /** While a trend lasts, add one lot every this many quotes of the symbol. */
    addEvery: 100,
  },
  risk: {
    /** Limit on the sum over symbols of |position| x mid. */
    grossNotionalUsdMax: 100_000,
  },
  /**
   * How each process waits when it has nothing to do: it spins for `spinNs` after its last
   * message (the next one is likely close), then sleeps `parkNs` at a time. Two cores, three
   * processes: if all three spun, the kernel would time-slice them and latency would jump by
   * milliseconds; with these settings they use about half of the two cores. The feed does
   * not spin: it sleeps between packets of ticks, the way an exchange's packets come.
   */
  idle: {
    feed: { spinNs: 0, parkNs: 20_000 },
    strategy: { spinNs: 10_000, parkNs: 20_000 },
    risk: { spinNs: 10_000, parkNs: 20_000 },
  },
  /**
   * Bytes per term of each channel. A 40-byte tick frame: 1 MiB holds ~26k ticks, a quarter
   * of a second at the rate above, and a publisher may run two terms ahead of its reader.
   */
  termLength: 1 << 20,
  /** How often an idle process checks that the process feeding it is still alive. */
  peerCheckIntervalNs: 100_000_000,
} as const;

/** Channel names of one run: unique per orchestrator pid, so two demos never collide. */
export interface ChannelNames {
  ticks: string;
  orders: string;
  acks: string;
}

export function channelNames(runId: string): ChannelNames {
  const prefix = `/zigbolt-demo-${runId}`;
  return { ticks: `${prefix}-ticks`, orders: `${prefix}-orders`, acks: `${prefix}-acks` };
}
