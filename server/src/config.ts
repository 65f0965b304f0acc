import path from "node:path";
import { z } from "zod";

/** The repository root: `server/src/config.ts` and `server/dist/config.js` sit two levels below it. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const booleanString = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** `all`: one process does everything; `api`: stateless GraphQL that forwards commands; `sequencer`: the writer and the jobs that run once. */
  ROLE: z.enum(["all", "api", "sequencer"]).default("all"),
  /** ROLE=api: how long a command waits for the sequencer's answer before it is refused UNAVAILABLE. */
  /** Proxies whose X-Forwarded-For is believed (rate limits, logs, API-key IP rules): `loopback`, or CIDRs, comma-separated. */
  TRUST_PROXY: z.string().regex(/^[A-Za-z0-9.:/,_ -]{1,500}$/).default("loopback"),
  COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Namespaces this deployment's keys (limits, denylist) when several share one Redis. */
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,32}$/).default("bg:"),
  DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, ".data")),
  WEB_DIST_DIR: z.string().min(1).default(path.join(REPO_ROOT, "web", "dist")),
  SEED_DEMO: booleanString.optional(),
  /** 11 keeps a login near 100 ms on this machine class (docs/security.md); 10 is the floor outside tests. */
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(11),
  /** HMAC key for access tokens, at least 32 bytes of base64. Generated and kept in DATA_DIR when embedded. */
  JWT_SECRET: z.string().min(43).optional(),
  /** Field encryption key ring: `id:base64key,id2:base64key` (32-byte keys). */
  ENCRYPTION_KEYS: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/=]{43,44})*$/, "expected id:base64key[,id:base64key...]")
    .optional(),
  /** Which key of ENCRYPTION_KEYS encrypts new values; the others only decrypt. Defaults to the last. */
  ENCRYPTION_ACTIVE_KEY: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/).optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  RATE_LIMIT_CAPACITY: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  RATE_LIMIT_RESTORE_PER_SECOND: z.coerce.number().min(1).max(1_000_000).default(100),
  /** Webhook destinations may be http and private, loopback or link-local addresses (tests, a local receiver); never in production. */
  WEBHOOK_ALLOW_PRIVATE: booleanString.default(false),
  /** How long one webhook delivery attempt may take before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** The first retry of a failed webhook delivery waits this long; each next one twice as long (at most an hour), for 24 hours. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  /** How often a process looks for webhook deliveries that are due. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  QUERY_MAX_COST: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  QUERY_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  /**
   * `simulator`: this process produces reference prices; `coinbase` / `binance`: it follows that
   * exchange's public WebSocket for the symbols of MARKET_FEED_SYMBOLS (the others stay
   * simulated); `off`: it only listens (another process publishes).
   */
  MARKET_FEED: z.enum(["simulator", "coinbase", "binance", "off"]).default("simulator"),
  /** The provider's WebSocket URL (default: its public endpoint); tests point it at a local replay. */
  MARKET_FEED_URL: z.string().regex(/^wss?:\/\/\S+$/, "expected a ws:// or wss:// URL").optional(),
  /** Our symbol = the provider's product, comma-separated: `BTC-USD=BTC-USD` (Coinbase), `BTC-USD=BTCUSDT` (Binance). */
  MARKET_FEED_SYMBOLS: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,32}(=[A-Za-z0-9._-]{1,32})?(,[A-Za-z0-9._-]{1,32}(=[A-Za-z0-9._-]{1,32})?)*$/, "expected SYMBOL=PRODUCT[,...]")
    .optional(),
  /** A symbol the running feed covers without a price for this long is stale: market and stop orders are refused. */
  MARKET_STALE_AFTER_SECONDS: z.coerce.number().min(0.1).max(86_400).default(30),
  MARKET_TICKS_PER_SECOND: z.coerce.number().min(0.1).max(100).default(2),
  /** Seed of the simulator's random walk; unset: a new walk each start. */
  MARKET_SEED: z.coerce.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Market seconds per wall-clock second in the simulator (60: prices move as in a minute per second). */
  MARKET_TIME_SCALE: z.coerce.number().min(1).max(100_000).default(60),
  /** Valuation runs in one process per deployment; `false` on the others. */
  VALUATION_ENABLED: booleanString.default(true),
  VALUATION_PUBLISH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  VALUATION_SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Fees in basis points, `maker/taker`: a default (`*`) and per-symbol overrides, e.g. `*:5/10,BTC-USD:8/15`. */
  TRADING_FEES_BPS: z
    .string()
    .regex(/^[A-Z0-9*.-]+:\d{1,4}\/\d{1,4}(,[A-Z0-9*.-]+:\d{1,4}\/\d{1,4})*$/, "expected SYMBOL:maker/taker[,...]")
    .default("*:5/10"),
  /** The largest order value accepted, in the instrument's currency. */
  MAX_ORDER_NOTIONAL: z.string().regex(/^\d+(\.\d+)?$/).default("1000000"),
  /** Limit and stop prices farther than this from the reference are refused (basis points). */
  PRICE_BAND_BPS: z.coerce.number().int().min(10).max(10_000).default(1_000),
  /** Market orders fill no worse than the reference plus/minus this (basis points). */
  MARKET_PROTECTION_BPS: z.coerce.number().int().min(10).max(5_000).default(500),
  /** When DAY orders expire, UTC, HH:MM. */
  TRADING_DAY_CLOSE_UTC: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default("21:00"),
  /** How long order events are kept for `orderUpdates(afterSequence:)` to replay (days). */
  ORDER_EVENTS_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** How often portfolios with autoRebalance are checked against their threshold. */
  AUTO_REBALANCE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Run the built-in market maker in this process (default: with the embedded defaults). */
  MARKET_MAKER: booleanString.optional(),
  /** System accounts' quoting (orders placed, cancelled, fills) is audited as one summary per instrument this often. */
  SYSTEM_ACTIVITY_AUDIT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** Total deposits a customer without VERIFIED KYC may make (USD); past it, KYC_REQUIRED. */
  KYC_UNVERIFIED_DEPOSIT_LIMIT: z.string().regex(/^\d+(\.\d+)?$/).default("1000"),
  /** The largest order value a customer without VERIFIED KYC may place; past it, KYC_REQUIRED. */
  KYC_UNVERIFIED_TRADE_NOTIONAL: z.string().regex(/^\d+(\.\d+)?$/).default("1000"),
  KYC_MIN_AGE: z.coerce.number().int().min(16).max(25).default(18),
  /** ISO 3166-1 alpha-2 codes of high-risk jurisdictions (default: FATF's call-for-action list). */
  HIGH_RISK_COUNTRIES: z
    .string()
    .regex(/^([A-Z]{2}(,[A-Z]{2})*)?$/, "expected alpha-2 codes separated by commas, e.g. IR,KP,MM")
    .default("IR,KP,MM"),
  /** A folder with any of sdn.csv (+ alt.csv, add.csv), sdn.xml, un-consolidated.xml, eu-consolidated.xml, uk-sanctions-list.xml; unset: the demo list. */
  SANCTIONS_LIST_DIR: z.string().min(1).optional(),
  /** In production, screening against the invented demo list needs this said explicitly. */
  SANCTIONS_DEMO_LIST: booleanString.optional(),
  /** How long SANCTIONS_LIST_DIR must stay quiet after a change before the lists are reloaded. */
  SANCTIONS_RELOAD_DEBOUNCE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
  /** Token Jaro-Winkler score (0-1) from which a name counts as a possible sanctions match. */
  SANCTIONS_MATCH_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.8),
  AML_CTR_THRESHOLD: z.string().regex(/^\d+(\.\d+)?$/).default("10000"),
  AML_STRUCTURING_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(168),
  AML_STRUCTURING_MIN_COUNT: z.coerce.number().int().min(2).max(100).default(3),
  AML_STRUCTURING_NEAR_PERCENT: z.coerce.number().int().min(1).max(50).default(10),
  AML_STRUCTURING_NEAR_COUNT: z.coerce.number().int().min(1).max(100).default(2),
  AML_VELOCITY_MAX_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  AML_RAPID_WINDOW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(48),
  AML_RAPID_WITHDRAWN_PERCENT: z.coerce.number().int().min(1).max(100).default(80),
  AML_RAPID_MAX_TRADED_PERCENT: z.coerce.number().int().min(0).max(100).default(10),
  AML_MIN_ALERT_AMOUNT: z.string().regex(/^\d+(\.\d+)?$/).default("1000"),
  /** Alerts on the same customer and rule within this many days of a case's opening join it. */
  AML_CASE_GROUPING_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How long a filed SAR keeps weighing on the customer's risk level. */
  AML_RISK_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** How often every recently active customer is re-checked by the AML rules (0: never). */
  AML_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  /** The sweep opens a behaviour case for a customer whose anomaly score reaches this. */
  AML_BEHAVIOUR_ALERT_SCORE: z.coerce.number().min(1).max(1000).default(15),
  /** Days of activity the behaviour profile and its AML rule look at. */
  AML_BEHAVIOUR_WINDOW_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  /** A JSON-RPC endpoint of the chain the contracts run on; unset: chain features are off. */
  CHAIN_RPC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The deployments file (addresses, tokens, pairs); default `contracts/deployments/<chainId>.json`. */
  CHAIN_DEPLOYMENTS_FILE: z.string().min(1).optional(),
  CHAIN_POLL_INTERVAL_MS: z.coerce.number().int().min(20).max(60_000).default(1_000),
  /** Blocks a fill waits below the head before it is indexed (0: at once; reorgs are rolled back either way). */
  CHAIN_CONFIRMATIONS: z.coerce.number().int().min(0).max(64).default(0),
  /** How many recent block hashes are kept to find where a reorg forked; deeper ones re-index from the deployment. */
  CHAIN_REORG_DEPTH: z.coerce.number().int().min(2).max(10_000).default(64),
  /** The domain named in wallet-linking messages (EIP-4361), i.e. where users sign in. */
  WALLET_LINK_DOMAIN: z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/).default("localhost"),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(3_000),
  /** Ed25519 private key (PEM, PKCS#8) signing audit checkpoints; generated into DATA_DIR outside production. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** The same key as PEM text, for stacks that pass secrets as variables (docker-compose's local key). */
  AUDIT_SIGNING_KEY: z.string().regex(/-----BEGIN PRIVATE KEY-----/, "expected a PKCS#8 PEM private key").optional(),
  /** Every checkpoint is appended here too (keep it somewhere the database's administrators cannot write). */
  AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Private key (0x + 64 hex) of the account that owns the AuditAnchor contract; with CHAIN_RPC_URL, every checkpoint is anchored on chain. */
  AUDIT_ANCHOR_PRIVATE_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x and 64 hex digits").optional(),
  /** Who may introspect the schema: `all`, `authenticated` (signed-in callers), `off`. Default: `authenticated` in production, else `all`. */
  INTROSPECTION: z.enum(["all", "authenticated", "off"]).optional(),
  /** PEM certificate chain and private key: both set, the port serves HTTPS and WSS only (TLS 1.3). */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** SMTP server for outgoing mail (password resets), e.g. smtps://user:pass@mail.example.com; unset: DATA_DIR/outbox/. */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).max(200).default("BlockGuardian <no-reply@localhost>"),
  /** Where users reach the web app; reset links in mail point here. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:4000"),
  /** Tags this process's PostgreSQL sessions and Redis clients, so operators (and tests) can find them. */
  INSTANCE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,48}$/)
    .default("blockguardian"),
});

