/**
 * Command lines of the benchmark programs: `<mode> --key value ...`.
 * @module
 */

export interface Args {
  readonly mode: string;
  readonly flags: ReadonlyMap<string, string>;
}

/** Parses `argv` without the runtime and script, e.g. `["ping", "--size", "32"]`. */
export function parseArgs(argv: readonly string[]): Args {
  const [mode = "", ...rest] = argv;
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i];
    const value = rest[i + 1];
    if (!key.startsWith("--") || value === undefined) {
      throw new Error(`Bad arguments near "${key}": expected --key value pairs after the mode`);
    }
    flags.set(key.slice(2), value);
  }
  return { mode, flags };
}

export function stringFlag(args: Args, key: string, fallback?: string): string {
  const value = args.flags.get(key) ?? fallback;
  if (value === undefined) throw new Error(`Missing --${key} for mode "${args.mode}"`);
  return value;
}

export function numberFlag(args: Args, key: string, fallback?: number): number {
  const text = args.flags.get(key);
  if (text === undefined && fallback !== undefined) return fallback;
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value)) {
    throw new Error(`--${key} needs a number for mode "${args.mode}" (got ${text})`);
  }
  return value;
}
