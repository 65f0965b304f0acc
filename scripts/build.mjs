// Builds what is stale: the server (tsc) and the web app (vite). `npm start` runs it first,
// so a fresh checkout starts with one command and a second start skips the work.
import fs from "node:fs";
import path from "node:path";
import { newestMtime, ROOT, run } from "./lib.mjs";

const TARGETS = [
  {
    name: "server",
    inputs: ["server/src", "server/tsconfig.json", "server/tsconfig.build.json", "server/package.json"],
    stamp: "server/dist/.built",
    command: [process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "server/tsconfig.build.json"]],
  },
  {
    name: "web",
    inputs: ["web/src", "web/index.html", "web/vite.config.ts", "web/package.json"],
    stamp: "web/dist/.built",
    command: [process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: path.join(ROOT, "web") }],
  },
];

export async function buildStale({ force = false } = {}) {
  for (const target of TARGETS) {
    const stamp = path.join(ROOT, target.stamp);
    const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
    if (!force && built >= newestMtime(target.inputs.map((input) => path.join(ROOT, input)))) continue;
    process.stdout.write(`building ${target.name}...\n`);
    const code = await run(...target.command);
    if (code !== 0) throw new Error(`building ${target.name} failed (exit ${code})`);
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, new Date().toISOString());
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildStale({ force: process.argv.includes("--force") }).catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
