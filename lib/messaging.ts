/**
 * Typed messaging over an IPC channel: a `Publisher` encodes wire messages of one type (from
 * `defineMessage`, or `TickMessage` / `OrderMessage`) into frames whose msgTypeId is the
 * type's id; a `Subscriber` reads the channel's frames in JavaScript and hands a reused,
 * checked flyweight to its handler, skipping frames of other types or shorter than the
 * message. The same rules as native/src/messaging/typed.zig, so Zig and TypeScript
 * publishers and subscribers mix (docs/codecs.md).
 * @module
 */
import type { Fragment } from "./fragment.ts";
import { IpcChannel } from "./ipc_channel.ts";
import { IpcWriter } from "./_ipc_writer.ts";
import * as layout from "./_ipc_layout.ts";
import { errorForStatus } from "./error_for_status.ts";
import {
  HandleClosedError,
  InvalidArgumentError,
  InvalidEnumValueError,
  MessageTooLargeError,
} from "./errors.ts";
import { Status } from "./status.ts";
import type { FieldSpecs, Flyweight, MessageType, MessageValues } from "./wire.ts";

/** Handler of a typed subscriber: a flyweight over the message in shared memory. */
export type TypedHandler<F extends FieldSpecs> = (message: Flyweight<F>) => void;

/**
 * Publishes messages of one type on a channel. Set the fields of `message` (a flyweight over
 * the publisher's own buffer, reused for every message), then `offer()` or `publish()`: one
 * FFI call per message, no allocation.
 *
 * @example
 * ```ts
 * using channel = IpcChannel.create({ name: "/ticks" });
 * const ticks = new Publisher(channel, TickMessage);
 * ticks.message.price = 4_200_050_000_000;
 * ticks.message.side = Side.bid;
 * ticks.publish();
 * ```
 */
export class Publisher<F extends FieldSpecs> implements Disposable {
  /** The message type published. */
  readonly type: MessageType<F>;
  /** The channel published on. */
  readonly channel: IpcChannel;
  /** The next message: assign its fields, then offer() or publish(). Its padding stays zero. */
  readonly message: Flyweight<F>;
  readonly #bytes: Uint8Array;
  readonly #ownsChannel: boolean;

