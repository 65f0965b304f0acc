import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./processes";
import { tempDir } from "./helpers";

const ROOT = path.resolve(__dirname, "..", "..");
const CONTRACTS = path.join(ROOT, "contracts");
// Hardhat 3 needs Node 22: the `node` devDependency's binary (the one npm scripts run).
const NODE22 = path.join(ROOT, "node_modules", "node", "bin", "node");
const HARDHAT = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

export interface HardhatNode {
  rpcUrl: string;
  /** The deployments file the deploy script wrote (a temporary folder, never contracts/deployments). */
  deploymentsFile: string;
  stop(): void;
}

/** A `hardhat node` on a free port (never 8545) with the platform's contracts deployed. */
export async function startHardhatNode(): Promise<HardhatNode> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const node = spawn(NODE22, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: CONTRACTS, stdio: ["ignore", "pipe", "pipe"] });
  const dir = tempDir("bg-chain-");
  const stop = () => {
    node.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await outputMatches(node, /Started HTTP and WebSocket JSON-RPC server/);
    await runToEnd(NODE22, [HARDHAT, "run", "--network", "localhost", "scripts/deploy.ts"], { cwd: CONTRACTS, env: { ...process.env, CHAIN_RPC_URL: rpcUrl, DEPLOYMENTS_DIR: dir } });
  } catch (error) {
    stop();
    throw error;
  }
  return { rpcUrl, deploymentsFile: path.join(dir, "31337.json"), stop };
}

function outputMatches(child: ChildProcess, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (seen += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${seen}`));
    });
  });
}

function runToEnd(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}:\n${output}`))));
  });
}
