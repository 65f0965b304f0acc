import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { getMetadataStorage } from "type-graphql";
import { getSchema } from "../src/app/schema";
import { REPO_ROOT } from "../src/config";
import { ALL_SCOPES } from "../src/infra/auth";

/**
 * Issue 16: scopes map to operations in one table, published in the docs. The table in
 * docs/partners.md must say exactly what the resolvers' @Authorized rules do.
 */
describe("the partner guide's scope table", () => {
  it("when docs/partners.md is read, then each scope lists exactly the operations its rules open, and the public row every field without a rule", async () => {
    const schema = await getSchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()!, schema.getSubscriptionType()!];
    const rootFields = new Set(roots.flatMap((type) => Object.keys(type.getFields())));
    const documented = new Map<string, Set<string>>();
    const text = fs.readFileSync(path.join(REPO_ROOT, "docs", "partners.md"), "utf8");
    const section = text.slice(text.indexOf("## Scopes"), text.indexOf("### Changelog"));
    for (const line of section.split("\n")) {
      const row = /^\| (`[^`]+`|public \(any caller\)) \| (.*) \|$/.exec(line);
      if (!row) continue;
      const scope = row[1].startsWith("`") ? row[1].slice(1, -1) : "public";
      documented.set(scope, new Set([...row[2].matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1])));
    }

    const actual = new Map<string, Set<string>>([["public", new Set(rootFields)]]);
    for (const scope of ALL_SCOPES) actual.set(scope, new Set());
    // A rule is recorded under the resolver's method name; the schema may name the field otherwise.
    const storage = getMetadataStorage();
    const operations = [...storage.queries, ...storage.mutations, ...storage.subscriptions];
    for (const { target, fieldName: method, roles } of storage.authorizedFields) {
      const fieldName = operations.find((root) => root.target === target && root.methodName === method)?.schemaName ?? method;
      if (!rootFields.has(fieldName)) continue;
      actual.get("public")!.delete(fieldName);
      for (const rule of roles as string[]) if (rule.startsWith("scope:")) actual.get(rule.slice("scope:".length))!.add(fieldName);
    }
    const sorted = (map: Map<string, Set<string>>) => Object.fromEntries([...map].map(([scope, fields]) => [scope, [...fields].sort()]).sort());
    expect(sorted(documented)).to.deep.equal(sorted(actual));
  });
});