/** Every variable the server reads; the README's configuration table and docker-compose.yml use these names. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);

/** Raw environment variables, as `process.env` holds them. */
export type Env = Record<string, string | undefined>;

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  logLevel: string;
  instanceName: string;
  role: "all" | "api" | "sequencer";
  commandTimeoutMs: number;
  /** proxy-addr's trust list: `loopback`, subnets or addresses. */
  trustProxy: string[];
  database: { kind: "postgres"; url: string; poolSize: number } | { kind: "pglite"; dataDir: string };
  redis: { kind: "redis"; url: string; keyPrefix: string } | { kind: "memory" };
  dataDir: string;
  webDistDir: string;
  seedDemo: boolean;
  bcryptCost: number;
  secrets: { jwtSecret?: string; encryptionKeys?: string; activeKeyId?: string };
  tokens: { accessTtlSeconds: number; refreshTtlDays: number };
  limits: { capacity: number; restorePerSecond: number; maxCost: number; maxDepth: number };
  market: {
    feed: "simulator" | "coinbase" | "binance" | "off";
    feedUrl: string | null;
    /** Our symbol and the provider's product, for `coinbase` / `binance`. */
    feedSymbols: Array<{ symbol: string; product: string }>;
    staleAfterMs: number;
    ticksPerSecond: number;
    seed: number;
    timeScale: number;
  };
  valuation: { enabled: boolean; publishIntervalMs: number; snapshotIntervalMs: number };
  trading: {
    fees: Map<string, { makerBps: number; takerBps: number }>;
    maxOrderNotional: string;
    priceBandBps: number;
    marketProtectionBps: number;
    dayCloseUtc: string;
    marketMaker: boolean;
    systemActivityAuditMs: number;
    autoRebalanceIntervalMs: number;
    orderEventRetentionDays: number;
  };
  compliance: ComplianceConfig;
  chain: {
    /** Undefined: chain features are off. */
    rpcUrl?: string;
    deploymentsFile?: string;
    pollIntervalMs: number;
    confirmations: number;
    reorgDepth: number;
    linkDomain: string;
    /** Owner of the AuditAnchor contract; undefined: checkpoints are not anchored on chain. */
    auditAnchorPrivateKey?: `0x${string}`;
  };
  shutdownGraceMs: number;
  webhooks: { allowPrivate: boolean; timeoutMs: number; retryBaseMs: number; pollIntervalMs: number };
  mail: { smtpUrl?: string; from: string; publicUrl: string };
  tls: { certFile: string; keyFile: string } | null;
  introspection: "all" | "authenticated" | "off";
  auditAnchor: { keyFile: string; keyPem?: string; generateKey: boolean; checkpointFile: string; intervalMs: number };
}

