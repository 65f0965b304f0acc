import type { DataSource, EntityManager } from "typeorm";
import { GENESIS_HASH, chainHash } from "./audit-chain";
import type { BulkColumn } from "../infra/database/bulk";
import { AuditLogRow } from "./audit.entity";

/** An event to record. Payloads hold ids and outcomes, never secrets or personal data. */
export interface AuditEventInput {
  eventType: string;
  userId?: string | null;
  entityType?: string | null;
  entityId?: string | null;
  payload?: Record<string, unknown>;
}

export interface AuditPage {
  rows: AuditLogRow[];
  hasNextPage: boolean;
  /** Counts the events matching the filter, on every page. */
  count: () => Promise<number>;
}

export interface ChainVerification {
  valid: boolean;
  checkedEvents: number;
  firstInvalidSeq: string | null;
}

/**
 * One lock key for every appender in every process: appends take it for the rest of their
 * transaction, so the chain never forks and seq never skips.
 */
/** The audit_logs columns, for writing linked rows in a bulk statement. */
export const AUDIT_COLUMNS: Array<BulkColumn<AuditLogRow>> = [
  ["seq", "bigint", (r) => r.seq],
  ["timestamp", "timestamptz", (r) => r.timestamp],
  ["event_type", "varchar", (r) => r.eventType],
  ["user_id", "uuid", (r) => r.userId],
  ["entity_type", "varchar", (r) => r.entityType],
  ["entity_id", "varchar", (r) => r.entityId],
  ["payload", "jsonb", (r) => JSON.stringify(r.payload)],
  ["prev_hash", "char(64)", (r) => r.prevHash],
  ["hash", "char(64)", (r) => r.hash],
];

const APPEND_LOCK = 0x6267_6175; // "bgau"
const VERIFY_BATCH = 1_000;

/** Who and when: the actor's user id, and the half-open time range [from, to). */
export interface AuditFilter {
  userId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends inside the caller's transaction, so the record commits or rolls back with the change
   * it records. Pass the transaction's manager.
   */
  async append(manager: EntityManager, input: AuditEventInput): Promise<AuditLogRow> {
    const [row] = await this.appendMany(manager, [input]);
    return row;
  }

  /**
   * Appends several events in order with one lock, one read of the chain's head and one insert:
   * what a group of orders committed together records.
   */
  async appendMany(manager: EntityManager, inputs: AuditEventInput[]): Promise<AuditLogRow[]> {
    const rows = await this.link(manager, inputs);
    if (rows.length > 0) await manager.insert(AuditLogRow, rows);
    return rows;
  }

  /**
   * Takes the chain's lock for the rest of the caller's transaction and links `inputs` to its
   * head; the caller inserts the rows (columns in AUDIT_COLUMNS) before it commits. The
   * sequencer writes them in its batch's one journal statement this way.
   */
  async link(manager: EntityManager, inputs: AuditEventInput[]): Promise<AuditLogRow[]> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error("audit append needs the caller's transaction");
    if (inputs.length === 0) return [];
    // The lock and the head in one round trip (migration 1732420000130: a snapshot after the lock).
    const [last] = await manager.query("SELECT seq, hash FROM audit_chain_head($1)", [APPEND_LOCK]);
    let seq = last ? BigInt(last.seq) : 0n;
    let prevHash = last ? String(last.hash) : GENESIS_HASH;
    // Millisecond precision: what a Date and timestamptz both keep exactly.
    const timestamp = new Date();
    const rows = inputs.map((input) => {
      const event = {
        seq: String(++seq),
        timestamp,
        eventType: input.eventType,
        userId: input.userId ?? null,
        entityType: input.entityType ?? null,
        entityId: input.entityId ?? null,
        payload: input.payload ?? {},
      };
      const row = manager.create(AuditLogRow, { ...event, prevHash, hash: chainHash(prevHash, event) });
      prevHash = row.hash;
      return row;
    });
    return rows;
  }

  /** Appends in a transaction of its own, for events that accompany no other change. */
  record(input: AuditEventInput): Promise<AuditLogRow> {
    return this.dataSource.transaction((manager) => this.append(manager, input));
  }

  /** Newest first; `after` is the seq of the last row of the previous page. */
  async page(first: number, after: string | null, eventType: string | null, filter: AuditFilter = {}): Promise<AuditPage> {
    const query = this.dataSource.getRepository(AuditLogRow).createQueryBuilder("a");
    if (eventType) query.andWhere("a.event_type = :eventType", { eventType });
    if (filter.userId) query.andWhere("a.user_id = :userId", { userId: filter.userId });
    if (filter.from) query.andWhere("a.timestamp >= :from", { from: filter.from });
    if (filter.to) query.andWhere("a.timestamp < :to", { to: filter.to });
    const counting = query.clone();
    if (after) query.andWhere("a.seq < :after", { after });
    const rows = await query.orderBy("a.seq", "DESC").take(first + 1).getMany();
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first, count: () => counting.getCount() };
  }

  /** Walks the whole chain in seq order and names the first row whose link or hash is wrong. */
  async verify(): Promise<ChainVerification> {
    const repository = this.dataSource.getRepository(AuditLogRow);
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1n;
    let checked = 0;
    for (;;) {
      const rows = await repository
        .createQueryBuilder("a")
        .where("a.seq >= :from", { from: String(expectedSeq) })
        .orderBy("a.seq", "ASC")
        .take(VERIFY_BATCH)
        .getMany();
      for (const row of rows) {
        const broken = BigInt(row.seq) !== expectedSeq || row.prevHash !== prevHash || row.hash !== chainHash(prevHash, row);
        if (broken) return { valid: false, checkedEvents: checked, firstInvalidSeq: String(expectedSeq) };
        prevHash = row.hash;
        expectedSeq++;
        checked++;
      }
      if (rows.length < VERIFY_BATCH) return { valid: true, checkedEvents: checked, firstInvalidSeq: null };
    }
  }
}
