import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import type { Config } from "../config";
import { type Authentication, type DemoLogin, ensureDemoUsers, Session, sessionCookie } from "../identity";
import { type Database, openDatabase } from "../infra/database/database";
import { createKeyValueStore, type KeyValueStore } from "../infra/kv";
import { createLogger, currentRequestId, type Logger } from "../infra/logger";
import { createPubSub, type PubSub } from "../infra/pubsub";
import { loadSecrets } from "../infra/secrets";
import { AbuseGuard } from "./abuse/abuse-guard";
import { AdaptiveRateLimiter } from "./abuse/rate-limiter";
import type { Context, Services } from "./context";
import { fundDemoTrader } from "./demo-portfolio";
import { formatError } from "./errors";
import { answerErrorsAsJson, createHttpApp, createWebServer, MAX_BODY, serveWebApp } from "./http";
import { Metrics } from "./metrics";
import { CompositeFeed, createMarketLoaders, ExchangeFeed, type PriceFeed, PriceSimulator, PROTOCOLS } from "../market";
import { createPortfolioLoaders } from "../portfolio";
import { createTradingLoaders } from "../trading";
import { introspectionPlugin } from "./introspection";
import { getSchema } from "./schema";
import { type ChainRuntime, openChain } from "../chain";
import { ENTITIES } from "./entities";
import { type ContextDeps, RequestContext } from "./request-context";
import { createServices } from "./services";
import { SequencerRole } from "./sequencer-role";
import { trackSubscription } from "./subscriptions";
import { attachGraphqlWs } from "./websocket";


/** Fields per operation and aliases: generous for real screens, small for amplification attacks. */
const MAX_ALIASES = 30;
const MAX_NODES = 500;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly database: Database;
  readonly pubsub: PubSub;
  readonly kv: KeyValueStore;
  readonly services: Services;
  readonly demoLogins: DemoLogin[];
  /** ROLE=sequencer: standing by, active (holding the lock), or deposed (it stops itself). */
  readonly sequencer?: SequencerRole;
  /** Stops intake, drains HTTP and WebSocket, then closes pub/sub, the store and the database. Idempotent. */
  stop(): Promise<void>;
}

interface Infrastructure {
  database: Database;
  pubsub: PubSub;
  kv: KeyValueStore;
}

/** config -> infrastructure -> app -> listen. Used by main.ts and by tests (with port 0). */
export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const secrets = await loadSecrets(config, log);
  const database = await openDatabase(config, ENTITIES, log);
  const infra: Infrastructure = { database, pubsub: createPubSub(config, log), kv: createKeyValueStore(config, log) };
  try {
    const demoLogins = config.seedDemo ? await ensureDemoUsers(database.dataSource, config.dataDir, config.bcryptCost) : [];
    const chain = await openChain(config.chain, database.dataSource, infra.pubsub, log);
    const services = createServices(config, database, infra.pubsub, infra.kv, secrets, log, chain);
    if (demoLogins.length > 0 && config.role === "all") {
      await fundDemoTrader(services, demoLogins, async (email) => (await database.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email]))[0]?.id ?? null);
    }
    if (config.role === "all") {
      await startBackgroundWork(config, services, log);
      chain?.indexer.start();
    } else if (config.role === "api") {
      await startApiWork(services);
    }
    const running = await listen(config, log, infra, services, chain).catch(async (error: unknown) => {
      await chain?.indexer.stop();
      throw error;
    });
    if (config.role !== "sequencer") return { ...running, ...infra, config, services, demoLogins };
    // The sequencer role listens first (health, metrics) and serves once it holds the lock.
    // Demo funding is a deposit: it waits until this process's sequencer is the active one.
    const fundDemo = async () => {
      if (demoLogins.length === 0) return;
      await fundDemoTrader(services, demoLogins, async (email) => (await database.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email]))[0]?.id ?? null).catch((error: unknown) =>
        log.warn({ err: error }, "funding the demo trader failed"),
      );
    };
    const sequencer = new SequencerRole(config, services, log, () => startBackgroundWork(config, services, log).then(fundDemo), chain);
    sequencer.start(() => void running.stop());
    const stop = async () => {
      await sequencer.stop();
      await running.stop();
    };
    return { ...running, stop, ...infra, config, services, demoLogins, sequencer };
  } catch (error) {
    await closeInfrastructure(infra);
    throw error;
  }
}

