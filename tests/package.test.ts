/**
 * The package as users receive it: JSR can publish it (no slow types, a license), and the
 * code passes deno lint.
 */
import assert from "node:assert/strict";
import { test } from "./_harness.ts";
import { Child, denoPath } from "./_processes.ts";

test("deno publish --dry-run accepts the package", async () => {
  const exit = await new Child([denoPath, "publish", "--dry-run", "--allow-dirty"], { NO_COLOR: "1" }).exited;
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(exit.stdout + exit.stderr, /Success Dry run complete/);
});

test("deno lint finds nothing", async () => {
  const exit = await new Child([denoPath, "lint"], { NO_COLOR: "1" }).exited;
  assert.equal(exit.code, 0, exit.stdout + exit.stderr);
});
