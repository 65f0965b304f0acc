import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import type { Logger } from "../infra/logger";
import type { AuditService, ChainVerification } from "./audit.service";

export interface Checkpoint {
  seq: string;
  headHash: string;
  signedAt: Date;
  signature: string;
  publicKey: string;
  anchor: string | null;
}

export interface AnchorOptions {
  /** PEM (PKCS#8) Ed25519 private key, outside the database. */
  keyFile: string;
  /** The key as PEM text instead of a file. */
  keyPem?: string;
  /** Generate the key when the file is missing (development); production must provide it. */
  generateKey: boolean;
  /** Every checkpoint is also appended here, one JSON object a line. */
  checkpointFile: string;
  intervalMs: number;
}

/** A checkpoint as the chain recorded it (the AuditAnchor contract's event). */
export interface AnchoredCheckpoint {
  seq: string;
  headHash: string;
  txHash: string;
}

/**
 * Somewhere outside the database that keeps checkpoints: the AuditAnchor contract (built by the
 * chain feature when CHAIN_RPC_URL and AUDIT_ANCHOR_PRIVATE_KEY are set).
 */
export interface CheckpointLedger {
  /** Records one checkpoint; resolves with the transaction hash once it is mined. */
  anchor(seq: string, headHash: string): Promise<string>;
  /** Every checkpoint the ledger holds, oldest first. */
  anchored(): Promise<AnchoredCheckpoint[]>;
}

/** What is signed: the seq and the head hash at that seq, nothing else. */
const message = (seq: string, headHash: string) => Buffer.from(`blockguardian-audit-checkpoint:${seq}:${headHash}`, "utf8");

/**
 * The hash chain catches an edited row, but not someone with database access who rewrites rows
 * and recomputes every later hash, or who drops the newest rows. Checkpoints close that: every
 * interval (when events were added) the head (seq, hash) is signed with an Ed25519 key kept
 * outside the database, stored, and appended to a file an operator keeps elsewhere. Rewriting
 * history now needs the signing key, and truncating it leaves a signed seq with no row.
 */