export interface ComplianceConfig {
  unverifiedDepositLimit: string;
  unverifiedTradeNotional: string;
  minAge: number;
  highRiskCountries: string[];
  sanctionsListDir: string | null;
  /** Screen against the shipped demo list when no folder is configured (refused in production unless set). */
  sanctionsDemoList: boolean;
  /** Quiet time after a change in the list folder before it is reloaded. */
  sanctionsReloadDebounceMs: number;
  matchThreshold: number;
  ctrThreshold: string;
  structuringWindowHours: number;
  structuringMinCount: number;
  structuringNearPercent: number;
  structuringNearCount: number;
  velocityMaxPerHour: number;
  rapidWindowHours: number;
  rapidWithdrawnPercent: number;
  rapidMaxTradedPercent: number;
  minAlertAmount: string;
  sweepIntervalMs: number;
  caseGroupingDays: number;
  riskLookbackDays: number;
  behaviourAlertScore: number;
  behaviourWindowDays: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/**
 * The one reader of the environment. Every variable is validated here at boot; a bad value
 * stops the process with a message naming the variable, never a surprise later.
 */
export function loadConfig(env: Env = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const v = parsed.data;
  if (v.BCRYPT_COST < 10 && v.NODE_ENV !== "test") {
    throw new ConfigError(["BCRYPT_COST: must be at least 10 outside tests"]);
  }
  if (v.NODE_ENV === "production" && !v.AUDIT_SIGNING_KEY_FILE && !v.AUDIT_SIGNING_KEY) {
    throw new ConfigError(["AUDIT_SIGNING_KEY_FILE: required in production (an Ed25519 key kept outside the database)"]);
  }
  if (v.NODE_ENV === "production" && v.WEBHOOK_ALLOW_PRIVATE) {
    throw new ConfigError(["WEBHOOK_ALLOW_PRIVATE: refused in production (it lets webhooks reach internal addresses)"]);
  }
  if (v.AUDIT_ANCHOR_PRIVATE_KEY && !v.CHAIN_RPC_URL) {
    throw new ConfigError(["AUDIT_ANCHOR_PRIVATE_KEY: needs CHAIN_RPC_URL (the chain the AuditAnchor contract is on)"]);
  }
  if ((v.TLS_CERT_FILE === undefined) !== (v.TLS_KEY_FILE === undefined)) {
    throw new ConfigError(["TLS_CERT_FILE and TLS_KEY_FILE: set both or neither"]);
  }
  const feedSymbols = (v.MARKET_FEED_SYMBOLS ?? "").split(",").filter(Boolean).map((pair) => {
    const [symbol, product = symbol] = pair.split("=");
    return { symbol, product };
  });
  if (new Set(feedSymbols.map((pair) => pair.symbol)).size !== feedSymbols.length) {
    throw new ConfigError(["MARKET_FEED_SYMBOLS: a symbol is mapped twice"]);
  }
  if ((v.MARKET_FEED === "coinbase" || v.MARKET_FEED === "binance") && feedSymbols.length === 0) {
    throw new ConfigError([`MARKET_FEED_SYMBOLS: required with MARKET_FEED=${v.MARKET_FEED} (e.g. BTC-USD=${v.MARKET_FEED === "binance" ? "BTCUSDT" : "BTC-USD"})`]);
  }
  if (v.ROLE !== "all" && (!v.DATABASE_URL || !v.REDIS_URL)) {
    throw new ConfigError([`ROLE=${v.ROLE}: needs DATABASE_URL and REDIS_URL (processes share PostgreSQL and Redis)`]);
  }
  const embeddedDatabase = v.DATABASE_URL === undefined;
  return {
    env: v.NODE_ENV,
    host: v.HOST,
    port: v.PORT,
    logLevel: v.LOG_LEVEL,
    instanceName: v.INSTANCE_NAME,
    role: v.ROLE,
    commandTimeoutMs: v.COMMAND_TIMEOUT_MS,
    trustProxy: v.TRUST_PROXY.split(",").map((entry) => entry.trim()).filter(Boolean),
    database: embeddedDatabase
      ? { kind: "pglite", dataDir: path.join(v.DATA_DIR, "pglite") }
      : { kind: "postgres", url: v.DATABASE_URL!, poolSize: v.DATABASE_POOL_SIZE },
    redis: v.REDIS_URL ? { kind: "redis", url: v.REDIS_URL, keyPrefix: v.REDIS_KEY_PREFIX } : { kind: "memory" },
    dataDir: v.DATA_DIR,
    webDistDir: v.WEB_DIST_DIR,
    // Demo accounts are for laptops: on by default only with the embedded database.
    seedDemo: v.SEED_DEMO ?? embeddedDatabase,
    bcryptCost: v.BCRYPT_COST,
    secrets: { jwtSecret: v.JWT_SECRET, encryptionKeys: v.ENCRYPTION_KEYS, activeKeyId: v.ENCRYPTION_ACTIVE_KEY },
    tokens: { accessTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS, refreshTtlDays: v.REFRESH_TOKEN_TTL_DAYS },
    market: {
      feed: v.MARKET_FEED,
      feedUrl: v.MARKET_FEED_URL ?? null,
      feedSymbols,
      staleAfterMs: Math.round(v.MARKET_STALE_AFTER_SECONDS * 1000),
      ticksPerSecond: v.MARKET_TICKS_PER_SECOND,
      seed: v.MARKET_SEED ?? Math.floor(Math.random() * 2 ** 32),
      timeScale: v.MARKET_TIME_SCALE,
    },
    trading: {
      fees: new Map(
        v.TRADING_FEES_BPS.split(",").map((entry) => {
          const [symbol, rates] = entry.split(":");
          const [maker, taker] = rates.split("/").map(Number);
          return [symbol, { makerBps: maker, takerBps: taker }];
        }),
      ),
      maxOrderNotional: v.MAX_ORDER_NOTIONAL,
      priceBandBps: v.PRICE_BAND_BPS,
      marketProtectionBps: v.MARKET_PROTECTION_BPS,
      dayCloseUtc: v.TRADING_DAY_CLOSE_UTC,
      marketMaker: v.MARKET_MAKER ?? embeddedDatabase,
      systemActivityAuditMs: v.SYSTEM_ACTIVITY_AUDIT_MS,
      autoRebalanceIntervalMs: v.AUTO_REBALANCE_INTERVAL_MS,
      orderEventRetentionDays: v.ORDER_EVENTS_RETENTION_DAYS,
    },
    valuation: { enabled: v.VALUATION_ENABLED, publishIntervalMs: v.VALUATION_PUBLISH_INTERVAL_MS, snapshotIntervalMs: v.VALUATION_SNAPSHOT_INTERVAL_MS },
    limits: {
      capacity: v.RATE_LIMIT_CAPACITY,
      restorePerSecond: v.RATE_LIMIT_RESTORE_PER_SECOND,
      maxCost: v.QUERY_MAX_COST,
      maxDepth: v.QUERY_MAX_DEPTH,
    },
    compliance: {
      unverifiedDepositLimit: v.KYC_UNVERIFIED_DEPOSIT_LIMIT,
      unverifiedTradeNotional: v.KYC_UNVERIFIED_TRADE_NOTIONAL,
      minAge: v.KYC_MIN_AGE,
      highRiskCountries: v.HIGH_RISK_COUNTRIES ? v.HIGH_RISK_COUNTRIES.split(",") : [],
      sanctionsListDir: v.SANCTIONS_LIST_DIR ?? null,
      sanctionsDemoList: v.SANCTIONS_DEMO_LIST ?? v.NODE_ENV !== "production",
      sanctionsReloadDebounceMs: v.SANCTIONS_RELOAD_DEBOUNCE_MS,
      matchThreshold: v.SANCTIONS_MATCH_THRESHOLD,
      ctrThreshold: v.AML_CTR_THRESHOLD,
      structuringWindowHours: v.AML_STRUCTURING_WINDOW_HOURS,
      structuringMinCount: v.AML_STRUCTURING_MIN_COUNT,
      structuringNearPercent: v.AML_STRUCTURING_NEAR_PERCENT,
      structuringNearCount: v.AML_STRUCTURING_NEAR_COUNT,
      velocityMaxPerHour: v.AML_VELOCITY_MAX_PER_HOUR,
      rapidWindowHours: v.AML_RAPID_WINDOW_HOURS,
      rapidWithdrawnPercent: v.AML_RAPID_WITHDRAWN_PERCENT,
      rapidMaxTradedPercent: v.AML_RAPID_MAX_TRADED_PERCENT,
      minAlertAmount: v.AML_MIN_ALERT_AMOUNT,
      sweepIntervalMs: v.AML_SWEEP_INTERVAL_MS,
      caseGroupingDays: v.AML_CASE_GROUPING_DAYS,
      riskLookbackDays: v.AML_RISK_LOOKBACK_DAYS,
      behaviourAlertScore: v.AML_BEHAVIOUR_ALERT_SCORE,
      behaviourWindowDays: v.AML_BEHAVIOUR_WINDOW_DAYS,
    },
    chain: {
      rpcUrl: v.CHAIN_RPC_URL,
      deploymentsFile: v.CHAIN_DEPLOYMENTS_FILE,
      pollIntervalMs: v.CHAIN_POLL_INTERVAL_MS,
      confirmations: v.CHAIN_CONFIRMATIONS,
      reorgDepth: v.CHAIN_REORG_DEPTH,
      linkDomain: v.WALLET_LINK_DOMAIN,
      auditAnchorPrivateKey: v.AUDIT_ANCHOR_PRIVATE_KEY as `0x${string}` | undefined,
    },
    shutdownGraceMs: v.SHUTDOWN_GRACE_MS,
    webhooks: { allowPrivate: v.WEBHOOK_ALLOW_PRIVATE, timeoutMs: v.WEBHOOK_TIMEOUT_MS, retryBaseMs: v.WEBHOOK_RETRY_BASE_MS, pollIntervalMs: v.WEBHOOK_POLL_INTERVAL_MS },
    auditAnchor: {
      keyFile: v.AUDIT_SIGNING_KEY_FILE ?? path.join(v.DATA_DIR, "audit-signing-key.pem"),
      keyPem: v.AUDIT_SIGNING_KEY,
      generateKey: v.AUDIT_SIGNING_KEY_FILE === undefined && v.AUDIT_SIGNING_KEY === undefined,
      checkpointFile: v.AUDIT_CHECKPOINT_FILE ?? path.join(v.DATA_DIR, "audit-checkpoints.jsonl"),
      intervalMs: v.AUDIT_CHECKPOINT_INTERVAL_MS,
    },
    introspection: v.INTROSPECTION ?? (v.NODE_ENV === "production" ? "authenticated" : "all"),
    tls: v.TLS_CERT_FILE && v.TLS_KEY_FILE ? { certFile: v.TLS_CERT_FILE, keyFile: v.TLS_KEY_FILE } : null,
    mail: { smtpUrl: v.SMTP_URL, from: v.MAIL_FROM, publicUrl: v.PUBLIC_URL.replace(/\/+$/, "") },
  };
}

/** Where the operator ran the command: npm runs workspace scripts in the workspace, and sets INIT_CWD to where it was called. */
export function invocationDir(): string {
  return process.env.INIT_CWD ?? process.cwd();
}
