/**
 * Running the demo's three processes as one: start them, show what they print on stderr as
 * it comes (prefixed with their role), keep what they print on stdout, and if one fails,
 * stop the others.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import process from "node:process";
import { createInterface } from "node:readline";

export interface ChildSpec {
  /** Short name, the prefix of its lines: "feed". */
  role: string;
  /** For messages: "feed (Zig)". */
  title: string;
  command: string;
  args: string[];
}

/**
 * Linux lets each sleep overrun by the thread's timer slack, 50 us by default: a 20 us
 * back-off would take 70 us or more. Children inherit our slack across fork and exec
 * (prctl(2)), so lowering ours before starting them sets theirs, Deno's included, which
 * could only write /proc/self with --allow-all. Best effort: elsewhere sleeps are longer.
 */
export function lowerTimerSlackOfChildren(): void {
  try {
    writeFileSync("/proc/self/timerslack_ns", "1");
  } catch {
    // Not Linux, or /proc is not ours: keep the default.
  }
}

/** How a child ended: "exited with code 0" is the only success. */
export interface Exit {
  ok: boolean;
  /** False when it could not even be started. */
  started: boolean;
  /** "exited with code 1", "was killed by SIGKILL", "could not start: ...". */
  how: string;
}

/** One running process of the demo. */
export class Child {
  readonly spec: ChildSpec;
  /** Settles once it has ended and its output is all read. */
  readonly exited: Promise<Exit>;
  readonly #process: ChildProcess;
  #stdout = "";

  constructor(spec: ChildSpec, onLine: (role: string, line: string) => void) {
    this.spec = spec;
    // Colours only where our own output goes to a terminal.
    const env = process.stdout.isTTY ? process.env : { ...process.env, NO_COLOR: "1" };
    this.#process = spawn(spec.command, spec.args, { stdio: ["ignore", "pipe", "pipe"], env });
    this.#process.stdout!.setEncoding("utf8").on("data", (text: string) => this.#stdout += text);
    createInterface({ input: this.#process.stderr! }).on("line", (line) => onLine(spec.role, line));
    this.exited = new Promise((resolve) => {
      this.#process.on(
        "error",
        (error) => resolve({ ok: false, started: false, how: `could not start: ${error.message}` }),
      );
      // "close", not "exit": stdout and stderr have been read to the end.
      this.#process.on("close", (code, signal) => {
        const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
        resolve({ ok: code === 0, started: true, how });
      });
    });
  }

  /** Everything it printed on stdout. */
  get stdout(): string {
    return this.#stdout;
  }

  /** "risk gateway (Deno, pid 123)". */
  get name(): string {
    const pid = this.#process.pid;
    return pid === undefined ? this.spec.title : this.spec.title.replace(")", `, pid ${pid})`);
  }

  /** Asks it to stop, if it is still running. */
  stop(): void {
    if (this.#process.exitCode === null && this.#process.signalCode === null) this.#process.kill("SIGTERM");
  }
}

/** The first child to fail, and how. */
export class ChildFailed extends Error {
  constructor(readonly child: Child, readonly exit: Exit) {
    super(`${child.name} ${exit.how}`);
  }
}

/**
 * Resolves once every child has exited with 0. On the first that does not, stops the rest,
 * waits for them, and rejects with ChildFailed.
 */
export async function superviseAll(children: Child[]): Promise<void> {
  try {
    await Promise.all(children.map(async (child) => {
      const exit = await child.exited;
      if (!exit.ok) throw new ChildFailed(child, exit);
    }));
  } catch (error) {
    stopAll(children);
    await Promise.all(children.map((child) => child.exited));
    throw error;
  }
}

export function stopAll(children: Child[]): void {
  for (const child of children) child.stop();
}
