/**
 * Spawning Zig, Bun and Deno peer processes from a test, under either runner.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";

export type PeerRuntime = "zig" | "bun" | "deno";
export const peerRuntimes: readonly PeerRuntime[] = ["zig", "bun", "deno"];

export const root = decodeURIComponent(new URL("..", import.meta.url).pathname).replace(/\/$/, "");
export const bunPath = process.env.BUN ?? `${root}/node_modules/.bin/bun`;
export const denoPath = process.env.DENO ?? `${root}/node_modules/.bin/deno`;
const peerScript = `${root}/tests/peers/ipc_peer.ts`;

/** argv for running the test peer in `runtime`. */
export function peerCommand(runtime: PeerRuntime, args: string[]): string[] {
  switch (runtime) {
    case "zig":
      return [`${root}/native/zig-out/bin/zigbolt-peer`, ...args];
    case "bun":
      return [bunPath, peerScript, ...args];
    case "deno":
      return [denoPath, "run", "-A", peerScript, ...args];
  }
}

export interface Exit {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** A running child process whose output we collect. */
export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  #stdout = "";
  #stderr = "";
  #waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];

  constructor(argv: string[], env: Record<string, string | undefined> = {}) {
    this.process = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.process.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stdout += chunk;
      this.#wake();
    });
    this.process.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.#stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.process.on("close", (code, signal) => {
        resolve({ code, signal, stdout: this.#stdout, stderr: this.#stderr });
        this.#wake();
      });
    });
  }

  /** Resolves with the first stdout line matching `pattern` (or rejects if the child exits). */
  line(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, resolve });
      this.#wake();
      this.exited.then((exit) => reject(new Error(`exited before printing ${pattern}: ${describe(exit)}`)));
    });
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.process.kill(signal);
  }

  #wake(): void {
    const lines = this.#stdout.split("\n");
    this.#waiters = this.#waiters.filter((waiter) => {
      const line = lines.find((l) => waiter.pattern.test(l));
      if (line !== undefined) waiter.resolve(line);
      return line === undefined;
    });
  }
}

export function startPeer(runtime: PeerRuntime, args: string[]): Child {
  return new Child(peerCommand(runtime, args));
}

/** The JSON result line a peer prints last; throws with its output if it failed. */
export function resultOf(exit: Exit): Record<string, unknown> {
  if (exit.code !== 0) throw new Error(`peer failed: ${describe(exit)}`);
  const line = exit.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (line === undefined) throw new Error(`peer printed no result: ${describe(exit)}`);
  return JSON.parse(line);
}

export function describe(exit: Exit): string {
  return `code ${exit.code} signal ${exit.signal}\nstdout: ${exit.stdout.slice(-2000)}\nstderr: ${
    exit.stderr.slice(-2000)
  }`;
}
