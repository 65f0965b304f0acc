import "reflect-metadata";
import fs from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../config";
import { printCommittedSchema } from "./schema";

/** Writes schema/schema.graphql from the resolvers (`npm run codegen` runs it first). */
async function main(): Promise<void> {
  const file = path.join(REPO_ROOT, "schema", "schema.graphql");
  await fs.writeFile(file, await printCommittedSchema());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
