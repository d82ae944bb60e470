/**
 * The risk gateway's book: positions per symbol and the two limits every order is checked
 * against before it may trade. An accepted order is taken as filled at its limit price.
 * @module
 */
import { fixedOne, OrderSide, Reason } from "./messages.ts";
import type { SymbolSpec } from "./scene.ts";

/**
 * - position limit: |position| after the order at most `positionLotsMax` lots;
 * - notional limit: sum over symbols of |position| x last price at most
 *   `grossNotionalUsdMax`, except for orders that reduce the position.
 *
 * @example
 * ```ts
 * const book = new RiskBook(scene.symbols, 250_000);
 * const reason = book.check(symbolId, OrderSide.buy, quantity, price);
 * if (reason === Reason.none) book.fill(symbolId, OrderSide.buy, quantity);
 * ```
 */
export class RiskBook {
  /** Fixed point, 1e-8 units of each symbol. */
  readonly #positions: Float64Array;
  readonly #positionsMax: Float64Array;
  /** USD per unit: the price of the symbol's last order. */
  readonly #marks: Float64Array;
  readonly #grossNotionalUsdMax: number;

  constructor(symbols: readonly SymbolSpec[], grossNotionalUsdMax: number) {
    this.#positions = new Float64Array(symbols.length);
    this.#positionsMax = Float64Array.from(symbols, (s) => Math.round(s.lot * s.positionLotsMax * fixedOne));
    this.#marks = new Float64Array(symbols.length);
    this.#grossNotionalUsdMax = grossNotionalUsdMax;
  }

  /** Reason.none if the order may trade, else why not. Quantity and price in fixed point. */
  check(symbolId: number, side: number, quantity: number, price: number): number {
    this.#marks[symbolId] = price / fixedOne;
    const before = this.#positions[symbolId];
    const after = before + (side === OrderSide.buy ? quantity : -quantity);
    if (Math.abs(after) > this.#positionsMax[symbolId]) return Reason.positionLimit;
    if (Math.abs(after) <= Math.abs(before)) return Reason.none;
    const grossAfter = this.grossNotionalUsd() +
      (Math.abs(after) - Math.abs(before)) / fixedOne * this.#marks[symbolId];
    return grossAfter > this.#grossNotionalUsdMax ? Reason.notionalLimit : Reason.none;
  }

  fill(symbolId: number, side: number, quantity: number): void {
    this.#positions[symbolId] += side === OrderSide.buy ? quantity : -quantity;
  }

  /** Positions in units of each symbol. */
  positions(): number[] {
    return Array.from(this.#positions, (position) => position / fixedOne);
  }

  grossNotionalUsd(): number {
    let gross = 0;
    for (let i = 0; i < this.#positions.length; i++) {
      gross += Math.abs(this.#positions[i]) / fixedOne * this.#marks[i];
    }
    return gross;
  }
}
