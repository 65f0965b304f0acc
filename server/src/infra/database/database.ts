import fs from "node:fs/promises";
import { DataSource, type EntitySchema, type MixedList } from "typeorm";
import type { Config } from "../../config";
import type { Logger } from "../logger";
import { migrations } from "./migrations";
import { TypeormPinoLogger } from "./typeorm-logger";

type EntityList = MixedList<Function | string | EntitySchema>;

export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly dataSource: DataSource;
  /** Fails when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL (`DATABASE_URL`) or the embedded PGlite database and runs every pending
 * migration. Schema changes only ever come from migrations: `synchronize` stays off on both.
 */
export async function openDatabase(config: Config, entities: EntityList, logger: Logger): Promise<Database> {
  const common = {
    type: "postgres" as const,
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ (and PGlite); no extension to install.
    uuidExtension: "pgcrypto" as const,
    installExtensions: false,
    logger: new TypeormPinoLogger(logger),
    applicationName: config.instanceName,
  };
  let dataSource: DataSource;
  let closeEngine = async () => {};
  if (config.database.kind === "postgres") {
    dataSource = new DataSource({ ...common, url: config.database.url, poolSize: config.database.poolSize });
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    const { createPgConfig } = await import("@electric-sql/pglite/node-postgres");
    await fs.mkdir(config.database.dataDir, { recursive: true });
    const pglite = await PGlite.create(config.database.dataDir);
    // PGlite is one session. Going through node-postgres with a pool of one makes every
    // TypeORM query runner wait for the session, so transactions are serialised and never
    // interleave (a shared session would let one transaction see another's uncommitted rows).
    dataSource = new DataSource({
      ...common,
      poolSize: 1,
      extra: { ...createPgConfig(pglite), connectionTimeoutMillis: 30_000 },
    });
    closeEngine = () => pglite.close();
  }
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: "each" });
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "database migrated");
  } catch (error) {
    await dataSource.destroy();
    await closeEngine();
    throw error;
  }
  return {
    kind: config.database.kind,
    dataSource,
    ping: async () => {
      await dataSource.query("SELECT 1");
    },
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await closeEngine();
    },
  };
}
