import type { AuditAnchor, AuditService } from "../audit";
import type { ComplianceService } from "../compliance";
import type { WalletService } from "../chain";
import type { AccessClaims, ApiKeyService, AuthService, Authenticator, MfaService, PasswordService, Session, SessionCookie, UserService } from "../identity";
import type { Logger } from "../infra/logger";
import type { Topic } from "../infra/pubsub";
import type { InstrumentService, MarketDataService } from "../market";
import type { LedgerService, PortfolioLoaders, PortfolioService } from "../portfolio";
import type { AutoRebalancer, MarketMaker, TradingLoaders, TradingService } from "../trading";
import type { ValuationEngine } from "../valuation";

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
  ledger: LedgerService;
  portfolios: PortfolioService;
  valuation: ValuationEngine;
  trading: TradingService;
  marketMaker: MarketMaker;
  autoRebalancer: AutoRebalancer;
  compliance: ComplianceService;
  wallets: WalletService;
}

/** Built fresh for every HTTP request and for every subscription operation. */
export interface Context {
  requestId: string;
  log: Logger;
  session: Session;
  /** The browser session's refresh-token cookie (HTTP only; absent over WebSocket). */
  sessionCookie?: SessionCookie;
  /** The access token's claims when the caller sent one. */
  access: AccessClaims | null;
  services: Services;
  /** Per-request batching: one statement per kind of row, however many parents ask. */
  loaders: PortfolioLoaders & TradingLoaders;
  /** Subscribes to pub/sub topics for the lifetime of one GraphQL subscription. */
  subscribe<P>(topics: Topic<P>[]): AsyncIterableIterator<P>;
}
