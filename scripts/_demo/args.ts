/**
 * Arguments of the demo's processes: `key=value` words, the same form the Zig feed takes.
 * @module
 */
import process from "node:process";

/** The value of a `key=value` argument; throws if it is missing. */
export function argument(key: string): string {
  const prefix = `${key}=`;
  const found = process.argv.slice(2).find((arg) => arg.startsWith(prefix));
  if (found === undefined) throw new Error(`Missing argument ${prefix}...`);
  return found.slice(prefix.length);
}
