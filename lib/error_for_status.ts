/**
 * Turning a status from a hot path (`tryPublish`) into the error `publish` would throw.
 * @module
 */
import { statusError } from "./_native.ts";
import type { ZigBoltError } from "./errors.ts";

/**
 * The typed error for a status, with the library's explanation after `context`.
 *
 * @example
 * ```ts
 * const status = channel.tryPublish(order, 2);
 * if (status !== Status.Ok && status !== Status.BackPressure) throw errorForStatus(status, "Cannot send the order");
 * ```
 */
export function errorForStatus(status: number, context = "ZigBolt"): ZigBoltError {
  return statusError(status, context);
}
