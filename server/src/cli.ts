import "reflect-metadata";
import { parseArgs } from "node:util";
import { ENTITIES } from "./app/entities";
import { AuditService } from "./audit";
import { ConfigError, loadConfig } from "./config";
import { reencryptKycFields } from "./compliance";
import { createOrPromoteUser, reencryptUserFields, Role } from "./identity";
import { openDatabase } from "./infra/database/database";
import { createLogger } from "./infra/logger";
import { loadSecrets } from "./infra/secrets";

const USAGE = `usage:
  npm run user:create -- --email E --password P --role ROLE [--first-name F --last-name L]
      creates the user with ROLE, or adds ROLE to an existing user (password unchanged)
  npm run keys:rotate
      re-encrypts every encrypted field with the active key of ENCRYPTION_KEYS
Both use the database that DATABASE_URL names, or the embedded one in DATA_DIR.`;

class UsageError extends Error {}

/** Process entry for operator commands against the configured database. */
async function main([command, ...rest]: string[]): Promise<void> {
  if (command !== "user:create" && command !== "keys:rotate") throw new UsageError(`unknown command ${command ?? ""}`);
  const config = loadConfig();
  const log = createLogger("warn");
  const database = await openDatabase(config, ENTITIES, log);
  try {
    if (command === "user:create") {
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
      const changed = (await reencryptUserFields(database.dataSource, cipher)) + (await reencryptKycFields(database.dataSource, cipher));
      console.log(`re-encrypted ${changed} value(s) with key ${cipher.activeKeyId}`);
    }
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
  else if (error instanceof ConfigError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