  /** Publishes on `channel`; `close()` closes the channel only if `ownsChannel`. */
  constructor(channel: IpcChannel, type: MessageType<F>, ownsChannel = false) {
    if (!(channel instanceof IpcChannel)) {
      throw new InvalidArgumentError("Publisher: channel must be an IpcChannel");
    }
    this.channel = channel;
    this.type = type;
    this.#bytes = new Uint8Array(type.length);
    this.message = type.flyweight().wrap(this.#bytes);
    this.#ownsChannel = ownsChannel;
  }

  /**
   * Publishes `message` without throwing: `Status.Ok` (0), or a negative status such as
   * `Status.BackPressure` (the message stays in place: offer again later).
   */
  offer(): number {
    return this.channel.tryPublish(this.#bytes, this.type.typeId);
  }

  /** Publishes `message`; throws BackPressureError, PeerDeadError, ... */
  publish(): void {
    this.channel.publish(this.#bytes, this.type.typeId);
  }

  /** Sets every field from `values`, then `publish()`. */
  send(values: MessageValues<F>): void {
    this.message.set(values);
    this.publish();
  }

  /** Closes the channel if this publisher owns it (made by a Transport). */
  close(): void {
    if (this.#ownsChannel) this.channel.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Receives messages of one type from a channel. `poll(handler)` hands each one to `handler`
 * as a flyweight over shared memory (valid during the call; `toObject()` copies it). Frames
 * of other types and shorter ones are consumed and counted in `skipped`; frames that fail the
 * type's checks (enum bytes) in `invalid`. No allocation and no FFI call per message.
 *
 * @example
 * ```ts
 * const ticks = new Subscriber(IpcChannel.open({ name: "/ticks" }), TickMessage, true);
 * ticks.poll((tick) => console.log(tick.symbolId, tick.price));
 * ```
 */
export class Subscriber<F extends FieldSpecs> implements Disposable {
  readonly type: MessageType<F>;
  readonly channel: IpcChannel;
  /** Frames consumed without delivery: another msgTypeId, or shorter than the message. */
  skipped = 0;
  /** Frames of the type and length that failed its checks (a bad enum or bool byte). */
  invalid = 0;
  readonly #flyweight: Flyweight<F>;
  readonly #onFragment: (fragment: Fragment) => void;
  readonly #ownsChannel: boolean;
  #handler: TypedHandler<F> | undefined;
  #delivered = 0;

  /** Subscribes on `channel`; `close()` closes the channel only if `ownsChannel`. */
  constructor(channel: IpcChannel, type: MessageType<F>, ownsChannel = false) {
    if (!(channel instanceof IpcChannel)) {
      throw new InvalidArgumentError("Subscriber: channel must be an IpcChannel");
    }
    this.channel = channel;
    this.type = type;
    this.#flyweight = type.flyweight();
    this.#ownsChannel = ownsChannel;
    const typeId = type.typeId;
    const length = type.length;
    this.#onFragment = (fragment) => {
      if (fragment.msgTypeId !== typeId || fragment.length < length) {
        this.skipped++;
        return;
      }
      const message = this.#flyweight.wrapView(fragment.view, fragment.offset);
      try {
        message.validate();
      } catch (error) {
        if (!(error instanceof InvalidEnumValueError)) throw error;
        this.invalid++;
        return;
      }
      this.#delivered++;
      this.#handler!(message);
    };
  }

  /**
   * Reads up to `limit` frames and returns how many messages of the type it delivered.
   * Throws what `IpcChannel.pollFragments` throws (CorruptChannelError, HandleClosedError).
   */
  poll(handler: TypedHandler<F>, limit?: number): number {
    if (typeof handler !== "function") throw new InvalidArgumentError("Subscriber.poll: need a handler");
    if (this.channel.closed) {
      throw new HandleClosedError(`Cannot poll channel "${this.channel.name}": it is closed`);
    }
    this.#handler = handler;
    this.#delivered = 0;
    try {
      this.channel.pollFragments(this.#onFragment, limit);
    } finally {
      this.#handler = undefined;
    }
    return this.#delivered;
  }

  /** Closes the channel if this subscriber owns it (made by a Transport). */
  close(): void {
    if (this.#ownsChannel) this.channel.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Publishes bytes with a msgTypeId of the caller's choice.
 *
 * @example
 * ```ts
 * const raw = new RawPublisher(channel);
 * raw.publish(new Uint8Array([1, 2, 3]), 99);
 * ```
 */
export class RawPublisher implements Disposable {
  readonly channel: IpcChannel;
  readonly #ownsChannel: boolean;

  constructor(channel: IpcChannel, ownsChannel = false) {
    if (!(channel instanceof IpcChannel)) {
      throw new InvalidArgumentError("RawPublisher: channel must be an IpcChannel");
    }
    this.channel = channel;
    this.#ownsChannel = ownsChannel;
  }

  /**
   * `Status.Ok` or a negative status (see `IpcChannel.tryPublish`, which `length` is for:
   * the first `length` bytes of `data`, default all).
   */
  offer(data: Uint8Array, msgTypeId: number, length?: number): number {
    return this.channel.tryPublish(data, msgTypeId, length);
  }

  /** Publishes or throws the typed error. */
  publish(data: Uint8Array, msgTypeId: number, length?: number): void {
    this.channel.publish(data, msgTypeId, length);
  }

  close(): void {
    if (this.#ownsChannel) this.channel.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Hands every frame to a handler as a reused `Fragment` (bytes, view, offset, length,
 * msgTypeId): zero allocation.
 *
 * @example
 * ```ts
 * const raw = new RawSubscriber(channel);
 * raw.poll((f) => console.log(f.msgTypeId, f.length));
 * ```
 */
export class RawSubscriber implements Disposable {
  readonly channel: IpcChannel;
  readonly #ownsChannel: boolean;

  constructor(channel: IpcChannel, ownsChannel = false) {
    if (!(channel instanceof IpcChannel)) {
      throw new InvalidArgumentError("RawSubscriber: channel must be an IpcChannel");
    }
    this.channel = channel;
    this.#ownsChannel = ownsChannel;
  }

  /** Reads up to `limit` frames; returns how many. */
  poll(handler: (fragment: Fragment) => void, limit?: number): number {
    return this.channel.pollFragments(handler, limit);
  }

  close(): void {
    if (this.#ownsChannel) this.channel.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Publishes messages of one type with no copy and no FFI call per message: `tryClaim()`
 * reserves the next frame in the channel's shared memory and points `message` at it; assign
 * the fields, then `commit()`. The frame is written by JavaScript over the mapping
 * (lib/_ipc_writer.ts), following the channel's publish algorithm, so any subscriber (Zig, C,
 * Bun, Deno) reads it. It opens its own handle on the channel and holds the publisher role:
 * do not also publish through another handle of the channel (PublisherExists).
 *
 * @example
 * ```ts
 * using ticks = new ZeroCopyPublisher("/ticks", TickMessage);
 * if (ticks.tryClaim() === Status.Ok) {
 *   ticks.message.price = 4_200_050_000_000;
 *   ticks.message.side = Side.ask;
 *   ticks.commit();
 * }
 * ```
 */
export class ZeroCopyPublisher<F extends FieldSpecs> implements Disposable {
  readonly type: MessageType<F>;
  /** The claimed message, in shared memory: valid from an Ok `tryClaim()` to `commit()`. */
  readonly message: Flyweight<F>;
  readonly #writer: IpcWriter;
  readonly #paddingStart: number;
  readonly #length: number;
  readonly #typeId: number;
  #claimed = false;

  /** Opens channel `name` (it must exist) and takes its publisher role. */
  constructor(name: string, type: MessageType<F>) {
    this.type = type;
    this.message = type.flyweight();
    const last = type.fields[type.fields.length - 1];
    this.#paddingStart = last.offset + last.size;
    this.#length = type.length;
    this.#typeId = type.typeId;
    this.#writer = new IpcWriter(name);
    if (type.length + layout.frameHeaderLength > this.#writer.termLength) {
      this.#writer.close();
      throw new MessageTooLargeError(
        `${type.name} (${type.length} bytes) does not fit in a term of channel "${name}" (${this.#writer.termLength} bytes)`,
      );
    }
  }

  /** The channel name. */
  get name(): string {
    return this.#writer.name;
  }

  /**
   * Reserves the next frame: `Status.Ok` (then assign `message`'s fields and `commit()`),
   * `Status.BackPressure` (retry later), `Status.PeerDead` (now and then, once the subscriber
   * has died) or `Status.CorruptChannel`. Every field must be assigned: the memory holds
   * older frames' bytes (the padding is zeroed here).
   */
  tryClaim(): number {
    if (this.#claimed) return Status.Ok;
    const writer = this.#writer;
    const status = writer.claim(this.#length);
    if (status !== Status.Ok) return status;
    this.#claimed = true;
    this.message.wrapView(writer.view, writer.payloadOffset);
    if (this.#paddingStart !== this.#length) this.#zeroPadding();
    return Status.Ok;
  }

  #zeroPadding(): void {
    const view = this.message.view;
    const offset = this.message.offset;
    for (let i = this.#paddingStart; i < this.#length; i++) view.setUint8(offset + i, 0);
  }

  /** Makes the claimed message visible to the subscriber. */
  commit(): void {
    if (!this.#claimed) this.#nothingClaimed();
    this.#claimed = false;
    this.#writer.commit(this.#typeId);
  }

  /** Out of line, so that commit() stays small enough to inline into the caller's loop. */
  #nothingClaimed(): never {
    throw new InvalidArgumentError(`Cannot commit on "${this.name}": nothing is claimed`);
  }

  /** Gives the claim up: the subscriber sees nothing of it. */
  abort(): void {
    this.#claimed = false;
    this.#writer.abort();
  }

  /** Claims (throwing BackPressureError, PeerDeadError, ...), sets every field, commits. */
  send(values: MessageValues<F>): void {
    const status = this.tryClaim();
    if (status !== Status.Ok) {
      throw errorForStatus(status, `Cannot publish ${this.type.name} on channel "${this.name}"`);
    }
    this.message.set(values);
    this.commit();
  }

  /**
   * Publishes a copy of `data` with `msgTypeId` through the same writer (the channel has one
   * publisher: use this for frames of other types). `Status.Ok` or a negative status:
   * BackPressure, EmptyMessage, MessageTooLarge, InvalidArgument (a claim is open, or
   * msgTypeId is not an int32).
   */
  offerBytes(data: Uint8Array, msgTypeId: number): number {
    if (this.#claimed || (msgTypeId | 0) !== msgTypeId) return Status.InvalidArgument;
    if (this.#writer.closed) return Status.HandleClosed;
    if (data.length === 0) return Status.EmptyMessage;
    if (
      data.length > layout.payloadLengthMax ||
      data.length + layout.frameHeaderLength > this.#writer.termLength
    ) {
      return Status.MessageTooLarge;
    }
    const status = this.#writer.claim(data.length);
    if (status !== Status.Ok) return status;
    this.#writer.bytes.set(data, this.#writer.payloadOffset);
    this.#writer.commit(msgTypeId);
    return Status.Ok;
  }

  /** Bytes published on the channel since it was created (the tail position). */
  get position(): number {
    return this.#writer.position;
  }

  /** Releases the publisher role and the mapping (a claim not committed is dropped). */
  close(): void {
    if (this.#writer.closed) return;
    this.#claimed = false;
    // `message` must not keep pointing into memory that is about to be unmapped.
    this.message.wrap(new Uint8Array(this.type.length));
    this.#writer.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
