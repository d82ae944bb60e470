/**
 * The Bun and Deno side of the typed-messaging cross-process tests: the same modes, stream
 * and output as native/tools/typed_peer.zig (see there for the stream).
 *   typed_peer.ts publish <name> <count>        Publisher: encode, then one FFI publish
 *   typed_peer.ts publish-claim <name> <count>  ZeroCopyPublisher: claim, write in place, commit
 *   typed_peer.ts subscribe <name> <count>
 * @module
 */
import {
  IpcChannel,
  OrderMessage,
  Publisher,
  Status,
  Subscriber,
  TickMessage,
  ZeroCopyPublisher,
} from "../../mod.ts";
import type { Flyweight, MessageValues } from "../../mod.ts";

type TickFields = typeof TickMessage extends { flyweight(): Flyweight<infer F> } ? F : never;

/** Tick i of the stream, written into `out` (reused). */
export function tickOf(i: number, out: MessageValues<TickFields>): MessageValues<TickFields> {
  const magnitude = i * 99991 + 5;
  out.timestampNs = i * 1_000_003 + 17;
  out.symbolId = (i * 2654435761) % 4294967296;
  out.price = i % 2 === 0 ? magnitude : -magnitude;
  out.volume = i % 1024 === 0 ? 2 ** 53 - 1 : i * 7;
  out.side = i % 2;
  return out;
}

export function noiseCount(count: number): number {
  return count === 0 ? 0 : Math.floor((count - 1) / 97) + 1 + Math.floor((count - 1) / 194) + 1;
}

function fail(reason: string): never {
  console.error(`typed_peer.ts: ${reason}`);
  process.exit(1);
}

function offerUntilDone(offer: () => number, counts: { backPressure: number }, retryThrow: () => void): void {
  for (;;) {
    const status = offer();
    if (status === Status.Ok) return;
    if (status !== Status.BackPressure) retryThrow();
    counts.backPressure++;
  }
}

function publish(channel: IpcChannel, count: number): void {
  const publisher = new Publisher(channel, TickMessage);
  const order = new Uint8Array(OrderMessage.length);
  const short = new Uint8Array(TickMessage.length - 1);
  const counts = { backPressure: 0 };
  const expected = { timestampNs: 0, symbolId: 0, price: 0, volume: 0, side: 0 };
  const message = publisher.message;
  const offerTick = () => publisher.offer();
  const offerOrder = () => channel.tryPublish(order, OrderMessage.typeId);
  const offerShort = () => channel.tryPublish(short, TickMessage.typeId);
  for (let i = 0; i < count; i++) {
    tickOf(i, expected);
    message.timestampNs = expected.timestampNs;
    message.symbolId = expected.symbolId;
    message.price = expected.price;
    message.volume = expected.volume;
    message.side = expected.side;
    offerUntilDone(offerTick, counts, () => publisher.publish());
    if (i % 97 === 0) offerUntilDone(offerOrder, counts, () => channel.publish(order, OrderMessage.typeId));
    if (i % 194 === 0) offerUntilDone(offerShort, counts, () => channel.publish(short, TickMessage.typeId));
  }
  console.log(JSON.stringify({ role: "publisher", published: count, noise: noiseCount(count), ...counts }));
}

/** The same stream through the zero-copy publisher (noise through its offerBytes). */
function publishClaimed(name: string, count: number): void {
  const publisher = new ZeroCopyPublisher(name, TickMessage);
  const order = new Uint8Array(OrderMessage.length);
  const short = new Uint8Array(TickMessage.length - 1);
  const counts = { backPressure: 0 };
  const expected = { timestampNs: 0, symbolId: 0, price: 0, volume: 0, side: 0 };
  const message = publisher.message;
  const claim = () => publisher.tryClaim();
  const offerOrder = () => publisher.offerBytes(order, OrderMessage.typeId);
  const offerShort = () => publisher.offerBytes(short, TickMessage.typeId);
  const raise = () => publisher.send(expected);
  for (let i = 0; i < count; i++) {
    tickOf(i, expected);
    offerUntilDone(claim, counts, raise);
    message.timestampNs = expected.timestampNs;
    message.symbolId = expected.symbolId;
    message.price = expected.price;
    message.volume = expected.volume;
    message.side = expected.side;
    publisher.commit();
    if (i % 97 === 0) offerUntilDone(offerOrder, counts, raise);
    if (i % 194 === 0) offerUntilDone(offerShort, counts, raise);
  }
  console.log(JSON.stringify({ role: "publisher", published: count, noise: noiseCount(count), ...counts }));
  publisher.close();
}

function subscribe(channel: IpcChannel, count: number): void {
  const subscriber = new Subscriber(channel, TickMessage);
  const expected = { timestampNs: 0, symbolId: 0, price: 0, volume: 0, side: 0 };
  let next = 0;
  const onTick = (tick: Flyweight<TickFields>) => {
    tickOf(next, expected);
    if (tick.timestampNs !== expected.timestampNs) fail(`tick ${next}: timestampNs differs`);
    if (tick.symbolId !== expected.symbolId) fail(`tick ${next}: symbolId differs`);
    if (tick.price !== expected.price) fail(`tick ${next}: price differs`);
    if (tick.volume !== expected.volume) fail(`tick ${next}: volume differs`);
    if (tick.side !== expected.side) fail(`tick ${next}: side differs`);
    next++;
  };
  const gone = () => {
    const state = channel.peerState("publisher");
    return state === "dead" || state === "closed";
  };
  let emptyPolls = 0;
  while (next < count) {
    if (subscriber.poll(onTick, 256) > 0) {
      emptyPolls = 0;
      continue;
    }
    if (++emptyPolls % 4096 === 0 && gone()) {
      subscriber.poll(onTick, 2 ** 31 - 1);
      if (next < count) fail(`the publisher left at tick ${next}`);
    }
  }
  while (subscriber.skipped < noiseCount(count)) {
    const left = gone();
    subscriber.poll(onTick, 2 ** 31 - 1);
    if (left) break;
  }
  if (next !== count) fail(`${next} ticks, not ${count}`);
  console.log(JSON.stringify({
    role: "subscriber",
    received: next,
    skipped: subscriber.skipped,
    invalid: subscriber.invalid,
  }));
}

if (import.meta.main) {
  const [mode, name, countText] = process.argv.slice(2);
  const channel = await IpcChannel.openWhenReady({ name, timeoutMs: 10_000 });
  if (mode === "publish") publish(channel, Number(countText));
  else if (mode === "publish-claim") publishClaimed(name, Number(countText));
  else if (mode === "subscribe") subscribe(channel, Number(countText));
  else throw new Error(`unknown mode ${mode}`);
  channel.close();
}
