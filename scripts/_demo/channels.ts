/**
 * Joining the pipeline: each process creates the channel it publishes on and opens the one
 * it reads, whichever process starts first. Plus publishing that rides out back-pressure.
 * @module
 */
import { IpcChannel, monotonicNs, Status, statusName } from "../../mod.ts";
import type { Idle } from "./idle.ts";
import { End, getU64, MsgType, setU64 } from "./messages.ts";
import { scene } from "./scene.ts";

/** Creates the channel this process publishes on; it disappears when we close it. */
export function createOutbound(name: string): IpcChannel {
  return IpcChannel.create({ name, termLength: scene.termLength });
}

/**
 * Opens the channel this process reads, waiting for its creator as long as it takes: the
 * orchestrator stops us if that process fails.
 */
export function openInbound(name: string): Promise<IpcChannel> {
  return IpcChannel.openWhenReady({ name });
}

/**
 * The end of a stage: checks that the upstream end message counts every message we
 * received, then ends our own channel with the count of what we sent.
 */
export function forwardEnd(
  upstream: { view: DataView; offset: number; received: number; sender: string; what: string },
  downstream: { channel: IpcChannel; end: Uint8Array; sent: number; idle: Idle },
): void {
  const sent = getU64(upstream.view, upstream.offset + End.count);
  if (sent !== upstream.received) {
    throw new Error(`The ${upstream.sender} sent ${sent} ${upstream.what}, ${upstream.received} arrived`);
  }
  const end = new DataView(downstream.end.buffer);
  setU64(end, End.timestampNs, monotonicNs());
  setU64(end, End.count, downstream.sent);
  publishWaiting(downstream.channel, downstream.end, MsgType.end, downstream.idle);
}

/**
 * Publishes, waiting while the subscriber is two terms behind. Throws if the subscriber
 * is gone (it would never catch up) or on any other failure.
 */
export function publishWaiting(channel: IpcChannel, data: Uint8Array, msgTypeId: number, idle: Idle): void {
  for (;;) {
    const status = channel.tryPublish(data, msgTypeId);
    if (status === Status.Ok) return idle.after(1);
    if (status !== Status.BackPressure) {
      throw new Error(`Cannot publish on ${channel.name}: ${statusName(status) ?? status}`);
    }
    if (channel.peerState("subscriber") !== "alive") {
      throw new Error(`Cannot publish on ${channel.name}: its subscriber is gone`);
    }
    idle.after(0);
  }
}

/**
 * Polls `channel` until `done()`, idling when it is empty. Once `watching()` is true (the
 * publisher has spoken), fails if the publisher leaves without `done()` becoming true.
 */
export function pollUntil(
  channel: IpcChannel,
  handler: Parameters<IpcChannel["pollFragments"]>[0],
  done: () => boolean,
  watching: () => boolean,
  idle: Idle,
): void {
  const limit = 256;
  while (!done()) {
    // Ask before polling: an end message sent before the publisher left is then seen.
    const publisherGone = idle.peerCheckDue() && watching() && channel.peerState("publisher") !== "alive";
    const count = channel.pollFragments(handler, limit);
    if (count === 0 && publisherGone && !done()) {
      throw new Error(`The publisher of ${channel.name} left without an end message`);
    }
    idle.after(count);
  }
}
