import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { DataSource } from "typeorm";
import { ENTITIES } from "./app/entities";
import { AuditService } from "./audit";
import { ConfigError, invocationDir, loadConfig } from "./config";
import { reencryptKycFields } from "./compliance";
import { createOrPromoteUser, reencryptUserFields, Role } from "./identity";
import { reencryptWebhookSecrets } from "./webhooks";
import { openDatabase } from "./infra/database/database";
import { createLogger } from "./infra/logger";
import { loadSecrets } from "./infra/secrets";
import { BarInterval, BarService, InstrumentService, parseBarCsv } from "./market";

const USAGE = `usage:
  npm run user:create -- --email E --password P --role ROLE [--first-name F --last-name L]
      creates the user with ROLE, or adds ROLE to an existing user (password unchanged)
  npm run keys:rotate
      re-encrypts every encrypted field with the active key of ENCRYPTION_KEYS
  npm run data:import -- --symbol SYMBOL --interval DAY_1 FILE.csv
      imports OHLCV bars of a listed symbol from a CSV download (date or time, open, high, low,
      close, volume columns found by name); a re-import replaces bars of the same time
All use the database that DATABASE_URL names, or the embedded one in DATA_DIR.`;

class UsageError extends Error {}

/** Process entry for operator commands against the configured database. */
async function main([command, ...rest]: string[]): Promise<void> {
  if (command !== "user:create" && command !== "keys:rotate" && command !== "data:import") throw new UsageError(`unknown command ${command ?? ""}`);
  const config = loadConfig();
  const log = createLogger("warn");
  const database = await openDatabase(config, ENTITIES, log);
  try {
    if (command === "data:import") {
      await importBarsFromFile(database.dataSource, rest);
    } else if (command === "user:create") {
      const { values } = parseArgs({
        args: rest,
        options: {
          email: { type: "string" },
          password: { type: "string" },
          role: { type: "string" },
          "first-name": { type: "string" },
          "last-name": { type: "string" },
        },
      });
      const role = values.role?.toUpperCase() as Role;
      if (!values.email || !values.password || !Object.values(Role).includes(role)) {
        throw new UsageError(`--email, --password and --role (one of ${Object.values(Role).join(", ")}) are required`);
      }
      const { user, created } = await createOrPromoteUser(database.dataSource, new AuditService(database.dataSource), config.bcryptCost, {
        email: values.email,
        password: values.password,
        role,
        firstName: values["first-name"],
        lastName: values["last-name"],
      });
      console.log(`${created ? "created" : "updated"} ${user.email} (${user.id}) with roles ${user.roles.join(", ")}`);
    } else {
      const { cipher } = await loadSecrets(config, log);
      const changed = (await reencryptUserFields(database.dataSource, cipher)) + (await reencryptKycFields(database.dataSource, cipher)) + (await reencryptWebhookSecrets(database.dataSource, cipher));
      console.log(`re-encrypted ${changed} value(s) with key ${cipher.activeKeyId}`);
    }
  } finally {
    await database.close();
  }
}

/** `data:import`: the same checks and idempotent replace as importPriceBars, from a file. */
async function importBarsFromFile(dataSource: DataSource, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { symbol: { type: "string" }, interval: { type: "string" } } });
  const interval = values.interval?.toUpperCase() as BarInterval;
  if (!values.symbol || !Object.values(BarInterval).includes(interval) || positionals.length !== 1) {
    throw new UsageError(`--symbol, --interval (one of ${Object.values(BarInterval).join(", ")}) and one CSV file are required`);
  }
  const symbol = values.symbol.toUpperCase();
  if (!(await new InstrumentService(dataSource).get(symbol))) throw new UsageError(`${symbol} is not listed: list it first (listInstrument)`);
  const { bars, problems } = parseBarCsv(fs.readFileSync(path.resolve(invocationDir(), positionals[0]), "utf8"));
  const result = await new BarService(dataSource).import(symbol, interval, bars, problems);
  await new AuditService(dataSource).record({ eventType: "market.bars_imported", payload: { symbol, interval, stored: result.stored, replaced: result.replaced, rejected: result.rejected, via: "cli" } });
  console.log(`${symbol} ${interval}: ${result.received} received, ${result.stored} stored (${result.replaced} replaced), ${result.rejected} rejected`);
  for (const problem of result.problems) console.log(`  ${problem}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof ConfigError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
