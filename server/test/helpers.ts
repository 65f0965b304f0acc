import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient, type Client } from "graphql-ws";
import Redis from "ioredis";
import WebSocket from "ws";
import { startServer, type RunningServer } from "../src/app/server";
import { type Env, loadConfig } from "../src/config";
import { createOrPromoteUser, Role, Session } from "../src/identity";
import { AppError } from "../src/infra/errors";
import { createLogger } from "../src/infra/logger";

/** The services the suite runs against: real ones when configured (CI), embedded otherwise. */
export const services = {
  databaseUrl: process.env.DATABASE_URL,
  redisUrl: process.env.REDIS_URL,
};

export function tempDir(prefix = "bg-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

let serverCounter = 0;

/**
 * Test-only keys, the same for every server of the suite: they share one database, and a row
 * encrypted by one must open in another (as in a real deployment, where every process has the
 * same key ring). Never used outside tests.
 */
export const TEST_ENCRYPTION_KEYS = "test:dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24=";
const TEST_JWT_SECRET = "dGVzdC1vbmx5LWp3dC1zZWNyZXQtbm90LWZvci1wcm9kdWN0aW9u";

/**
 * Test-only audit signing key, the same for every server of the suite for the same reason: they
 * share one database, and each verifies the checkpoints the others signed. Never used outside tests.
 */
const TEST_AUDIT_SIGNING_KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIM6Y77OwvU5G3oyXqwMeyf9XqexPgXkoWpjEP8IoeBn7\n-----END PRIVATE KEY-----\n";
let auditKeyFile: string | undefined;
export function testAuditKeyFile(): string {
  if (!auditKeyFile) {
    auditKeyFile = path.join(tempDir("bg-audit-key-"), "audit-signing-key.pem");
    fs.writeFileSync(auditKeyFile, TEST_AUDIT_SIGNING_KEY, { mode: 0o600 });
  }
  return auditKeyFile;
}

/** Environment for a server under test: port 0, quiet logs, cheap bcrypt, its own data folder. */
export function testEnv(overrides: Env = {}): Env {
  return {
    NODE_ENV: "test",
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    BCRYPT_COST: "4",
    DATA_DIR: tempDir(),
    SEED_DEMO: "false",
    // Tests publish the quotes they need; a running simulator would interleave its own.
    MARKET_FEED: "off",
    MARKET_MAKER: "false",
    // Suites about other features move money and trade without KYC; compliance tests restore
    // the strict defaults (see test/compliance.test.ts) and prove the gate.
    KYC_UNVERIFIED_DEPOSIT_LIMIT: "1000000000",
    KYC_UNVERIFIED_TRADE_NOTIONAL: "1000000000",
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    JWT_SECRET: TEST_JWT_SECRET,
    AUDIT_SIGNING_KEY_FILE: testAuditKeyFile(),
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    // Each test server has its own limits and denylist, however often the suite runs.
    REDIS_KEY_PREFIX: `bgtest:${process.pid}:${++serverCounter}:`,
    ...overrides,
  };
}

export async function startTestServer(overrides: Env = {}): Promise<RunningServer> {
  const config = loadConfig(testEnv(overrides));
  return startServer(config, createLogger(config.logLevel));
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: string[] }>;
}

export async function gql<T = Record<string, any>>(
  server: { url: string },
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphQLResponse["errors"] };
  return { status: response.status, headers: response.headers, ...body };
}

export function wsClient(server: { url: string }, options: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({
    url: `${server.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // Closing is part of what the tests exercise; the default would print every close event.
    onNonLazyError: () => {},
    ...options,
  });
}

/** A subscription whose events are awaited one by one, with the error if it fails. */
export function subscribe<T = any>(client: Client, query: string, variables?: Record<string, unknown>) {
  const events: T[] = [];
  const waiters: Array<() => void> = [];
  let failure: unknown;
  let completed = false;
  const wake = () => waiters.splice(0).forEach((w) => w());
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) failure = value.errors;
        else events.push(value.data as T);
        wake();
      },
      error: (error) => {
        failure = error;
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );
  return {
    events,
    dispose,
    get completed() {
      return completed;
    },
    /** Resolves with the n-th event (1-based), rejects with the subscription's error. */
    async nth(n: number, timeoutMs = 10_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (failure) throw failure;
        if (completed) throw new Error("subscription completed before the event");
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event #${n} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return events[n - 1];
    },
    async failed(timeoutMs = 10_000): Promise<unknown> {
      const deadline = Date.now() + timeoutMs;
      while (!failure && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return failure;
    },
  };
}

/** Resolves once the WebSocket client has been acknowledged by the server. */
export function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const offConnected = client.on("connected", () => {
      offConnected();
      resolve();
    });
    client.on("error", reject);
  });
}

let userCounter = 0;

/** A password that passes the policy, unique per call. */
export function strongPassword(): string {
  return `Correct-Horse-${process.pid}-${++userCounter}-Battery`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export const AUTH_FIELDS = "accessToken refreshToken accessTokenExpiresAt user { id email roles mfaEnabled kycStatus amlRiskLevel }";

export async function registerUser(server: { url: string }, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<TestUser> {
  const email = `user-${process.pid}-${Date.now()}-${++userCounter}@example.com`;
  const password = strongPassword();
  const { data, errors } = await gql(
    server,
    `mutation ($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
    { input: { email, password, firstName: "Test", lastName: "User", ...overrides } },
    headers,
  );
  if (errors) throw new Error(`register failed: ${JSON.stringify(errors)}`);
  const auth = data!.register;
  return { id: auth.user.id, email, password, accessToken: auth.accessToken, refreshToken: auth.refreshToken };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The error code of the first error, or undefined when the operation succeeded. */
export const codeOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  response.errors?.[0]?.extensions?.code as string | undefined;

/** Gives an existing user a role, as `npm run user:create` would. */
export async function grantRole(server: RunningServer, email: string, role: Role): Promise<void> {
  await createOrPromoteUser(server.database.dataSource, server.services.audit, 4, { email, password: "unused-for-existing", role });
}

/** Deletes every Redis key under `prefix` (a test's command and reply streams). */
export async function dropKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/**
 * Empties a book of whoever's orders rest there (the database may be shared with earlier
 * servers, whose market maker may be replacing its own ladder right now): an order that closed
 * between the read and its cancel (CONFLICT) is already out of the book.
 */
export async function clearBook(server: RunningServer, symbol: string): Promise<void> {
  const open: Array<{ id: string; user_id: string }> = await server.database.dataSource.query(
    `SELECT id, user_id FROM orders WHERE symbol = $1 AND status IN ('NEW', 'PARTIALLY_FILLED', 'PENDING_TRIGGER')`,
    [symbol],
  );
  for (const row of open) {
    const owner = new Session({ kind: "user", userId: row.user_id, roles: [Role.TRADER], tokenId: "test", expiresAt: new Date(Date.now() + 60_000) }, "127.0.0.1");
    await server.services.trading.cancelOrder(owner, row.id).catch((error: unknown) => {
      if (!(error instanceof AppError && error.extensions.code === "CONFLICT")) throw error;
    });
  }
}
