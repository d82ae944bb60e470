/**
 * Runs benchmark programs as child processes and collects the one JSON line each prints.
 * The programs of a pair run at the same time; pairs run one after another (2 cores).
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";

/** Starts every command, waits for all; if one fails or time runs out, kills the rest. */
export async function runTogether(commands: readonly string[][], timeoutMs: number): Promise<unknown[]> {
  const children = commands.map((command) => start(command));
  const timer = setTimeout(() => {
    for (const child of children) child.process.kill("SIGKILL");
  }, timeoutMs);
  try {
    return await Promise.all(children.map((child) => child.result));
  } catch (error) {
    for (const child of children) child.process.kill("SIGKILL");
    await Promise.allSettled(children.map((child) => child.result));
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

interface Started {
  process: ChildProcess;
  result: Promise<unknown>;
}

function start(command: readonly string[]): Started {
  const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => stdout += chunk);
  const result = new Promise<unknown>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const what = `${command.map(shortPath).join(" ")}`;
      if (code !== 0) return reject(new Error(`${what} failed (${signal ?? `exit code ${code}`})`));
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`${what} printed no JSON result: ${JSON.stringify(stdout)}`));
      }
    });
  });
  return { process: child, result };
}

/** Runs one command to completion and returns its stdout (for versions and hyperfine). */
export function runForOutput(command: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    let stdout = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => stdout += chunk);
    child.on("error", (error) => (clearTimeout(timer), reject(error)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command.map(shortPath).join(" ")} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

function shortPath(part: string): string {
  return part.includes("/") ? part.slice(part.lastIndexOf("/") + 1) : part;
}
