/**
 * One side of an IPC benchmark pair, in TypeScript, for Bun and Deno alike. The driver
 * (bench/run.ts) starts it; native/tools/bench_ipc.zig is the Zig twin with the same modes,
 * flags and output: one JSON line on stdout.
 *
 *   bun bench/ipc_peer.ts ping      --ping-channel N --pong-channel N --size B --warmup K --count K
 *                                   [--calibrate 0]  (skip the clock and empty-poll costs)
 *   bun bench/ipc_peer.ts pong      --ping-channel N --pong-channel N
 *   bun bench/ipc_peer.ts publish   --channel N --size B --seconds S --warmup-seconds S
 *   bun bench/ipc_peer.ts subscribe --channel N --limit L
 *   bun bench/ipc_peer.ts cold      --channel N --size B    (open, publish one message, exit)
 *   bun bench/ipc_peer.ts costs     --channel N --sizes 32,64 --messages K  (per-call costs)
 *   deno run -A bench/ipc_peer.ts ...                       (the same under Deno)
 *
 * Each mode's code is imported only when used, so `cold` loads no more than mod.ts needs.
 * @module
 */
import process from "node:process";
import { type Args, numberFlag, parseArgs, stringFlag } from "./_args.ts";

async function main(args: Args): Promise<object | undefined> {
  switch (args.mode) {
    case "ping": {
      const { ping } = await import("./_ping_pong.ts");
      return await ping({
        pingChannel: stringFlag(args, "ping-channel"),
        pongChannel: stringFlag(args, "pong-channel"),
        size: numberFlag(args, "size", 32),
        warmup: numberFlag(args, "warmup", 200_000),
        count: numberFlag(args, "count", 1_000_000),
        calibrate: numberFlag(args, "calibrate", 1) !== 0,
      });
    }
    case "pong": {
      const { pong } = await import("./_ping_pong.ts");
      return await pong({
        pingChannel: stringFlag(args, "ping-channel"),
        pongChannel: stringFlag(args, "pong-channel"),
      });
    }
    case "publish": {
      const { publish } = await import("./_throughput.ts");
      return await publish({
        channel: stringFlag(args, "channel"),
        size: numberFlag(args, "size"),
        seconds: numberFlag(args, "seconds", 1.5),
        warmupSeconds: numberFlag(args, "warmup-seconds", 0.3),
      });
    }
    case "subscribe": {
      const { subscribe } = await import("./_throughput.ts");
      return await subscribe({ channel: stringFlag(args, "channel"), limit: numberFlag(args, "limit", 256) });
    }
    case "costs": {
      const { costs } = await import("./_costs.ts");
      return await costs({
        channel: stringFlag(args, "channel"),
        sizes: stringFlag(args, "sizes").split(",").map(Number),
        messages: numberFlag(args, "messages", 100_000),
      });
    }
    case "cold": {
      const { publishOnce } = await import("./_cold.ts");
      publishOnce(stringFlag(args, "channel"), numberFlag(args, "size", 32));
      return undefined;
    }
    default:
      throw new Error(`Unknown mode "${args.mode}": use ping, pong, publish, subscribe, costs or cold`);
  }
}

try {
  const result = await main(parseArgs(process.argv.slice(2)));
  if (result !== undefined) console.log(JSON.stringify(result));
} catch (error) {
  console.error(`ipc_peer ${process.argv.slice(2).join(" ")}: ${(error as Error).stack ?? error}`);
  process.exit(1);
}
