/**
 * One test API for both runners: `deno test` and `bun test` run the same files.
 * @module
 */
import { detectRuntime } from "../lib/_runtime.ts";

export type TestBody = () => void | Promise<void>;

export const runtime = detectRuntime();

const bunTest = "bun:test";
const register: (name: string, body: TestBody) => void = runtime === "deno"
  ? (name, body) => Deno.test({ name, fn: body, sanitizeOps: false, sanitizeResources: false })
  : ((await import(bunTest)) as { test: (name: string, body: TestBody) => void }).test;

/** Registers a test under the current runner. */
export function test(name: string, body: TestBody): void {
  register(name, body);
}

/** A channel name no other test (or test run) uses. */
export function uniqueName(label: string): string {
  return `/zbt-${label}-${process.pid}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}
