/**
 * The codec benchmark driver (to be run by scripts/bench, under Bun): runs every rate
 * program one after another, each alone on the machine, prints the tables and the targets,
 * and writes every row with the machine description to bench/results/codecs.json and the
 * printed tables to bench/results/codecs.md.
 *
 *   bun bench/codecs.ts [--quick]
 *
 * Rate programs (each prints CodecRow JSON lines, bench/codecs/_rows.ts):
 * - zigbolt-wire-rates (native/tools/wire_rates.zig): the Zig wire codec and Aeron flyweights;
 * - zigbolt-sbe-bench (native/tools/sbe_bench.zig): the Zig SBE codec and the FIX message set;
 * - bench/codecs/_wire_rates.ts under Bun and under Deno: the TypeScript wire codec and
 *   Aeron flyweights, with JSON and msgpackr for the same content;
 * - bench/codecs/_sbe_rates.ts under Bun and under Deno (SBE and the FIX message set).
 * --quick is a smoke run: short runs, and nothing is written to bench/results/.
 * Exits non-zero if a program failed (a missed target is a result, not a failure).
 * @module
 */
import path from "node:path";
import process from "node:process";
import type { CodecRow, CodecRuntime } from "./codecs/_rows.ts";
import { describeMachine, type MachineInfo } from "./_machine.ts";
import { waitForQuiet } from "./_quiet.ts";
import { root } from "./_runtimes.ts";
import { runForOutput } from "./_spawn.ts";
import { renderTable } from "./_table.ts";
import { writeJson, writeTables } from "./_results.ts";

const programTimeoutMs = 15 * 60_000;
const runtimes: readonly CodecRuntime[] = ["zig", "bun", "deno"];
const runtimeLabel: Record<CodecRuntime, string> = { zig: "Zig", bun: "Bun", deno: "Deno" };

interface Program {
  readonly label: string;
  readonly command: string[];
}

/** Bun and Deno from scripts/_bootstrap.sh ($BUN, $DENO), else this checkout's node_modules. */
const bun = process.env.BUN ?? `${root}/node_modules/.bin/bun`;
const deno = process.env.DENO ?? `${root}/node_modules/.bin/deno`;

function programs(quick: boolean): Program[] {
  const flag = quick ? ["--quick"] : [];
  const scripts = [`${root}/bench/codecs/_wire_rates.ts`, `${root}/bench/codecs/_sbe_rates.ts`];
  const list: Program[] = [
    { label: "zigbolt-wire-rates", command: [`${root}/native/zig-out/bin/zigbolt-wire-rates`, ...flag] },
    { label: "zigbolt-sbe-bench", command: [`${root}/native/zig-out/bin/zigbolt-sbe-bench`, ...flag] },
  ];
  for (const script of scripts) {
    const name = path.basename(script);
    list.push({ label: `${name} (Bun)`, command: [bun, script, ...flag] });
    list.push({ label: `${name} (Deno)`, command: [deno, "run", "-A", script, ...flag] });
  }
  return list;
}

function log(line: string): void {
  console.error(`[bench codecs] ${line}`);
}

function parseRows(output: string, label: string): CodecRow[] {
  const rows: CodecRow[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    const row = JSON.parse(line) as CodecRow;
    if (typeof row.perSecond !== "number" || !runtimes.includes(row.runtime)) {
      throw new Error(`${label} printed a row that is not a CodecRow: ${line}`);
    }
    rows.push(row);
  }
  if (rows.length === 0) throw new Error(`${label} printed no rows`);
  return rows;
}

// ---- tables ----

function millions(value: number | undefined): string {
  return value === undefined ? "-" : (value / 1e6).toFixed(value >= 1e8 ? 0 : 1);
}

function find(rows: CodecRow[], codec: string, message: string, operation: string, runtime: CodecRuntime) {
  return rows.find((r) =>
    r.codec === codec && r.message === message && r.operation === operation && r.runtime === runtime
  );
}

/** One table per message: a line per codec and operation, a column per runtime. */
function messageTables(rows: CodecRow[]): string[] {
  const messages = [...new Set(rows.map((r) => r.message))];
  return messages.map((message) => {
    const ofMessage = rows.filter((r) => r.message === message);
    const lines = [...new Set(ofMessage.map((r) => `${r.codec}\u0000${r.operation}`))];
    const body = lines.map((key) => {
      const [codec, operation] = key.split("\u0000");
      const cells = runtimes.map((runtime) =>
        millions(find(ofMessage, codec, message, operation, runtime)?.perSecond)
      );
      const deno = find(ofMessage, codec, message, operation, "deno");
      const any = ofMessage.find((r) => r.codec === codec && r.operation === operation)!;
      return [
        `${codec} ${operation}`,
        ...cells,
        deno?.heapBytesPerOp === undefined ? "-" : deno.heapBytesPerOp.toFixed(1),
        String(any.encodedBytes),
      ];
    });
    return renderTable(
      `${message}: millions of operations per second (median of the runs)`,
      ["codec operation", ...runtimes.map((r) => runtimeLabel[r]), "Deno B/op", "bytes"],
      body,
      [
        "'Deno B/op': bytes V8 allocated per operation (total_allocated_bytes); an empty loop reads 0-4,",
        "one allocation per operation at least 16. Bun: JavaScriptCore exposes no allocation counter.",
        "json = JSON.stringify + TextEncoder.encodeInto / TextDecoder + JSON.parse; msgpackr = pack / unpack.",
      ],
    );
  });
}

// ---- targets ----

export interface CodecTarget {
  readonly target: string;
  /** The measured value (a rate, a ratio or bytes); null when a number it needs is missing. */
  readonly value: number | null;
  readonly limit: number;
  readonly direction: "at least" | "at most";
  /** null: not measurable here (e.g. allocation in Bun). */
  readonly pass: boolean | null;
  readonly detail: string;
}

