import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { type GraphQLFormattedError, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Config } from "../config";
import { type Database, openDatabase } from "../infra/database/database";
import { createLogger, currentRequestId, type Logger } from "../infra/logger";
import { createPubSub, type PubSub } from "../infra/pubsub";
import { type DemoLogin, ensureDemoUsers, User } from "../identity";
import { Instrument, InstrumentService } from "../market";
import type { Context, Services } from "./context";
import { formatError } from "./errors";
import { createHttpApp, serveWebApp } from "./http";
import { Metrics } from "./metrics";
import { getSchema } from "./schema";
import { trackSubscription } from "./subscriptions";

export const ENTITIES = [Instrument, User];

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly database: Database;
  readonly pubsub: PubSub;
  readonly demoLogins: DemoLogin[];
  /** Stops intake, drains HTTP and WebSocket, then closes pub/sub and the database. Idempotent. */
  stop(): Promise<void>;
}

/** config -> infrastructure -> app -> listen. Used by main.ts and by tests (with port 0). */
export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const database = await openDatabase(config, ENTITIES, log);
  const pubsub = createPubSub(config, log);
  try {
    const demoLogins = config.seedDemo
      ? await ensureDemoUsers(database.dataSource, config.dataDir, config.bcryptCost)
      : [];
    const services: Services = { instruments: new InstrumentService(database.dataSource) };
    const running = await listen(config, log, database, pubsub, services);
    return { ...running, config, database, pubsub, demoLogins };
  } catch (error) {
    await pubsub.close();
    await database.close();
    throw error;
  }
}

async function listen(config: Config, log: Logger, database: Database, pubsub: PubSub, services: Services) {
  const schema = await getSchema();
  const metrics = new Metrics();
  let stopping = false;

  const app = createHttpApp(metrics, {
    ready: async () => {
      const checks: Record<string, string> = { server: stopping ? "stopping" : "ok" };
      await Promise.all([
        database.ping().then(
          () => (checks.database = "ok"),
          (err: Error) => (checks.database = err.message),
        ),
        pubsub.ping().then(
          () => (checks.pubsub = "ok"),
          (err: Error) => (checks.pubsub = err.message),
        ),
      ]);
      return { ok: Object.values(checks).every((value) => value === "ok"), checks };
    },
  });
  const httpServer = createServer(app);
  const context = (requestId: string): Context => ({
    requestId,
    log: log.child({ requestId }),
    services,
    subscribe: (topics) => trackSubscription(pubsub.subscribe(topics), metrics.activeSubscriptions),
  });

  const wsServer = new WebSocketServer({ server: httpServer, path: "/graphql", maxPayload: 1024 * 1024 });
  const wsFormat = (errors: readonly GraphQLError[], requestId: string): GraphQLFormattedError[] =>
    errors.map((error) => formatError(error.toJSON(), error, log, requestId));
  const ws = useServer<Record<string, unknown>, { requestIds: Map<string, string> }>(
    {
      schema,
      context: (ctx, id) => context(operationRequestId(ctx.extra, id)),
      onConnect: (ctx) => {
        if (stopping) return false;
        ctx.extra.requestIds = new Map();
        metrics.webSocketConnections.inc();
        return true;
      },
      onClose: (ctx) => {
        if (ctx.extra.requestIds) metrics.webSocketConnections.dec();
      },
      onError: (ctx, id, _payload, errors) => wsFormat(errors, operationRequestId(ctx.extra, id)),
      onNext: (ctx, id, _payload, _args, result) =>
        result.errors ? { ...result, errors: wsFormat(result.errors, operationRequestId(ctx.extra, id)) } : undefined,
      onComplete: (ctx, id) => {
        ctx.extra.requestIds?.delete(id);
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // We own SIGTERM: Apollo re-raising it would kill the process before Redis and the database close.
    stopOnTerminationSignals: false,
    formatError: (formatted, raw) => formatError(formatted, raw, log, currentRequestId()),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      metrics.apolloPlugin(),
      { serverWillStart: async () => ({ drainServer: async () => ws.dispose() }) },
    ],
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, { context: async ({ res }) => context(String(res.locals.requestId)) }),
  );
  serveWebApp(app, config.webDistDir);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, database: database.kind, pubsub: pubsub.kind }, "listening");

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      log.info("shutting down: draining HTTP and WebSocket");
      // Apollo's drain stops intake, closes idle keep-alive sockets, lets in-flight requests
      // finish within the grace period, then disposes graphql-ws (close 1001 to subscribers).
      await apollo.stop();
      await closeServer(httpServer);
      await pubsub.close();
      await database.close();
      log.info("stopped");
    })());
  return { url, port, stop };
}

/** One request id per WebSocket operation, so each subscription's log lines can be followed. */
function operationRequestId(extra: { requestIds?: Map<string, string> }, operationId: string): string {
  const ids = (extra.requestIds ??= new Map());
  let requestId = ids.get(operationId);
  if (!requestId) {
    requestId = randomUUID();
    ids.set(operationId, requestId);
  }
  return requestId;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
