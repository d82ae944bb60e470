/**
 * Versions of the binding and of the loaded library.
 * @module
 */
import { native } from "./_native.ts";

/** The version of this TypeScript package. */
export const bindingVersion = "0.2.1";

/** A semantic version. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/**
 * The ABI level of the loaded libzigbolt (0.2.1 for this release).
 *
 * @example
 * ```ts
 * const { major, minor, patch } = libraryVersion();
 * ```
 */
export function libraryVersion(): Version {
  const { symbols } = native();
  return {
    major: symbols.zigbolt_version_major(),
    minor: symbols.zigbolt_version_minor(),
    patch: symbols.zigbolt_version_patch(),
  };
}
