// `npm run dev`: the server from source (restarted on change) and Vite's dev server with hot
// reload, which proxies /graphql (HTTP and WebSocket) to the server.
import path from "node:path";
import { forwardSignals, ROOT, spawnChild } from "./lib.mjs";

const server = spawnChild(process.execPath, ["--watch", "-r", "ts-node/register/transpile-only", "src/main.ts"], {
  cwd: path.join(ROOT, "server"),
});
const web = spawnChild(process.execPath, [path.join(ROOT, "node_modules/vite/bin/vite.js")], { cwd: path.join(ROOT, "web") });
forwardSignals([server, web]);
let exited = 0;
for (const child of [server, web]) {
  child.once("exit", () => {
    if (++exited === 2) process.exit(0);
    // One side died: take the other down too rather than leave half a dev setup running.
    for (const other of [server, web]) if (other.exitCode === null) other.kill("SIGTERM");
  });
}
