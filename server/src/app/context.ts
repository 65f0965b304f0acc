import type { AnalyticsService, BehaviourService } from "../analytics";
import type { AuditAnchor, AuditService } from "../audit";
import type { ComplianceLoaders, ComplianceService } from "../compliance";
import type { WalletService } from "../chain";
import type { AccessClaims, ApiKeyService, AuthService, Authentication, Authenticator, MfaService, PasswordService, Session, SessionCookie, UserService, UserView } from "../identity";
import type { Logger } from "../infra/logger";
import type { Topic } from "../infra/pubsub";
import type { BarService, InstrumentService, ListingService, MarketDataService, MarketLoaders } from "../market";
import type { LedgerService, PortfolioLoaders, PortfolioService } from "../portfolio";
import type { AutoRebalancer, MarketMaker, TradingLoaders, TradingService } from "../trading";
import type { ValuationEngine } from "../valuation";
import type { WebhookDispatcher, WebhookService } from "../webhooks";
import type { CostReport } from "./abuse/abuse-guard";

/** The services resolvers may call. Built once per process; per-request state lives in Context. */
export interface Services {
  audit: AuditService;
  auditAnchor: AuditAnchor;
  authenticator: Authenticator;
  auth: AuthService;
  mfa: MfaService;
  passwords: PasswordService;
  apiKeys: ApiKeyService;
  users: UserService;
  instruments: InstrumentService;
  marketData: MarketDataService;
  bars: BarService;
  listings: ListingService;
  analytics: AnalyticsService;
  behaviour: BehaviourService;
  ledger: LedgerService;
  portfolios: PortfolioService;
  valuation: ValuationEngine;
  trading: TradingService;
  marketMaker: MarketMaker;
  autoRebalancer: AutoRebalancer;
  compliance: ComplianceService;
  wallets: WalletService;
  webhooks: WebhookService;
  webhookDispatcher: WebhookDispatcher;
}

/** What an HTTP operation's admission completes: the revocation check and the account read (see PendingAuthentication). */
export interface Admission {
  rateLimitKey: string;
  uncheckedRevocations: string[];
  /** The whole authentication once the account is read; rejects UNAUTHENTICATED. */
  authenticated: Promise<Authentication>;
}

/**
 * Built fresh for every HTTP request and for every subscription operation. The logger and the
 * loaders are made on first use: most operations need neither.
 */
export interface Context {
  requestId: string;
  log: Logger;
  session: Session;
  /** The browser session's refresh-token cookie (HTTP only; absent over WebSocket). */
  sessionCookie?: SessionCookie;
  /** The access token's claims when the caller sent one. */
  access: AccessClaims | null;
  /**
   * The signed-in caller's account as this request's authentication read it. Null for anonymous
   * callers, API keys, and WebSocket operations (authenticated once per connection, so not current).
   */
  account: UserView | null;
  /**
   * HTTP only: the rest of the caller's authentication, finished by the abuse guard's admission
   * before the operation runs. Until then `session` is anonymous, so nothing can be allowed early.
   */
  admission?: Admission;
  /** What admitting this operation cost and left in the caller's bucket (set by the abuse guard). */
  cost?: CostReport;
  services: Services;
  /** Per-request batching: one statement per kind of row, however many parents ask. */
  loaders: PortfolioLoaders & TradingLoaders & ComplianceLoaders & MarketLoaders;
  /** Subscribes to pub/sub topics for the lifetime of one GraphQL subscription. */
  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P>;
  /** `subscribe`, resolved once the subscription is in place (a stream that replays, then goes live). */
  listen<P>(topics: Topic<P>[]): Promise<AsyncIterableIterator<P>>;
}
