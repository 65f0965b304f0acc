import fs from "node:fs";
import path from "node:path";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { requestIdFrom } from "../infra/ids";
import { withRequestId } from "../infra/logger";
import type { Metrics } from "./metrics";

export interface Probes {
  /** Resolves when the database and pub/sub answer and the server is not shutting down. */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

/** The express app without GraphQL: request ids, metrics, probes, security headers. */
export function createHttpApp(metrics: Metrics, probes: Probes): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Frame-Options", "DENY");
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
export function serveWebApp(app: Express, distDir: string): void {
  const index = path.join(distDir, "index.html");
  if (!fs.existsSync(index)) {
    app.get("/", (_req, res) => {
      res
        .type("html")
        .send("<!doctype html><title>BlockGuardian</title><p>The web app is not built. Run <code>npm run build</code>; the API is at <a href=\"/graphql\">/graphql</a>.</p>");
    });
    return;
  }
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
