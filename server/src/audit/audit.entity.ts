import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "audit_logs" })
export class AuditLogRow {
  /** Contiguous from 1: assigned under a lock, so a gap is itself evidence of tampering. */
  @PrimaryColumn({ type: "bigint" })
  seq!: string;

  @Column({ type: "timestamptz" })
  timestamp!: Date;

  @Column({ name: "event_type", type: "varchar", length: 64 })
  eventType!: string;

  @Column({ name: "user_id", type: "uuid", nullable: true })
  userId!: string | null;

  @Column({ name: "entity_type", type: "varchar", length: 64, nullable: true })
  entityType!: string | null;

  @Column({ name: "entity_id", type: "varchar", length: 128, nullable: true })
  entityId!: string | null;

  @Column({ type: "jsonb" })
  // `any`, not `unknown`: TypeORM's insert typing cannot express an open JSON object otherwise.
  payload!: Record<string, any>;

  @Column({ name: "prev_hash", type: "char", length: 64 })
  prevHash!: string;

  @Column({ type: "char", length: 64 })
  hash!: string;
}
