import { AuditLogRow } from "../audit";
import { CaseAlertRow, CaseNoteRow, CtrFilingRow, KycVerificationRow, SuspiciousActivityRow } from "../compliance";
import { ApiKeyRow, MfaChallenge, PasswordResetToken, RefreshToken, User } from "../identity";
import { Instrument } from "../market";
import { PortfolioRow, PositionRow, TransactionRow, ValuationSnapshotRow } from "../portfolio";
import { FillRow, OrderRow, TradeRow } from "../trading";
import { WebhookRow } from "../webhooks";

/** Every TypeORM entity of every feature: the server and the operator commands open the database with these. */
export const ENTITIES = [Instrument, User, RefreshToken, MfaChallenge, ApiKeyRow, PasswordResetToken, AuditLogRow, PortfolioRow, PositionRow, TransactionRow, ValuationSnapshotRow, OrderRow, FillRow, TradeRow, KycVerificationRow, SuspiciousActivityRow, CaseAlertRow, CaseNoteRow, CtrFilingRow, WebhookRow];
