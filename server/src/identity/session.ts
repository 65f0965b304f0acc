import { AppError, notFound } from "../infra/errors";
import { SIGN_IN_FIRST } from "./auth-checker";
import type { Role } from "../infra/auth";

export type Principal =
  | { kind: "anonymous" }
  | { kind: "user"; userId: string; roles: Role[]; tokenId: string; expiresAt: Date }
  | { kind: "apiKey"; userId: string; roles: Role[]; apiKeyId: string; scopes: string[]; portfolioIds?: string[] };

/** Who is calling, decided once per request (or per WebSocket connection). */
export class Session {
  constructor(
    readonly principal: Principal,
    /** The caller's address, for per-IP limits on anonymous traffic and logins. */
    readonly ip: string,
  ) {}

  static anonymous(ip: string): Session {
    return new Session({ kind: "anonymous" }, ip);
  }

  get userId(): string | null {
    return this.principal.kind === "anonymous" ? null : this.principal.userId;
  }

  get roles(): Role[] {
    return this.principal.kind === "anonymous" ? [] : this.principal.roles;
  }

  hasRole(...roles: Role[]): boolean {
    return roles.some((role) => this.roles.includes(role));
  }

  /** The signed-in user's id, or UNAUTHENTICATED. */
  requireUser(): string {
    if (this.principal.kind === "anonymous") throw new AppError("UNAUTHENTICATED", SIGN_IN_FIRST);
    return this.principal.userId;
  }

  /**
   * The one ownership check. Someone else's resource answers exactly as a missing one does,
   * so ids cannot be probed for existence.
   */
  assertOwns(resource: { userId: string; id?: string; portfolioId?: string | null } | null | undefined, what: string): asserts resource is { userId: string } {
    if (!resource || resource.userId !== this.requireUser()) throw notFound(what);
    // A portfolio, or a resource that lives in one (an order): an API key limited to some portfolios reaches no other.
    const portfolioId = resource.portfolioId ?? (what === "Portfolio" ? resource.id : undefined);
    if (portfolioId) this.assertPortfolioInReach(portfolioId);
  }

  /** The portfolios an API key is limited to, or null when the caller may reach all of its own. */
  get portfolioLimit(): string[] | null {
    return this.principal.kind === "apiKey" && this.principal.portfolioIds?.length ? this.principal.portfolioIds : null;
  }

  reaches(portfolioId: string): boolean {
    const limit = this.portfolioLimit;
    return limit === null || limit.includes(portfolioId);
  }

  /** FORBIDDEN for a portfolio outside the key's list: the caller owns it, so saying so reveals nothing. */
  assertPortfolioInReach(portfolioId: string): void {
    if (!this.reaches(portfolioId)) throw new AppError("FORBIDDEN", "This API key is limited to other portfolios");
  }

  /** The rate limiter's key of a signed-in user, known before their account is read. */
  static userRateLimitKey(userId: string): string {
    return `user:${userId}`;
  }

  /** The key the rate limiter charges: the user, the API key, or the address of an anonymous caller. */
  get rateLimitKey(): string {
    switch (this.principal.kind) {
      case "user":
        return Session.userRateLimitKey(this.principal.userId);
      case "apiKey":
        return `key:${this.principal.apiKeyId}`;
      default:
        return `ip:${this.ip}`;
    }
  }
}
