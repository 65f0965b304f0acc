// `npm start`: build what is stale, bring up a local chain with the contracts deployed (unless
// CHAIN_RPC_URL is set or LOCAL_CHAIN=off), then run the server, which migrates and seeds its
// database (embedded PGlite in .data/ unless DATABASE_URL is set) and serves the web app at /.
import path from "node:path";
import { buildStale } from "./build.mjs";
import { forwardSignals, ROOT, spawnChild } from "./lib.mjs";
import { startLocalChain } from "./local-chain.mjs";

const env = { ...process.env };
let chain = null;
try {
  await buildStale();
  chain = await startLocalChain(env);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const server = spawnChild(process.execPath, [path.join(ROOT, "server/dist/main.js")], { env });
// Only the server hears the signal; the chain is stopped after the server has drained.
forwardSignals([server]);
server.once("exit", (code, signal) => {
  // The chain lives as long as the server: a node we started stops with it.
  if (chain && chain.exitCode === null) chain.kill("SIGTERM");
  process.exit(code ?? (signal ? 1 : 0));
});
