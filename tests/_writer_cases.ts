/**
 * Every writer of bytes (ring write, log append, broadcast transmit, IPC publish, the raw
 * publisher) with its reader, behind one interface, for the tests that hold for all of them
 * (pinned_payload.test.ts, write_prefix.test.ts).
 * @module
 */
import {
  BroadcastReceiver,
  BroadcastTransmitter,
  IpcChannel,
  LogBuffer,
  MpscRingBuffer,
  RawPublisher,
  SpscRingBuffer,
  Status,
} from "../mod.ts";
import type { NativeSymbols } from "../lib/_symbols.ts";
import type { Fragment } from "../lib/fragment.ts";
import { uniqueName } from "./_harness.ts";

/** One writer (its segment or channel freshly made, 64 KiB) and its reader. */
export interface WriterCase extends Disposable {
  /**
   * Sends `data` (its first `length` bytes if given) with the status form; a ring, which has
   * none, answers Ok or BackPressure for its true or false and throws on bad arguments.
   */
  trySend(data: Uint8Array, length?: number): number;
  /** Whether `trySend` returns a status for bad arguments instead of throwing. */
  statusForm: boolean;
  /** The throwing form: ring `write` (full is an error here), `append`, `transmit`, `publish`. */
  send(data: Uint8Array, length?: number): void;
  /** Copies of the messages waiting, oldest first. */
  drain(): Uint8Array[];
  /** Whether a zero-length message is one (an IPC channel refuses it: EmptyMessage). */
  emptyMessages: boolean;
  /** The symbol the writer calls with a pinned address. */
  byAddress: keyof NativeSymbols;
}

function okOf(written: boolean): number {
  return written ? Status.Ok : Status.BackPressure;
}

function fragmentCopy(f: Fragment): Uint8Array {
  return f.bytes.slice(f.offset, f.offset + f.length);
}

/** Every message `poll` hands over, until it hands over none. */
function collect(poll: (take: (copy: Uint8Array) => void) => number): Uint8Array[] {
  const messages: Uint8Array[] = [];
  while (poll((copy) => messages.push(copy)) > 0);
  return messages;
}

function ringCase(ring: SpscRingBuffer | MpscRingBuffer, byAddress: keyof NativeSymbols): WriterCase {
  return {
    trySend: (data, length) => okOf(ring.write(data, 1, length)),
    statusForm: false,
    send: (data, length) => {
      if (!ring.write(data, 1, length)) throw new Error("the ring is full");
    },
    drain: () => collect((take) => ring.readFragments((f) => take(fragmentCopy(f)))),
    emptyMessages: true,
    byAddress,
    [Symbol.dispose]: () => ring.close(),
  };
}

/** An IPC channel's subscriber side, for a publisher on `name`. */
function channelReader(name: string): Pick<WriterCase, "drain" | "emptyMessages" | "byAddress"> & {
  subscriber: IpcChannel;
} {
  const subscriber = IpcChannel.open({ name });
  return {
    subscriber,
    drain: () => collect((take) => subscriber.poll((data) => take(data.slice()))),
    emptyMessages: false,
    byAddress: "zigbolt_publish_by_address",
  };
}

export const writerCases: Record<string, () => WriterCase> = {
  spsc: () =>
    ringCase(
      SpscRingBuffer.create({ name: uniqueName("w-spsc"), capacity: 1 << 16 }),
      "zigbolt_spsc_write_by_address",
    ),
  mpsc: () =>
    ringCase(
      MpscRingBuffer.create({ name: uniqueName("w-mpsc"), capacity: 1 << 16 }),
      "zigbolt_mpsc_write_by_address",
    ),
  "log buffer"() {
    const name = uniqueName("w-log");
    const writer = LogBuffer.create({ name, termLength: 1 << 16 });
    const reader = LogBuffer.open({ name });
    return {
      trySend: (data, length) => writer.tryAppend(data, 1, length),
      statusForm: true,
      send: (data, length) => writer.append(data, 1, length),
      drain: () => collect((take) => reader.poll((data) => take(data.slice()))),
      emptyMessages: true,
      byAddress: "zigbolt_log_buffer_append_by_address",
      [Symbol.dispose]: () => (reader.close(), writer.close()),
    };
  },
  broadcast() {
    const name = uniqueName("w-bcast");
    const transmitter = BroadcastTransmitter.create({ name, capacity: 1 << 16 });
    const receiver = BroadcastReceiver.open({ name });
    return {
      trySend: (data, length) => transmitter.tryTransmit(1, data, length),
      statusForm: true,
      send: (data, length) => transmitter.transmit(1, data, length),
      drain: () => collect((take) => receiver.receive((f) => take(fragmentCopy(f)))),
      emptyMessages: true,
      byAddress: "zigbolt_broadcast_transmit_by_address",
      [Symbol.dispose]: () => (receiver.close(), transmitter.close()),
    };
  },
  "ipc channel"() {
    const name = uniqueName("w-ipc");
    const publisher = IpcChannel.create({ name, termLength: 1 << 16 });
    const { subscriber, ...reader } = channelReader(name);
    return {
      trySend: (data, length) => publisher.tryPublish(data, 1, length),
      statusForm: true,
      send: (data, length) => publisher.publish(data, 1, length),
      ...reader,
      [Symbol.dispose]: () => (subscriber.close(), publisher.close()),
    };
  },
  "raw publisher"() {
    const name = uniqueName("w-raw");
    const raw = new RawPublisher(IpcChannel.create({ name, termLength: 1 << 16 }), true);
    const { subscriber, ...reader } = channelReader(name);
    return {
      trySend: (data, length) => raw.offer(data, 1, length),
      statusForm: true,
      send: (data, length) => raw.publish(data, 1, length),
      ...reader,
      [Symbol.dispose]: () => (subscriber.close(), raw.close()),
    };
  },
};
