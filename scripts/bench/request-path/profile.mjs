// Reads a V8 CPU profile (.cpuprofile, from `node --cpu-prof`) and ranks functions by self time.
//   node scripts/bench/request-path/profile.mjs FILE.cpuprofile [N]
import fs from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Self time per function (name + script + line), largest first; idle time is left out, and so is
 * everything outside `windowUs` ([from, to] on the monotonic clock) when given, such as start-up.
 */
export function topSelfTime(profile, root, count, windowUs) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map();
  let totalMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (windowUs && (at < windowUs[0] || at > windowUs[1])) return;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    if (functionName === "(idle)") return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const key = `${functionName || "(anonymous)"}\u0000${shorten(url, root)}${url ? `:${lineNumber + 1}` : ""}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + ms);
    totalMs += ms;
  });
  const entries = [...selfMs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, ms]) => {
      const [name, where] = key.split("\u0000");
      return { name, where: where || "(native)", ms, percent: (100 * ms) / totalMs };
    });
  return { totalMs, entries };
}

/**
 * Self time by where the code comes from: an npm package, a file of ours, Node's own JavaScript,
 * or native work (system calls, the garbage collector), largest first.
 */
export function selfTimeByOrigin(profile, root, count, windowUs) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map();
  let totalMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (windowUs && (at < windowUs[0] || at > windowUs[1])) return;
    const { functionName, url } = byId.get(id).callFrame;
    if (functionName === "(idle)") return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const origin = originOf(functionName, url, root);
    totals.set(origin, (totals.get(origin) ?? 0) + ms);
    totalMs += ms;
  });
  const entries = [...totals].sort((a, b) => b[1] - a[1]).slice(0, count).map(([origin, ms]) => ({ origin, ms, percent: (100 * ms) / totalMs }));
  return { totalMs, entries };
}

function originOf(functionName, url, root) {
  if (!url) return functionName === "(garbage collector)" ? "garbage collector" : "native (system calls, V8 built-ins)";
  if (url.startsWith("node:")) return "Node.js internals";
  const file = shorten(url, root);
  if (file !== url.replace(/^file:\/\//, "") || url.includes("node_modules/")) {
    const parts = file.split("/");
    if (url.includes("node_modules/")) return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    // Our own code: server/dist/<feature>/...
    return parts.slice(0, 3).join("/");
  }
  return file;
}

function shorten(url, root) {
  let file = url.startsWith("file://") ? fileURLToPath(url) : url;
  const modules = file.lastIndexOf("node_modules/");
  if (modules >= 0) return file.slice(modules + "node_modules/".length);
  if (root && file.startsWith(root)) file = file.slice(root.length + 1);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const profile = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const windowUs = process.argv[4] ? JSON.parse(process.argv[4]) : undefined;
  const { totalMs, entries } = topSelfTime(profile, process.cwd(), Number(process.argv[3] ?? 15), windowUs);
  console.log(`non-idle: ${totalMs.toFixed(0)} ms`);
  for (const e of entries) console.log(`${e.percent.toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}  ${e.where}`);
  console.log("by origin:");
  for (const e of selfTimeByOrigin(profile, process.cwd(), 15, windowUs).entries) console.log(`${e.percent.toFixed(1).padStart(5)}%  ${e.origin}`);
}
