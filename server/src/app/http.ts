import fs from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { requestIdFrom } from "../infra/ids";
import { type Logger, withRequestId } from "../infra/logger";
import type { Metrics } from "./metrics";

export interface Probes {
  /** Resolves when the database and pub/sub answer and the server is not shutting down. */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

/** The express app without GraphQL: request ids, metrics, probes, security headers. */
export function createHttpApp(metrics: Metrics, probes: Probes, options: { tls: boolean; connectSources?: string[]; trustProxy?: string[] } = { tls: false }): Express {
  const csp = contentSecurityPolicy(options.connectSources ?? []);
  const app = express();
  app.disable("x-powered-by");
  // Only these proxies' X-Forwarded-For names the caller (rate limits, logs, API-key IP rules).
  app.set("trust proxy", options.trustProxy ?? ["loopback"]);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Security-Policy", csp);
    // Only over TLS: a browser ignores HSTS on plain HTTP, and a laptop's http://127.0.0.1 must keep working.
    if (options.tls) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    withRequestId(requestId, next);
  });
  app.use(metrics.http());

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const { ok, checks } = await probes.ready();
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable", checks });
  });
  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return app;
}

/**
 * Serves the built web app, with every other GET that wants HTML answered by index.html so
 * client-side routes (/trade, /playground) survive a reload.
 */
export function serveWebApp(app: Express, distDir: string, options: { sourceMaps: boolean } = { sourceMaps: true }): void {
  const index = path.join(distDir, "index.html");
  if (!fs.existsSync(index)) {
    app.get("/", (_req, res) => {
      res
        .type("html")
        .send("<!doctype html><title>BlockGuardian</title><p>The web app is not built. Run <code>npm run build</code>; the API is at <a href=\"/graphql\">/graphql</a>.</p>");
    });
    return;
  }
  if (!options.sourceMaps) {
    // Source maps give away the original source; production does not serve them.
    app.use((req, res, next) => (req.path.endsWith(".map") ? res.status(404).json({ errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }] }) : next()));
  }
  app.use(compressedAssets(distDir));
  app.use(express.static(distDir, { index: false, maxAge: "1h", setHeaders: cacheHashedAssets }));
  app.use((req, res, next) => {
    if (req.method !== "GET" || !req.accepts("html") || req.path.startsWith("/graphql")) return next();
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index);
  });
}

function cacheHashedAssets(res: Response, file: string): void {
  // Vite fingerprints everything under assets/, so those files never change in place.
  if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
}

/** The limit on a request body; a larger one answers 413 before it is read in full. */
export const MAX_BODY = "1mb";

/**
 * The last handlers: every answer the app did not give itself is JSON in the GraphQL error shape,
 * never Express's HTML page (which carried a stack trace and absolute paths). A body that is not
 * JSON is the caller's mistake (400), a body over the limit is 413, anything else is a bug,
 * logged with the request id and answered without internals.
 */
export function answerErrorsAsJson(app: Express, log: Logger): void {
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }] });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, type, code } = (error ?? {}) as { status?: unknown; type?: unknown; code?: unknown };
    const requestId = String(res.locals.requestId);
    // The client went away (a closed tab, a cancelled upload): nothing is wrong on our side.
    if (type === "request.aborted" || code === "EPIPE" || code === "ECONNRESET" || code === "ECONNABORTED") {
      log.debug({ requestId, code: code ?? type }, "client closed the connection");
      if (!res.headersSent && !res.destroyed) res.status(400).end();
      return;
    }
    const reply = (code: number, message: string, extensions: Record<string, unknown>) => {
      if (res.headersSent) return res.end();
      res.status(code).json({ errors: [{ message, extensions }] });
    };
    if (type === "entity.too.large") return reply(413, `The request body exceeds ${MAX_BODY}`, { code: "BAD_USER_INPUT" });
    if (type === "entity.parse.failed") return reply(400, "The request body is not valid JSON", { code: "BAD_USER_INPUT" });
    if (typeof status === "number" && status >= 400 && status < 500) {
      return reply(status, "The request could not be read", { code: "BAD_USER_INPUT" });
    }
    log.error({ err: error, requestId }, "internal error");
    return reply(500, "Internal server error", { code: "INTERNAL_SERVER_ERROR", requestId });
  });
}

/**
 * Plain HTTP, or HTTPS (and so WSS, on the same port) when a certificate is configured. TLS 1.3
 * only: no CBC suites, no renegotiation, forward secrecy always; every client we serve (current
 * browsers, Node, curl) speaks it.
 */
export function createWebServer(app: Express, tls: { certFile: string; keyFile: string } | null): Server {
  if (!tls) return createServer(app);
  const server = createTlsServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile), minVersion: "TLSv1.3" }, app);
  return server as unknown as Server;
}

/**
 * The one policy for every answer. Scripts come only from our origin (no 'unsafe-inline', no
 * 'unsafe-eval': an injected script cannot run); styles may be inline (React style attributes,
 * GraphiQL's editor); connections go to our origin (HTTP and graphql-ws) and the configured
 * chain's JSON-RPC; nothing may frame us.
 */
export function contentSecurityPolicy(connectSources: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...connectSources].join(" ")}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|wasm)$/;
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Serves the built app's text assets brotli- or gzip-compressed, each file compressed once per
 * process and kept (the build never changes under a running server). Hashed files under
 * assets/ are cached for a year.
 */
function compressedAssets(distDir: string) {
  const root = path.resolve(distDir);
  const cache = new Map<string, Promise<Buffer>>();
  return async (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || !COMPRESSIBLE.test(req.path)) return next();
    // Brotli whenever accepted (smaller than gzip at the same speed to decode), whatever the order listed.
    const encoding = req.acceptsEncodings("br") === "br" ? "br" : req.acceptsEncodings("gzip");
    if (encoding !== "br" && encoding !== "gzip") return next();
    let file: string;
    try {
      file = path.resolve(root, `.${decodeURIComponent(req.path)}`);
    } catch {
      return next();
    }
    if (!file.startsWith(root + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return next();
    const key = `${encoding}:${file}`;
    let body = cache.get(key);
    if (!body) {
      const raw = fs.readFileSync(file);
      body = encoding === "br" ? brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzip(raw, { level: 9 });
      cache.set(key, body);
    }
    const bytes = await body;
    res.type(path.extname(file));
    res.setHeader("Content-Encoding", encoding);
    res.setHeader("Vary", "Accept-Encoding");
    res.setHeader("Content-Length", String(bytes.length));
    if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
    else res.setHeader("Cache-Control", "public, max-age=3600");
    res.end(req.method === "HEAD" ? undefined : bytes);
  };
}
