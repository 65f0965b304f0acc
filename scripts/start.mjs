// `npm start`: build what is stale, then run the server, which migrates and seeds its database
// (embedded PGlite in .data/ unless DATABASE_URL is set) and serves the web app at /.
import { spawn } from "node:child_process";
import path from "node:path";
import { buildStale } from "./build.mjs";
import { forwardSignals, ROOT } from "./lib.mjs";

try {
  await buildStale();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const server = spawn(process.execPath, [path.join(ROOT, "server/dist/main.js")], { stdio: "inherit", cwd: ROOT });
forwardSignals([server]);
server.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
