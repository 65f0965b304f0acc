import type { AuthChecker } from "type-graphql";
import type { AuditService } from "../audit";
import type { Role } from "../infra/auth";
import { AppError } from "../infra/errors";
import type { Session } from "./session";

/** The messages of the checker's own refusals, told apart from a service's UNAUTHENTICATED (a wrong password). */
export const SIGN_IN_FIRST = "Sign in first";
export const NOT_ALLOWED = "Not allowed";

/**
 * The one auth checker behind every `@Authorized(...)`. Rule entries are roles (any one
 * suffices; none means any signed-in caller) and `scope:<name>` entries, which an API key
 * needs one of. A field without a scope is unreachable with an API key.
 */
export function createAuthChecker(): AuthChecker<{ session: Session; services: { audit: AuditService } }, string> {
  return async ({ context, info }, rules) => {
    const { principal } = context.session;
    if (principal.kind === "anonymous") throw new AppError("UNAUTHENTICATED", SIGN_IN_FIRST);
    const roles = rules.filter((rule) => !rule.startsWith("scope:")) as Role[];
    const scopes = rules.filter((rule) => rule.startsWith("scope:")).map((rule) => rule.slice("scope:".length));
    const roleAllowed = roles.length === 0 || roles.some((role) => principal.roles.includes(role));
    const scopeAllowed = principal.kind !== "apiKey" || scopes.some((scope) => principal.scopes.includes(scope));
    if (roleAllowed && scopeAllowed) return true;
    const field = `${info.parentType.name}.${info.fieldName}`;
    await context.services.audit.record({
      eventType: "auth.permission_denied",
      userId: principal.userId,
      payload: { field, via: principal.kind, ...(principal.kind === "apiKey" ? { apiKeyId: principal.apiKeyId } : {}) },
    });
    throw new AppError("FORBIDDEN", `${NOT_ALLOWED}: ${field}`);
  };
}
