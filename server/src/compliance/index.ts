export { ComplianceService, type CashMovementGuard, type TradingCompliance, type WalletScreening } from "./compliance.service";
export { type LinkedWalletSource } from "./screening.service";
export { type TradedFill } from "./aml-monitor";
export { ComplianceResolver } from "./compliance.resolver";
export { AuditActorResolver, CaseResolver, CaseNoteResolver, CtrSubjectResolver, KycSubjectResolver } from "./case.resolver";
export { createComplianceLoaders, type ComplianceLoaders } from "./compliance.loaders";
export { KycVerificationRow, SuspiciousActivityRow, CaseAlertRow, CaseNoteRow, CtrFilingRow } from "./compliance.entities";
export { reencryptKycFields } from "./reencrypt";
