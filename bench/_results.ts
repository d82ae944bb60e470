/**
 * Writing bench/results/: JSON and the printed tables, each replaced atomically.
 * @module
 */
import fs from "node:fs";
import path from "node:path";

export function writeJson(file: string, value: unknown): void {
  writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The printed tables, as the last run left them, for readers of the repository. */
export function writeTables(file: string, title: string, tables: string[]): void {
  writeFile(file, `# ${title}: last run\n\n\`\`\`\n${tables.join("\n")}\n\`\`\`\n`);
}

/** Write-then-rename, so a crash never leaves half a results file. */
export function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}
