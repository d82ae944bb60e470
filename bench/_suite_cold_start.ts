/**
 * Cold start, timed by hyperfine: a process that opens a channel, publishes one message and
 * exits, in Zig, Bun and Deno; beside it, an empty program per runtime (start-up alone).
 * The driver creates and holds the channel and drains it while hyperfine runs, then checks
 * that every run's message arrived. Each program gets its own hyperfine run after waiting
 * for a quiet machine; the median resists the odd run another process slowed down.
 * @module
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { IpcChannel } from "../mod.ts";
import type { BenchConfig } from "./_config.ts";
import { channelName } from "./_channel_names.ts";
import { type SuiteContext, waitForQuiet } from "./_quiet.ts";
import { emptyCommand, ipcPeerCommand, type Runtime, runtimeLabel } from "./_runtimes.ts";
import { runForOutput } from "./_spawn.ts";

export interface ColdStartRow {
  program: string;
  runtime: Runtime;
  publishes: boolean;
  command: string;
  /** Seconds, from hyperfine. */
  median: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  runs: number;
  /** Busy share of the CPUs when its hyperfine run started (see _quiet.ts). */
  busyBefore: number;
}

export interface ColdStartResult {
  rows: ColdStartRow[];
  /** Messages the draining subscriber received, and how many the runs should have sent. */
  messagesReceived: number;
  messagesExpected: number;
  error?: string;
}

interface Program {
  program: string;
  runtime: Runtime;
  publishes: boolean;
  command: string[];
}

type Config = BenchConfig["coldStart"];

const runtimes: readonly Runtime[] = ["zig", "bun", "deno"];
const hyperfineTimeoutMs = 300_000;

export async function runColdStart(config: Config, context: SuiteContext): Promise<ColdStartResult> {
  const { log } = context;
  using channel = IpcChannel.create({ name: channelName("cold"), termLength: config.termLength });
  let received = 0;
  const drain = () => received += channel.pollFragments(() => {}, 4096);
  drain(); // claims the subscriber role before the first run
  const timer = setInterval(drain, 2);
  try {
    const programs = runtimes.flatMap((runtime) => programsOf(runtime, channel.name, config));
    const rows: ColdStartRow[] = [];
    for (const program of programs) {
      log(`cold start: ${program.program} (hyperfine, ${config.runs} runs)`);
      const busyBefore = await waitForQuiet(log);
      rows.push({ ...program, ...await hyperfine(program.command, config), busyBefore });
    }
    drain();
    const expected = programs.filter((p) => p.publishes).length * (config.runs + config.warmupRuns);
    const error = received === expected ? undefined : `received ${received} messages, expected ${expected}`;
    return { rows, messagesReceived: received, messagesExpected: expected, error };
  } finally {
    clearInterval(timer);
  }
}

function programsOf(runtime: Runtime, channel: string, config: Config): Program[] {
  const label = runtimeLabel[runtime];
  return [
    {
      program: `${label} open+publish+exit`,
      runtime,
      publishes: true,
      command: ipcPeerCommand(runtime, "cold", { channel, size: config.size }),
    },
    { program: `${label} empty program`, runtime, publishes: false, command: emptyCommand(runtime) },
  ];
}

interface HyperfineJson {
  results: { mean: number; stddev: number; median: number; min: number; max: number; times: number[] }[];
}

async function hyperfine(command: string[], config: Config) {
  const exportPath = path.join(os.tmpdir(), `zigbolt-bench-hyperfine-${process.pid}.json`);
  const commandLine = command.map(shellWord).join(" ");
  try {
    // -N: no intermediate shell, so nothing but the program is timed.
    await runForOutput([
      "hyperfine",
      "-N",
      "--style",
      "none",
      "--warmup",
      String(config.warmupRuns),
      "--runs",
      String(config.runs),
      "--export-json",
      exportPath,
      commandLine,
    ], hyperfineTimeoutMs);
    const json = JSON.parse(fs.readFileSync(exportPath, "utf8")) as HyperfineJson;
    const { mean, stddev, median, min, max, times } = json.results[0];
    return { command: commandLine, median, mean, stddev, min, max, runs: times.length };
  } finally {
    fs.rmSync(exportPath, { force: true });
  }
}

/** hyperfine -N splits commands like a shell: quote words that need it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
