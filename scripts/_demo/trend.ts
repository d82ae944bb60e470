/**
 * The strategy's decision: a moving-average trend follower per symbol. It buys when the
 * short average of the mid crosses above the long one, sells when it crosses below, and
 * adds a lot every `addEvery` quotes while the trend lasts, so positions build up in long
 * trends, which is what the risk gateway's limits are there for.
 * @module
 */
import { OrderSide, QuoteSide } from "./messages.ts";

/** No order for this quote. */
export const noOrder = -1;

/** Mids and moving averages of one symbol, over a ring of the last `longWindow` mids. */
class SymbolTrend {
  bid = 0;
  ask = 0;
  readonly #mids: Float64Array;
  readonly #shortWindow: number;
  #next = 0;
  #filled = 0;
  #sumShort = 0;
  #sumLong = 0;
  /** +1 up, -1 down, 0 until the long window has filled. */
  #trend = 0;
  #quotesSinceOrder = 0;

  constructor(shortWindow: number, longWindow: number) {
    this.#shortWindow = shortWindow;
    this.#mids = new Float64Array(longWindow);
  }

  /** Takes one quote; returns the side to trade one lot on now, or noOrder. */
  onQuote(side: number, price: number, addEvery: number): number {
    if (side === QuoteSide.bid) this.bid = price;
    else this.ask = price;
    if (this.bid === 0 || this.ask === 0) return noOrder;
    const trend = this.#push((this.bid + this.ask) / 2);
    if (trend === 0) return noOrder;
    const turned = trend !== this.#trend;
    this.#trend = trend;
    if (!turned && ++this.#quotesSinceOrder < addEvery) return noOrder;
    this.#quotesSinceOrder = 0;
    return trend > 0 ? OrderSide.buy : OrderSide.sell;
  }

  /** Adds a mid to both averages; returns the trend, 0 while the long window fills. */
  #push(mid: number): number {
    const mids = this.#mids;
    const longWindow = mids.length;
    if (this.#filled >= this.#shortWindow) {
      this.#sumShort -= mids[(this.#next - this.#shortWindow + longWindow) % longWindow];
    }
    if (this.#filled === longWindow) this.#sumLong -= mids[this.#next];
    else this.#filled++;
    mids[this.#next] = mid;
    this.#next = (this.#next + 1) % longWindow;
    this.#sumShort += mid;
    this.#sumLong += mid;
    if (this.#filled < longWindow) return 0;
    const difference = this.#sumShort / this.#shortWindow - this.#sumLong / longWindow;
    return difference > 0 ? 1 : difference < 0 ? -1 : this.#trend;
  }
}

/**
 * @example
 * ```ts
 * const trends = new TrendFollower(3, { shortWindow: 20, longWindow: 200, addEvery: 100 });
 * const side = trends.onQuote(symbolId, QuoteSide.bid, price);
 * if (side !== noOrder) sendOrder(symbolId, side, trends.priceToTrade(symbolId, side));
 * ```
 */
export class TrendFollower {
  readonly #symbols: SymbolTrend[];
  readonly #addEvery: number;

  constructor(symbolCount: number, options: { shortWindow: number; longWindow: number; addEvery: number }) {
    if (!(options.shortWindow > 0 && options.shortWindow < options.longWindow)) {
      throw new RangeError("Need 0 < shortWindow < longWindow");
    }
    this.#symbols = Array.from(
      { length: symbolCount },
      () => new SymbolTrend(options.shortWindow, options.longWindow),
    );
    this.#addEvery = options.addEvery;
  }

  /** Takes one quote (price in 1e-8 USD); returns OrderSide.buy, OrderSide.sell or noOrder. */
  onQuote(symbolId: number, side: number, price: number): number {
    return this.#symbols[symbolId].onQuote(side, price, this.#addEvery);
  }

  /** A marketable limit price: buy at the ask, sell at the bid. */
  priceToTrade(symbolId: number, side: number): number {
    const symbol = this.#symbols[symbolId];
    return side === OrderSide.buy ? symbol.ask : symbol.bid;
  }
}
