/// <reference types="node" />
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

// Hardhat 3 needs Node 22: the root `node` devDependency's binary (the one npm scripts run).
const ROOT = path.resolve(__dirname, "..", "..", "..");
const CONTRACTS = path.join(ROOT, "contracts");
const NODE22 = path.join(ROOT, "node_modules", "node", "bin", "node");
const HARDHAT = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/** Hardhat's well-known development accounts #1 and #2 (unlocked on every local node, funded by the deployment). */
export const DEV_ACCOUNTS = ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"] as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, args, { cwd: CONTRACTS, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`))));
  });
}

/**
 * A real `hardhat node` on a free port with the BlockGuardian contracts deployed (into a temporary
 * deployments folder; a fresh node's addresses are those of contracts/deployments/31337.json).
 */
export async function startLocalChain(): Promise<{ rpcUrl: string; deployment: { contracts: Record<string, string> }; stop(): Promise<void> }> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const node: ChildProcess = spawn(NODE22, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: CONTRACTS, stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`hardhat node did not start:\n${seen}`)), 60_000);
    node.once("exit", (code) => reject(new Error(`hardhat node exited with ${code}:\n${seen}`)));
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (/Started HTTP and WebSocket JSON-RPC server/.test(seen)) {
        clearTimeout(timer);
        node.stdout?.off("data", onData);
        node.stdout?.resume();
        resolve();
      }
    };
    node.stdout?.on("data", onData);
    node.stderr?.on("data", (chunk: Buffer) => (seen += chunk.toString()));
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bg-web-chain-"));
  const exited = new Promise((resolve) => node.once("exit", resolve));
  try {
    await run([HARDHAT, "run", "--network", "localhost", "scripts/deploy.ts"], { ...process.env, CHAIN_RPC_URL: rpcUrl, DEPLOYMENTS_DIR: dir });
  } catch (error) {
    node.kill("SIGTERM");
    throw error;
  }
  const deployment = JSON.parse(fs.readFileSync(path.join(dir, "31337.json"), "utf8"));
  return {
    rpcUrl,
    deployment,
    async stop() {
      node.kill("SIGTERM");
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
