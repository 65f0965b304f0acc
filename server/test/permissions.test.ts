import { expect } from "chai";
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from "graphql";
import { getSchema } from "../src/app/schema";
import type { RunningServer } from "../src/app/server";
import { NOT_ALLOWED, Role, SIGN_IN_FIRST } from "../src/identity";
import { bearer, gql, registerUser, startTestServer, subscribe, wsClient } from "./helpers";

/**
 * Who may call each root field. `public`: anyone, API keys included. `signed-in`: any user,
 * no API key. A role list: users holding one of them. `scope`: the API-key scope that also
 * opens the field to keys (whose owner must hold a listed role, when roles are listed).
 * A field missing here fails the suite: every new field needs a rule.
 */
type Rule = { who: "public" } | { who: "signed-in" | Role[]; scope?: string };

const PERMISSIONS: Record<string, Rule> = {
  "Query.instruments": { who: "public" },
  "Query.priceHistory": { who: "public" },
  "Query.marketDataStatus": { who: "public" },
  "Subscription.marketDataStatus": { who: "public" },
  "Mutation.listInstrument": { who: [Role.ADMIN] },
  "Mutation.importPriceBars": { who: [Role.ADMIN, Role.ANALYST] },
  "Query.instrumentPerformance": { who: [Role.ANALYST, Role.ADMIN] },
  "Query.backtest": { who: [Role.ANALYST, Role.ADMIN] },
  "Query.correlationMatrix": { who: [Role.ANALYST, Role.ADMIN] },
  "Query.volatilityForecast": { who: [Role.ANALYST, Role.ADMIN] },
  "Query.portfolioPerformance": { who: "signed-in", scope: "read:portfolios" },
  "Query.allPortfolios": { who: [Role.ANALYST, Role.COMPLIANCE_OFFICER, Role.ADMIN] },
  "Query.portfolios": { who: "signed-in", scope: "read:portfolios" },
  "Query.portfolio": { who: "signed-in", scope: "read:portfolios" },
  "Mutation.createPortfolio": { who: [Role.TRADER, Role.PARTNER], scope: "trade" },
  "Mutation.deposit": { who: [Role.TRADER, Role.PARTNER], scope: "transfer" },
  "Mutation.withdraw": { who: [Role.TRADER, Role.PARTNER], scope: "transfer" },
  "Mutation.setTargetAllocation": { who: [Role.TRADER, Role.PARTNER], scope: "trade" },
  "Subscription.portfolioValuation": { who: "signed-in", scope: "read:portfolios" },
  "Query.orders": { who: "signed-in", scope: "read:orders" },
  "Query.order": { who: "signed-in", scope: "read:orders" },
  "Query.fills": { who: "signed-in", scope: "read:orders" },
  "Query.statement": { who: "signed-in", scope: "read:portfolios" },
  "Query.orderBook": { who: "public" },
  "Mutation.placeOrder": { who: [Role.TRADER, Role.PARTNER], scope: "trade" },
  "Mutation.cancelOrder": { who: [Role.TRADER, Role.PARTNER], scope: "trade" },
  "Mutation.cancelAllOrders": { who: [Role.TRADER, Role.PARTNER], scope: "trade" },
  "Mutation.amendOrder": { who: [Role.TRADER, Role.PARTNER], scope: "trade" },
  "Mutation.setTradingHalted": { who: [Role.ADMIN] },
  "Mutation.setUserTradingDisabled": { who: [Role.ADMIN] },
  "Subscription.orderUpdates": { who: "signed-in", scope: "read:orders" },
  "Subscription.trades": { who: "public" },
  "Subscription.orderBook": { who: "public" },
  "Query.me": { who: "signed-in", scope: "read:profile" },
  "Query.apiKeys": { who: "signed-in" },
  "Query.auditLog": { who: [Role.ADMIN, Role.COMPLIANCE_OFFICER] },
  "Query.users": { who: [Role.ADMIN, Role.COMPLIANCE_OFFICER] },
  "Query.verifyAuditChain": { who: [Role.ADMIN, Role.COMPLIANCE_OFFICER] },
  "Query.auditCheckpoints": { who: [Role.ADMIN, Role.COMPLIANCE_OFFICER] },
  "Mutation.register": { who: "public" },
  "Mutation.login": { who: "public" },
  "Mutation.verifyMfa": { who: "public" },
  "Mutation.refreshToken": { who: "public" },
  "Mutation.logout": { who: "signed-in" },
  "Mutation.changePassword": { who: "signed-in" },
  "Mutation.requestPasswordReset": { who: "public" },
  "Mutation.resetPassword": { who: "public" },
  "Mutation.enableMfa": { who: "signed-in" },
  "Mutation.confirmMfa": { who: "signed-in" },
  "Mutation.disableMfa": { who: "signed-in" },
  "Mutation.regenerateBackupCodes": { who: "signed-in" },
  "Mutation.createApiKey": { who: "signed-in" },
  "Mutation.revokeApiKey": { who: "signed-in" },
  "Query.webhooks": { who: "signed-in" },
  "Mutation.createWebhook": { who: "signed-in" },
  "Mutation.deleteWebhook": { who: "signed-in" },
  "Query.rateLimit": { who: "public" },
  "Mutation.setUserRoles": { who: [Role.ADMIN] },
  "Subscription.quotes": { who: "public" },
  "Mutation.submitKyc": { who: "signed-in" },
  "Mutation.decideKyc": { who: [Role.COMPLIANCE_OFFICER] },
  "Query.kycVerifications": { who: "signed-in" },
  "Query.screenName": { who: [Role.COMPLIANCE_OFFICER] },
  "Query.suspiciousActivities": { who: [Role.COMPLIANCE_OFFICER], scope: "read:reports" },
  "Query.report": { who: [Role.COMPLIANCE_OFFICER], scope: "read:reports" },
  "Query.customer": { who: [Role.COMPLIANCE_OFFICER] },
  "Query.customerBehaviour": { who: [Role.COMPLIANCE_OFFICER, Role.ADMIN] },
  "Query.sanctionsLists": { who: [Role.COMPLIANCE_OFFICER, Role.ADMIN] },
  "Mutation.reloadSanctionsLists": { who: [Role.ADMIN] },
  "Mutation.assignCase": { who: [Role.COMPLIANCE_OFFICER] },
  "Mutation.addCaseNote": { who: [Role.COMPLIANCE_OFFICER] },
  "Mutation.escalateCase": { who: [Role.COMPLIANCE_OFFICER] },
  "Mutation.closeCase": { who: [Role.COMPLIANCE_OFFICER] },
  "Mutation.fileSar": { who: [Role.COMPLIANCE_OFFICER] },
  "Query.wallets": { who: "signed-in" },
  "Mutation.walletChallenge": { who: "signed-in" },
  "Mutation.linkWallet": { who: "signed-in" },
  "Mutation.unlinkWallet": { who: "signed-in" },
};

