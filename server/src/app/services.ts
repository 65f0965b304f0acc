import { AnalyticsService, BehaviourService } from "../analytics";
import { AuditAnchor, AuditService } from "../audit";
import { ComplianceService, internalAccountIds } from "../compliance";
import { type ChainRuntime, WalletService } from "../chain";
import type { Config } from "../config";
import { ApiKeyService, AuthService, Authenticator, LoginGuard, MfaService, PasswordService, setTradingDisabled, TokenService, UserService, usersWithTradingDisabled } from "../identity";
import { createMailer } from "../infra/mailer";
import type { Database } from "../infra/database/database";
import type { KeyValueStore } from "../infra/kv";
import type { PubSub } from "../infra/pubsub";
import type { Secrets } from "../infra/secrets";
import type { Logger } from "../infra/logger";
import { BarService, InstrumentService, ListingService, MarketDataService } from "../market";
import { activityByUser, LedgerService, PortfolioService } from "../portfolio";
import { AutoRebalancer, cashGateway, commandStreamKeys, MarketMaker, Publisher, RemoteSequencer, Sequencer, TradingService } from "../trading";
import { ValuationEngine } from "../valuation";
import { WebhookDispatcher, WebhookService } from "../webhooks";
import type { Services } from "./context";

/** The composition root of the features: every service, wired once per process. */
export function createServices(config: Config, database: Database, pubsub: PubSub, kv: KeyValueStore, secrets: Secrets, log: Logger, chain: ChainRuntime | null = null): Services {
  const { dataSource } = database;
  const audit = new AuditService(dataSource);
  const tokens = new TokenService(dataSource, secrets.jwtSecret, kv, pubsub, audit, {
    accessSeconds: config.tokens.accessTtlSeconds,
    refreshDays: config.tokens.refreshTtlDays,
  });
  const mfa = new MfaService(dataSource, secrets.cipher, audit);
  const loginGuard = new LoginGuard(kv, audit);
  const mailer = createMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from, dataDir: config.dataDir }, log);
  const compliance = new ComplianceService(dataSource, audit, secrets.cipher, config.compliance, log);
  const instruments = new InstrumentService(dataSource);
  const marketData = new MarketDataService(dataSource, pubsub, log, config.market.staleAfterMs);
  // The one writer of cash, positions and orders; everything that moves money goes through it.
  const publisher = new Publisher(pubsub, marketData, log, compliance);
  const sequencer = new Sequencer(
    dataSource,
    config.trading.fees,
    config.trading.systemActivityAuditMs,
    {
      audit,
      compliance,
      setTradable: (manager, symbol, tradable) => instruments.setTradable(manager, symbol, tradable),
      haltedSymbols: (manager) => instruments.haltedSymbols(manager),
      setTradingDisabled,
      usersWithTradingDisabled,
    },
    publisher,
    log,
  );
  // ROLE=api: the sequencer is another process's, reached over Redis Streams; this one's stays idle.
  const remote =
    config.role === "api" && config.redis.kind === "redis"
      ? new RemoteSequencer(config.redis.url, commandStreamKeys(config.redis.keyPrefix), config.instanceName, dataSource, config.commandTimeoutMs, log)
      : null;
  const ledger = new LedgerService(remote ? cashGateway(remote) : sequencer, pubsub);
  const portfolios = new PortfolioService(dataSource, audit, ledger, instruments, marketData);
  const trading = new TradingService(dataSource, config.trading, instruments, marketData, sequencer, publisher, remote, compliance);
  const bars = new BarService(dataSource, marketData);
  const wallets = new WalletService(dataSource, audit, portfolios, pubsub, config.chain.linkDomain, chain && { chainId: chain.chainId, balances: chain.balances }, log, compliance);
  compliance.useLinkedWallets(wallets);
  const { ctrThreshold, structuringNearPercent: nearPercent, rapidWindowHours: soonHours, behaviourWindowDays: defaultWindowDays } = config.compliance;
  const behaviour = new BehaviourService(dataSource, audit, activityByUser, internalAccountIds, { ctrThreshold, nearPercent, soonHours, defaultWindowDays });
  compliance.useBehaviour(behaviour);
  return {
    audit,
    auditAnchor: new AuditAnchor(dataSource, audit, config.auditAnchor, log, chain?.checkpointLedger ?? null),
    authenticator: new Authenticator(dataSource, tokens),
    auth: new AuthService(dataSource, tokens, mfa, loginGuard, audit, secrets.cipher, config.bcryptCost, compliance),
    passwords: new PasswordService(dataSource, tokens, loginGuard, audit, mailer, { bcryptCost: config.bcryptCost, publicUrl: config.mail.publicUrl }, log),
    mfa,
    apiKeys: new ApiKeyService(dataSource, audit, pubsub, async (session, ids) => (await Promise.all(ids.map((id) => portfolios.findOwned(session, id)))).every(Boolean)),
    users: new UserService(dataSource, audit, pubsub),
    instruments,
    marketData,
    bars,
    listings: new ListingService(dataSource, instruments, marketData, bars, audit, (instrument) => trading.openBook(instrument)),
    analytics: new AnalyticsService(bars, instruments, portfolios),
    behaviour,
    ledger,
    portfolios,
    valuation: new ValuationEngine(dataSource, pubsub, marketData, log, { ...config.valuation, walletHoldings: chain?.holdings }),
    trading,
    marketMaker: new MarketMaker(dataSource, trading, marketData, instruments, ledger, sequencer, log),
    compliance,
    autoRebalancer: new AutoRebalancer(dataSource, portfolios, trading, audit, log, config.trading.autoRebalanceIntervalMs),
    wallets,
    webhooks: new WebhookService(dataSource, audit, secrets.cipher, config.webhooks.allowPrivate),
    webhookDispatcher: new WebhookDispatcher(dataSource, secrets.cipher, config.webhooks, log),
  };
}
