export { AuditLogRow } from "./audit.entity";
export { AuditService, type AuditEventInput } from "./audit.service";
export { AuditResolver } from "./audit.resolver";
export { AuditAnchor, type Checkpoint } from "./audit-anchor";