export class AuditAnchor {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly options: AnchorOptions,
    private readonly log: Logger,
    private readonly ledger: CheckpointLedger | null = null,
  ) {
    this.privateKey = options.keyPem ? createPrivateKey(options.keyPem) : loadOrCreateKey(options.keyFile, options.generateKey, log);
    this.publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = this.publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  start(): void {
    this.timer = setInterval(() => {
      // An anchor transaction can outlast the interval; the next tick waits its turn.
      if (this.running) return;
      this.running = this.checkpoint()
        .catch((error: unknown) => this.log.error({ err: error }, "audit checkpoint failed"))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Signs the current head when it moved since the last checkpoint; returns the new checkpoint, or null. */
  async checkpoint(): Promise<Checkpoint | null> {
    const [head] = await this.dataSource.query(`SELECT a.seq::text AS seq, a.hash FROM audit_logs a ORDER BY a.seq DESC LIMIT 1`);
    if (!head) return null;
    const [last] = await this.dataSource.query(`SELECT max(seq)::text AS seq FROM audit_checkpoints`);
    if (last?.seq && BigInt(last.seq) >= BigInt(head.seq)) return null;
    const checkpoint: Checkpoint = {
      seq: head.seq,
      headHash: head.hash,
      signedAt: new Date(),
      signature: sign(null, message(head.seq, head.hash), this.privateKey).toString("base64"),
      publicKey: this.publicKeyPem,
      // Anchored before the row is written: rows are append-only, so the anchor cannot be added later.
      anchor: await this.anchorOnChain(head.seq, head.hash),
    };
    // Two processes may sign the same head: the first row stands, the second changes nothing.
    const inserted = await this.dataSource.query(
      `INSERT INTO audit_checkpoints (seq, head_hash, signed_at, signature, public_key, anchor) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (seq) DO NOTHING RETURNING seq`,
      [checkpoint.seq, checkpoint.headHash, checkpoint.signedAt, checkpoint.signature, checkpoint.publicKey, checkpoint.anchor],
    );
    if (inserted.length === 0) return null;
    fs.mkdirSync(path.dirname(this.options.checkpointFile), { recursive: true });
    fs.appendFileSync(this.options.checkpointFile, `${JSON.stringify({ seq: checkpoint.seq, headHash: checkpoint.headHash, signedAt: checkpoint.signedAt.toISOString(), signature: checkpoint.signature })}\n`, { mode: 0o600 });
    return checkpoint;
  }

  /**
   * The anchor transaction's hash, or null when there is no ledger or it refused: the signed
   * checkpoint is kept either way. A refusal is usually another process (or this one before a
   * crash) having anchored this seq already; its event is then checked against this row.
   */
  private async anchorOnChain(seq: string, headHash: string): Promise<string | null> {
    if (!this.ledger) return null;
    try {
      return await this.ledger.anchor(seq, headHash);
    } catch (error) {
      this.log.warn({ err: error, seq }, "audit checkpoint signed but not anchored on chain");
      return null;
    }
  }

  /** Newest first. */
  async list(first: number): Promise<Checkpoint[]> {
    const rows = await this.dataSource.query(
      `SELECT c.seq::text AS seq, c.head_hash, c.signed_at, c.signature, c.public_key, c.anchor FROM audit_checkpoints c ORDER BY c.seq DESC LIMIT $1`,
      [first],
    );
    return rows.map((row: Record<string, string | Date | null>) => ({
      seq: row.seq as string,
      headHash: row.head_hash as string,
      signedAt: row.signed_at as Date,
      signature: row.signature as string,
      publicKey: row.public_key as string,
      anchor: row.anchor as string | null,
    }));
  }

  /**
   * The chain walk, then every checkpoint: its signature under our public key (not the one in
   * the row, which whoever rewrote the table could have replaced), the chain's hash at its seq,
   * and the checkpoint file against the table. The first seq that fails is reported.
   */
  async verify(): Promise<ChainVerification> {
    const chain = await this.audit.verify();
    const stored = (await this.list(Number.MAX_SAFE_INTEGER)).reverse();
    const broken = (seq: string): ChainVerification => {
      const first = chain.firstInvalidSeq && BigInt(chain.firstInvalidSeq) < BigInt(seq) ? chain.firstInvalidSeq : seq;
      return { valid: false, checkedEvents: chain.checkedEvents, firstInvalidSeq: first };
    };
    const ours = stored.filter((checkpoint) => checkpoint.publicKey.trim() === this.publicKeyPem.trim());
    if (ours.length < stored.length) {
      // Signed by another key: a process configured with a different key, or rows someone forged.
      // Neither proves anything about the chain; a genuine checkpoint replaced by one is still
      // caught below, because the file keeps the genuine signature.
      this.log.warn({ checkpoints: stored.length - ours.length }, "audit checkpoints signed with another key were not used; every process must share AUDIT_SIGNING_KEY_FILE");
    }
    for (const checkpoint of ours) {
      if (!verify(null, message(checkpoint.seq, checkpoint.headHash), this.publicKey, Buffer.from(checkpoint.signature, "base64"))) return broken(checkpoint.seq);
      const [row] = await this.dataSource.query(`SELECT hash FROM audit_logs WHERE seq = $1`, [checkpoint.seq]);
      // No row: the newest events were dropped. Another hash: history before it was rewritten.
      if (!row || row.hash !== checkpoint.headHash) return broken(checkpoint.seq);
    }
    const bySeq = new Map(stored.map((checkpoint) => [checkpoint.seq, checkpoint]));
    for (const line of readLines(this.options.checkpointFile)) {
      const filed = JSON.parse(line) as { seq: string; headHash: string; signature: string };
      const kept = bySeq.get(filed.seq);
      // A checkpoint in the file but not in the table (or not the same) was removed or replaced.
      if (!kept || kept.headHash !== filed.headHash || kept.signature !== filed.signature) return broken(filed.seq);
    }
    const disagreeing = this.ledger ? await this.firstDisagreementWithLedger(this.ledger, bySeq) : null;
    return disagreeing ? broken(disagreeing) : chain;
  }

  /**
   * Every checkpoint on the ledger must be in the table with the same head hash (and, when the
   * row names its transaction, that transaction), and the audit log must still have that hash
   * at its seq. This catches what the file check cannot when the file was rewritten too.
   */
  private async firstDisagreementWithLedger(ledger: CheckpointLedger, bySeq: Map<string, Checkpoint>): Promise<string | null> {
    const anchored = await ledger.anchored();
    for (const event of anchored) {
      const kept = bySeq.get(event.seq);
      if (!kept || kept.headHash !== event.headHash || (kept.anchor !== null && kept.anchor !== event.txHash)) return event.seq;
      const [row] = await this.dataSource.query(`SELECT hash FROM audit_logs WHERE seq = $1`, [event.seq]);
      if (!row || row.hash !== event.headHash) return event.seq;
    }
    const onLedger = new Set(anchored.map((event) => event.txHash));
    const elsewhere = [...bySeq.values()].filter((checkpoint) => checkpoint.anchor !== null && !onLedger.has(checkpoint.anchor)).length;
    // Anchored in another deployment of the contract (a new chain or anchoring key): not evidence either way.
    if (elsewhere > 0) this.log.warn({ checkpoints: elsewhere }, "audit checkpoints anchored outside the configured AuditAnchor contract were not compared");
    return null;
  }
}

function readLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter((line) => line.trim() !== "");
}

function loadOrCreateKey(file: string, generate: boolean, log: Logger): KeyObject {
  if (fs.existsSync(file)) return createPrivateKey(fs.readFileSync(file));
  if (!generate) throw new Error(`AUDIT_SIGNING_KEY_FILE ${file} does not exist; production needs an Ed25519 key kept outside the database`);
  const { privateKey } = generateKeyPairSync("ed25519");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return createPrivateKey(fs.readFileSync(file));
    throw error;
  }
  log.warn({ file }, "generated an audit signing key; keep it (and a copy of its public key) outside the database");
  return privateKey;
}
