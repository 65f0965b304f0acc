export { AuditLogRow } from "./audit.entity";
export { AuditService, AUDIT_COLUMNS, type AuditEventInput } from "./audit.service";
export { AuditEventConnectionResolver, AuditResolver } from "./audit.resolver";
export { AuditEvent } from "./audit.types";
export { type AnchoredCheckpoint, AuditAnchor, type Checkpoint, type CheckpointLedger } from "./audit-anchor";