type Caller = { name: string; kind: "anonymous" } | { name: string; kind: "user"; role: Role; token: string } | { name: string; kind: "apiKey"; scopes: string[]; key: string };

function expectedAllowed(rule: Rule, caller: Caller): boolean {
  if (rule.who === "public") return true;
  if (caller.kind === "anonymous") return false;
  if (caller.kind === "user") return rule.who === "signed-in" || rule.who.includes(caller.role);
  // Keys belong to a TRADER here; they need the field's scope, and the owner its role.
  return rule.scope !== undefined && caller.scopes.includes(rule.scope) && (rule.who === "signed-in" || rule.who.includes(Role.TRADER));
}

const SAMPLE_SCALARS: Record<string, unknown> = {
  String: "x",
  ID: "00000000-0000-4000-8000-000000000000",
  Int: 1,
  Float: 1,
  Boolean: true,
  Decimal: "1",
  DateTime: "2026-01-01T00:00:00.000Z",
};

/** A value of the right type for a required argument: the operation must pass validation. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isScalarType(type)) return SAMPLE_SCALARS[type.name];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  throw new Error(`no sample for ${String(type)}`);
}

function operationFor(kind: "query" | "mutation" | "subscription", field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((arg) => isNonNullType(arg.type));
  const variables = Object.fromEntries(required.map((arg) => [arg.name, sample(arg.type)]));
  const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(", ");
  const args = required.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
  const selection = isObjectType(getNamedType(field.type)) ? " { __typename }" : "";
  const query = `${kind}${declarations ? ` (${declarations})` : ""} { ${field.name}${args ? `(${args})` : ""}${selection} }`;
  return { query, variables };
}

/** Denied by authorization, as opposed to refused by the service (a wrong password, an unknown id). */
function deniedByAuthorization(errors: Array<{ message: string; extensions?: Record<string, unknown> }> | undefined): boolean {
  const error = errors?.[0];
  if (!error) return false;
  return (error.extensions?.code === "UNAUTHENTICATED" && error.message === SIGN_IN_FIRST) || (error.extensions?.code === "FORBIDDEN" && error.message.startsWith(NOT_ALLOWED));
}

