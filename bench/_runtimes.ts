/**
 * How the driver starts a benchmark program in each runtime. The tool paths come from
 * scripts/_bootstrap.sh ($ZIGBOLT_ROOT, $BUN, $DENO, $ZIG); without it, from PATH.
 * @module
 */
import process from "node:process";

export type Runtime = "zig" | "bun" | "deno";

export const runtimeLabel: Record<Runtime, string> = { zig: "Zig", bun: "Bun", deno: "Deno" };

/** The repository root (bench/..). */
export const root = process.env.ZIGBOLT_ROOT ?? decodeURIComponent(new URL("..", import.meta.url).pathname);

export const tools = {
  bun: process.env.BUN ?? "bun",
  deno: process.env.DENO ?? "deno",
  zig: process.env.ZIG ?? "zig",
  benchBinary: `${root}/native/zig-out/bin/zigbolt-bench`,
  ipcPeer: `${root}/bench/ipc_peer.ts`,
  unixSocketPeer: `${root}/bench/unix_socket_peer.ts`,
  empty: `${root}/bench/empty.ts`,
};

export type Flags = Record<string, string | number>;

/** The command line of bench/ipc_peer.ts (Bun, Deno) or zigbolt-bench (Zig) in `mode`. */
export function ipcPeerCommand(runtime: Runtime, mode: string, flags: Flags): string[] {
  const args = [mode, ...flagList(flags)];
  if (runtime === "zig") return [tools.benchBinary, ...args];
  return [...scriptCommand(runtime, tools.ipcPeer), ...args];
}

/** The command line of bench/unix_socket_peer.ts in `mode`. */
export function unixSocketPeerCommand(runtime: "bun" | "deno", mode: string, flags: Flags): string[] {
  return [...scriptCommand(runtime, tools.unixSocketPeer), mode, ...flagList(flags)];
}

/** A program that does nothing: the runtime's own start-up cost. */
export function emptyCommand(runtime: Runtime): string[] {
  if (runtime === "zig") return [tools.benchBinary, "noop"];
  return scriptCommand(runtime, tools.empty);
}

function scriptCommand(runtime: "bun" | "deno", script: string): string[] {
  return runtime === "bun" ? [tools.bun, script] : [tools.deno, "run", "-A", script];
}

function flagList(flags: Flags): string[] {
  return Object.entries(flags).flatMap(([key, value]) => [`--${key}`, String(value)]);
}
