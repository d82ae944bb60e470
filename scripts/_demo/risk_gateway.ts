/**
 * The risk gateway of the market-data demo, a Deno process: reads orders from the orders
 * channel, checks each against position and notional limits (risk_book.ts), and answers
 * every order with an ack to the feed, carrying the order's timeline (messages.ts, Ack).
 *
 *   deno run --allow-ffi --allow-env --allow-read scripts/_demo/risk_gateway.ts run=<id>
 * @module
 */
import { type Fragment, type IpcChannel, monotonicNs } from "../../mod.ts";
import { argument } from "./args.ts";
import { createOutbound, forwardEnd, openInbound, pollUntil, publishWaiting } from "./channels.ts";
import { Idle } from "./idle.ts";
import {
  Ack,
  End,
  getI64,
  getU64,
  MsgType,
  Order,
  OrderSide,
  OrderType,
  Reason,
  setU64,
  Verdict,
} from "./messages.ts";
import { cpuNs, emitReport, type RiskReport } from "./reports.ts";
import { RiskBook } from "./risk_book.ts";
import { channelNames, scene } from "./scene.ts";

class RiskGateway {
  readonly #acks: IpcChannel;
  readonly #idle = new Idle(scene.idle.risk);
  readonly #book = new RiskBook(scene.symbols, scene.risk.grossNotionalUsdMax);
  /** One ack, encoded in place and published again and again. */
  readonly #ack = new Uint8Array(Ack.length);
  readonly #ackView = new DataView(this.#ack.buffer);
  readonly #end = new Uint8Array(End.length);
  #helloSeen = false;
  #ended = false;
  #ordersReceived = 0;
  #accepted = 0;
  #rejectedPosition = 0;
  #rejectedNotional = 0;
  #acksSent = 0;

  constructor(acks: IpcChannel) {
    this.#acks = acks;
  }

  /** Reads the orders channel until the strategy's end message. */
  run(orders: IpcChannel): void {
    pollUntil(orders, this.#onFragment, () => this.#ended, () => this.#helloSeen, this.#idle);
  }

  report(): RiskReport {
    return {
      role: "risk",
      ordersReceived: this.#ordersReceived,
      accepted: this.#accepted,
      rejectedPosition: this.#rejectedPosition,
      rejectedNotional: this.#rejectedNotional,
      acksSent: this.#acksSent,
      positions: this.#book.positions(),
      grossNotionalUsd: this.#book.grossNotionalUsd(),
      cpuNs: cpuNs(),
    };
  }

  // A field, not a method: pollFragments gets the same function every time, no bind per poll.
  readonly #onFragment = (fragment: Fragment): void => {
    switch (fragment.msgTypeId) {
      case MsgType.order:
        return this.#onOrder(fragment.view, fragment.offset, fragment.length);
      case MsgType.hello:
        this.#helloSeen = true;
        return publishWaiting(this.#acks, fragment.copy(), MsgType.hello, this.#idle);
      case MsgType.end:
        return this.#onEnd(fragment.view, fragment.offset);
      default:
        throw new Error(`Unknown message type ${fragment.msgTypeId} on the orders channel`);
    }
  };

  #onOrder(view: DataView, offset: number, length: number): void {
    const receivedNs = monotonicNs();
    if (length !== Order.length) throw new Error(`An order of ${length} bytes, not ${Order.length}`);
    const orderId = getU64(view, offset + Order.orderId);
    // The strategy numbers its orders 1, 2, 3...: a gap or a repeat would be a lost message.
    if (orderId !== this.#ordersReceived + 1) {
      throw new Error(`Order ${orderId} after ${this.#ordersReceived}`);
    }
    this.#ordersReceived++;
    const symbolId = view.getUint32(offset + Order.symbolId, true);
    if (symbolId >= scene.symbols.length) throw new Error(`An order for unknown symbol ${symbolId}`);
    if (view.getUint8(offset + Order.orderType) !== OrderType.limit) {
      throw new Error("Only limit orders are traded");
    }
    const side = view.getUint8(offset + Order.side);
    if (side !== OrderSide.buy && side !== OrderSide.sell) throw new Error(`An order with side ${side}`);
    const quantity = getU64(view, offset + Order.quantity);
    const reason = this.#book.check(symbolId, side, quantity, getI64(view, offset + Order.price));
    if (reason === Reason.none) this.#book.fill(symbolId, side, quantity);
    this.#count(reason);
    this.#sendAck(view, offset, receivedNs, reason);
  }

  #count(reason: number): void {
    if (reason === Reason.none) this.#accepted++;
    else if (reason === Reason.positionLimit) this.#rejectedPosition++;
    else this.#rejectedNotional++;
  }

  #sendAck(order: DataView, offset: number, receivedNs: number, reason: number): void {
    const ack = this.#ackView;
    setU64(ack, Ack.tickTimestampNs, getU64(order, offset + Order.timestampNs));
    setU64(ack, Ack.orderId, getU64(order, offset + Order.orderId));
    setU64(ack, Ack.receivedNs, receivedNs);
    ack.setUint32(Ack.symbolId, order.getUint32(offset + Order.symbolId, true), true);
    ack.setUint8(Ack.verdict, reason === Reason.none ? Verdict.accepted : Verdict.rejected);
    ack.setUint8(Ack.reason, reason);
    // Last, as close to the publish as possible: the feed measures the acks channel from it.
    setU64(ack, Ack.ackNs, monotonicNs());
    publishWaiting(this.#acks, this.#ack, MsgType.ack, this.#idle);
    this.#acksSent++;
  }

  /** Checks that every order arrived, then ends the acks channel the same way. */
  #onEnd(view: DataView, offset: number): void {
    forwardEnd(
      { view, offset, received: this.#ordersReceived, sender: "strategy", what: "orders" },
      { channel: this.#acks, end: this.#end, sent: this.#acksSent, idle: this.#idle },
    );
    this.#ended = true;
  }
}

const names = channelNames(argument("run"));
// Create what we publish on first, then wait for what we read: no order of start needed.
using acks = createOutbound(names.acks);
using orders = await openInbound(names.orders);
const gateway = new RiskGateway(acks);
gateway.run(orders);
emitReport(gateway.report());