async function listen(config: Config, log: Logger, infra: Infrastructure, services: Services, chain: ChainRuntime | null) {
  const { database, pubsub, kv } = infra;
  const schema = await getSchema();
  // Loaded before the first request: lists are priced by how many instruments are listed.
  await services.instruments.bySymbol();
  const metrics = new Metrics();
  metrics.observeGroupCommit(() => services.trading.commitStats);
  const limiter = new AdaptiveRateLimiter(kv, config.limits.capacity, config.limits.restorePerSecond);
  const guard = new AbuseGuard(schema, limiter, config.limits.maxCost, {
    maxDepth: config.limits.maxDepth,
    maxAliases: MAX_ALIASES,
    maxNodes: MAX_NODES,
  }, () => ({ instruments: services.instruments.count() }));
  let stopping = false;

  const app = createHttpApp(metrics, {
    ready: async () => {
      const checks: Record<string, string> = { server: stopping ? "stopping" : "ok" };
      const probe = (name: string, check: () => Promise<void>) =>
        check().then(
          () => (checks[name] = "ok"),
          (err: Error) => (checks[name] = err.message),
        );
      await Promise.all([probe("database", database.ping), probe("pubsub", () => pubsub.ping()), probe("store", () => kv.ping())]);
      return { ok: Object.values(checks).every((value) => value === "ok"), checks };
    },
  }, { tls: config.tls !== null, trustProxy: config.trustProxy, connectSources: config.chain.rpcUrl ? [new URL(config.chain.rpcUrl).origin] : [] });
  const httpServer = createWebServer(app, config.tls);
  const contextDeps: ContextDeps = {
    log,
    services,
    createLoaders: () => ({ ...createPortfolioLoaders(database.dataSource, chain?.holdings), ...createTradingLoaders(database.dataSource), ...services.compliance.createLoaders(), ...createMarketLoaders(services.bars) }),
    subscribe: (topics) => trackSubscription(pubsub.subscribe(topics), metrics.activeSubscriptions),
    listen: async (topics) => trackSubscription(await pubsub.listen(topics), metrics.activeSubscriptions),
  };
  const context = (requestId: string, auth: Authentication) => new RequestContext(requestId, auth, contextDeps);

  if (config.role === "sequencer") return listenForHealth(config, log, infra, services, chain, app, httpServer, limiter, () => (stopping = true));
  const ws = await attachGraphqlWs({ trustProxy: config.trustProxy, httpServer, schema, services, pubsub, guard, metrics, log, context, isStopping: () => stopping, introspection: config.introspection });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    validationRules: guard.validationRules,
    // We own SIGTERM: Apollo re-raising it would kill the process before Redis and the database close.
    stopOnTerminationSignals: false,
    formatError: (formatted, raw) => formatError(formatted, raw, log, currentRequestId()),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      metrics.apolloPlugin(),
      introspectionPlugin(config.introspection),
      guard.apolloPlugin(),
      { serverWillStart: async () => ({ drainServer: async () => ws.dispose() }) },
    ],
  });
  await apollo.start();
  app.use(
    "/graphql",
    express.json({ limit: MAX_BODY }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const ip = req.ip ?? "unknown";
        // A bad token fails here. Its revocation check and the account read are finished by the
        // guard's plugin before the operation runs: the check in the same round trip to Redis as
        // the rate limiter's charge, while the account is read from PostgreSQL.
        const pending = await services.authenticator.begin(req.headers.authorization, ip).catch(async (error: unknown) => {
          // Bad credentials fail before the limiter's plugin runs; they still weigh on the address.
          await limiter.noteRejection(`ip:${ip}`);
          throw error;
        });
        // Anonymous until the guard's admission completes the authentication.
        const value = context(String(res.locals.requestId), { session: Session.anonymous(ip), access: null, account: null });
        value.admission = { rateLimitKey: pending.rateLimitKey, uncheckedRevocations: pending.uncheckedRevocations, authenticated: pending.completed };
        value.sessionCookie = sessionCookie(req.headers, (cookie) => res.append("Set-Cookie", cookie), { secure: config.tls !== null, maxAgeSeconds: config.tokens.refreshTtlDays * 86_400 });
        return value;
      },
    }),
  );
  serveWebApp(app, config.webDistDir, { sourceMaps: config.env !== "production" });
  answerErrorsAsJson(app, log);

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `${config.tls ? "https" : "http"}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
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
      limiter.stop();
      await stopServices(services, chain, infra, log);
    })());
  return { url, port, stop };
}

async function stopServices(services: Services, chain: ChainRuntime | null, infra: Infrastructure, log: Logger): Promise<void> {
  services.autoRebalancer.stop();
  await services.webhookDispatcher.stop();
  await chain?.indexer.stop();
  await services.marketMaker.stop();
  await services.trading.stop();
  await services.compliance.stop();
  await services.auditAnchor.stop();
  await services.valuation.stop();
  await services.passwords.idle();
  await services.marketData.stop();
  await closeInfrastructure(infra);
  log.info("stopped");
}

/** ROLE=sequencer: no GraphQL; health, readiness and metrics only, on the same port. */
async function listenForHealth(
  config: Config,
  log: Logger,
  infra: Infrastructure,
  services: Services,
  chain: ChainRuntime | null,
  app: express.Express,
  httpServer: Server,
  limiter: AdaptiveRateLimiter,
  markStopping: () => void,
) {
  answerErrorsAsJson(app, log);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `${config.tls ? "https" : "http"}://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, role: config.role }, "listening");
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      markStopping();
      await closeServer(httpServer);
      limiter.stop();
      await stopServices(services, chain, infra, log);
    })());
  return { url, port, stop };
}

