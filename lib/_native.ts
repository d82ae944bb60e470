/**
 * Loads libzigbolt once, through the adapter of the runtime we run in.
 *
 * Where the library comes from, in order: ZIGBOLT_LIB_PATH (the file, or a directory
 * holding libzigbolt.so), then this repository's build output native/zig-out/lib.
 * @module
 */
import { AdapterLoadError, type RuntimeAdapter } from "./_adapter.ts";
import { detectRuntime } from "./_runtime.ts";
import { errorFromStatus, LibraryNotLoadedError, type ZigBoltError } from "./errors.ts";

const abiMajor = 0;
const abiMinor = 2;
const libraryFile = "libzigbolt.so";

const adapterModule = detectRuntime() === "bun"
  ? await import("./_bun_adapter.ts")
  : await import("./_deno_adapter.ts");

let loaded: RuntimeAdapter | undefined;

/** The loaded library; throws LibraryNotLoadedError with what to do if it cannot load. */
export function native(): RuntimeAdapter {
  return loaded ??= load();
}

/** The typed error for a status, with the library's own explanation. */
export function statusError(status: number, context: string): ZigBoltError {
  const adapter = native();
  const explanation = adapter.cString(adapter.symbols.zigbolt_status_message(status));
  return errorFromStatus(status, context, explanation);
}

/** The typed error for the status of the last call that returned null. */
export function lastStatusError(context: string): ZigBoltError {
  return statusError(native().symbols.zigbolt_last_status(), context);
}

function load(): RuntimeAdapter {
  const fromEnv = adapterModule.readEnv("ZIGBOLT_LIB_PATH");
  const candidates: string[] = [];
  // An explicit ZIGBOLT_LIB_PATH is the only candidate: never fall back behind the user's back.
  if (fromEnv) candidates.push(fromEnv.endsWith(".so") ? fromEnv : `${fromEnv}/${libraryFile}`);
  const bundled = bundledLibraryPath();
  if (!fromEnv && bundled !== undefined) candidates.push(bundled);

  const failures: string[] = [];
  for (const path of candidates) {
    try {
      return checkedAbi(adapterModule.open(path), path);
    } catch (error) {
      if (!(error instanceof AdapterLoadError)) throw error;
      if (error.permissionMissing) {
        throw new LibraryNotLoadedError(
          `Cannot load ${path}: Deno needs the --allow-ffi flag to load libzigbolt ` +
            `(for example: deno run --allow-ffi ${adapterModule.envPermissionHint} main.ts)`,
        );
      }
      failures.push(`${path}: ${error.message}`);
    }
  }
  const envNote = fromEnv === null
    ? ` ZIGBOLT_LIB_PATH was not read: add ${adapterModule.envPermissionHint}.`
    : "";
  throw new LibraryNotLoadedError(
    `Cannot load ${libraryFile}${failures.length ? ` (tried ${failures.join("; ")})` : ""}. ` +
      `Build it with scripts/test, or with "zig build -Doptimize=ReleaseFast" in native/, ` +
      `or set ZIGBOLT_LIB_PATH to the library file or its directory.${envNote}`,
  );
}

function bundledLibraryPath(): string | undefined {
  const url = new URL(`../native/zig-out/lib/${libraryFile}`, import.meta.url);
  return url.protocol === "file:" ? decodeURIComponent(url.pathname) : undefined;
}

function checkedAbi(adapter: RuntimeAdapter, path: string): RuntimeAdapter {
  const { symbols } = adapter;
  const major = symbols.zigbolt_version_major();
  const minor = symbols.zigbolt_version_minor();
  if (major !== abiMajor || minor !== abiMinor) {
    throw new LibraryNotLoadedError(
      `${path} implements ABI ${major}.${minor}.${symbols.zigbolt_version_patch()}, ` +
        `this binding needs ${abiMajor}.${abiMinor}.x: rebuild libzigbolt from this release`,
    );
  }
  return adapter;
}
