/**
 * Channel names unique to this run, so concurrent runs (and leftovers) never collide.
 * @module
 */
import process from "node:process";

let next = 0;

/** e.g. "/zbbench-4242-3-ping" */
export function channelName(label: string): string {
  return `/zbbench-${process.pid}-${next++}-${label}`;
}
