import { Instruments1732420000000 } from "./1732420000000-instruments";
import { Users1732420000001 } from "./1732420000001-users";
import { Identity1732420000002 } from "./1732420000002-identity";
import { AuditLog1732420000003 } from "./1732420000003-audit-log";
import { Portfolios1732420000004 } from "./1732420000004-portfolios";
import { MarketData1732420000005 } from "./1732420000005-market-data";
import { AuthTime1732420000006 } from "./1732420000006-auth-time";
import { Trading1732420000007 } from "./1732420000007-trading";
import { Compliance1732420000008 } from "./1732420000008-compliance";
import { Chain1732420000009 } from "./1732420000009-chain";
import { PasswordResets1732420000020 } from "./1732420000020-password-resets";
import { AuditCheckpoints1732420000021 } from "./1732420000021-audit-checkpoints";
import { ComplianceCases1732420000030 } from "./1732420000030-compliance-cases";
import { ImportedBars1732420000040 } from "./1732420000040-imported-bars";
import { OrderOptions1732420000050 } from "./1732420000050-order-options";
import { TrailingStops1732420000051 } from "./1732420000051-trailing-stops";
import { GoodTillDate1732420000052 } from "./1732420000052-good-till-date";
import { OrderClasses1732420000060 } from "./1732420000060-order-classes";
import { OrderEvents1732420000070 } from "./1732420000070-order-events";
import { WebhooksAndKeyLimits1732420000080 } from "./1732420000080-webhooks-and-key-limits";
import { TransactionsByTime1732420000090 } from "./1732420000090-transactions-by-time";
import { SequencerFencing1732420000120 } from "./1732420000120-sequencer-fencing";
import { AuditChainHead1732420000130 } from "./1732420000130-audit-chain-head";

/** Every migration, oldest first. The same list runs on PostgreSQL and on embedded PGlite. */
export const migrations = [
  Instruments1732420000000,
  Users1732420000001,
  Identity1732420000002,
  AuditLog1732420000003,
  Portfolios1732420000004,
  MarketData1732420000005,
  AuthTime1732420000006,
  Trading1732420000007,
  Compliance1732420000008,
  Chain1732420000009,
  PasswordResets1732420000020,
  AuditCheckpoints1732420000021,
  ComplianceCases1732420000030,
  ImportedBars1732420000040,
  OrderOptions1732420000050,
  TrailingStops1732420000051,
  GoodTillDate1732420000052,
  OrderClasses1732420000060,
  OrderEvents1732420000070,
  WebhooksAndKeyLimits1732420000080,
  TransactionsByTime1732420000090,
  SequencerFencing1732420000120,
  AuditChainHead1732420000130,
];
