/**
 * Transport: defaults (term length, memory options) for the channels it creates and opens.
 * @module
 */
import { IpcChannel } from "./ipc_channel.ts";
import { Publisher, RawPublisher, RawSubscriber, Subscriber } from "./messaging.ts";
import type { FieldSpecs, MessageType } from "./wire.ts";
import * as layout from "./_ipc_layout.ts";
import { lastStatusError, native } from "./_native.ts";
import { checkedName, cString } from "./_names.ts";
import type { NativePointer } from "./_symbols.ts";
import { HandleClosedError, InvalidTermLengthError } from "./errors.ts";
import { flagsOf } from "./_structure_common.ts";
import { keepAddressFlag } from "./_kept_mapping.ts";

/** Options of `new Transport()`. */
export interface TransportOptions {
  /** Term length of the channels it creates: a power of two in [4096, 1 GiB]. Default 1 MiB. */
  termLength?: number;
  /** Default true. */
  preFault?: boolean;
  /** Default false. */
  hugepages?: boolean;
  /** Default false. */
  mlock?: boolean;
}

/** Options of the Transport's publisher and subscriber factories. */
export interface EndpointOptions {
  /** Create the channel (true) or open one that exists (false, the default). */
  create?: boolean;
}

/**
 * Makes channels with shared defaults.
 *
 * @example
 * ```ts
 * using transport = new Transport({ termLength: 64 * 1024 });
 * using orders = transport.createChannel("/orders");
 * ```
 */
export class Transport implements Disposable {
  readonly termLength: number;
  #handle: NativePointer;
  #closed = false;

  constructor(options: TransportOptions = {}) {
    const termLength = options.termLength ?? layout.termLengthDefault;
    if (!Number.isInteger(termLength) || termLength <= 0 || termLength > layout.termLengthMax) {
      throw new InvalidTermLengthError(
        `Invalid term length ${termLength}: use a power of two in [4096, 1 GiB]`,
      );
    }
    // No replace: the transport's flags are the memory options of the channels it makes,
    // which IpcChannel maps (_kept_mapping.ts).
    const flags =
      flagsOf({ preFault: options.preFault, hugepages: options.hugepages, mlock: options.mlock }) |
      keepAddressFlag;
    const { symbols, isNull } = native();
    this.#handle = symbols.zigbolt_transport_create_ex(termLength, flags);
    if (isNull(this.#handle)) throw lastStatusError("Cannot create transport");
    this.termLength = termLength;
  }

  /** Creates a channel with this transport's term length and memory options. */
  createChannel(name: string): IpcChannel {
    const handle = native().symbols.zigbolt_transport_ipc_create(this.#live("create", name), nameBytes(name));
    return IpcChannel.fromHandle(name, handle, `Cannot create channel "${name}"`);
  }

  /** Opens a channel (with the creator's term length) using this transport's memory options. */
  openChannel(name: string): IpcChannel {
    const handle = native().symbols.zigbolt_transport_ipc_open(this.#live("open", name), nameBytes(name));
    return IpcChannel.fromHandle(name, handle, `Cannot open channel "${name}"`);
  }

  /**
   * A typed publisher on channel `name`, which it owns (closes on close()).
   *
   * @example
   * ```ts
   * using ticks = transport.publisher(TickMessage, "/ticks", { create: true });
   * ```
   */
  publisher<F extends FieldSpecs>(
    type: MessageType<F>,
    name: string,
    options: EndpointOptions = {},
  ): Publisher<F> {
    return new Publisher(this.#channelFor(name, options), type, true);
  }

  /** A typed subscriber on channel `name`, which it owns. */
  subscriber<F extends FieldSpecs>(
    type: MessageType<F>,
    name: string,
    options: EndpointOptions = {},
  ): Subscriber<F> {
    return new Subscriber(this.#channelFor(name, options), type, true);
  }

  /** A raw publisher on channel `name`, which it owns. */
  rawPublisher(name: string, options: EndpointOptions = {}): RawPublisher {
    return new RawPublisher(this.#channelFor(name, options), true);
  }

  /** A raw subscriber on channel `name`, which it owns. */
  rawSubscriber(name: string, options: EndpointOptions = {}): RawSubscriber {
    return new RawSubscriber(this.#channelFor(name, options), true);
  }

  #channelFor(name: string, options: EndpointOptions): IpcChannel {
    return options?.create ? this.createChannel(name) : this.openChannel(name);
  }

  /** Closes the transport; channels it made stay open until closed themselves. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    native().symbols.zigbolt_transport_destroy(this.#handle);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #live(action: string, name: string): NativePointer {
    if (this.#closed) {
      throw new HandleClosedError(`Cannot ${action} channel "${name}": the transport is closed`);
    }
    return this.#handle;
  }
}

function nameBytes(name: string): Uint8Array {
  return cString(checkedName(name));
}
