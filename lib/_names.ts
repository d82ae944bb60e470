/**
 * Names of channels and structures as the C ABI takes them.
 * @module
 */
import { InvalidNameError } from "./errors.ts";

/** A NUL-terminated UTF-8 copy of `text`, for `const char*` parameters. */
export function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

/** `name` if it is a string the C ABI can take; the library checks the rest ("/" + 1..254 bytes). */
export function checkedName(name: unknown, what = "channel"): string {
  if (typeof name !== "string" || name.includes("\0")) {
    throw new InvalidNameError(`Invalid ${what} name ${JSON.stringify(name)}: use "/" then 1..254 bytes`);
  }
  return name;
}