function atLeast(target: string, value: number | undefined, limit: number, detail: string): CodecTarget {
  return value === undefined
    ? { target, value: null, limit, direction: "at least", pass: false, detail: `${detail}: not measured` }
    : { target, value, limit, direction: "at least", pass: value >= limit, detail };
}

function checkTargets(rows: CodecRow[]): CodecTarget[] {
  const targets: CodecTarget[] = [];
  const rate = (codec: string, message: string, operation: string, runtime: CodecRuntime) =>
    find(rows, codec, message, operation, runtime)?.perSecond;
  for (const runtime of ["bun", "deno"] as const) {
    for (const operation of ["encode", "decode"]) {
      const value = rate("wire", "TickMessage", operation, runtime);
      targets.push(atLeast(
        `${runtimeLabel[runtime]} TickMessage ${operation} >= 20 million/s`,
        value === undefined ? undefined : value / 1e6,
        20,
        `${millions(value)} M/s`,
      ));
    }
  }
  for (const runtime of ["bun", "deno"] as const) {
    for (const operation of ["encode", "decode"]) {
      const wire = rate("wire", "TickMessage", operation, runtime);
      const msgpackr = rate("msgpackr", "TickMessage", operation, runtime);
      targets.push(atLeast(
        `${runtimeLabel[runtime]} TickMessage ${operation} >= 10x msgpackr`,
        wire === undefined || msgpackr === undefined ? undefined : wire / msgpackr,
        10,
        `wire ${millions(wire)} M/s, msgpackr ${millions(msgpackr)} M/s`,
      ));
    }
  }
  for (const operation of ["encode", "decode"]) {
    const row = find(rows, "wire", "TickMessage", operation, "deno");
    const bytes = row?.heapBytesPerOp;
    targets.push(
      bytes === undefined
        ? {
          target: `Deno TickMessage ${operation}: no allocation per message`,
          value: null,
          limit: 8,
          direction: "at most",
          pass: false,
          detail: "not measured",
        }
        : {
          target: `Deno TickMessage ${operation}: no allocation per message`,
          value: bytes,
          limit: 8,
          direction: "at most",
          pass: bytes < 8,
          detail: `${bytes.toFixed(1)} bytes allocated per message (one allocation is >= 16)`,
        },
    );
    targets.push({
      target: `Bun TickMessage ${operation}: no allocation per message`,
      value: null,
      limit: 8,
      direction: "at most",
      pass: null,
      detail: "not measurable: JavaScriptCore exposes no allocation counter (same code as the Deno row)",
    });
  }
  const sbeRows = rows.filter((r) => r.codec === "sbe" && r.message === "NewOrderSingle");
  if (sbeRows.length > 0) {
    for (const runtime of ["bun", "deno"] as const) {
      const value = rate("sbe", "NewOrderSingle", "encode+decode", runtime);
      targets.push(atLeast(
        `${runtimeLabel[runtime]} NewOrderSingle encode+decode >= 5 million/s`,
        value === undefined ? undefined : value / 1e6,
        5,
        `${millions(value)} M/s`,
      ));
    }
  }
  return targets;
}

function targetsReport(targets: CodecTarget[]): string {
  const lines = targets.map((t) => {
    const verdict = t.pass === null ? "N/A " : t.pass ? "PASS" : "MISS";
    const value = t.value === null ? "n/a" : t.value.toFixed(2);
    return `${verdict}  ${t.target}: ${value} (${t.direction} ${t.limit}; ${t.detail})`;
  });
  return ["Targets (measured in this run)", "", ...lines, ""].join("\n");
}

function machineReport(machine: MachineInfo): string {
  const v = machine.versions;
  return [
    `Machine: ${machine.cpuModel}, ${machine.cpuCount} CPUs, ${machine.memoryGiB} GiB, ${machine.kernel}`,
    `Versions: zig ${v.zig}, bun ${v.bun}, deno ${v.deno}, libzigbolt ${v.libzigbolt}, binding ${v.binding}; ` +
    `git ${machine.git}; ${machine.date}`,
    "Each program runs alone, after the CPUs were quiet; single-threaded, unpinned.",
    "",
  ].join("\n");
}

// ---- main ----

async function main(): Promise<number> {
  const quick = process.argv.includes("--quick");
  for (const arg of process.argv.slice(2)) {
    if (arg !== "--quick") throw new Error(`Unknown argument ${arg}: use --quick`);
  }
  const machine = await describeMachine();
  const rows: CodecRow[] = [];
  const failures: string[] = [];
  for (const program of programs(quick)) {
    await waitForQuiet(log);
    log(`running ${program.label}`);
    try {
      rows.push(...parseRows(await runForOutput(program.command, programTimeoutMs), program.label));
    } catch (error) {
      failures.push(`${program.label}: ${(error as Error).message}`);
      log(`FAILED ${program.label}: ${(error as Error).message}`);
    }
  }
  const targets = checkTargets(rows);
  const tables = [machineReport(machine), ...messageTables(rows), targetsReport(targets)];
  if (failures.length) tables.push(["FAILED programs", "", ...failures, ""].join("\n"));
  for (const table of tables) console.log(table);
  if (!quick) {
    const file = path.join(root, "bench", "results", "codecs.json");
    writeTables(file.replace(/\.json$/, ".md"), "Codec benchmarks", tables);
    writeJson(file, { schema: 1, machine, rows, targets, failures });
    console.log(`Results: ${path.relative(process.cwd(), file)}`);
  }
  return failures.length > 0 ? 1 : 0;
}

if (import.meta.main) process.exitCode = await main();
