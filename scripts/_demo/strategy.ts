/**
 * The strategy of the market-data demo, a Bun process in the middle of the pipeline:
 * reads quotes from the ticks channel, follows each symbol's trend (trend.ts), and sends an
 * order on the orders channel when it decides to trade. Each order carries its tick's
 * timestamp, so later stages can measure from the tick.
 *
 *   bun scripts/_demo/strategy.ts run=<id>     (started by main.ts)
 * @module
 */
import { type Fragment, type IpcChannel, monotonicNs } from "../../mod.ts";
import { argument } from "./args.ts";
import { createOutbound, forwardEnd, openInbound, pollUntil, publishWaiting } from "./channels.ts";
import { Idle } from "./idle.ts";
import { Latencies } from "./latency.ts";
import {
  End,
  fixedOne,
  getI64,
  getU64,
  MsgType,
  Order,
  OrderSide,
  OrderType,
  setI64,
  setU64,
  Tick,
} from "./messages.ts";
import { cpuNs, emitReport, type StrategyReport } from "./reports.ts";
import { channelNames, scene } from "./scene.ts";
import { noOrder, TrendFollower } from "./trend.ts";

class Strategy {
  readonly #orders: IpcChannel;
  readonly #idle = new Idle(scene.idle.strategy);
  readonly #trends = new TrendFollower(scene.symbols.length, scene.strategy);
  readonly #lots = scene.symbols.map((symbol) => Math.round(symbol.lot * fixedOne));
  /** One order, encoded in place and published again and again. */
  readonly #order = new Uint8Array(Order.length);
  readonly #orderView = new DataView(this.#order.buffer);
  readonly #end = new Uint8Array(End.length);
  readonly #tickToStrategy = new Latencies(scene.feed.tickCount);
  readonly #tickToOrderSent = new Latencies(scene.feed.tickCount);
  #helloSeen = false;
  #ended = false;
  #ticksReceived = 0;
  #ordersSent = 0;
  #buys = 0;

  constructor(orders: IpcChannel) {
    this.#orders = orders;
  }

  /** Reads the ticks channel until the feed's end message. */
  run(ticks: IpcChannel): void {
    pollUntil(ticks, this.#onFragment, () => this.#ended, () => this.#helloSeen, this.#idle);
  }

  report(): StrategyReport {
    return {
      role: "strategy",
      ticksReceived: this.#ticksReceived,
      ordersSent: this.#ordersSent,
      buys: this.#buys,
      sells: this.#ordersSent - this.#buys,
      cpuNs: cpuNs(),
      latencyNs: {
        tickToStrategy: this.#tickToStrategy.summary(),
        tickToOrderSent: this.#tickToOrderSent.summary(),
      },
    };
  }

  // A field, not a method: pollFragments gets the same function every time, no bind per poll.
  readonly #onFragment = (fragment: Fragment): void => {
    switch (fragment.msgTypeId) {
      case MsgType.tick:
        return this.#onTick(fragment.view, fragment.offset, fragment.length);
      case MsgType.hello:
        // Pass the feed's hello on: it comes back to the feed once the whole pipeline is up.
        this.#helloSeen = true;
        return publishWaiting(this.#orders, fragment.copy(), MsgType.hello, this.#idle);
      case MsgType.end:
        return this.#onEnd(fragment.view, fragment.offset);
      default:
        throw new Error(`Unknown message type ${fragment.msgTypeId} on the ticks channel`);
    }
  };

  #onTick(view: DataView, offset: number, length: number): void {
    const receivedNs = monotonicNs();
    if (length !== Tick.length) throw new Error(`A tick of ${length} bytes, not ${Tick.length}`);
    const tickNs = getU64(view, offset + Tick.timestampNs);
    const timed = this.#ticksReceived >= scene.feed.warmupTicks;
    if (timed) this.#tickToStrategy.record(receivedNs - tickNs);
    this.#ticksReceived++;
    const symbolId = view.getUint32(offset + Tick.symbolId, true);
    if (symbolId >= scene.symbols.length) throw new Error(`A tick for unknown symbol ${symbolId}`);
    const side = this.#trends.onQuote(
      symbolId,
      view.getUint8(offset + Tick.side),
      getI64(view, offset + Tick.price),
    );
    if (side !== noOrder) this.#sendOrder(symbolId, side, tickNs, timed);
  }

  #sendOrder(symbolId: number, side: number, tickNs: number, timed: boolean): void {
    const view = this.#orderView;
    this.#ordersSent++;
    if (side === OrderSide.buy) this.#buys++;
    setU64(view, Order.timestampNs, tickNs);
    setU64(view, Order.orderId, this.#ordersSent);
    view.setUint32(Order.symbolId, symbolId, true);
    setI64(view, Order.price, this.#trends.priceToTrade(symbolId, side));
    setU64(view, Order.quantity, this.#lots[symbolId]);
    view.setUint8(Order.side, side);
    view.setUint8(Order.orderType, OrderType.limit);
    publishWaiting(this.#orders, this.#order, MsgType.order, this.#idle);
    if (timed) this.#tickToOrderSent.record(monotonicNs() - tickNs);
  }

  /** Checks that every tick arrived, then ends the orders channel the same way. */
  #onEnd(view: DataView, offset: number): void {
    forwardEnd(
      { view, offset, received: this.#ticksReceived, sender: "feed", what: "ticks" },
      { channel: this.#orders, end: this.#end, sent: this.#ordersSent, idle: this.#idle },
    );
    this.#ended = true;
  }
}

const names = channelNames(argument("run"));
// Create what we publish on first, then wait for what we read: no order of start needed.
using orders = createOutbound(names.orders);
using ticks = await openInbound(names.ticks);
const strategy = new Strategy(orders);
strategy.run(ticks);
emitReport(strategy.report());
