import fs from "node:fs/promises";
import path from "node:path";
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
    const releaseLock = await lockDataDir(config.database.dataDir);
    const pglite = await PGlite.create(config.database.dataDir).catch(async (error: unknown) => {
      await releaseLock();
      throw error;
    });
    // PGlite is one session. Going through node-postgres with a pool of one makes every
    // TypeORM query runner wait for the session, so transactions are serialised and never
    // interleave (a shared session would let one transaction see another's uncommitted rows).
    dataSource = new DataSource({
      ...common,
      poolSize: 1,
      extra: { ...createPgConfig(pglite), connectionTimeoutMillis: 30_000 },
    });
    closeEngine = async () => {
      await pglite.close();
      await releaseLock();
    };
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

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt
 * it. A lock file with the owner's pid keeps a second server (or `npm run user:create`) out
 * while the first runs, and is taken over when its owner is gone.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lock = path.join(dataDir, "..", "pglite.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: "wx" });
      return () => fs.rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await fs.readFile(lock, "utf8").catch(() => "0"));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(`the embedded database in ${dataDir} is in use by process ${owner}; stop it first, or set DATABASE_URL`);
      }
      await fs.rm(lock, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
