import type { Logger as OrmLogger } from "typeorm";
import type { Logger } from "../logger";

/**
 * Routes TypeORM's messages into the structured log. Query parameters are never logged:
 * they carry personal data and secrets.
 */
export class TypeormPinoLogger implements OrmLogger {
  constructor(private readonly logger: Logger) {}

  logQuery(query: string): void {
    this.logger.trace({ query }, "sql");
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ err: error, query }, "sql failed");
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ durationMs: time, query }, "slow sql");
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.debug(message);
  }

  log(level: "log" | "info" | "warn", message: unknown): void {
    if (level === "warn") this.logger.warn({ detail: message }, "typeorm");
    else this.logger.debug({ detail: message }, "typeorm");
  }
}
