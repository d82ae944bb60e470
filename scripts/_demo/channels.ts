/**
 * Joining the pipeline: each process creates the channel it publishes on and opens the one
 * it reads, whichever process starts first. Plus publishing that rides out back-pressure.
 * @module
 */
import { IpcChannel, Status, statusName, ZigBoltError } from "../../mod.ts";
import { type Idle, sleepNs } from "./idle.ts";
import { scene } from "./scene.ts";

/** What open() reports for a channel whose creator has not finished creating it. */
const notCreatedYet = new Set(["NoSuchChannel", "ShmTooSmall", "InvalidChannel"]);
const openRetryNs = 1_000_000;

/** Creates the channel this process publishes on; it disappears when we close it. */
export function createOutbound(name: string): IpcChannel {
  return IpcChannel.create({ name, termLength: scene.termLength });
}

/**
 * Opens the channel this process reads, waiting for its creator as long as it takes: the
 * orchestrator stops us if that process fails.
 */
export function openInbound(name: string): IpcChannel {
  for (;;) {
    try {
      return IpcChannel.open({ name });
    } catch (error) {
      if (!(error instanceof ZigBoltError && notCreatedYet.has(error.code))) throw error;
      sleepNs(openRetryNs);
    }
  }
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
