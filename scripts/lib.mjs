// Helpers shared by the root scripts (start, dev, test, bench). Plain Node, no dependencies,
// run by the Node 22 that the `node` devDependency puts first on npm scripts' PATH.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command to completion, inheriting the terminal; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", cwd: ROOT, ...options });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once("error", () => resolve(127));
  });
}

/** The newest modification time of any file under `entries` (folders are walked). */
export function newestMtime(entries) {
  let newest = 0;
  const visit = (entry) => {
    if (!fs.existsSync(entry)) return;
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(entry)) if (name !== "node_modules" && name !== "dist") visit(path.join(entry, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  entries.forEach(visit);
  return newest;
}

/** True when something listens on host:port. */
export function reachable(port, host = "127.0.0.1", timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Spawns a long-running child in its own process group. A terminal's Ctrl-C signals its whole
 * foreground group, and npm forwards the signal to its script as well: a child in our group got
 * SIGINT two or three times, and the server took the second as "exit at once" instead of
 * draining. In its own group a child hears only what `forwardSignals` sends it, once.
 */
export function spawnChild(command, args, options = {}) {
  const child = spawn(command, args, { stdio: "inherit", cwd: ROOT, ...options, detached: true });
  // A supervisor that exits (an error, process.exit) takes its children with it.
  process.once("exit", () => child.exitCode === null && child.signalCode === null && child.kill("SIGTERM"));
  return child;
}

/**
 * Forwards the first SIGINT/SIGTERM to the children, once: Ctrl-C reaches this process from
 * the terminal and again through npm, and both are the same request to stop. Later signals are
 * not forwarded; the server bounds its own drain (SHUTDOWN_GRACE_MS).
 */
export function forwardSignals(children) {
  let forwarded = null;
  const onSignal = (signal) => {
    if (forwarded) {
      process.stderr.write(`${signal}: already stopping (${forwarded} sent), waiting for the drain to finish\n`);
      return;
    }
    forwarded = signal;
    children.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill(signal));
  };
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, onSignal);
}

/**
 * Fills in DATABASE_URL and REDIS_URL in `env` from services on 127.0.0.1 when they are not
 * configured: a fresh database named `database` (dropped and created) and the local Redis.
 * Returns the names still missing.
 */
export async function provideLocalServices(env, database) {
  if (!env.DATABASE_URL && (await reachable(5432))) {
    const { Client } = createRequire(import.meta.url)("pg");
    const user = env.PGUSER ?? "root";
    const admin = new Client({ host: "127.0.0.1", port: 5432, user, database: "postgres" });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    env.DATABASE_URL = `postgres://${user}@127.0.0.1:5432/${database}`;
  }
  if (!env.REDIS_URL && (await reachable(6379))) env.REDIS_URL = "redis://127.0.0.1:6379";
  return ["DATABASE_URL", "REDIS_URL"].filter((name) => !env[name]);
}
