import { registerEnumType } from "type-graphql";

/*
 * The authorization vocabulary every feature's @Authorized rules speak. It lives in infra/ so
 * that features (and the audit trail) can use it without importing identity's internals.
 */

export enum Role {
  TRADER = "TRADER",
  ANALYST = "ANALYST",
  COMPLIANCE_OFFICER = "COMPLIANCE_OFFICER",
  ADMIN = "ADMIN",
  PARTNER = "PARTNER",
}

registerEnumType(Role, { name: "Role" });

/**
 * What a partner API key may reach. A field that names no scope is out of reach of every key:
 * keys are denied by default.
 */
export enum Scope {
  READ_PROFILE = "read:profile",
  READ_MARKET = "read:market",
  READ_PORTFOLIOS = "read:portfolios",
  READ_ORDERS = "read:orders",
  /** Place, amend and cancel orders; create portfolios and set their targets. Never moves money. */
  TRADE = "trade",
  /** Deposits and withdrawals: moving money is its own grant (issue 16), never implied by `trade`. */
  TRANSFER = "transfer",
  READ_REPORTS = "read:reports",
}

export const ALL_SCOPES: readonly string[] = Object.values(Scope);

/** An `@Authorized` rule entry naming the scope an API key needs; roles are entries too. */
export const scope = (value: Scope) => `scope:${value}`;
