/**
 * Writes one counter while another process reads it (tests/counters.test.ts):
 *   counter_writer.ts <counters-file> <count> atomic|ordered
 * Allocates a counter, prints "id <n>", waits for "go" on stdin, counts to <count> and
 * prints one JSON line. The counter is left allocated for the reader.
 * @module
 */
import { CountersFile } from "../../mod.ts";

const [fileName, countText, mode] = process.argv.slice(2);
const count = Number(countText);
const file = CountersFile.open({ name: fileName });
const counter = file.allocate(1000, `counter writer ${process.pid} ${mode}`);
console.log(`id ${counter.id}`);
await new Promise((resolve) => process.stdin.once("data", resolve));
for (let i = 0; i < count; i++) {
  if (mode === "atomic") counter.increment();
  else counter.incrementOrdered();
}
console.log(JSON.stringify({ id: counter.id, final: counter.get() }));
process.exit(0);
