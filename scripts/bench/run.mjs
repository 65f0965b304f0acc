// `npm run bench [name...]`: runs scripts/bench/<name>.bench.mjs (all of them by default).
import fs from "node:fs";
import path from "node:path";
import { ROOT, run } from "../lib.mjs";

const dir = path.join(ROOT, "scripts", "bench");
const all = fs.readdirSync(dir).filter((file) => file.endsWith(".bench.mjs")).map((file) => file.replace(".bench.mjs", ""));
const chosen = process.argv.length > 2 ? process.argv.slice(2) : all;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`unknown benchmark ${name}; have: ${all.join(", ")}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${name} ===`);
  const code = await run(process.execPath, [path.join(dir, `${name}.bench.mjs`)]);
  if (code !== 0) process.exit(code);
}
