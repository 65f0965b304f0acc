// The local chain `npm start` brings up unless configured otherwise: a `hardhat node` on
// 127.0.0.1:LOCAL_CHAIN_PORT (default 8545; one already listening there is used as it is) with
// the contracts deployed (`contracts/scripts/deploy.ts`, which does nothing when the recorded
// contracts are already on the chain). Skipped when CHAIN_RPC_URL is set (that chain is used)
// or LOCAL_CHAIN=off (chain features off).
import path from "node:path";
import { reachable, ROOT, run, spawnChild } from "./lib.mjs";

const CONTRACTS = path.join(ROOT, "contracts");
const HARDHAT = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
// Hardhat's well-known development key of account #0 (public; never holds anything real).
const LOCAL_ACCOUNT_0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** Starts (or finds) the chain and deploys; returns the node's process (null when not ours) and fills env.CHAIN_RPC_URL and, unless set, env.AUDIT_ANCHOR_PRIVATE_KEY. */
export async function startLocalChain(env) {
  if (env.CHAIN_RPC_URL || env.LOCAL_CHAIN === "off") return null;
  const port = Number(env.LOCAL_CHAIN_PORT ?? 8545);
  const url = `http://127.0.0.1:${port}`;
  let node = null;
  if (!(await reachable(port))) {
    console.log(`Starting a local chain (hardhat node) on ${url}; LOCAL_CHAIN=off skips it`);
    // Its own process group: Ctrl-C stops the server first, and the chain after it has drained.
    node = spawnChild(process.execPath, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: CONTRACTS, stdio: ["ignore", "ignore", "inherit"] });
    const started = Date.now();
    while (!(await reachable(port))) {
      if (node.exitCode !== null) throw new Error(`hardhat node exited with ${node.exitCode}`);
      if (Date.now() - started > 60_000) throw new Error(`hardhat node did not listen on ${url} within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const code = await run(process.execPath, [HARDHAT, "run", "--network", "localhost", "scripts/deploy.ts"], { cwd: CONTRACTS, env: { ...env, CHAIN_RPC_URL: url } });
  if (code !== 0) {
    node?.kill("SIGTERM");
    throw new Error(`deploying the contracts to ${url} failed (exit ${code})`);
  }
  env.CHAIN_RPC_URL = url;
  // The local node's account #0 deployed the AuditAnchor, so it is the one allowed to anchor.
  env.AUDIT_ANCHOR_PRIVATE_KEY ??= LOCAL_ACCOUNT_0_KEY;
  return node;
}
