/**
 * The Bun and Deno side of the cross-process tests (the same modes and output as
 * native/tools/ipc_peer.zig):
 *   ipc_peer.ts publish <name> <count>
 *   ipc_peer.ts subscribe <name> <count> [--slow] [--progress-at N] [--fragments]
 *   ipc_peer.ts subscribe-until-dead <name> [--progress-at N]
 *   ipc_peer.ts hold <name> <role>      take a role (or create with role=creator), then wait
 * Prints one JSON line with the result; a wrong message exits 1 with the reason on stderr.
 * @module
 */
import { IpcChannel, Status, type ZigBoltError } from "../../mod.ts";
import { matches, payloadOf } from "./_stream.ts";

interface Options {
  mode: string;
  name: string;
  /** The third positional argument: a count, or a role for "hold". */
  argument: string;
  count: number;
  slow: boolean;
  fragments: boolean;
  progressAt: number;
}

function parse(args: string[]): Options {
  const [mode, name, ...rest] = args;
  const options: Options = {
    mode,
    name,
    argument: "",
    count: 0,
    slow: false,
    fragments: false,
    progressAt: Infinity,
  };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--slow") options.slow = true;
    else if (rest[i] === "--fragments") options.fragments = true;
    else if (rest[i] === "--progress-at") options.progressAt = Number(rest[++i]);
    else options.argument = rest[i], options.count = Number(rest[i]);
  }
  return options;
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The driver creates the channel before starting us; tolerate a short race anyway. */
function openChannel(name: string): Promise<IpcChannel> {
  return IpcChannel.openWhenReady({ name, timeoutMs: 10_000 });
}

function publish(channel: IpcChannel, count: number): void {
  let backPressure = 0;
  for (let seq = 0; seq < count;) {
    const status = channel.tryPublish(payloadOf(seq), seq);
    if (status === Status.Ok) {
      seq++;
    } else if (status === Status.BackPressure) {
      backPressure++;
    } else {
      channel.publish(payloadOf(seq), seq); // throws the typed error
    }
  }
  console.log(JSON.stringify({ role: "publisher", published: count, backPressure }));
}

function fail(seq: number, reason: string): never {
  console.error(`ipc_peer.ts: seq ${seq}: ${reason}`);
  process.exit(1);
}

function subscribe(channel: IpcChannel, options: Options, untilDead: boolean): void {
  let next = 0;
  let bytes = 0;
  const onMessage = (data: Uint8Array, msgTypeId: number) => {
    if (msgTypeId !== next) fail(next, "a message arrived out of order, twice, or was lost");
    if (!matches(next, data, 0, data.length)) fail(next, "a payload differs from what was published");
    next++;
    bytes += data.length;
  };
  const onFragment = (f: { bytes: Uint8Array; offset: number; length: number; msgTypeId: number }) => {
    if (f.msgTypeId !== next) fail(next, "a message arrived out of order, twice, or was lost");
    if (!matches(next, f.bytes, f.offset, f.length)) fail(next, "a payload differs from what was published");
    next++;
    bytes += f.length;
  };
  const limit = options.slow ? 4 : 256;
  let progressPrinted = false;
  let emptyPolls = 0;
  let publisherDead = false;
  while (untilDead || next < options.count) {
    const received = options.fragments
      ? channel.pollFragments(onFragment, limit)
      : channel.poll(onMessage, limit);
    if (!progressPrinted && next >= options.progressAt) {
      console.log(`progress ${next}`);
      progressPrinted = true;
    }
    if (options.slow) sleepMs(0.05);
    if (received > 0) {
      emptyPolls = 0;
      continue;
    }
    emptyPolls++;
    // A dead publisher can commit nothing more: one last poll drains what it committed.
    if (untilDead && emptyPolls % 1024 === 0 && channel.peerState("publisher") === "dead") {
      channel.poll(onMessage, 2 ** 31);
      publisherDead = true;
      break;
    }
  }
  let peerError = "none";
  try {
    channel.ensurePeerAlive("publisher");
  } catch (error) {
    peerError = (error as ZigBoltError).code;
  }
  console.log(JSON.stringify({ role: "subscriber", received: next, bytes, publisherDead, peerError }));
}

/** Holds a role until stdin closes or the process is killed (for liveness tests). */
async function hold(options: Options): Promise<void> {
  const role = options.argument;
  const channel = role === "creator"
    ? IpcChannel.create({ name: options.name, termLength: 4096 })
    : await openChannel(options.name);
  if (role === "publisher") channel.publish(new Uint8Array([1]), 0);
  if (role === "subscriber") channel.poll(() => {});
  console.log(JSON.stringify({ role, holding: true, pid: process.pid }));
  await new Promise((resolve) => process.stdin.on("close", resolve).resume());
  channel.close();
}

const options = parse(process.argv.slice(2));
if (options.mode === "hold") {
  await hold(options);
} else {
  const channel = await openChannel(options.name);
  if (options.mode === "publish") publish(channel, options.count);
  else if (options.mode === "subscribe") subscribe(channel, options, false);
  else if (options.mode === "subscribe-until-dead") subscribe(channel, options, true);
  else throw new Error(`unknown mode ${options.mode}`);
  channel.close();
}
