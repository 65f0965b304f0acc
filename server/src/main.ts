import "reflect-metadata";
import { startServer, type RunningServer } from "./app/server";
import { ConfigError, loadConfig } from "./config";
import type { DemoLogin } from "./identity";
import { createLogger } from "./infra/logger";

/** Process entry: config -> infrastructure -> app -> listen; SIGTERM/SIGINT stop it gracefully. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  if (config.database.kind === "pglite") log.info({ dataDir: config.database.dataDir }, "using the embedded database (PGlite); set DATABASE_URL for PostgreSQL");
  if (config.redis.kind === "memory") log.info("using in-process pub/sub; set REDIS_URL for Redis");

  const server = await startServer(config, log);
  printBanner(server);
  // A deposed sequencer has stopped itself; exit so its supervisor starts it again as a standby.
  void server.sequencer?.deposed.then(async () => {
    await server.stop().catch(() => undefined);
    process.exit(75); // EX_TEMPFAIL
  });

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, "second signal: exiting at once");
      process.exit(1);
    }
    log.info({ signal }, "signal received");
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

/** Written once to the terminal, not to the structured log: demo passwords never enter log storage. */
function printBanner(server: RunningServer): void {
  const lines = [``, `  BlockGuardian is running at ${server.url}`, `  GraphQL: ${server.url}/graphql (HTTP and WebSocket)`];
  if (server.demoLogins.length > 0) {
    lines.push(``, `  Demo logins (this machine only; kept in ${server.config.dataDir}/demo-logins.json):`);
    for (const login of server.demoLogins) lines.push(`    ${formatLogin(login)}`);
  }
  process.stdout.write(lines.join("\n") + "\n\n");
}

function formatLogin(login: DemoLogin): string {
  return `${login.roles.join(",").padEnd(20)} ${login.email.padEnd(38)} ${login.password}`;
}

main().catch((error: unknown) => {
  console.error("failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