/** ROLE=api: prices from the feed's channel (for risk at the edge), screening lists, and the way to the sequencer. */
async function startApiWork(services: Services): Promise<void> {
  await services.marketData.start();
  await services.compliance.start();
  await services.trading.start();
}

/** Market data (and the price feed, when this process runs it) and live valuation. */
async function startBackgroundWork(config: Config, services: Services, log: Logger): Promise<void> {
  await services.marketData.start(await createFeed(config, services, log));
  if (config.valuation.enabled) await services.valuation.start();
  await services.compliance.start();
  services.auditAnchor.start();
  await services.trading.start();
  if (config.trading.marketMaker) await services.marketMaker.start();
  services.autoRebalancer.start();
  services.webhookDispatcher.start();
}

/**
 * The process's price feed: the simulator, or an exchange for the mapped symbols with the
 * simulator for the rest (a mapped symbol that is not listed is logged and left out); none
 * with MARKET_FEED=off.
 */
async function createFeed(config: Config, services: Services, log: Logger): Promise<PriceFeed | undefined> {
  const { market } = config;
  if (market.feed === "off") return undefined;
  const instruments = [...(await services.instruments.bySymbol()).values()];
  const listed = new Map(instruments.map((i) => [i.symbol, i]));
  const mapped = market.feed === "simulator" ? [] : market.feedSymbols.filter((pair) => listed.has(pair.symbol));
  const unknown = market.feed === "simulator" ? [] : market.feedSymbols.filter((pair) => !listed.has(pair.symbol)).map((pair) => pair.symbol);
  if (unknown.length > 0) log.warn({ symbols: unknown }, "MARKET_FEED_SYMBOLS names symbols that are not listed: ignored");
  const covered = new Set(mapped.map((pair) => pair.symbol));
  const simulator = new PriceSimulator(
    instruments.filter((i) => i.lastPrice && !covered.has(i.symbol)).map((i) => ({ symbol: i.symbol, price: i.lastPrice!, tickSize: i.tickSize, volatility: Number(i.volatility) })),
    { ticksPerSecond: market.ticksPerSecond, seed: market.seed, timeScale: market.timeScale },
  );
  if (market.feed === "simulator") return simulator;
  const protocol = PROTOCOLS[market.feed];
  const exchange = new ExchangeFeed(
    protocol,
    mapped.map((pair) => ({ ...pair, tickSize: listed.get(pair.symbol)!.tickSize })),
    { url: market.feedUrl ?? protocol.defaultUrl, idleTimeoutMs: market.staleAfterMs },
    log,
  );
  return new CompositeFeed([exchange, simulator]);
}

async function closeInfrastructure({ database, pubsub, kv }: Infrastructure): Promise<void> {
  await pubsub.close();
  await kv.close();
  await database.close();
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
