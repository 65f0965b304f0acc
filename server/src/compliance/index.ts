export { ComplianceService, type CashMovementGuard, type TradingCompliance } from "./compliance.service";
export { type TradedFill } from "./aml-monitor";
export { ComplianceResolver } from "./compliance.resolver";
export { KycVerificationRow, SuspiciousActivityRow, CtrFilingRow } from "./compliance.entities";
export { reencryptKycFields } from "./reencrypt";
