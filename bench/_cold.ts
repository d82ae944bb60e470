/**
 * The cold-start program's work: open the channel the driver holds, publish one message,
 * close. Imports only the library, so start-up measures what a short-lived tool would pay.
 * @module
 */
import { IpcChannel, monotonicNs, Status, statusName } from "../mod.ts";
import { msgType } from "./_protocol.ts";

/** How long to retry on back-pressure: the driver drains the channel, so it should not last. */
const backPressureTimeoutNs = 5e9;

export function publishOnce(name: string, size: number): void {
  const channel = IpcChannel.open({ name });
  try {
    const message = new Uint8Array(size).fill(0xa5);
    const deadline = monotonicNs() + backPressureTimeoutNs;
    let status = channel.tryPublish(message, msgType.data);
    while (status === Status.BackPressure && monotonicNs() < deadline) {
      status = channel.tryPublish(message, msgType.data);
    }
    if (status !== Status.Ok) throw new Error(`Cannot publish on "${name}": ${statusName(status)}`);
  } finally {
    channel.close();
  }
}
