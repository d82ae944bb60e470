/**
 * How a benchmark peer joins the channels the driver created, and publishes through
 * back-pressure without throwing.
 * @module
 */
import process from "node:process";
import { IpcChannel, Status, statusName } from "../mod.ts";
import { peerTimeoutMs } from "./_protocol.ts";

/**
 * Our parent (the driver) when we started. If it dies we are re-parented, and a peer
 * spinning on an empty channel would burn a CPU forever: every spin loop calls
 * `spinGuard()`, which checks now and then (every 2^24 spins, milliseconds apart or more).
 */
const driverPid = process.ppid;
const orphanCheckPeriod = 1 << 24;
let guardSpins = 0;

export function spinGuard(): void {
  if (++guardSpins < orphanCheckPeriod) return;
  guardSpins = 0;
  if (process.ppid === driverPid) return;
  console.error("ipc_peer: the driver has gone; exiting");
  process.exit(3);
}

/** The driver creates the channel just before it starts us. */
export function openChannel(name: string): Promise<IpcChannel> {
  return IpcChannel.openWhenReady({ name, timeoutMs: peerTimeoutMs });
}

/**
 * Publishes, spinning while the subscriber is two terms behind; returns the retries. One
 * FFI call per attempt and nothing allocated, so it can sit in a hot loop.
 */
export function publishSpinning(channel: IpcChannel, message: Uint8Array, msgTypeId: number): number {
  let spins = 0;
  for (;;) {
    const status = channel.tryPublish(message, msgTypeId);
    if (status === Status.Ok) return spins;
    if (status !== Status.BackPressure) throw publishFailed(channel, status);
    spins++;
    spinGuard();
  }
}

/** Waits until a subscriber has claimed the channel (its first poll does). */
export async function waitForSubscriber(channel: IpcChannel): Promise<void> {
  const deadline = Date.now() + peerTimeoutMs;
  while (channel.peerState("subscriber") !== "alive") {
    if (Date.now() > deadline) throw new Error(`No subscriber joined "${channel.name}"`);
    await sleep(0.1);
  }
}

function publishFailed(channel: IpcChannel, status: number): Error {
  return new Error(`Cannot publish on "${channel.name}": ${statusName(status)} (${status})`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