describe("permission table", () => {
  let server: RunningServer;
  const callers: Caller[] = [{ name: "anonymous", kind: "anonymous" }];

  before(async () => {
    server = await startTestServer();
    for (const role of Object.values(Role)) {
      const user = await registerUser(server);
      await server.database.dataSource.query("UPDATE users SET roles = $1 WHERE id = $2", [[role], user.id]);
      callers.push({ name: role, kind: "user", role, token: user.accessToken });
    }
    const owner = await registerUser(server);
    const CREATE = `mutation ($s: [String!]!) { createApiKey(name: "perm", scopes: $s) { secret } }`;
    for (const scopes of [["read:profile", "read:market", "read:portfolios", "read:orders", "trade", "transfer", "read:reports"], ["read:market"], ["trade"]]) {
      const { data } = await gql(server, CREATE, { s: scopes }, bearer(owner.accessToken));
      callers.push({ name: `apiKey[${scopes.join(" ")}]`, kind: "apiKey", scopes, key: data!.createApiKey.secret });
    }
  });
  after(() => server?.stop());

  it("when the schema is read, then every Query, Mutation and Subscription field has exactly one rule", async () => {
    const schema = await getSchema();
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
      .filter((type): type is GraphQLObjectType => Boolean(type))
      .flatMap((type) => Object.keys(type.getFields()).map((name) => `${type.name}.${name}`));
    expect(fields.filter((field) => !(field in PERMISSIONS)), "fields without a rule").to.deep.equal([]);
    expect(Object.keys(PERMISSIONS).filter((field) => !fields.includes(field)), "rules without a field").to.deep.equal([]);
  });

  it("when every caller calls every field, then each is allowed or denied exactly as the table says", async function () {
    this.timeout(120_000);
    const schema = await getSchema();
    const roots = [
      ["query", schema.getQueryType()!],
      ["mutation", schema.getMutationType()!],
      ["subscription", schema.getSubscriptionType()!],
    ] as const;
    const mismatches: string[] = [];
    for (const caller of callers) {
      const headers =
        caller.kind === "user" ? bearer(caller.token) : caller.kind === "apiKey" ? { authorization: `ApiKey ${caller.key}` } : ({} as Record<string, string>);
      // logout ends the caller's session: run it last.
      const ordered = roots.flatMap(([kind, type]) => Object.values(type.getFields()).map((field) => ({ kind, type, field })));
      ordered.sort((a, b) => Number(a.field.name === "logout") - Number(b.field.name === "logout"));
      for (const { kind, type, field } of ordered) {
        const name = `${type.name}.${field.name}`;
        const { query, variables } = operationFor(kind, field);
        let errors;
        if (kind === "subscription") {
          const client = wsClient(server, { connectionParams: headers.authorization ? { authorization: headers.authorization } : {} });
          const sub = subscribe(client, query, variables);
          errors = (await Promise.race([sub.failed(1_000), sub.nth(1, 1_000).then(() => undefined, () => undefined)])) as typeof errors;
          sub.dispose();
          await client.dispose();
        } else {
          errors = (await gql(server, query, variables, headers)).errors;
        }
        const allowed = !deniedByAuthorization(errors);
        if (allowed !== expectedAllowed(PERMISSIONS[name], caller)) {
          mismatches.push(`${caller.name} ${name}: ${allowed ? "allowed" : "denied"} (${JSON.stringify(errors?.[0] ?? null)})`);
        }
      }
    }
    expect(mismatches).to.deep.equal([]);
  });
});
