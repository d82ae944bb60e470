/**
 * The baseline: the same ping-pong over a Unix-domain socket with node:net, which is what
 * TypeScript programs use between processes today. Runs under Bun and Deno.
 *
 *   bun bench/unix_socket_peer.ts server --path P --size B
 *   bun bench/unix_socket_peer.ts client --path P --size B --warmup K --count K
 *
 * The client times each round trip (t1 - t0 with the same monotonicNs as the shared-memory
 * benchmark) and prints one JSON line; the server echoes every frame and exits when the
 * client disconnects.
 * @module
 */
import net from "node:net";
import fs from "node:fs";
import process from "node:process";
import { Buffer } from "node:buffer";
import { monotonicNs } from "../mod.ts";
import { detectRuntime } from "../lib/_runtime.ts";
import { type Args, numberFlag, parseArgs, stringFlag } from "./_args.ts";
import { FrameAssembler } from "./_frames.ts";
import { peerTimeoutMs } from "./_protocol.ts";
import { summarize } from "./_stats.ts";

function serve(path: string, size: number): Promise<object> {
  fs.rmSync(path, { force: true });
  return new Promise((resolve, reject) => {
    let echoes = 0;
    const server = net.createServer((socket) => {
      // Echo a copy: the frame buffer is reused as soon as we return.
      const frames = new FrameAssembler(size, (frame) => {
        socket.write(Buffer.from(frame));
        echoes++;
      });
      socket.on("data", (chunk: Buffer) => frames.push(chunk));
      socket.on("error", reject);
      socket.on(
        "close",
        () => server.close(() => resolve({ mode: "server", runtime: detectRuntime(), echoes })),
      );
    });
    server.on("error", reject);
    server.listen(path);
  });
}

async function client(path: string, size: number, warmup: number, count: number): Promise<object> {
  const socket = await connectRetrying(path);
  const samples = new Float64Array(count).fill(0);
  const message = Buffer.alloc(size, 0xa5);
  let seq = 0;
  let t0 = 0;
  const send = () => {
    message.writeUInt32LE(seq, 0);
    t0 = monotonicNs();
    socket.write(message);
  };
  await new Promise<void>((resolve, reject) => {
    const frames = new FrameAssembler(size, (frame) => {
      const t1 = monotonicNs();
      const echoed = frame[0] | frame[1] << 8 | frame[2] << 16 | frame[3] << 24;
      if (echoed !== seq) return reject(new Error(`Echo of seq ${echoed}, expected ${seq}`));
      if (seq >= warmup) samples[seq - warmup] = t1 - t0;
      if (++seq < warmup + count) send();
      else resolve();
    });
    socket.on("data", (chunk: Buffer) => frames.push(chunk));
    socket.on("error", reject);
    send();
  });
  socket.end();
  return { mode: "client", runtime: detectRuntime(), size, warmup, count, rttNs: summarize(samples) };
}

/** The driver starts the server and the client together: retry until it listens. */
async function connectRetrying(path: string): Promise<net.Socket> {
  const deadline = Date.now() + peerTimeoutMs;
  for (;;) {
    try {
      return await connect(path);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function connect(path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(path);
    socket.once("connect", () => (socket.off("error", reject), resolve(socket)));
    socket.once("error", reject);
  });
}

async function main(args: Args): Promise<object> {
  const path = stringFlag(args, "path");
  const size = numberFlag(args, "size", 64);
  if (args.mode === "server") return await serve(path, size);
  if (args.mode === "client") {
    return await client(path, size, numberFlag(args, "warmup", 20_000), numberFlag(args, "count", 200_000));
  }
  throw new Error(`Unknown mode "${args.mode}": use server or client`);
}

try {
  console.log(JSON.stringify(await main(parseArgs(process.argv.slice(2)))));
} catch (error) {
  console.error(`unix_socket_peer ${process.argv.slice(2).join(" ")}: ${(error as Error).stack ?? error}`);
  process.exit(1);
}
