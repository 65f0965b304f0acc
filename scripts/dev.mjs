// `npm run dev`: the server from source (restarted on change) and Vite's dev server with hot
// reload, which proxies /graphql (HTTP and WebSocket) to the server.
import { spawn } from "node:child_process";
import path from "node:path";
import { forwardSignals, ROOT } from "./lib.mjs";

const server = spawn(process.execPath, ["--watch", "-r", "ts-node/register/transpile-only", "src/main.ts"], {
  cwd: path.join(ROOT, "server"),
  stdio: "inherit",
});
const web = spawn(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js")], {
  cwd: path.join(ROOT, "web"),
  stdio: "inherit",
});
forwardSignals([server, web]);
let exited = 0;
for (const child of [server, web]) {
  child.once("exit", () => {
    if (++exited === 2) process.exit(0);
    // One side died: take the other down too rather than leave half a dev setup running.
    for (const other of [server, web]) if (other.exitCode === null) other.kill("SIGTERM");
  });
}
