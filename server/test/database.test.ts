import path from "node:path";
import { expect } from "chai";
import { ENTITIES } from "../src/app/entities";
import { loadConfig } from "../src/config";
import { type Database, openDatabase } from "../src/infra/database/database";
import { createLogger } from "../src/infra/logger";
import { services, tempDir, testEnv } from "./helpers";

const log = createLogger("silent");

async function open(kind: "pglite" | "postgres", dataDir = tempDir()): Promise<Database> {
  const config = loadConfig(testEnv({ DATA_DIR: dataDir, DATABASE_URL: kind === "postgres" ? services.databaseUrl : undefined }));
  return openDatabase(config, ENTITIES, log);
}

async function columns(db: Database) {
  return db.dataSource.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'migrations'
      ORDER BY table_name, column_name`,
  );
}

describe("embedded database (PGlite)", () => {
  let db: Database;
  before(async () => {
    db = await open("pglite");
    await db.dataSource.query("CREATE TABLE isolation_probe (id serial PRIMARY KEY, owner text NOT NULL)");
  });
  after(() => db?.close());

  it("when two transactions run concurrently and one rolls back, then only the other's rows remain", async () => {
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = db.dataSource.transaction(async (manager) => {
      await manager.query("INSERT INTO isolation_probe (owner) VALUES ('rolled-back')");
      await firstMayFinish;
      throw new Error("roll back");
    });
    const second = db.dataSource.transaction(async (manager) => {
      // If sessions were shared, the first transaction's uncommitted row would be visible here.
      const seen = await manager.query("SELECT owner FROM isolation_probe");
      await manager.query("INSERT INTO isolation_probe (owner) VALUES ('committed')");
      return seen as Array<{ owner: string }>;
    });
    releaseFirst();
    const [firstOutcome, seenBySecond] = await Promise.allSettled([first, second]);
    expect(firstOutcome.status).to.equal("rejected");
    expect(seenBySecond).to.deep.equal({ status: "fulfilled", value: [] });
    expect(await db.dataSource.query("SELECT owner FROM isolation_probe")).to.deep.equal([{ owner: "committed" }]);
  });

  it("when many transactions increment one counter concurrently, then no update is lost", async () => {
    await db.dataSource.query("CREATE TABLE counter_probe (n integer NOT NULL)");
    await db.dataSource.query("INSERT INTO counter_probe VALUES (0)");
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.dataSource.transaction(async (manager) => {
          const [{ n }] = await manager.query("SELECT n FROM counter_probe");
          await manager.query("UPDATE counter_probe SET n = $1", [n + 1]);
        }),
      ),
    );
    expect(await db.dataSource.query("SELECT n FROM counter_probe")).to.deep.equal([{ n: 20 }]);
  });

  it("when numeric and timestamptz values are read, then they come back as exact strings and Dates, as from PostgreSQL", async () => {
    const [row] = await db.dataSource.query("SELECT 12345678901234567890.123456789::numeric AS amount, now() AS at, 42::bigint AS big");
    expect(row.amount).to.equal("12345678901234567890.123456789");
    expect(row.at).to.be.instanceOf(Date);
    expect(row.big).to.equal("42");
  });

  it("when the data folder is reopened, then data persists and migrations do not run twice", async () => {
    const dir = tempDir();
    const first = await open("pglite", dir);
    await first.dataSource.query("UPDATE instruments SET name = 'Renamed' WHERE symbol = 'AAPL'");
    await first.close();
    const second = await open("pglite", dir);
    try {
      const [{ name }] = await second.dataSource.query("SELECT name FROM instruments WHERE symbol = 'AAPL'");
      expect(name).to.equal("Renamed");
      const migrations = await second.dataSource.query("SELECT name FROM migrations");
      expect(new Set(migrations.map((m: { name: string }) => m.name)).size).to.equal(migrations.length);
      expect(path.isAbsolute(dir)).to.equal(true);
    } finally {
      await second.close();
    }
  });
});

describe("migrations on PostgreSQL and PGlite", () => {
  it("when the same migrations run on both, then they produce the same tables and columns", async function () {
    if (!services.databaseUrl) throw new Error("DATABASE_URL is not set: this test compares against a real PostgreSQL");
    const postgres = await open("postgres");
    const pglite = await open("pglite");
    try {
      expect(await columns(pglite)).to.deep.equal(await columns(postgres));
    } finally {
      await postgres.close();
      await pglite.close();
    }
  });
});
