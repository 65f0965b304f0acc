// Writes one benchmark's section into docs/benchmarks.md, between its own markers, so each
// benchmark can be re-run alone without disturbing the others' figures.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../lib.mjs";

const FILE = path.join(ROOT, "docs", "benchmarks.md");
const HEADER = `# Benchmarks

Figures measured on this repository's own machine class by the scripts in \`scripts/bench/\`.
Each section says the command that produced it; \`npm run bench\` re-runs them all. Tests never
assert on time: these numbers live here, next to what they are compared with.
`;

export function percentile(sortedMs, p) {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export function summarize(samplesMs) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) };
}

export const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function writeSection(name, markdown) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  fs.mkdirSync(path.dirname(FILE), { recursive: true });
  let text = fs.existsSync(FILE) ? fs.readFileSync(FILE, "utf8") : HEADER;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const at = text.indexOf(start);
  const until = text.indexOf(end);
  text = at >= 0 && until > at ? text.slice(0, at) + block + text.slice(until + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(FILE, text);
}
