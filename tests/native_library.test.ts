/**
 * The binding's contract with libzigbolt: the symbol table against zigbolt.h, the status
 * table against the library's, how the library is found, and frames written by another
 * v1 implementation.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { IpcChannel, libraryVersion, monotonicNs, Status, statusName } from "../mod.ts";
import { native } from "../lib/_native.ts";
import { symbolDefinitions } from "../lib/_symbols.ts";
import { runtime, test, uniqueName } from "./_harness.ts";
import { bunPath, Child, denoPath, root } from "./_processes.ts";

const header = fs.readFileSync(`${root}/native/include/zigbolt.h`, "utf8");

/** name -> parameter C types and result C type, from the prototypes in zigbolt.h. */
function prototypes(): Map<string, { args: string[]; returns: string }> {
  const found = new Map<string, { args: string[]; returns: string }>();
  const flat = header.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ");
  for (const match of flat.matchAll(/([\w ]+?\*?) ?(zigbolt_\w+)\(([^;]*?)\);/g)) {
    const params = match[3].trim() === "void" ? [] : splitParams(match[3]);
    found.set(match[2], { returns: match[1].trim(), args: params.map(paramType) });
  }
  return found;
}

function splitParams(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) parts.push(current), current = "";
    else current += ch;
  }
  return [...parts, current];
}

function paramType(param: string): string {
  if (param.includes("(*")) return "function";
  return param.trim().replace(/\s*\b\w+$/, "").replace(/\s+\*/, "*").trim();
}

const cTypes: Record<string, string[]> = {
  u8: ["uint8_t"],
  u32: ["uint32_t"],
  i32: ["int32_t"],
  f64: ["double"],
  void: ["void"],
  handle: ["void*"],
  pointer: ["void*", "const char*"],
  buffer: ["const char*", "const uint8_t*", "uint8_t*"],
};

test("the symbol table matches zigbolt.h", () => {
  const declared = prototypes();
  assert.ok(declared.size >= 27, `found ${declared.size} prototypes`);
  for (const [name, definition] of Object.entries(symbolDefinitions)) {
    const prototype = declared.get("symbol" in definition ? definition.symbol : name);
    assert.ok(prototype, `${name} is declared in zigbolt.h`);
    assert.equal(definition.args.length, prototype.args.length, `${name}: parameter count`);
    // A second declaration may pass a payload's address ("pointer") where C takes bytes.
    const second = "symbol" in definition;
    definition.args.forEach((type, i) => {
      const accepted = second && type === "pointer" ? ["const uint8_t*"] : cTypes[type];
      assert.ok(
        accepted.includes(prototype.args[i]),
        `${name} parameter ${i}: ${type} vs ${prototype.args[i]}`,
      );
    });
    assert.ok(
      cTypes[definition.returns].includes(prototype.returns),
      `${name} result: ${definition.returns} vs ${prototype.returns}`,
    );
  }
});

test("the status table matches the library's, code for code", () => {
  const { symbols, cString } = native();
  for (const [name, code] of Object.entries(Status)) {
    assert.equal(cString(symbols.zigbolt_status_name(code)), name);
    assert.equal(statusName(code), name);
  }
  const lowest = Math.min(...Object.values(Status));
  assert.equal(
    cString(symbols.zigbolt_status_name(lowest - 1)),
    "Unknown",
    "the library has no status we lack",
  );
  for (const [name, code] of Object.entries(Status)) {
    assert.match(
      header,
      new RegExp(`ZIGBOLT_STATUS_${name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()} = ${code}\\b`),
    );
  }
});

test("the library reports ABI 0.2.1 and a monotonic clock shared with native code", () => {
  assert.deepEqual(libraryVersion(), { major: 0, minor: 2, patch: 1 });
  const a = monotonicNs();
  const b = monotonicNs();
  assert.ok(b >= a && a > 0);
});

test("frames written by another v1 publisher, with padding and a zero-length frame, are delivered", () => {
  const name = uniqueName("foreign");
  using _channel = IpcChannel.create({ name, termLength: 4096 });
  using subscriber = IpcChannel.open({ name });
  // Written byte by byte from the spec: "abc" (type 5) at 0, an empty frame (type 6) at 16,
  // padding to the end of term 0 at 24, then "z" (type 7) at the start of term 1.
  const segment = new Uint8Array(4096 + 3 * 4096);
  const view = new DataView(segment.buffer);
  view.setInt32(4096 + 0, 3, true), view.setInt32(4096 + 4, 5, true), segment.set([97, 98, 99], 4096 + 8);
  view.setInt32(4096 + 16, 0, true), view.setInt32(4096 + 20, 6, true);
  view.setInt32(4096 + 24, -(4096 - 24), true);
  view.setInt32(8192 + 0, 1, true), view.setInt32(8192 + 4, 7, true), segment[8192 + 8] = 122;
  const fd = fs.openSync(`/dev/shm${name}`, "r+");
  fs.writeSync(fd, segment, 4096, 3 * 4096, 4096);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setBigUint64(0, 4096n + 16n, true);
  fs.writeSync(fd, tail, 0, 8, 128);
  fs.closeSync(fd);
  const got: string[] = [];
  assert.equal(subscriber.poll((data, type) => got.push(`${type}:${new TextDecoder().decode(data)}`)), 3);
  assert.deepEqual(got, ["5:abc", "6:", "7:z"]);
});

async function runScript(argv: string[], env: Record<string, string> = {}) {
  return await new Child(argv, env).exited;
}

const probe = `${root}/tests/.tmp-probe-${process.pid}.ts`;

function writeProbe(): void {
  fs.writeFileSync(
    probe,
    `import { IpcChannel } from "${root}/mod.ts";\n` +
      `IpcChannel.create({ name: "/zbt-probe-${process.pid}", termLength: 4096 }).close();\nconsole.log("loaded");\n`,
  );
}

test("without --allow-ffi, Deno's error names the flag to add", async () => {
  writeProbe();
  try {
    const exit = await runScript([denoPath, "run", "--allow-read", "--allow-env", probe]);
    assert.notEqual(exit.code, 0);
    assert.match(exit.stderr, /LibraryNotLoadedError.*--allow-ffi/s);
  } finally {
    fs.rmSync(probe, { force: true });
  }
});

test("a missing library names ZIGBOLT_LIB_PATH and what to build; a directory path works", async () => {
  writeProbe();
  try {
    for (const argv of [[bunPath, probe], [denoPath, "run", "-A", probe]]) {
      const missing = await runScript(argv, { ZIGBOLT_LIB_PATH: "/nonexistent/lib" });
      assert.notEqual(missing.code, 0);
      assert.match(
        missing.stderr,
        /Cannot load libzigbolt\.so.*\/nonexistent\/lib\/libzigbolt\.so.*zig build/s,
      );
      const directory = await runScript(argv, { ZIGBOLT_LIB_PATH: `${root}/native/zig-out/lib` });
      assert.equal(directory.code, 0, directory.stderr);
      assert.match(directory.stdout, /loaded/);
    }
  } finally {
    fs.rmSync(probe, { force: true });
  }
});

test(`runs under ${runtime} through its own adapter`, () => {
  assert.equal(native().runtime, runtime);
});
