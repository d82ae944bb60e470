/**
 * Plain-text tables: the first column left-aligned, the others right-aligned.
 * @module
 */

export function renderTable(
  title: string,
  headers: string[],
  rows: string[][],
  notes: string[] = [],
): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))
      .join("  ").trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [title, "", line(headers), rule, ...rows.map(line), ...(notes.length ? ["", ...notes] : []), ""]
    .join("\n");
}

/** 1234567 -> "1,234,567" */
export function grouped(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? "-" : value.toFixed(digits);
}
