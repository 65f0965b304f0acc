import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A partner's webhook: where to POST which events, and the signing secret (encrypted at rest). */
@Entity({ name: "webhooks" })
export class WebhookRow {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ type: "varchar", length: 2048 })
  url!: string;

  @Column({ type: "text", array: true })
  events!: string[];

  /** FieldCipher ciphertext bound to `webhooks.secret:<id>`: signing needs the secret itself, so it cannot be a hash. */
  @Column({ name: "secret_encrypted", type: "text" })
  secretEncrypted!: string;

  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "last_delivery_at", type: "timestamptz", nullable: true })
  lastDeliveryAt!: Date | null;

  @Column({ name: "last_status", type: "integer", nullable: true })
  lastStatus!: number | null;
}
